package io.leanchan.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.leanchan.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.vm.VM;

/**
 * {@link LeanchanQueue}'s receive guard: a receive that finds another thread inside a receive does not race it (the
 * core channel would answer it with an IllegalStateException; before finding 7 was fixed it did not detect it at
 * all, docs/stress.md).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeanchanQueueGuardTest {
    /** How long each stress case runs; {@code -Dleanchan.reactor.guardStressMillis=60000} for a longer soak. */
    static final long STRESS_MILLIS = Long.getLong("leanchan.reactor.guardStressMillis", 1_000L);
    /** How long a stopped thread may take to finish before the test calls it hung. */
    static final long JOIN_MILLIS = 10_000L;

    /** Holds the guard on its own thread until released, standing for "another thread is inside a receive". */
    static final class Holder extends Thread {
        final LeanchanQueue<?> queue;
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean entered;

        Holder(LeanchanQueue<?> queue) {
            super("guard-holder");
            this.queue = queue;
            setDaemon(true);
        }

        @Override
        public void run() {
            entered = queue.enterReceive();
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (entered) {
                    queue.exitReceive();
                }
            }
        }
    }

    @Test
    void clearWhileAnotherThreadIsInsideAReceiveReturnsAtOnceWithoutTaking() throws Exception {
        LeanchanQueue<Integer> q = LeanchanQueue.unbounded();
        for (int i = 1; i <= 3; i++) {
            assertThat(q.offer(i)).isTrue();
        }
        Holder holder = new Holder(q);
        holder.start();
        assertThat(holder.holding.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(holder.entered).as("the holder took the free guard").isTrue();

        // every receive from this thread now finds the guard held: none waits, none takes anything
        assertTimeoutPreemptively(Duration.ofSeconds(5), q::clear, "clear() must not wait for the other receive");
        assertThat(q.size()).as("clear() discarded nothing").isEqualTo(3);
        assertThat(q.discardAll()).as("clear()'s body reports the guard held").isEqualTo(-1);
        assertThat(q.poll()).as("poll() while the guard is held").isNull();
        assertThat(q.peek()).as("peek() while the guard is held").isNull();
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.isEmpty()).as("isEmpty() is a snapshot, not a receive").isFalse();
        assertThat(q.offer(4)).as("offers are not guarded").isTrue();

        holder.release.countDown();
        holder.join(JOIN_MILLIS);
        assertThat(holder.isAlive()).isFalse();

        // the guard is free again, and the holder's release store happens-before these receives
        assertThat(q.peek()).isEqualTo(1);
        assertThat(q.poll()).isEqualTo(1);
        assertThat(q.discardAll()).isEqualTo(3);
        assertThat(q.size()).isZero();
        assertThat(q.poll()).isNull();
        assertThat(q.offer(5)).isTrue();
        assertThat(q.poll()).isEqualTo(5);
    }

    @Test
    void eachReceiveGivesTheGuardBack() {
        LeanchanQueue<Integer> q = LeanchanQueue.bounded(4);
        assertThat(q.poll()).isNull();
        assertThat(q.peek()).isNull();
        q.clear();
        q.offer(1);
        assertThat(q.peek()).isEqualTo(1);
        assertThat(q.poll()).isEqualTo(1);
        q.offer(2);
        q.clear();
        assertThat(q.enterReceive()).as("free after poll, peek and clear").isTrue();
        assertThat(q.enterReceive()).as("not reentrant").isFalse();
        q.exitReceive();
        assertThat(q.enterReceive()).isTrue();
        q.exitReceive();
    }

    /** The object's size, which the class comment states (JOL). */
    @Test
    void theGuardCostsFourBytesOfFieldAndEightOfObject() {
        assumeTrue(VM.current().addressSize() == 8 && VM.current().objectHeaderSize() == 12,
                "figures are for 64-bit HotSpot with compressed oops and 12-byte headers");
        long queue = ClassLayout.parseClass(LeanchanQueue.class).instanceSize();
        long view = ClassLayout.parseInstance(Channel.unbounded().asBlockingQueue()).instanceSize();
        System.out.println("[footprint] LeanchanQueue object: " + queue + " B; Channel.asBlockingQueue() view: " + view
                + " B");
        System.out.println(ClassLayout.parseClass(LeanchanQueue.class).toPrintable());
        assertThat(queue).isEqualTo(24);
        assertThat(queue).isEqualTo(view);
    }

    static Stream<Arguments> queues() {
        return Stream.of(
                Arguments.of("unbounded", (Supplier<LeanchanQueue<Integer>>) LeanchanQueue::unbounded),
                Arguments.of("bounded(64)", (Supplier<LeanchanQueue<Integer>>) () -> LeanchanQueue.bounded(64)));
    }

    /**
     * One thread polls (and sometimes peeks) in a loop while another clears repeatedly and two producers offer unique
     * elements: every element offered is polled, discarded or left over exactly once, and nothing hangs.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("queues")
    void pollRacingClearNeitherDuplicatesNorHangs(String name, Supplier<LeanchanQueue<Integer>> make) throws Exception {
        LeanchanQueue<Integer> q = make.get();
        int producers = 2;
        AtomicBoolean stopProducing = new AtomicBoolean();
        AtomicBoolean stopReceiving = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] offered = new long[producers];
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();

        for (int p = 0; p < producers; p++) {
            int id = p;
            threads.add(new Thread(() -> {
                await(start);
                long n = 0;
                for (int i = 0; !stopProducing.get() && i < Integer.MAX_VALUE / producers; i++) {
                    if (q.offer(i * producers + id)) { // unique across producers
                        n++;
                    } else {
                        i--; // full: offer the same element again
                        Thread.onSpinWait();
                    }
                }
                offered[id] = n;
            }, "producer-" + p));
        }

        BitSet polled = new BitSet(); // elements are small non-negative ints: a bit each
        long[] pollStats = new long[4]; // duplicates seen by the poller, empty polls, peeks, polled
        threads.add(new Thread(() -> {
            await(start);
            for (long round = 0; !stopReceiving.get(); round++) {
                if ((round & 15) == 0) {
                    q.peek(); // a receive too; what it sees may be cleared before the poll
                    pollStats[2]++;
                }
                Integer v = q.poll();
                if (v == null) {
                    pollStats[1]++;
                } else if (polled.get(v)) {
                    pollStats[0]++;
                } else {
                    polled.set(v);
                    pollStats[3]++;
                }
            }
        }, "poller"));

        long[] clearStats = new long[3]; // discarded, clears that found the guard held, clears
        threads.add(new Thread(() -> {
            await(start);
            while (!stopReceiving.get()) {
                long n = q.discardAll(); // clear()'s body, counting what it discards
                clearStats[2]++;
                if (n < 0) {
                    clearStats[1]++;
                } else {
                    clearStats[0] += n;
                }
            }
        }, "clearer"));

        for (Thread t : threads) {
            t.setDaemon(true); // a wedged channel spins forever: do not keep the JVM alive for it
            t.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, e));
            t.start();
        }
        start.countDown();
        Thread.sleep(STRESS_MILLIS);
        stopProducing.set(true);
        joinAll(threads.subList(0, producers));
        stopReceiving.set(true);
        joinAll(threads.subList(producers, threads.size()));
        assertThat(failure.get()).as("a thread failed").isNull();

        // what is left must still come out, and the queue must still work (a wedged channel spins in poll())
        long[] left = new long[2]; // remaining, remaining that were already polled
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (Integer v; (v = q.poll()) != null; ) {
                left[0]++;
                if (v >= 0 && polled.get(v)) {
                    left[1]++;
                }
            }
            assertThat(q.offer(-1)).isTrue();
            assertThat(q.poll()).isEqualTo(-1);
        }, "the queue is wedged");

        long total = Arrays.stream(offered).sum();
        System.out.printf("[guard-stress] %s: offered %,d, polled %,d (empty polls %,d, peeks %,d), discarded %,d by "
                        + "%,d clears (%,d found the guard held), left %,d%n", name, total, pollStats[3],
                pollStats[1], pollStats[2], clearStats[0], clearStats[2], clearStats[1], left[0]);
        assertThat(pollStats[0]).as("elements polled twice").isZero();
        assertThat(left[1]).as("elements left over that were already polled").isZero();
        assertThat(pollStats[3] + clearStats[0] + left[0])
                .as("polled + discarded + left over = offered (more: a duplicate; fewer: a loss)")
                .isEqualTo(total);
        assertThat(q.size()).isZero();
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static void joinAll(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        List<String> hung = threads.stream().filter(Thread::isAlive)
                .map(t -> t.getName() + " " + Arrays.stream(t.getStackTrace()).limit(8).map(String::valueOf)
                        .collect(Collectors.joining(" <- ")))
                .collect(Collectors.toList());
        assertThat(hung).as("threads still running %d ms after being stopped (hung)", JOIN_MILLIS).isEmpty();
    }
}
