package io.leanchan.stress;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Paths;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression tests for the core bugs this module found (see docs/stress.md, "Findings"). They fail until
 * leanchan-core is fixed; each names the bug and the line of reasoning in its message.
 */
class CoreBugsTest {

    /**
     * Bug 1: a receiveAsync future completed by a sender is still registered as the waiting receiver while its
     * dependent actions run (complete() before finish()), so a receive issued by a callback fails with
     * "another receive is already waiting".
     */
    @Test
    void receiveAsyncFromTheCallbackOfACompletedReceiveAsync() throws Exception {
        Channel<String> ch = Channel.bounded(4);
        Receiver<String> r = ch.receiver();
        CompletableFuture<Object> next = new CompletableFuture<>();
        r.receiveAsync().thenAccept(x -> {
            try {
                next.complete(r.receiveAsync());
            } catch (Throwable t) {
                next.complete(t);
            }
        });
        ch.sender().trySend("a");
        Object second = next.get(5, TimeUnit.SECONDS);
        assertThat(second)
                .as("core bug 1: receiveAsync() inside the callback of a receiveAsync completed by a sender")
                .isInstanceOf(CompletableFuture.class);
        ((CompletableFuture<?>) second).cancel(false);
    }

    /** Bug 1, racy form: join() returns before the future unregisters, and the next receive is refused. */
    @Test
    void receiveAsyncRightAfterJoinOfACompletedReceiveAsync() throws Exception {
        int refused = 0;
        for (int i = 0; i < 2000; i++) {
            Channel<Integer> ch = Channel.bounded(4);
            Receiver<Integer> r = ch.receiver();
            CompletableFuture<Integer> f = r.receiveAsync();
            Thread t = Thread.ofPlatform().start(() -> ch.sender().trySend(1));
            f.join();
            try {
                r.receiveAsync().cancel(false);
            } catch (IllegalStateException e) {
                refused++;
            }
            t.join();
        }
        assertThat(refused).as("core bug 1: receiveAsync() refused right after join() of a completed receiveAsync, out of 2000")
                .isZero();
    }

    /**
     * Bug 2: cancelling an async future from a dependent action of its own completion spins forever (withdraw()
     * waits for CLAIMED to end, but the same thread holds it). Run in a child JVM, killed after 20 s.
     */
    @Test
    void cancelFromTheFuturesOwnCallbackDoesNotHang() throws Exception {
        for (String scenario : new String[] {"receive", "send"}) {
            String cp = location(Channel.class) + File.pathSeparator + location(HangProbe.class);
            Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", cp, HangProbe.class.getName(), scenario).inheritIO().start();
            boolean exited = p.waitFor(20, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            int code = exited ? p.exitValue() : -1;
            assertThat(code).as("core bug 2 (%s future): the thread that completed the future spins forever when a "
                    + "dependent action cancels it (exit 3: still spinning after 10 s)", scenario).isZero();
        }
    }

    /**
     * Bug 3 (a regression of the fix for bugs 1 and 2): the futures are marked DONE before their result is
     * written, and cancel() returns false as soon as it sees DONE, so a caller can observe cancel() == false with
     * isDone() == false, against Future.cancel's contract; {@code getNow(null)} then loses the message.
     */
    @Test
    void cancelReturningFalseMeansDone() throws Exception {
        int n = 30_000;
        Channel<Integer> ch = Channel.unbounded();
        Receiver<Integer> r = ch.receiver();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread sender = Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; i < n && !stop.get(); i++) {
                while (r.size() > 0 && !stop.get()) {
                    Thread.onSpinWait(); // (stop: the receiving loop below is bounded in time; never spin on after it)
                }
                ch.sender().trySend(i);
            }
        });
        int receiveNotDone = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int got = 0; got < n && System.nanoTime() < end; ) {
            CompletableFuture<Integer> f = r.receiveAsync();
            if (f.cancel(false)) {
                continue;
            }
            if (!f.isDone()) {
                receiveNotDone++;
            }
            f.get(5, TimeUnit.SECONDS);
            got++;
        }
        stop.set(true);
        sender.join(10_000);
        int sendNotDone = 0;
        for (int i = 0; i < 3000; i++) {
            Channel<Integer> c2 = Channel.bounded(1);
            c2.sender().trySend(0);
            CompletableFuture<Void> f = c2.sender().sendAsync(1);
            Thread taker = Thread.ofPlatform().start(() -> c2.receiver().tryReceive());
            if (!f.cancel(false) && !f.isDone()) {
                sendNotDone++;
            }
            taker.join();
        }
        assertThat(new int[] {receiveNotDone, sendNotDone})
                .as("core bug 3: cancel() returned false while isDone() was false (receiveAsync, sendAsync)")
                .containsExactly(0, 0);
    }

    /**
     * Finding 9, fixed in core commit 34757fb (found by lincheck: {@code closeReceiver(); receiveNoWait()} returned null): a timed receive whose
     * time has run out returns null ("timed out") on a closed, drained channel instead of throwing end of stream,
     * against Receiver.receive(long, TimeUnit)'s "@throws ChannelClosedException if the channel is closed and
     * drained". The receive's await (then in MpscChannel, now ChannelReceive) checked the deadline before it looks at CLOSED; with nanos == 0 the deadline is
     * 0, so the check is {@code 0 - System.nanoTime() <= 0} (true only while nanoTime is positive).
     */
    @Test
    void zeroTimeoutReceiveOnAClosedDrainedChannelIsEndOfStream() throws Exception {
        for (int nanos : new int[] {0, 1}) {
            Channel<String> ch = Channel.bounded(2);
            ch.close();
            Object got;
            try {
                got = ch.receiver().receive(nanos, TimeUnit.NANOSECONDS);
            } catch (io.leanchan.ChannelClosedException eos) {
                got = eos.undelivered() == null ? "eos" : eos;
            }
            assertThat(got).as("core v2 finding 9: receive(%d ns) on a closed, drained channel", nanos).isEqualTo("eos");
        }
    }

    /**
     * Finding 6, fixed in core commit c2562c4 (found by LeakTest): a sender that gave up (a zero timeout, a timed
     * send that timed out, a cancelled sendAsync) left its SenderQueue node linked until the next take dequeued it,
     * so while the receiver took nothing the queue grew by one node per give-up, without bound (12,000 give-ups
     * kept 12,000 nodes, and a cancelled sendAsync kept its handed-back message reachable). Now a zero-timeout send
     * links nothing and a withdrawing sender unlinks the dead nodes at the head at once. (Behind a live waiter: the
     * next test.)
     */
    @Test
    void cancelledWaitersAreNotKeptWhileNoTakeHappens() throws Exception {
        Channel<Object> ch = Channel.bounded(1);
        io.leanchan.Sender<Object> s = ch.sender();
        assertThat(s.trySend("full")).isTrue();
        for (int i = 0; i < 10_000; i++) {
            assertThat(s.send("m" + i, 0, TimeUnit.NANOSECONDS)).isFalse(); // a zero timeout: linked a node
        }
        assertThat(Internals.linkedWaiters(ch)[0]).as("core v2 finding 6: nodes kept by 10,000 zero-timeout sends").isZero();
        giveUp(s, 1_000);
        int[] linked = Internals.linkedWaiters(ch);
        assertThat(linked[0])
                .as("core v2 finding 6: SenderQueue nodes kept by 12,000 senders that gave up (%d cancelled)", linked[1])
                .isZero();
        assertThat(ch.receiver().tryReceive()).isEqualTo("full");
        assertThat(ch.receiver().tryReceive()).as("nothing that gave up was delivered").isNull();
    }

    /**
     * Findings 10 and 11, both in {@link PlockStarvationProbe} (child JVMs with two carriers; exit 3: the threads did
     * not all finish after the run, a wedge; exit 4, strict: the receiver took nothing for 2 s or more).
     * <ul>
     * <li>10 (found by the soak in mvn verify, which hung in close()): a virtual thread growing the ring held PLOCK
     * while it yielded waiting for a claimed slot, and virtual threads yield-spinning on PLOCK kept it from ever being
     * mounted again. Fixed in 8545e94, and for good in the commit that split Backoff: the holder's wait for a
     * claimed slot ({@code Backoff.awaitStore}) never yields on a virtual thread.</li>
     * <li>11 (found while checking 8545e94): that commit made PLOCK waiters sleep; a virtual receiver woken by a timer
     * was not mounted again for seconds while the probe's senders yielded in a loop on the full channel. Fixed by
     * the same split: waiters on PLOCK yield ({@code Backoff.pause}) and nothing sleeps.</li>
     * </ul>
     */
    @Test
    void virtualThreadsOnPlockNeitherStarveTheGrowerNorTheReceiver() throws Exception {
        int failed = 0;
        StringBuilder runs = new StringBuilder();
        for (int run = 0; run < 3; run++) {
            ProbeRun r = runPlockProbe(4, true);
            runs.append(String.format("%n  run %d: exit %d: %s", run + 1, r.exit(), r.lastLine()));
            if (r.exit() != 0) {
                failed++;
            }
        }
        assertThat(failed).as("core v2 findings 10/11: runs of 3 in which the channel wedged (exit 3) or the receiver"
                + " stalled >= 2 s (exit 4)%s", runs).isZero();
    }

    record ProbeRun(int exit, String output) {
        String lastLine() {
            String[] lines = output.strip().split("\\R");
            return lines.length == 0 ? "" : lines[lines.length - 1];
        }
    }

    /**
     * Runs {@link PlockStarvationProbe} for {@code seconds} in a child JVM with two carriers for virtual threads;
     * exit -1 if it had to be killed. Its output is printed and returned (the probe's watchdog prints the stacks).
     */
    static ProbeRun runPlockProbe(int seconds, boolean strict) throws Exception {
        String cp = location(Channel.class) + File.pathSeparator + location(PlockStarvationProbe.class);
        File out = File.createTempFile("plock-probe", ".txt");
        try {
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djdk.virtualThreadScheduler.parallelism=2", "-cp", cp, PlockStarvationProbe.class.getName(),
                    String.valueOf(seconds)));
            if (strict) {
                cmd.add("strict");
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).start();
            boolean exited = p.waitFor(seconds + 60L, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String text = java.nio.file.Files.readString(out.toPath());
            System.out.print(text);
            return new ProbeRun(exited ? p.exitValue() : -1, text);
        } finally {
            out.delete();
        }
    }

    static String location(Class<?> c) throws Exception {
        return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /**
     * Finding 6, the part behind a live waiter (c2562c4 unlinked dead nodes only at the head of the SenderQueue):
     * behind a blocked send or a pending sendAsync that no take wakes, every sender that gave up left its node
     * linked, so a producer retrying timed sends against a stalled consumer grew the channel by one node per try
     * (2,000 give-ups: 2,001 nodes). Fixed by the SenderQueue's sweep (every SWEEP_MIN withdrawals, or as many as
     * the live nodes, one withdrawing thread unlinks the dead nodes behind live ones); the sweep's own race test is
     * the core's SenderQueueSweepTest.
     */
    @Test
    void cancelledWaitersBehindALiveOneAreNotKeptWhileNoTakeHappens() throws Exception {
        Channel<Object> ch = Channel.bounded(1);
        Sender<Object> s = ch.sender();
        assertThat(s.trySend("full")).isTrue();
        CompletableFuture<Void> live = s.sendAsync("live"); // waits: no take happens
        giveUp(s, 1_000);
        int[] linked = Internals.linkedWaiters(ch);
        assertThat(live).isNotDone();
        assertThat(linked[0])
                .as("finding 6 (behind a live waiter): SenderQueue nodes kept by 2,000 senders that gave up"
                        + " behind one pending sendAsync (%d cancelled)", linked[1])
                .isLessThanOrEqualTo(64);
    }

    /** {@code n} timed sends that time out, then {@code n} sendAsync cancelled at once, on a full channel. */
    private static void giveUp(io.leanchan.Sender<Object> s, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            assertThat(s.send("t" + i, 1, TimeUnit.MICROSECONDS)).isFalse();
        }
        for (int i = 0; i < n; i++) {
            CompletableFuture<Void> f = s.sendAsync("f" + i);
            assertThat(f.cancel(false)).isTrue();
        }
    }

    /**
     * Finding 7 (fixed: every take now runs inside a CAS claim of owner, ChannelReceive "One receive at a time"): two
     * threads calling tryReceive at the same time (misuse, but the contract says it is reported, and issue 8 forbids
     * silent corruption). It failed on the core before the fix: thread A passed the owner check and read C = k and
     * message k; thread B
     * takes over (CAS on owner: no waiting receive, so it always succeeds), takes k, k+1, k+2 (C = k+3); A clears
     * slot k and release-stores C = k+1: C goes backwards. A returns k (a duplicate); slots k+1, k+2 are empty with
     * P's index past them, so every later take spins in settle ("claimed but not yet published") forever and the
     * senders see the channel full forever. Bounded here (two producers, 3 s): the receivers must drain within 10 s.
     */
    @Test
    void twoThreadsTryReceivingAtOnceNeitherWedgeNorDuplicate() throws Exception {
        Channel<Integer> ch = Channel.bounded(64);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean producing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.ConcurrentHashMap<Integer, Boolean> got = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger dups = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch producers = new java.util.concurrent.CountDownLatch(2);
        Thread[] ps = new Thread[2];
        for (int p = 0; p < 2; p++) {
            ps[p] = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        int i = next.getAndIncrement();
                        while (!ch.sender().trySend(i)) {
                            if (System.nanoTime() > deadline + TimeUnit.SECONDS.toNanos(10)) {
                                return; // wedged: the receivers' check reports it
                            }
                            Thread.onSpinWait();
                        }
                        sent.incrementAndGet();
                    }
                } finally {
                    producers.countDown();
                }
            });
        }
        Thread.ofPlatform().daemon().start(() -> {
            try {
                producers.await();
            } catch (InterruptedException e) {
                return;
            }
            producing.set(false);
        });
        Thread producer = ps[1];
        Thread[] rs = new Thread[2];
        for (int k = 0; k < 2; k++) {
            rs[k] = Thread.ofPlatform().daemon().start(() -> {
                for (;;) {
                    try {
                        Integer m = ch.receiver().tryReceive();
                        if (m == null) {
                            if (!producing.get() && ch.receiver().size() == 0) {
                                return;
                            }
                            continue;
                        }
                        if (got.put(m, Boolean.TRUE) != null) {
                            dups.incrementAndGet();
                        }
                    } catch (IllegalStateException reported) {
                        // overlap reported: fine
                    }
                }
            });
        }
        ps[0].join(15_000);
        producer.join(15_000);
        for (Thread t : rs) {
            t.join(10_000);
        }
        boolean wedged = ps[0].isAlive() || producer.isAlive() || rs[0].isAlive() || rs[1].isAlive();
        assertThat(wedged).as("core v2 finding 7: channel wedged after two concurrent tryReceive threads (%d sent, %d"
                + " received, %d duplicates, size() = %d)", sent.get(), got.size(), dups.get(), ch.receiver().size()).isFalse();
        assertThat(dups.get()).as("duplicates").isZero();
        assertThat(got.size()).as("received = sent").isEqualTo(sent.get());
    }
}
