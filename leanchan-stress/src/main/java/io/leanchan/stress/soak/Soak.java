package io.leanchan.stress.soak;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.Sender;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A randomized soak of one channel at a time, bounded in time, with an exact ledger.
 *
 * <p>Each round creates a channel (capacity 1, 2, 3, 4, 5, 8, 64, 1024 or unbounded), 1 to 4 producers and one
 * consumer, each a platform or a virtual thread. Producers use every send flavour (trySend, send, timed send,
 * sendAsync waited on, sendAsync left pending in a window, sendAsync cancelled) while a chaos thread interrupts
 * them; the consumer uses every receive flavour (tryReceive, receive, timed receive, receiveAsync waited on,
 * receiveAsync cancelled, drainTo) while being interrupted too. A round ends with a close from one side then the
 * other (sometimes in the middle of the round, while producers are still sending); the consumer then receives
 * until the end of the stream.
 *
 * <p>The ledger: every message created was either received exactly once or handed back to its sender exactly once
 * (trySend false, timed send false, InterruptedException, ChannelClosedException carrying that very message,
 * a send future cancelled or failed with it), never both, never neither; messages a producer sent one after the
 * other (each send finished before the next began) arrive in that order; every future completes; no thread hangs;
 * no unexpected exception (an IllegalStateException for an overlapping receive, with a single consumer, is one).
 *
 * <p>Run: {@code java -cp leanchan-stress/target/jcstress.jar io.leanchan.stress.soak.Soak --seconds 600}.
 */
public final class Soak {

    /** What a run did; {@link #ok()} is the verdict. */
    public static final class Report {
        public long rounds;
        public long created;
        public long received;
        public long handedBack;
        public long handedBackFull;
        public long handedBackTimeout;
        public long handedBackInterrupted;
        public long handedBackClosed;
        public long handedBackCancelled;
        public long midRunCloses;
        public long virtualThreads;
        public long platformThreads;
        public long interruptsFired;
        public long receiveTimeouts;
        public long receiveInterrupted;
        public long receiveCancelled;
        public long nanos;
        // failures
        public long lost;
        public long duplicated;
        public long receivedAndHandedBack;
        public long reordered;
        public long stuckFutures;
        public long wrongUndelivered;
        public long hangs;
        public long spuriousIllegalState;
        public long unexpected;
        public final List<String> problems = new ArrayList<>();

        public boolean ok() {
            return lost == 0 && duplicated == 0 && receivedAndHandedBack == 0 && reordered == 0 && stuckFutures == 0
                    && wrongUndelivered == 0 && hangs == 0 && spuriousIllegalState == 0 && unexpected == 0
                    && created == received + handedBack && rounds > 0 && received > 0;
        }

        synchronized void problem(String p) {
            if (problems.size() < 50) {
                problems.add(p);
            }
        }

        @Override
        public String toString() {
            double secs = nanos / 1e9;
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "soak: %s after %.1f s, %d rounds (%d mid-run closes), %d platform + %d virtual threads%n",
                    ok() ? "PASSED" : "FAILED", secs, rounds, midRunCloses, platformThreads, virtualThreads));
            sb.append(String.format(Locale.ROOT, "  ledger: created %d = received %d + handed back %d (%s)%n", created, received, handedBack,
                    created == received + handedBack ? "balanced" : "UNBALANCED"));
            sb.append(String.format(Locale.ROOT, "  handed back: full %d, timed out %d, interrupted %d, closed %d, cancelled %d%n",
                    handedBackFull, handedBackTimeout, handedBackInterrupted, handedBackClosed, handedBackCancelled));
            sb.append(String.format(Locale.ROOT, "  receiver: %d timed out, %d interrupted, %d futures cancelled; %d interrupts fired%n",
                    receiveTimeouts, receiveInterrupted, receiveCancelled, interruptsFired));
            sb.append(String.format(Locale.ROOT, "  throughput: %.0f messages received per second (%.0f sends attempted per second)%n",
                    received / Math.max(secs, 1e-9), created / Math.max(secs, 1e-9)));
            sb.append(String.format(Locale.ROOT, "  failures: lost %d, duplicated %d, received and handed back %d, reordered %d, "
                            + "futures never completed %d, wrong message handed back %d, hangs %d, spurious IllegalStateException %d, "
                            + "unexpected exceptions %d%n",
                    lost, duplicated, receivedAndHandedBack, reordered, stuckFutures, wrongUndelivered, hangs,
                    spuriousIllegalState, unexpected));
            for (String p : problems) {
                sb.append("  problem: ").append(p).append('\n');
            }
            return sb.toString();
        }
    }

    /** A message: who sent it, its number, and whether its producer's earlier sends had all finished. */
    static final class Msg {
        final int producer;
        final int seq;
        final boolean ordered;

        Msg(int producer, int seq, boolean ordered) {
            this.producer = producer;
            this.seq = seq;
            this.ordered = ordered;
        }

        @Override
        public String toString() {
            return "m" + producer + "." + seq;
        }
    }

    /** A growable bit set written by one thread (published to the checker by Thread.join). */
    static final class Bits {
        private long[] words = new long[16];

        /** Sets bit i; false if it was already set. */
        boolean set(int i) {
            int w = i >>> 6;
            if (w >= words.length) {
                words = Arrays.copyOf(words, Math.max(words.length * 2, w + 1));
            }
            long bit = 1L << (i & 63);
            boolean was = (words[w] & bit) != 0;
            words[w] |= bit;
            return !was;
        }

        boolean get(int i) {
            int w = i >>> 6;
            return w < words.length && (words[w] & (1L << (i & 63))) != 0;
        }
    }

    // core v2: 1 stays inline; 2, 4, 8 reach their ring cap exactly (the stale-copy rule and a sender's helpSwitch at
    // the cap); 3 and 5 hold less than their ring (4, 8); 64, 1024 and unbounded grow by doubling while the consumer takes
    private static final int[] CAPACITIES = {1, 2, 3, 4, 5, 8, 64, 1024, 0};

    /**
     * Whether participants may be virtual threads ({@code -Dsoak.virtual}, default true, in {@code mvn verify}
     * too). {@code mvn verify} ran the soak with platform threads only while core v2 finding 10 was open
     * (docs/stress.md: a virtual-thread grower that yielded while holding PLOCK was starved by virtual threads
     * spinning on PLOCK, and the channel, and this soak's close, spun forever; fixed in core 8545e94).
     */
    static final boolean VIRTUAL = Boolean.parseBoolean(System.getProperty("soak.virtual", "true"));

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = 60;
        long seed = System.nanoTime();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds":
                    seconds = Long.parseLong(args[++i]);
                    break;
                case "--seed":
                    seed = Long.parseLong(args[++i]);
                    break;
                default:
                    System.err.println("usage: Soak [--seconds N (default 60)] [--seed S]");
                    System.exit(2);
            }
        }
        // A watchdog: a channel that spins forever (e.g. core v2 finding 10) would keep a close() from returning,
        // so the soak's own 30 s hang check never runs. Dump the threads and fail instead of hanging.
        final long limit = seconds;
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(limit + 120));
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("soak: FAILED: still running " + (limit + 120) + " s after the start (a hang); threads:");
            Thread.getAllStackTraces().forEach((t, st) -> {
                System.out.println("  " + t.getName() + (t.isVirtual() ? " (virtual)" : "") + " " + t.getState());
                for (int k = 0; k < Math.min(12, st.length); k++) {
                    System.out.println("      at " + st[k]);
                }
            });
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }, "soak-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Report r = run(seconds, seed, System.out);
        System.out.print(r);
        System.exit(r.ok() ? 0 : 1);
    }

    /** Runs rounds for about {@code seconds}; progress lines go to {@code log} (may be null). */
    public static Report run(long seconds, long seed, java.io.PrintStream log) throws InterruptedException {
        Report rep = new Report();
        SplittableRandom rnd = new SplittableRandom(seed);
        if (log != null) {
            log.printf(Locale.ROOT, "soak: %d s, seed %d%n", seconds, seed);
        }
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long lastLog = start;
        while (System.nanoTime() < end && rep.hangs == 0) {
            long roundMillis = Math.min(100 + rnd.nextInt(900), Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            new Round(rep, rnd.split(), roundMillis).run();
            rep.rounds++;
            if (log != null && System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(10)) {
                lastLog = System.nanoTime();
                log.printf(Locale.ROOT, "soak: %.0f s, %d rounds, %d received, %d handed back, %s%n",
                        (lastLog - start) / 1e9, rep.rounds, rep.received, rep.handedBack, rep.ok() ? "ok so far" : "FAILURES");
            }
        }
        rep.nanos = System.nanoTime() - start;
        return rep;
    }

    /** One channel, its producers, its consumer, a chaos thread, and the ledger check at the end. */
    static final class Round {
        final Report rep;
        final SplittableRandom rnd;
        final long millis;
        final int capacity;
        final Channel<Msg> ch;
        final Sender<Msg> s;
        final Receiver<Msg> r;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean done = new AtomicBoolean();
        final Producer[] producers;
        final Consumer consumer;
        final AtomicLong interrupts = new AtomicLong();

        Round(Report rep, SplittableRandom rnd, long millis) {
            this.rep = rep;
            this.rnd = rnd;
            this.millis = millis;
            this.capacity = CAPACITIES[rnd.nextInt(CAPACITIES.length)];
            this.ch = capacity == 0 ? Channel.unbounded() : Channel.bounded(capacity);
            this.s = ch.sender();
            this.r = ch.receiver();
            int n = 1 + rnd.nextInt(4);
            producers = new Producer[n];
            for (int i = 0; i < n; i++) {
                producers[i] = new Producer(this, i, rnd.split());
            }
            consumer = new Consumer(this, n, rnd.split());
        }

        String name() {
            return "round(capacity " + (capacity == 0 ? "unbounded" : capacity) + ", " + producers.length + " producers)";
        }

        Thread start(Runnable task, String name) {
            boolean virtual = rnd.nextBoolean() && VIRTUAL;
            if (virtual) {
                rep.virtualThreads++;
                return Thread.ofVirtual().name(name).start(task);
            }
            rep.platformThreads++;
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        void run() throws InterruptedException {
            Thread[] pt = new Thread[producers.length];
            for (int i = 0; i < pt.length; i++) {
                pt[i] = start(producers[i], "soak-producer-" + i);
            }
            Thread ct = start(consumer, "soak-consumer");
            List<Thread> all = new ArrayList<>(Arrays.asList(pt));
            all.add(ct);
            Thread chaos = new Thread(() -> chaos(all), "soak-chaos");
            chaos.setDaemon(true);
            chaos.start();

            int closeMode = rnd.nextInt(4); // 0,1: at the end, sender or receiver first; 2,3: mid-run
            long closeAt = closeMode >= 2 ? rnd.nextLong(millis + 1) : millis;
            Thread.sleep(closeAt);
            if (closeMode >= 2) {
                rep.midRunCloses++;
                closeFirst(closeMode);
                Thread.sleep(millis - closeAt);
            }
            stop.set(true);
            closeFirst(closeMode);
            closeSecond(closeMode);
            done.set(true);
            chaos.join();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (Thread t : all) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    rep.hangs++;
                    rep.problem(name() + ": " + t.getName() + " did not finish 30 s after the close: " + stack(t)
                            + " channel " + ch + " drained=" + r.isDrained());
                }
            }
            if (rep.hangs > 0) {
                return;
            }
            check();
        }

        private void closeFirst(int mode) {
            if (mode % 2 == 0) {
                s.close();
            } else {
                r.close();
            }
        }

        private void closeSecond(int mode) {
            if (mode % 2 == 0) {
                r.close();
            } else {
                s.close();
            }
        }

        /** Interrupts a random participant every 0-2 ms until the round's threads are told to stop. */
        private void chaos(List<Thread> all) {
            SplittableRandom cr = rnd.split();
            while (!done.get()) {
                LockSupport.parkNanos(cr.nextLong(2_000_000L));
                all.get(cr.nextInt(all.size())).interrupt();
                interrupts.incrementAndGet();
            }
            rep.interruptsFired += interrupts.get();
        }

        /** The ledger, after every thread has finished (Thread.join publishes their bit sets). */
        private void check() {
            for (Producer p : producers) {
                Bits got = consumer.received[p.id];
                rep.created += p.created;
                for (int q = 0; q < p.created; q++) {
                    boolean rec = got.get(q);
                    boolean back = p.handedBack.get(q);
                    if (rec && back) {
                        rep.receivedAndHandedBack++;
                        rep.problem(name() + ": m" + p.id + "." + q + " was received and handed back");
                    } else if (!rec && !back) {
                        if (p.stuck.get(q)) {
                            continue; // counted as a stuck future already
                        }
                        rep.lost++;
                        rep.problem(name() + ": m" + p.id + "." + q + " was neither received nor handed back");
                    }
                }
                rep.handedBack += p.backCount;
            }
            rep.received += consumer.count;
            if (!r.isDrained()) {
                rep.unexpected++;
                rep.problem(name() + ": not drained after the end of the stream: " + ch);
            }
        }
    }

    /** A producer: every send flavour, chosen at random, until told to stop or the channel closes. */
    static final class Producer implements Runnable {
        final Round round;
        final int id;
        final SplittableRandom rnd;
        final Bits handedBack = new Bits();
        final Bits stuck = new Bits();
        int created;
        long backCount;
        /** sendAsync futures left pending (window mode): their messages are not ordered. */
        final ArrayDeque<Object[]> window = new ArrayDeque<>();

        Producer(Round round, int id, SplittableRandom rnd) {
            this.round = round;
            this.id = id;
            this.rnd = rnd;
        }

        private void back(Msg m, int reason) {
            if (!handedBack.set(m.seq)) {
                round.rep.problem("m" + id + "." + m.seq + " handed back twice");
                round.rep.duplicated++;
            }
            backCount++;
            Report rep = round.rep;
            synchronized (rep) {
                switch (reason) {
                    case 0: rep.handedBackFull++; break;
                    case 1: rep.handedBackTimeout++; break;
                    case 2: rep.handedBackInterrupted++; break;
                    case 3: rep.handedBackClosed++; break;
                    default: rep.handedBackCancelled++; break;
                }
            }
        }

        private boolean closedBack(Msg m, ChannelClosedException e) {
            if (e.undelivered() != m) {
                synchronized (round.rep) {
                    round.rep.wrongUndelivered++;
                }
                round.rep.problem("send of " + m + " failed with " + e.undelivered() + " handed back");
            }
            back(m, 3);
            return false;
        }

        private void unexpected(Msg m, Throwable t) {
            synchronized (round.rep) {
                round.rep.unexpected++;
            }
            round.rep.problem("send of " + m + ": unexpected " + t);
        }

        @Override
        public void run() {
            try {
                boolean open = true;
                while (open && !round.stop.get()) {
                    open = sendOne();
                    if (window.size() > 8 || (!window.isEmpty() && rnd.nextInt(8) == 0)) {
                        settleWindow(false);
                    }
                }
                // After the close every pending future must complete: wait for each (bounded).
                settleWindow(true);
            } catch (Throwable t) {
                unexpected(null, t);
            }
        }

        /** One send; false once the channel is known to be closed. */
        private boolean sendOne() {
            Msg m = new Msg(id, created++, window.isEmpty());
            Sender<Msg> s = round.s;
            int op = rnd.nextInt(7);
            try {
                switch (op) {
                    case 0: // trySend
                        if (!s.trySend(m)) {
                            back(m, 0);
                        }
                        return true;
                    case 1: // send, waits
                        try {
                            s.send(m);
                        } catch (InterruptedException e) {
                            back(m, 2);
                        }
                        return true;
                    case 2: // timed send, short
                        try {
                            if (!s.send(m, rnd.nextInt(300), TimeUnit.MICROSECONDS)) {
                                back(m, 1);
                            }
                        } catch (InterruptedException e) {
                            back(m, 2);
                        }
                        return true;
                    case 3: { // sendAsync, wait a little, cancel if still pending
                        CompletableFuture<Void> f = s.sendAsync(m);
                        try {
                            f.get(rnd.nextInt(300), TimeUnit.MICROSECONDS);
                            return true;
                        } catch (TimeoutException | InterruptedException e) {
                            return cancelOrSettle(m, f);
                        }
                    }
                    case 4: { // sendAsync, cancel at once
                        return cancelOrSettle(m, s.sendAsync(m));
                    }
                    case 5: { // sendAsync left pending: settled later, so this message is unordered
                        Msg u = new Msg(id, m.seq, false);
                        window.add(new Object[] {u, s.sendAsync(u)});
                        return true;
                    }
                    default: // send with a long timeout
                        try {
                            if (!s.send(m, 50, TimeUnit.MILLISECONDS)) {
                                back(m, 1);
                            }
                        } catch (InterruptedException e) {
                            back(m, 2);
                        }
                        return true;
                }
            } catch (ChannelClosedException e) {
                return closedBack(m, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ChannelClosedException) {
                    return closedBack(m, (ChannelClosedException) e.getCause());
                }
                unexpected(m, e);
                return true;
            } catch (RuntimeException e) {
                unexpected(m, e);
                return true;
            }
        }

        /** Cancels a send future; if that fails the future has completed (or is completing): settle it. */
        private boolean cancelOrSettle(Msg m, CompletableFuture<Void> f) throws ExecutionException {
            if (f.cancel(false)) {
                if (!f.isCancelled()) {
                    unexpected(m, new IllegalStateException("cancel returned true but the future is not cancelled"));
                }
                back(m, 4);
                return true;
            }
            return settle(m, f, true);
        }

        /** Waits (bounded) for a future that cannot be cancelled any more; false if it failed with a close. */
        private boolean settle(Msg m, CompletableFuture<Void> f, boolean mustBeDone) throws ExecutionException {
            if (mustBeDone && !f.isDone()) {
                unexpected(m, new IllegalStateException("cancel returned false but the future is not done: " + f));
            }
            try {
                f.get(20, TimeUnit.SECONDS);
                return true;
            } catch (CancellationException e) {
                back(m, 4);
                return true;
            } catch (TimeoutException e) {
                stuck.set(m.seq);
                synchronized (round.rep) {
                    round.rep.stuckFutures++;
                }
                round.rep.problem(round.name() + ": sendAsync(" + m + ") never completed; channel " + round.ch);
                return true;
            } catch (InterruptedException e) {
                return settle(m, f, mustBeDone); // chaos: ask again
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ChannelClosedException) {
                    return closedBack(m, (ChannelClosedException) e.getCause());
                }
                throw e;
            }
        }

        /** Settles the pending window: done futures always; on {@code all}, waits for each (cancelling some). */
        private void settleWindow(boolean all) throws ExecutionException {
            for (int n = window.size(); n > 0; n--) {
                Object[] e = window.poll();
                Msg m = (Msg) e[0];
                @SuppressWarnings("unchecked")
                CompletableFuture<Void> f = (CompletableFuture<Void>) e[1];
                if (f.isDone()) {
                    settle(m, f, true);
                } else if (all) {
                    settle(m, f, false);
                } else if (rnd.nextInt(4) == 0) {
                    cancelOrSettle(m, f);
                } else {
                    window.add(e);
                }
            }
        }
    }

    /** The consumer: every receive flavour, chosen at random, until the end of the stream. */
    static final class Consumer implements Runnable {
        final Round round;
        final SplittableRandom rnd;
        final Bits[] received;
        final int[] maxSeen;
        long count;
        /** Set when the last receive was a receiveAsync completed by another thread (core bug 1's window). */
        boolean afterAsync;

        Consumer(Round round, int producers, SplittableRandom rnd) {
            this.round = round;
            this.rnd = rnd;
            received = new Bits[producers];
            maxSeen = new int[producers];
            for (int i = 0; i < producers; i++) {
                received[i] = new Bits();
                maxSeen[i] = -1;
            }
        }

        private void got(Msg m) {
            if (m == null) {
                return;
            }
            count++;
            if (!received[m.producer].set(m.seq)) {
                synchronized (round.rep) {
                    round.rep.duplicated++;
                }
                round.rep.problem(round.name() + ": " + m + " received twice");
            }
            if (m.ordered && maxSeen[m.producer] > m.seq) {
                synchronized (round.rep) {
                    round.rep.reordered++;
                }
                round.rep.problem(round.name() + ": " + m + " received after m" + m.producer + "." + maxSeen[m.producer]);
            }
            maxSeen[m.producer] = Math.max(maxSeen[m.producer], m.seq);
        }

        @Override
        public void run() {
            Receiver<Msg> r = round.r;
            List<Msg> sink = new ArrayList<>();
            for (;;) {
                int op = rnd.nextInt(6);
                try {
                    switch (op) {
                        case 0: {
                            Msg m = r.tryReceive();
                            if (m == null && r.isDrained()) {
                                return;
                            }
                            got(m);
                            break;
                        }
                        case 1:
                            got(r.receive());
                            break;
                        case 2: {
                            Msg m = r.receive(rnd.nextInt(300), TimeUnit.MICROSECONDS);
                            if (m == null) {
                                synchronized (round.rep) {
                                    round.rep.receiveTimeouts++;
                                }
                            }
                            got(m);
                            break;
                        }
                        case 3: { // receiveAsync, wait a little, cancel if still pending
                            CompletableFuture<Msg> f = r.receiveAsync();
                            boolean pending = !f.isDone();
                            try {
                                got(f.get(rnd.nextInt(300), TimeUnit.MICROSECONDS));
                            } catch (TimeoutException | InterruptedException e) {
                                cancelOrTake(f);
                            }
                            afterAsync = pending;
                            continue;
                        }
                        case 4: { // receiveAsync cancelled at once
                            cancelOrTake(r.receiveAsync());
                            break;
                        }
                        default: {
                            sink.clear();
                            int n = r.drainTo(sink, 1 + rnd.nextInt(64));
                            if (n != sink.size()) {
                                round.rep.problem("drainTo returned " + n + " for " + sink.size() + " messages");
                                synchronized (round.rep) {
                                    round.rep.unexpected++;
                                }
                            }
                            for (Msg m : sink) {
                                got(m);
                            }
                            if (n == 0 && r.isDrained()) {
                                return;
                            }
                        }
                    }
                    afterAsync = false;
                } catch (ChannelClosedException e) {
                    if (e.undelivered() != null) {
                        synchronized (round.rep) {
                            round.rep.unexpected++;
                        }
                        round.rep.problem("end of stream carrying " + e.undelivered());
                    }
                    if (!r.isDrained()) {
                        synchronized (round.rep) {
                            round.rep.unexpected++;
                        }
                        round.rep.problem(round.name() + ": end of stream before the channel was drained: " + round.ch);
                    }
                    return;
                } catch (InterruptedException e) {
                    synchronized (round.rep) {
                        round.rep.receiveInterrupted++;
                    }
                    afterAsync = false;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof ChannelClosedException) {
                        return;
                    }
                    synchronized (round.rep) {
                        round.rep.unexpected++;
                    }
                    round.rep.problem("receive failed: " + e.getCause());
                } catch (IllegalStateException e) {
                    // One consumer, receives in sequence: an overlap report is spurious. Known: core bug 1
                    // (a completed receiveAsync future still registered as the waiting receiver).
                    synchronized (round.rep) {
                        round.rep.spuriousIllegalState++;
                    }
                    round.rep.problem(round.name() + ": " + (afterAsync ? "right after a receiveAsync completed by a sender: " : "")
                            + e);
                    afterAsync = false;
                    Thread.yield();
                } catch (RuntimeException e) {
                    synchronized (round.rep) {
                        round.rep.unexpected++;
                    }
                    round.rep.problem("receive: unexpected " + e);
                }
            }
        }

        /** Cancels a receive future; if that fails it holds a message (or the end of the stream): take it. */
        private void cancelOrTake(CompletableFuture<Msg> f) throws ExecutionException, InterruptedException {
            if (f.cancel(false)) {
                synchronized (round.rep) {
                    round.rep.receiveCancelled++;
                }
                return;
            }
            if (!f.isDone()) {
                synchronized (round.rep) {
                    round.rep.unexpected++;
                }
                round.rep.problem("receiveAsync: cancel returned false but the future is not done");
            }
            try {
                got(f.get(20, TimeUnit.SECONDS));
            } catch (TimeoutException e) {
                synchronized (round.rep) {
                    round.rep.stuckFutures++;
                }
                round.rep.problem("receiveAsync future never completed");
            }
        }
    }

    static String stack(Thread t) {
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) {
            sb.append("\n      at ").append(e);
            if (sb.length() > 3000) {
                break;
            }
        }
        return sb.toString();
    }
}
