package io.leanchan;

import io.leanchan.FeatureSupport.Worker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waits of issue 24 under oversubscription: while this class runs, two busy threads per core compete with the
 * test's threads (as on a loaded CI machine, where a blocking MPSC loop once wedged with four producers parked
 * beside an empty channel, and {@code sendAsync().get()} / {@code receiveAsync().get()} on {@code bounded(1)} hung
 * within three rounds on a quiet one). Every wait is bounded: a stall fails with the channel and the workers'
 * stacks instead of hanging. The core's tests run with the timed re-checks off (leanchan-core's pom), so every
 * wake-up here comes from the protocol, not from a timer. The long stress run repeats these for minutes
 * (leanchan-stress).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LivenessLoopsTest {
    /** Scales every loop: 1 in bin/test; bin/stress's liveness part runs it longer ({@code -Dliveness.rounds}). */
    private static final int ROUNDS = Integer.getInteger("liveness.rounds", 1);
    /** The busy threads: two per core. */
    private static final List<Thread> HOGS = new ArrayList<>();
    /** Tells the busy threads to stop. */
    private static final AtomicBoolean STOP = new AtomicBoolean();

    @BeforeAll
    static void startHogs() {
        int n = 2 * Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (!STOP.get()) {
                    x += System.nanoTime() & 7;
                }
                if (x == 42) {
                    System.out.print("");
                }
            }, "hog-" + i);
            t.setDaemon(true);
            t.start();
            HOGS.add(t);
        }
    }

    @AfterAll
    static void stopHogs() throws InterruptedException {
        STOP.set(true);
        for (Thread t : HOGS) {
            t.join();
        }
    }

    /**
     * Waits for a future with a stall report.
     *
     * @param f  the future
     * @param ch the channel, for the report
     * @param what what was awaited
     * @param <V> the value type
     * @return the value
     * @throws Exception if it failed or stalled for 10 s
     */
    private static <V> V await(CompletableFuture<V> f, Object ch, String what) throws Exception {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": nothing for 10 s; " + FeatureSupport.stallReport(ch));
        }
    }

    @ParameterizedTest(name = "bounded({0})")
    @ValueSource(ints = {1, 2, 16})
    void asyncSendGetAndAsyncReceiveGet(int capacity) throws Exception {
        for (int round = 0; round < 3 * ROUNDS; round++) {
            Channel<Integer> ch = Channel.bounded(capacity);
            int n = 20_000;
            Worker p = Worker.start("async-sender", () -> {
                for (int i = 0; i < n; i++) {
                    await(ch.sender().sendAsync(i), ch, "sendAsync " + i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertThat(await(ch.receiver().receiveAsync(), ch, "receiveAsync " + i)).isEqualTo(i);
            }
            p.finish();
        }
    }

    @ParameterizedTest(name = "bounded({0})")
    @ValueSource(ints = {1, 2, 16})
    void asyncSendGetAndBlockingReceive(int capacity) throws Exception {
        Channel<Integer> ch = Channel.bounded(capacity);
        int n = 30_000 * ROUNDS;
        Worker p = Worker.start("async-sender", () -> {
            for (int i = 0; i < n; i++) {
                await(ch.sender().sendAsync(i), ch, "sendAsync " + i);
            }
        });
        for (int i = 0; i < n; i++) {
            Integer e = ch.receiver().receive(10, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("receive " + i + ": nothing for 10 s; " + FeatureSupport.stallReport(ch));
            }
            assertThat(e).isEqualTo(i);
        }
        p.finish();
    }

    @ParameterizedTest(name = "bounded({0})")
    @ValueSource(ints = {1, 2, 16})
    void blockingProducersAndBlockingConsumer(int capacity) throws Exception {
        for (int producers : new int[] {1, 2, 4}) {
            Channel<Long> ch = Channel.bounded(capacity);
            int each = 10_000 * ROUNDS;
            AtomicLong produced = new AtomicLong();
            List<Worker> ws = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                long base = (long) p << 32;
                ws.add(Worker.start("producer-" + p, () -> {
                    long sum = 0;
                    for (int i = 0; i < each; i++) {
                        ch.sender().send(base + i);
                        sum += base + i;
                    }
                    produced.addAndGet(sum);
                }));
            }
            long consumed = 0;
            long[] next = new long[producers];
            for (int i = 0; i < producers * each; i++) {
                Long e = ch.receiver().receive(10, TimeUnit.SECONDS);
                if (e == null) {
                    throw new AssertionError(producers + " producers, element " + i + ": nothing for 10 s; "
                            + FeatureSupport.stallReport(ch));
                }
                int p = (int) (e >>> 32);
                assertThat(e & 0xFFFF_FFFFL).as("producer %d's order", p).isEqualTo(next[p]++);
                consumed += e;
            }
            for (Worker w : ws) {
                w.finish();
            }
            assertThat(consumed).isEqualTo(produced.get());
            assertThat(ch.receiver().tryReceive()).isNull();
        }
    }

    /**
     * Mixed senders (blocking, timed, async) on bounded(1) beside a receiver that alternates receive, tryReceive,
     * drainTo and receiveAsync: every message arrives once, in each sender's order; nothing stalls.
     */
    @Test
    void mixedSendersAndMixedReceives() throws Exception {
        Channel<Long> ch = Channel.bounded(1);
        int each = 5_000 * ROUNDS;
        int senders = 3;
        List<Worker> ws = new ArrayList<>();
        for (int p = 0; p < senders; p++) {
            long base = (long) p << 32;
            int kind = p;
            ws.add(Worker.start("sender-" + p, () -> {
                for (int i = 0; i < each; i++) {
                    long m = base + i;
                    if (kind == 0) {
                        ch.sender().send(m);
                    } else if (kind == 1) {
                        while (!ch.sender().send(m, 50, TimeUnit.MICROSECONDS)) {
                            Thread.onSpinWait();
                        }
                    } else {
                        await(ch.sender().sendAsync(m), ch, "sendAsync " + i);
                    }
                }
            }));
        }
        long[] next = new long[senders];
        List<Long> batch = new ArrayList<>();
        int received = 0;
        for (int round = 0; received < senders * each; round++) {
            batch.clear();
            switch (round & 3) {
                case 0: {
                    Long e = ch.receiver().receive(10, TimeUnit.SECONDS);
                    if (e == null) {
                        throw new AssertionError("nothing for 10 s; " + FeatureSupport.stallReport(ch));
                    }
                    batch.add(e);
                    break;
                }
                case 1: {
                    Long e = ch.receiver().tryReceive();
                    if (e != null) {
                        batch.add(e);
                    }
                    break;
                }
                case 2:
                    ch.receiver().drainTo(batch, 3);
                    break;
                default:
                    batch.add(await(ch.receiver().receiveAsync(), ch, "receiveAsync"));
            }
            for (long e : batch) {
                int p = (int) (e >>> 32);
                assertThat(e & 0xFFFF_FFFFL).as("sender %d's order", p).isEqualTo(next[p]++);
            }
            received += batch.size();
        }
        for (Worker w : ws) {
            w.finish();
        }
    }

    /**
     * Defect 1 of issue 24: a take woke a pending sendAsync that was being cancelled; the wake was spent on it and
     * the blocked sender queued behind it waited with room. Whenever the cancel wins, the blocked sender must deliver
     * with no further receive.
     */
    @Test
    void cancelledAsyncSendPassesTheRoomOn() throws Exception {
        for (int trial = 0; trial < 2_000 * ROUNDS; trial++) {
            Channel<String> ch = Channel.bounded(1);
            assertThat(ch.sender().trySend("m0")).isTrue();
            CompletableFuture<Void> a = ch.sender().sendAsync("a");
            Worker b = Worker.start("blocked", () -> ch.sender().send("b"));
            FeatureSupport.awaitWaiting(b);
            CountDownLatch go = new CountDownLatch(1);
            Worker canceller = Worker.start("cancel", () -> {
                go.await();
                a.cancel(false);
            });
            go.countDown();
            assertThat(ch.receiver().tryReceive()).isEqualTo("m0");
            canceller.finish();
            if (a.isCancelled()) {
                b.finish(); // the room must reach b
                assertThat(ch.receiver().tryReceive()).isEqualTo("b");
            } else {
                assertThat(ch.receiver().tryReceive()).isEqualTo("a");
                b.finish();
                assertThat(ch.receiver().tryReceive()).isEqualTo("b");
            }
        }
    }

    /**
     * Defect 4 of issue 24, the natural race: a pending select's take (on a sender's thread) completes a pending
     * sendAsync whose dependent cancels the select. The dependent ran while the select was claimed and spun for
     * ever (7 hangs in 7 runs).
     */
    @Test
    void sendDependentCancelsTheSelectThatTookForIt() throws Exception {
        for (int trial = 0; trial < 500 * ROUNDS; trial++) {
            Channel<String> a = Channel.bounded(1);
            Channel<String> b = Channel.bounded(1);
            AtomicReference<CompletableFuture<String>> sel = new AtomicReference<>();
            sel.set(new Select<String>().onReceive(a.receiver(), m -> m).onReceive(b.receiver(), m -> m).selectAsync());
            CountDownLatch go = new CountDownLatch(1);
            Worker filler = Worker.start("filler", () -> {
                go.await();
                a.sender().send("x"); // wakes the select (it takes x on this thread), or waits behind y
            });
            Worker async = Worker.start("async", () -> {
                go.await();
                CompletableFuture<Void> f = a.sender().sendAsync("y");
                f.thenRun(() -> sel.get().cancel(false));
            });
            go.countDown();
            filler.finish();
            async.finish();
            String first = sel.get().get(10, TimeUnit.SECONDS);
            String second = a.receiver().receive(10, TimeUnit.SECONDS);
            assertThat(List.of(first, second)).containsExactlyInAnyOrder("x", "y");
        }
    }
}
