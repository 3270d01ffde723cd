package io.leanchan.stress;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Issue 9 at scale on core v2: thousands of waiting senders (virtual threads) in the lock-free SenderQueue,
 * pending sendAsync and receiveAsync futures, every kind of give-up (interrupt, timeout, future cancel) and close
 * racing them, checked against an exact ledger; cross-cancellation from a dependent in both directions; close()
 * with 10,000 and 40,000 waiting senders.
 */
class WaitersAtScaleTest {

    /** How long the ledger stress runs (quick in mvn verify; -Dwaiters.seconds for longer). */
    static final int SECONDS = Integer.getInteger("waiters.seconds", 8);

    // ---------------------------------------------------------------------------------------------------------
    // Ledger: every message received once or handed back once.

    /** Per message: 1 received, 2 handed back; any second mark is a duplicate. */
    static final class Ledger {
        final AtomicIntegerArray state;
        /** Messages sent by a sendAsync left pending: the producer's next sends may overtake them (not FIFO). */
        final AtomicIntegerArray unordered;
        final Queue<String> problems = new ConcurrentLinkedQueue<>();
        final AtomicLong received = new AtomicLong();
        final AtomicLong handedBack = new AtomicLong();
        final AtomicLong[] byKind = {new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong()};
        static final String[] KINDS = {"timed out", "interrupted", "closed", "future cancelled", "future failed closed"};

        Ledger(int n) {
            state = new AtomicIntegerArray(n);
            unordered = new AtomicIntegerArray(n);
        }

        void received(int m) {
            int was = state.getAndAdd(m, 1);
            received.incrementAndGet();
            if (was != 0) {
                problems.add((was == 2 ? "received and handed back " : "received twice ") + m);
            }
        }

        void handedBack(int m, int kind) {
            int was = state.getAndAdd(m, 2);
            handedBack.incrementAndGet();
            byKind[kind].incrementAndGet();
            if (was != 0) {
                problems.add((was == 1 ? "handed back and received " : "handed back twice ") + m);
            }
        }

        void problem(String p) {
            problems.add(p);
        }
    }

    static final int TIMED_OUT = 0;
    static final int INTERRUPTED = 1;
    static final int CLOSED = 2;
    static final int CANCELLED = 3;
    static final int FAILED = 4;

    /** One sender's message m, sent with a random flavour; records in the ledger where it went unless delivered. */
    /** A sendAsync left pending, with its message (a delivered sendAsync may return a shared completed future). */
    record PendingSend(CompletableFuture<Void> f, int m) {
    }

    static void sendOne(Sender<Integer> s, int m, SplittableRandom rnd, Ledger l, Queue<PendingSend> futures) {
        Integer msg = m;
        int flavour = rnd.nextInt(5);
        try {
            switch (flavour) {
                case 0 -> s.send(msg);
                case 1 -> {
                    if (!s.send(msg, rnd.nextInt(3_000), TimeUnit.MICROSECONDS)) {
                        l.handedBack(m, TIMED_OUT);
                    }
                }
                case 2 -> {
                    if (!s.trySend(msg)) {
                        l.handedBack(m, TIMED_OUT);
                    }
                }
                default -> {
                    CompletableFuture<Void> f = s.sendAsync(msg); // a failed future if closed
                    if (flavour == 3) {
                        l.unordered.set(m, 1); // the producer goes on while it is pending: no order to check
                        futures.add(new PendingSend(f, m)); // left pending; the chaos thread or the close settles it
                    } else {
                        try {
                            f.get(rnd.nextInt(2_000), TimeUnit.MICROSECONDS);
                        } catch (TimeoutException | InterruptedException e) {
                            f.cancel(false); // done afterwards, whichever way it went
                        } catch (ExecutionException e) {
                            // failed: settled below
                        }
                        settleSendFuture(f, m, l);
                    }
                }
            }
        } catch (InterruptedException e) {
            l.handedBack(m, INTERRUPTED);
        } catch (ChannelClosedException e) {
            if (e.undelivered() != msg) {
                l.problem("closed send of " + m + " handed back " + e.undelivered());
            }
            l.handedBack(m, CLOSED);
        }
    }

    /** A done send future: delivered (nothing to record: the receiver records it), cancelled or failed closed. */
    static void settleSendFuture(CompletableFuture<Void> f, int m, Ledger l) {
        if (!f.isDone()) {
            l.problem("send future of " + m + " not done");
            return;
        }
        if (f.isCancelled()) {
            l.handedBack(m, CANCELLED);
            return;
        }
        try {
            f.join();
        } catch (CancellationException e) {
            l.handedBack(m, CANCELLED);
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof ChannelClosedException c && c.undelivered() instanceof Integer u && u == m) {
                l.handedBack(m, FAILED);
            } else {
                l.problem("send future of " + m + " failed with " + e.getCause());
            }
        }
    }

    record RoundResult(int capacity, int senders, int messages, long received, long handedBack) {
    }

    static RoundResult round(long seed, Ledger[] holder) throws Exception {
        SplittableRandom rnd = new SplittableRandom(seed);
        // bounded(1) never grows (the inline field); 2 and 16 grow to their ring cap; 1024 and unbounded (0) grow by
        // doubling under the virtual-thread senders (growing capacities wedged core v2 before 8545e94: finding 10)
        int[] caps = {1, 2, 16, 1024, 0};
        int capacity = caps[rnd.nextInt(caps.length)];
        int senders = 500 + rnd.nextInt(2500);
        int per = 1 + rnd.nextInt(5);
        int total = senders * per;
        Ledger l = new Ledger(total);
        holder[0] = l;
        Channel<Integer> ch = capacity == 0 ? Channel.unbounded() : Channel.bounded(capacity);
        Sender<Integer> s = ch.sender();
        Receiver<Integer> r = ch.receiver();
        Queue<PendingSend> pending = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(senders);
        for (int p = 0; p < senders; p++) {
            final int base = p * per;
            final long sseed = rnd.nextLong();
            threads.add(Thread.ofVirtual().unstarted(() -> {
                SplittableRandom sr = new SplittableRandom(sseed);
                started.countDown();
                for (int k = 0; k < per; k++) {
                    sendOne(s, base + k, sr, l, pending);
                }
            }));
        }
        AtomicBoolean stop = new AtomicBoolean();
        // The receiver: blocking, timed, try, receiveAsync waited on or cancelled, drainTo; slow at times so that
        // senders pile up. Checks per-producer FIFO order.
        int[] lastOf = new int[senders];
        java.util.Arrays.fill(lastOf, -1);
        Thread receiver = Thread.ofPlatform().start(() -> {
            SplittableRandom rr = new SplittableRandom(seed ^ 0x5DEECE66DL);
            List<Integer> sink = new ArrayList<>();
            try {
                for (;;) {
                    Integer m = null;
                    int how = rr.nextInt(10);
                    try {
                        if (how < 3) {
                            m = r.receive();
                        } else if (how < 5) {
                            m = r.receive(rr.nextInt(500), TimeUnit.MICROSECONDS);
                        } else if (how < 6) {
                            m = r.tryReceive();
                        } else if (how < 8) {
                            CompletableFuture<Integer> f = r.receiveAsync();
                            if (rr.nextBoolean() && f.cancel(false)) {
                                m = null;
                            } else {
                                try {
                                    m = f.get(rr.nextInt(500), TimeUnit.MICROSECONDS);
                                } catch (TimeoutException e) {
                                    if (!f.cancel(false)) {
                                        m = f.join();
                                    }
                                }
                            }
                        } else if (how < 9) {
                            sink.clear();
                            r.drainTo(sink, 1 + rr.nextInt(8));
                            for (Integer x : sink) {
                                take(x, l, lastOf, per);
                            }
                        } else {
                            Thread.sleep(0, 200_000); // let senders pile up in the queue
                        }
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof ChannelClosedException c && c.undelivered() == null) {
                            return; // end of stream through a receive future
                        }
                        l.problem("receive future failed: " + e.getCause());
                        return;
                    } catch (java.util.concurrent.CompletionException e) {
                        if (e.getCause() instanceof ChannelClosedException c && c.undelivered() == null) {
                            return;
                        }
                        l.problem("receive future failed: " + e.getCause());
                        return;
                    }
                    if (m != null) {
                        take(m, l, lastOf, per);
                    }
                }
            } catch (ChannelClosedException end) {
                if (end.undelivered() != null) {
                    l.problem("end of stream carrying " + end.undelivered());
                }
            } catch (InterruptedException e) {
                l.problem("receiver interrupted");
            } catch (Throwable t) {
                l.problem("receiver: " + t);
            }
        });
        // Chaos: interrupts random senders, cancels random pending futures.
        Thread chaos = Thread.ofPlatform().start(() -> {
            SplittableRandom cr = new SplittableRandom(seed * 31);
            while (!stop.get()) {
                Thread t = threads.get(cr.nextInt(threads.size()));
                if (t.isAlive()) {
                    t.interrupt();
                }
                PendingSend f = pending.poll();
                if (f != null) {
                    if (cr.nextBoolean()) {
                        f.f().cancel(false);
                    }
                    pending.add(f); // settled in the ledger after the round
                }
                LockSupport0.parkMicros(cr.nextInt(300));
            }
        });
        for (Thread t : threads) {
            t.start();
        }
        started.await();
        Thread.sleep(50 + rnd.nextInt(400));
        ch.close(); // races everything: waiting senders, pending futures, the receiver
        stop.set(true);
        chaos.join();
        for (Thread t : threads) {
            t.join(30_000);
            if (t.isAlive()) {
                l.problem("a sender still alive 30 s after the close");
                break;
            }
        }
        receiver.join(30_000);
        if (receiver.isAlive()) {
            l.problem("receiver still alive 30 s after the close");
        }
        for (PendingSend ps; (ps = pending.poll()) != null; ) {
            try {
                ps.f().get(20, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // settled below
            }
            settleSendFuture(ps.f(), ps.m(), l);
        }
        for (int m = 0; m < total; m++) {
            if (l.state.get(m) == 0) {
                l.problem("lost " + m);
                if (l.problems.size() > 20) {
                    break;
                }
            }
        }
        if (!r.isDrained()) {
            l.problem("not drained after the end of the stream");
        }
        return new RoundResult(capacity, senders, total, l.received.get(), l.handedBack.get());
    }

    static void take(int m, Ledger l, int[] lastOf, int per) {
        l.received(m);
        if (l.unordered.get(m) != 0) {
            return;
        }
        int p = m / per;
        if (m <= lastOf[p]) {
            l.problem("reordered: " + m + " after " + lastOf[p]);
        }
        lastOf[p] = m;
    }

    /** LockSupport with microseconds. */
    static final class LockSupport0 {
        static void parkMicros(int us) {
            java.util.concurrent.locks.LockSupport.parkNanos(us * 1000L);
        }
    }

    @Test
    void thousandsOfWaitersCancellationAndCloseLoseNothing() {
        // a channel that wedges (e.g. finding 10: close() spinning forever) fails the test instead of hanging the build
        assertTimeoutPreemptively(Duration.ofSeconds(SECONDS + 180L), WaitersAtScaleTest::ledgerRounds);
    }

    static void ledgerRounds() throws Exception {
        long seed = Long.getLong("waiters.seed", System.nanoTime());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        SplittableRandom seeds = new SplittableRandom(seed);
        int rounds = 0;
        long messages = 0;
        long received = 0;
        long handed = 0;
        long senders = 0;
        long[] kinds = new long[5];
        java.util.Map<Integer, Integer> byCapacity = new java.util.TreeMap<>();
        do {
            Ledger[] holder = new Ledger[1];
            long rs = seeds.nextLong();
            RoundResult res = round(rs, holder);
            Ledger l = holder[0];
            assertThat(l.problems).as("round %d (seed %d, -Dwaiters.seed=%d to replay the run)", rounds, rs, seed).isEmpty();
            rounds++;
            messages += res.messages();
            received += res.received();
            handed += res.handedBack();
            senders += res.senders();
            byCapacity.merge(res.capacity(), 1, Integer::sum);
            for (int k = 0; k < kinds.length; k++) {
                kinds[k] += l.byKind[k].get();
            }
        } while (System.nanoTime() < end);
        assertThat(received + handed).isEqualTo(messages);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < kinds.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(Ledger.KINDS[k]).append(' ').append(kinds[k]);
        }
        StringBuilder caps = new StringBuilder();
        byCapacity.forEach((c, n) -> caps.append(caps.length() == 0 ? "" : ", ").append(c == 0 ? "unbounded" : "bounded(" + c + ")")
                .append(' ').append(n));
        System.out.printf("[waiters] %d rounds (%s), %,d virtual-thread senders, %,d messages = %,d received + %,d handed"
                + " back (%s); seed %d%n", rounds, caps, senders, messages, received, handed, sb, seed);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Cross-cancellation from a dependent (issue 9's hang), both directions.

    @Test
    void whenMySendAsyncCompletesCancelMyPendingReceiveAsync() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 1000; i++) {
                Channel<String> out = Channel.bounded(1);
                Channel<String> in = Channel.bounded(1);
                assertThat(out.sender().trySend("x0")).isTrue();
                CompletableFuture<Void> fs = out.sender().sendAsync("x1");
                CompletableFuture<String> fr = in.receiver().receiveAsync();
                assertThat(fs).isNotDone();
                assertThat(fr).isNotDone();
                AtomicInteger ran = new AtomicInteger();
                AtomicBoolean cancelled = new AtomicBoolean();
                fs.thenRun(() -> {
                    ran.incrementAndGet();
                    cancelled.set(fr.cancel(false)); // must not spin or deadlock
                    assertThat(fs.cancel(false)).isFalse(); // its own future: already done
                    in.sender().trySend("y"); // and the channels are usable from here
                });
                // the take that makes room: on this thread the take wakes fs, whose dependent runs here
                if (i % 2 == 0) {
                    assertThat(out.receiver().tryReceive()).isEqualTo("x0");
                } else {
                    assertThat(out.receiver().receiveAsync().join()).isEqualTo("x0");
                }
                assertThat(ran.get()).isEqualTo(1);
                assertThat(cancelled.get()).as("the pending receiveAsync was cancelled").isTrue();
                assertThat(fr).isCancelled();
                assertThat(out.receiver().tryReceive()).isEqualTo("x1");
                assertThat(in.receiver().tryReceive()).as("receive state released by the cancel").isEqualTo("y");
                assertThat(in.receiver().tryReceive()).isNull();
            }
        });
    }

    @Test
    void whenMyReceiveAsyncCompletesCancelMyPendingSendAsync() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 1000; i++) {
                Channel<String> in = Channel.bounded(1);
                Channel<String> out = Channel.bounded(1);
                CompletableFuture<String> fr = in.receiver().receiveAsync();
                assertThat(out.sender().trySend("x0")).isTrue();
                CompletableFuture<Void> fs = out.sender().sendAsync("x1");
                assertThat(fr).isNotDone();
                assertThat(fs).isNotDone();
                AtomicBoolean cancelled = new AtomicBoolean();
                fr.thenAccept(m -> {
                    cancelled.set(fs.cancel(false)); // must not spin or deadlock
                    assertThat(fr.cancel(false)).isFalse();
                    in.receiver().receiveAsync().cancel(false); // receive again from the dependent, then withdraw
                });
                // the send that fulfils fr on this thread (trySend, or a sendAsync)
                if (i % 2 == 0) {
                    assertThat(in.sender().trySend("m")).isTrue();
                } else {
                    assertThat(in.sender().sendAsync("m").isDone()).isTrue();
                }
                assertThat(fr.join()).isEqualTo("m");
                assertThat(cancelled.get()).as("the pending sendAsync was cancelled").isTrue();
                assertThat(fs).isCancelled();
                assertThat(out.receiver().tryReceive()).isEqualTo("x0");
                assertThat(out.receiver().tryReceive()).as("a cancelled send is never delivered").isNull();
            }
        });
    }

    /** The same on one channel, from a sendAsync woken by a close and a receiveAsync failed by it. */
    @Test
    void dependentsOfFuturesSettledByACloseMayCancelAndCallBack() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 1000; i++) {
                Channel<String> full = Channel.bounded(1);
                Channel<String> empty = Channel.bounded(1);
                full.sender().trySend("x0");
                CompletableFuture<Void> fs = full.sender().sendAsync("x1");
                CompletableFuture<Void> fs2 = full.sender().sendAsync("x2");
                CompletableFuture<String> fr = empty.receiver().receiveAsync();
                fs.whenComplete((v, t) -> {
                    fs2.cancel(false); // the next node in the queue the close is waking
                    fr.cancel(false);
                    full.close(); // again, from inside the close
                    try {
                        full.sender().trySend("late");
                    } catch (ChannelClosedException expected) {
                        // closed
                    }
                });
                fr.whenComplete((v, t) -> empty.close());
                full.close();
                assertThat(fs).isCompletedExceptionally();
                assertThat(fs2.isDone()).isTrue();
                assertThat(fr).isCancelled();
                assertThat(empty.isClosed()).isTrue();
                assertThat(full.receiver().tryReceive()).isEqualTo("x0");
                assertThat(full.receiver().isDrained()).isTrue();
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // close() with 10,000 and 40,000 waiting senders.

    static long closeWithWaitingSenders(int n) throws Exception {
        Channel<Integer> ch = Channel.bounded(1);
        Sender<Integer> s = ch.sender();
        assertThat(s.trySend(-1)).isTrue();
        AtomicInteger handedBack = new AtomicInteger();
        Queue<String> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            final Integer m = i;
            Thread.ofVirtual().start(() -> {
                try {
                    s.send(m);
                    problems.add("sent " + m + " into a full channel");
                } catch (ChannelClosedException e) {
                    if (e.undelivered() == m) {
                        handedBack.incrementAndGet();
                    } else {
                        problems.add("wrong message handed back for " + m + ": " + e.undelivered());
                    }
                } catch (InterruptedException e) {
                    problems.add("interrupted " + m);
                } finally {
                    done.countDown();
                }
            });
        }
        long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Internals.linkedWaiters(ch)[0] < n) {
            assertThat(System.nanoTime()).as("%d senders linked in time (%d)", n, Internals.linkedWaiters(ch)[0]).isLessThan(wait);
            Thread.sleep(5);
        }
        Thread.sleep(100); // let the last ones park
        long t0 = System.nanoTime();
        ch.close();
        assertThat(done.await(60, TimeUnit.SECONDS)).as("every waiting sender woken by the close").isTrue();
        long took = System.nanoTime() - t0;
        assertThat(problems).isEmpty();
        assertThat(handedBack.get()).as("each failed with its message handed back").isEqualTo(n);
        assertThat(ch.receiver().tryReceive()).isEqualTo(-1);
        assertThat(ch.receiver().isDrained()).isTrue();
        return took;
    }

    @Test
    void closeWakesFortyThousandWaitingSendersInLinearTime() throws Exception {
        closeWithWaitingSenders(2_000); // warm-up
        long t10 = Long.MAX_VALUE;
        long t40 = Long.MAX_VALUE;
        for (int rep = 0; rep < 2; rep++) { // best of two: the machine is shared
            t10 = Math.min(t10, closeWithWaitingSenders(10_000));
            t40 = Math.min(t40, closeWithWaitingSenders(40_000));
        }
        System.out.printf("[waiters] close() with waiting senders: 10,000 in %.1f ms, 40,000 in %.1f ms (ratio %.2f for 4x)%n",
                t10 / 1e6, t40 / 1e6, (double) t40 / t10);
        assertThat(t40).as("40,000 senders woken in under 30 s").isLessThan(TimeUnit.SECONDS.toNanos(30));
        // loose linearity: 4x the senders within 10x the time (a quadratic wake would be 16x), or all 40,000 within
        // 1 s (measured on 2 shared cores: 32-67 ms and 206-443 ms, ratio 5.8-6.7; the old core took up to 109 s)
        assertThat(t40 <= 10 * t10 || t40 < TimeUnit.SECONDS.toNanos(1))
                .as("close time 10,000: %d ms, 40,000: %d ms", t10 / 1_000_000, t40 / 1_000_000).isTrue();
    }

}
