package io.leanchan;

import io.leanchan.FeatureSupport.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.vm.VM;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.leanchan.FeatureSupport.requireHooks;
import static io.leanchan.FeatureSupport.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@link Channel#asBlockingQueue()} contract suite, after the JSR-166 TCK's {@code BlockingQueueTest} (and its
 * {@code ArrayBlockingQueueTest}/{@code LinkedBlockingQueueTest} cases for offer/poll/peek/drainTo, interrupts and
 * timeouts) and JCTools' {@code QueueSanityTest} (FIFO, size bounds, peek after isEmpty, happens-before through peek
 * and poll), at capacities 1, 2, 16, 1024 and unbounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingQueueViewTest {
    static final long SHORT_MS = 20;

    static int room(BlockingQueue<?> q, int wanted) {
        return (int) Math.min(q.remainingCapacity(), wanted);
    }

    static BlockingQueue<Integer> filled(Channel<Integer> ch, int n) {
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        for (int i = 0; i < n; i++) {
            assertThat(q.offer(i)).isTrue();
        }
        return q;
    }

    // ------------------------------------------------------------------------------------------- basics

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void aNewQueueIsEmptyWithItsWholeCapacityRemaining(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.size()).isZero();
        assertThat(q.poll()).isNull();
        assertThat(q.remainingCapacity()).isEqualTo(ch.capacity());
        assertThatThrownBy(q::remove).isInstanceOf(NoSuchElementException.class);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void offerThenPollIsFifoWithExactSizeAndRemainingCapacity(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        int n = room(q, 300);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < n; i++) {
                assertThat(q.size()).isEqualTo(i);
                assertThat(q.offer(i)).isTrue();
                if (ch.capacity() != Integer.MAX_VALUE) {
                    assertThat(q.remainingCapacity()).isEqualTo(ch.capacity() - i - 1);
                }
            }
            assertThat(q.isEmpty()).isFalse();
            for (int i = 0; i < n; i++) {
                assertThat(q.poll()).isEqualTo(i);
                assertThat(q.size()).isEqualTo(n - i - 1);
            }
            assertThat(q.poll()).isNull();
            assertThat(q.isEmpty()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#boundedChannels")
    void aFullQueueRefusesOfferAndAddUntilThereIsRoom(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = filled(ch, ch.capacity());
        assertThat(q.remainingCapacity()).isZero();
        assertThat(q.offer(-1)).isFalse();
        assertThatThrownBy(() -> q.add(-1)).isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(ChannelClosedException.class);
        assertThat(q.size()).isEqualTo(ch.capacity());
        assertThat(q.poll()).isZero();
        assertThat(q.add(-2)).isTrue();
        assertThat(q.offer(-3)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void nullElementsAndBadArgumentsAreRejected(Supplier<Channel<Integer>> make) throws Exception {
        BlockingQueue<Integer> q = make.get().asBlockingQueue();
        assertThatThrownBy(() -> q.offer(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.add(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(null, 1, TimeUnit.SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.offer(1, 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.poll(1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.addAll(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.addAll(q)).isInstanceOf(IllegalArgumentException.class);
        assertThat(q.isEmpty()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void addAllAddsInOrder(Supplier<Channel<Integer>> make) {
        BlockingQueue<Integer> q = make.get().asBlockingQueue();
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < room(q, 10); i++) {
            all.add(i);
        }
        assertThat(q.addAll(all)).isTrue();
        List<Integer> out = new ArrayList<>();
        q.drainTo(out);
        assertThat(out).isEqualTo(all);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void peekAndElementShowTheHeadWithoutRemovingIt(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        assertThat(q.peek()).isNull();
        assertThatThrownBy(q::element).isInstanceOf(NoSuchElementException.class);
        int n = room(q, 5);
        for (int i = 0; i < n; i++) {
            q.add(i);
        }
        for (int i = 0; i < n; i++) {
            assertThat(q.peek()).isEqualTo(i);
            assertThat(q.peek()).isEqualTo(i);
            assertThat(q.element()).isEqualTo(i);
            assertThat(q.size()).isEqualTo(n - i);
            assertThat(q.remove()).isEqualTo(i);
        }
        assertThat(q.peek()).isNull();
        assertThatThrownBy(q::element).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(q::remove).isInstanceOf(NoSuchElementException.class);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void clearRemovesEverything(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = filled(ch, Math.min(ch.capacity(), 50));
        q.clear();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
        assertThat(q.remainingCapacity()).isEqualTo(ch.capacity());
    }

    // ------------------------------------------------------------------------------------------- waiting

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void timedPollOnAnEmptyQueueReturnsNullAfterTheTimeout(Supplier<Channel<Integer>> make) throws Exception {
        BlockingQueue<Integer> q = make.get().asBlockingQueue();
        long t0 = System.nanoTime();
        assertThat(q.poll(SHORT_MS, TimeUnit.MILLISECONDS)).isNull();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(SHORT_MS));
        assertThat(q.poll(0, TimeUnit.SECONDS)).isNull();
        assertThat(q.poll(-1, TimeUnit.SECONDS)).isNull();
        q.offer(7);
        assertThat(q.poll(0, TimeUnit.SECONDS)).isEqualTo(7);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#boundedChannels")
    void timedOfferOnAFullQueueReturnsFalseAfterTheTimeout(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = filled(ch, ch.capacity());
        long t0 = System.nanoTime();
        assertThat(q.offer(-1, SHORT_MS, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(SHORT_MS));
        assertThat(q.offer(-1, 0, TimeUnit.SECONDS)).isFalse();
        assertThat(q.size()).isEqualTo(ch.capacity());
        assertThat(q.poll()).isZero();
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void takeWaitsForAPut(Supplier<Channel<Integer>> make) throws Exception {
        BlockingQueue<Integer> q = make.get().asBlockingQueue();
        AtomicReference<Integer> got = new AtomicReference<>();
        Worker w = Worker.start("taker", () -> got.set(q.take()));
        awaitWaiting(w);
        q.put(42);
        w.finish();
        assertThat(got.get()).isEqualTo(42);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void timedPollWaitsForAnOffer(Supplier<Channel<Integer>> make) throws Exception {
        BlockingQueue<Integer> q = make.get().asBlockingQueue();
        AtomicReference<Integer> got = new AtomicReference<>();
        Worker w = Worker.start("poller", () -> got.set(q.poll(20, TimeUnit.SECONDS)));
        awaitWaiting(w);
        assertThat(q.offer(43)).isTrue();
        w.finish();
        assertThat(got.get()).isEqualTo(43);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#boundedChannels")
    void putWaitsWhileFullUntilATake(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = filled(ch, ch.capacity());
        Worker w = Worker.start("putter", () -> q.put(-1));
        awaitWaiting(w);
        assertThat(q.size()).isEqualTo(ch.capacity());
        assertThat(q.take()).isZero();
        w.finish();
        assertThat(q.size()).isEqualTo(ch.capacity());
        for (int i = 1; i < ch.capacity(); i++) {
            assertThat(q.take()).isEqualTo(i);
        }
        assertThat(q.take()).isEqualTo(-1);
    }

    // ------------------------------------------------------------------------------------------- interrupts

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void takeAndTimedPollAreInterruptibleAndConsumeNothing(Supplier<Channel<Integer>> make) throws Exception {
        BlockingQueue<Integer> q = make.get().asBlockingQueue();
        // interrupted before the call (TCK: testTakeFromEmptyBlocksInterruptibly / testInterruptedTimedPoll)
        Thread.currentThread().interrupt();
        assertThatThrownBy(q::take).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.poll(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        // interrupted while waiting
        for (boolean timed : new boolean[] {false, true}) {
            Worker w = Worker.start("waiter", () -> {
                if (timed) {
                    q.poll(20, TimeUnit.SECONDS);
                } else {
                    q.take();
                }
            });
            awaitWaiting(w);
            w.interrupt();
            w.join(10_000);
            assertThat(w.failure).isInstanceOf(InterruptedException.class);
        }
        // nothing was consumed: the next element is still there for the next receive
        q.offer(5);
        assertThat(q.take()).isEqualTo(5);
        // an element that is there is taken even by an interrupted thread (as by the TCK's ArrayBlockingQueue)
        q.offer(6);
        Thread.currentThread().interrupt();
        try {
            assertThat(q.poll(1, TimeUnit.SECONDS)).isEqualTo(6);
        } finally {
            Thread.interrupted();
        }
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#boundedChannels")
    void putAndTimedOfferAreInterruptibleAndDeliverNothing(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = filled(ch, ch.capacity());
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.put(-1)).isInstanceOf(InterruptedException.class);
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> q.offer(-1, 10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        for (boolean timed : new boolean[] {false, true}) {
            Worker w = Worker.start("putter", () -> {
                if (timed) {
                    q.offer(-2, 20, TimeUnit.SECONDS);
                } else {
                    q.put(-2);
                }
            });
            awaitWaiting(w);
            w.interrupt();
            w.join(10_000);
            assertThat(w.failure).isInstanceOf(InterruptedException.class);
        }
        assertThat(q.size()).isEqualTo(ch.capacity());
        List<Integer> out = new ArrayList<>();
        q.drainTo(out);
        assertThat(out).doesNotContain(-1, -2).hasSize(ch.capacity());
    }

    // ------------------------------------------------------------------------------------------- drainTo

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void drainToRejectsNullAndItselfAndRespectsLimits(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        int n = Math.min(ch.capacity(), 10);
        BlockingQueue<Integer> q = filled(ch, n);
        assertThatThrownBy(() -> q.drainTo(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.drainTo(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> q.drainTo(q)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.drainTo(q, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.drainTo(ch.asBlockingQueue())).isInstanceOf(IllegalArgumentException.class);
        List<Integer> out = new ArrayList<>();
        assertThat(q.drainTo(out, 0)).isZero();
        assertThat(q.drainTo(out, -1)).isZero();
        assertThat(q.drainTo(out, Integer.MIN_VALUE)).isZero();
        assertThat(out).isEmpty();
        assertThat(q.size()).isEqualTo(n);
        int first = Math.min(2, n);
        assertThat(q.drainTo(out, 2)).isEqualTo(first);
        assertThat(q.size()).isEqualTo(n - first);
        assertThat(q.drainTo(out)).isEqualTo(n - first);
        assertThat(q.drainTo(out)).isZero();
        assertThat(q.drainTo(out, 5)).isZero();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(i);
        }
        assertThat(out).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void drainToAThrowingCollectionLosesNothing(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        int n = Math.min(ch.capacity(), 5);
        BlockingQueue<Integer> q = filled(ch, n);
        List<Integer> accepted = new ArrayList<>();
        Collection<Integer> sink = new ArrayList<>() {
            @Override
            public boolean add(Integer e) {
                if (accepted.size() == 1) {
                    throw new IllegalStateException("sink full");
                }
                accepted.add(e);
                return true;
            }
        };
        if (n == 1) {
            assertThat(q.drainTo(sink)).isEqualTo(1);
            assertThat(accepted).containsExactly(0);
            return;
        }
        assertThatThrownBy(() -> q.drainTo(sink)).hasMessage("sink full");
        assertThat(accepted).containsExactly(0);
        assertThat(q.size()).isEqualTo(n - 1);
        assertThat(q.poll()).isEqualTo(1); // the element the sink refused is still the head
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void drainToWithConcurrentProducersMovesEachElementOnce(Supplier<Channel<Integer>> make) throws Exception {
        BlockingQueue<Integer> q = make.get().asBlockingQueue();
        int total = 10_000;
        Worker p = Worker.start("producer", () -> {
            for (int i = 0; i < total; i++) {
                q.put(i);
            }
        });
        List<Integer> out = new ArrayList<>(total);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (out.size() < total && System.nanoTime() < deadline) {
            if (q.drainTo(out, 1 + out.size() % 7) == 0) {
                Integer e = q.poll(1, TimeUnit.MILLISECONDS);
                if (e != null) {
                    out.add(e);
                }
            }
        }
        p.finish();
        assertThat(out).hasSize(total);
        for (int i = 0; i < total; i++) {
            assertThat(out.get(i)).isEqualTo(i);
        }
    }

    // ------------------------------------------------------------------------------------------- unsupported

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void traversalAndSearchAreUnsupportedAndSaySo(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = filled(ch, 1);
        List<Runnable> calls = List.of(
                q::iterator, () -> q.contains(0), () -> q.containsAll(List.of(0)), () -> q.remove((Object) 0),
                () -> q.removeAll(List.of(0)), () -> q.retainAll(List.of(0)), () -> q.removeIf(x -> true),
                q::toArray, () -> q.toArray(new Integer[0]), () -> q.toArray(Integer[]::new),
                () -> q.forEach(x -> { }), q::spliterator, q::stream, q::parallelStream);
        for (Runnable call : calls) {
            assertThatThrownBy(call::run).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("not supported");
        }
        assertThat(q.size()).isEqualTo(1); // nothing was touched
        assertThat(q.toString()).contains("BlockingQueue view").contains("size=1");
    }

    // ------------------------------------------------------------------------------------------- close

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void aClosedChannelRefusesProducersAndEndsConsumersAfterTheLastElement(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = filled(ch, 1);
        ch.close();
        assertThatThrownBy(() -> q.offer(1)).isInstanceOf(ChannelClosedException.class)
                .satisfies(e -> assertThat(((ChannelClosedException) e).undelivered()).isEqualTo(1));
        assertThatThrownBy(() -> q.add(2)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> q.put(3)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> q.offer(4, 1, TimeUnit.SECONDS)).isInstanceOf(ChannelClosedException.class);
        assertThat(q.poll()).isZero();
        assertThat(q.poll()).isNull();
        assertThatThrownBy(q::take).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> q.poll(1, TimeUnit.SECONDS)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(q::remove).isInstanceOf(NoSuchElementException.class);
        assertThat(q.isEmpty()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void aCloseWakesAWaitingTakeAndAWaitingPut(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        Worker taker = Worker.start("taker", q::take);
        awaitWaiting(taker);
        ch.close();
        taker.join(10_000);
        assertThat(taker.failure).isInstanceOf(ChannelClosedException.class);
        if (ch.capacity() != Integer.MAX_VALUE) {
            Channel<Integer> full = make.get();
            BlockingQueue<Integer> fq = filled(full, full.capacity());
            Worker putter = Worker.start("putter", () -> fq.put(-1));
            awaitWaiting(putter);
            full.receiver().close();
            putter.join(10_000);
            assertThat(putter.failure).isInstanceOf(ChannelClosedException.class);
            assertThat(((ChannelClosedException) putter.failure).undelivered()).isEqualTo(-1);
            assertThat(fq.size()).isEqualTo(full.capacity());
        }
    }

    /** The view as a drop-in: the work queue of a one-thread ThreadPoolExecutor (one worker: one consumer). */
    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void aSingleThreadExecutorRunsOnTheView(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Runnable> ch = make.get().capacity() == Integer.MAX_VALUE ? Channel.unbounded() : Channel.bounded(1024);
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(
                1, 1, 0, TimeUnit.MILLISECONDS, ch.asBlockingQueue());
        int submitters = 3;
        int each = 300;
        int[] last = new int[submitters];
        java.util.Arrays.fill(last, -1);
        AtomicBoolean outOfOrder = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        List<Worker> ws = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
            int id = s;
            ws.add(Worker.start("submitter-" + s, () -> {
                for (int i = 0; i < each; i++) {
                    int n = i;
                    pool.execute(() -> { // runs in the one worker: plain fields are fine
                        if (last[id] != n - 1) {
                            outOfOrder.set(true);
                        }
                        last[id] = n;
                        ran.incrementAndGet();
                    });
                }
            }));
        }
        for (Worker w : ws) {
            w.finish();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        assertThat(ran.get()).isEqualTo(submitters * each);
        assertThat(outOfOrder.get()).isFalse();
    }

    // ------------------------------------------------------------------------------------------- concurrency (JCTools)

    /** JCTools QueueSanityTest#testPeekAfterIsEmpty... : once isEmpty() is false, peek and poll find the element. */
    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void peekAndPollAfterIsEmptyFindTheElement(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        int rounds = 500;
        AtomicBoolean taken = new AtomicBoolean(true);
        Worker p = Worker.start("producer", () -> {
            for (int i = 0; i < rounds; i++) {
                while (!taken.get()) {
                    Thread.yield();
                }
                taken.set(false);
                q.put(i);
            }
        });
        for (int i = 0; i < rounds; i++) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (q.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("producer stalled at " + i);
                }
                Thread.yield();
            }
            assertThat(q.peek()).isEqualTo(i);
            assertThat(q.poll()).isEqualTo(i);
            taken.set(true);
        }
        p.finish();
    }

    static final class Data {
        int a;
        long b;
        Data(int i) {
            a = i; // plain writes before the send
            b = i * 31L;
        }
    }

    /** JCTools QueueSanityTest#testPollHappensBefore/#testPeekHappensBefore: plain writes before offer are seen. */
    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void peekAndPollHappenAfterTheOffer(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> probe = make.get();
        for (boolean peek : new boolean[] {true, false}) {
            peekOrPollHappensAfterTheOffer(probe, peek);
        }
    }

    private static void peekOrPollHappensAfterTheOffer(Channel<Integer> probe, boolean peek) throws Exception {
        Channel<Data> ch = probe.capacity() == Integer.MAX_VALUE ? Channel.unbounded() : Channel.bounded(probe.capacity());
        BlockingQueue<Data> q = ch.asBlockingQueue();
        int n = 5_000;
        Worker p = Worker.start("producer", () -> {
            for (int i = 0; i < n; i++) {
                Data d = new Data(i);
                while (!q.offer(d)) {
                    Thread.onSpinWait();
                }
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < n; ) {
            Data d = peek ? q.peek() : q.poll();
            if (d == null) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("producer stalled at " + i);
                }
                Thread.onSpinWait();
                continue;
            }
            assertThat(d.a).isEqualTo(i);
            assertThat(d.b).isEqualTo(i * 31L);
            if (peek) {
                assertThat(q.poll()).isSameAs(d);
            }
            i++;
        }
        p.finish();
    }

    /** JCTools QueueSanityTest#testSize: under a producer and a consumer, size() stays within [0, capacity]. */
    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void sizeStaysWithinBoundsUnderConcurrentUse(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        AtomicBoolean stop = new AtomicBoolean();
        Worker p = Worker.start("producer", () -> {
            for (int i = 0; !stop.get(); i++) {
                if (!q.offer(i)) {
                    Thread.yield();
                }
                if (ch.capacity() == Integer.MAX_VALUE && q.size() > 10_000) {
                    Thread.yield();
                }
            }
        });
        Worker c = Worker.start("consumer", () -> {
            while (!stop.get()) {
                if (q.poll() == null) {
                    Thread.onSpinWait();
                }
            }
        });
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (System.nanoTime() < end) {
            int size = q.size();
            assertThat(size).isBetween(0, ch.capacity());
            assertThat(q.remainingCapacity()).isBetween(0, ch.capacity());
        }
        stop.set(true);
        p.finish();
        c.finish();
    }

    /** FIFO per producer (JCTools testSpsc/testMpsc order checks) through put/take with three producers. */
    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void elementsOfEachProducerComeOutInTheirOrder(Supplier<Channel<Integer>> make) throws Exception {
        BlockingQueue<Integer> q = make.get().asBlockingQueue();
        int producers = 3;
        int each = 5_000;
        List<Worker> ws = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            ws.add(Worker.start("producer-" + p, () -> {
                for (int i = 0; i < each; i++) {
                    q.put(id * each + i);
                }
            }));
        }
        int[] next = new int[producers];
        for (int k = 0; k < producers * each; k++) {
            Integer e = q.poll(10, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no element " + k + " for 10 s; " + FeatureSupport.stallReport(q));
            }
            int id = e / each;
            assertThat(e % each).as("producer %d", id).isEqualTo(next[id]);
            next[id]++;
        }
        for (Worker w : ws) {
            w.finish();
        }
        assertThat(q.poll()).isNull();
    }

    // ------------------------------------------------------------------------------------------- identity and cost

    @Test
    void viewsOfOneChannelAreEqualAndViewsOfTwoAreNot() {
        Channel<Integer> a = Channel.bounded(4);
        Channel<Integer> b = Channel.bounded(4);
        assertThat(a.asBlockingQueue()).isEqualTo(a.asBlockingQueue()).hasSameHashCodeAs(a.asBlockingQueue());
        assertThat(a.asBlockingQueue()).isNotEqualTo(b.asBlockingQueue());
        a.asBlockingQueue().offer(1);
        assertThat(a.asBlockingQueue().poll()).isEqualTo(1);
    }

    @Test
    void theViewCostsTheChannelNothingAndIsSmall() {
        assumeTrue(VM.current().addressSize() == 8 && VM.current().objectHeaderSize() == 12,
                "needs 64-bit HotSpot with compressed oops");
        Channel<Integer> ch = Channel.bounded(1024);
        long before = Footprint.retained(ch, ch.receiver());
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        assertThat(Footprint.retained(ch, ch.receiver())).isEqualTo(before);
        assertThat(ClassLayout.parseInstance(q).instanceSize()).isLessThanOrEqualTo(24);
        assertThat(q.isEmpty()).isTrue();
    }
}
