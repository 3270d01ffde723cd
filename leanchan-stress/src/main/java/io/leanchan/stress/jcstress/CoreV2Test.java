package io.leanchan.stress.jcstress;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.stress.Internals;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;
import org.openjdk.jcstress.infra.results.LL_Result;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The transitions of core v2 (see the class comments of {@code ChannelState}, {@code ChannelSend} and {@code ChannelReceive}): grows that copy while the receiver
 * keeps taking from the old ring (stale-copy range, cleaned by the receiver at its switch or by a sender's
 * helpSwitch), the receiver parking with RWAIT racing a send, a sender linking into the SenderQueue racing the
 * take that makes room, a timed send timing out while the receiver takes, cancellation racing the wake of the
 * oldest waiter, and {@code isDrained()} observed while the receiver gives its storage back after a close.
 * Every test forbids a lost, duplicated or reordered message.
 */
public final class CoreV2Test {
    private CoreV2Test() {
    }

    static final long LONG_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    static void send(Channel<String> ch, String... ms) {
        for (String m : ms) {
            if (!ch.sender().trySend(m)) {
                throw new IllegalStateException("setup refused " + m);
            }
        }
    }

    static void take(Receiver<String> r, StringBuilder got, int n) {
        for (int k = 0; k < n; k++) {
            String m = r.tryReceive();
            if (m != null) {
                Check.append(got, m);
            }
        }
    }

    static void expectShape(Channel<String> ch, int ringLength) {
        if (Internals.ringLength(ch) != ringLength) {
            throw new IllegalStateException("expected a ring of " + ringLength + ", got " + Internals.shape(ch));
        }
    }

    /**
     * Grow from the inline field: p0 sits in the channel object's one-slot field; A's a1 grows it to a ring of 2
     * (copying p0 while the consumer may take it from the field), a2 may grow it to 4, B's b1 races both.
     */
    @JCStressTest
    @Description("inline -> ring of 2 (-> 4) racing a consumer that takes from the inline field")
    @Outcome(id = "p0 a1 a2 b1, [0-2]", expect = ACCEPTABLE, desc = "A's then B's")
    @Outcome(id = "p0 a1 b1 a2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "p0 b1 a1 a2, [0-2]", expect = ACCEPTABLE, desc = "B's first")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated, refused or reordered message")
    @State
    public static class GrowFromInline {
        final Channel<String> ch = Channel.unbounded();
        final Receiver<String> r = ch.receiver();
        final StringBuilder got = new StringBuilder();
        String refused = "";

        public GrowFromInline() {
            send(ch, "p0");
            expectShape(ch, 0);
        }

        @Actor
        public void producerA() {
            if (!ch.sender().trySend("a1") | !ch.sender().trySend("a2")) {
                refused += " A-REFUSED";
            }
        }

        @Actor
        public void producerB() {
            if (!ch.sender().trySend("b1")) {
                refused += " B-REFUSED";
            }
        }

        @Actor
        public void consumer() {
            take(r, got, 2);
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            int n = Check.words(got.toString()).size();
            res.r1 = Check.join(got.toString(), Check.drain(r)) + refused;
            res.r2 = n;
        }
    }

    /**
     * Grow n -> 2n of a wrapped ring the receiver is using: ring of 4 holding p1..p4 (p4 in slot 0), the receiver
     * switched to it. A's a1 copies the four into a ring of 8 while the consumer takes up to three from the old
     * ring: those leave stale copies in the new ring, which the switch must clean without dropping a2 or b1.
     */
    @JCStressTest
    @Description("ring 4 -> 8 (wrapped) racing a consumer taking three from the old ring")
    @Outcome(id = "p1 p2 p3 p4 a1 a2 b1, [0-3]", expect = ACCEPTABLE, desc = "A's then B's")
    @Outcome(id = "p1 p2 p3 p4 a1 b1 a2, [0-3]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "p1 p2 p3 p4 b1 a1 a2, [0-3]", expect = ACCEPTABLE, desc = "B's first")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated (stale copy taken), refused or reordered message")
    @State
    public static class GrowDouble {
        final Channel<String> ch = Channel.bounded(16);
        final Receiver<String> r = ch.receiver();
        final StringBuilder got = new StringBuilder();
        String refused = "";

        public GrowDouble() {
            send(ch, "p0", "p1", "p2", "p3");
            if (!"p0".equals(r.tryReceive())) { // switch to the ring of 4
                throw new IllegalStateException("setup");
            }
            send(ch, "p4");
            expectShape(ch, 4);
            if (Internals.isMoved(ch) || Internals.hasPending(ch)) {
                throw new IllegalStateException("receiver not on the ring: " + Internals.shape(ch));
            }
        }

        @Actor
        public void producerA() {
            if (!ch.sender().trySend("a1") | !ch.sender().trySend("a2")) {
                refused += " A-REFUSED";
            }
        }

        @Actor
        public void producerB() {
            if (!ch.sender().trySend("b1")) {
                refused += " B-REFUSED";
            }
        }

        @Actor
        public void consumer() {
            take(r, got, 3);
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            int n = Check.words(got.toString()).size();
            res.r1 = Check.join(got.toString(), Check.drain(r)) + refused;
            res.r2 = n;
        }
    }

    /**
     * A grow to the longest ring of a bounded(4) channel with the receiver on the old ring: ring of 2 full (p1 p2),
     * A's a1 grows it to 4 (pending = copy start). If the consumer takes from the old ring before it sees MOVED,
     * the next senders find room only by the stale-copy rule and clean the consumed part themselves (helpSwitch,
     * under PLOCK) while the receiver may still take. Sends may be refused at the bound; the verdict checks that
     * a refused message is never received and a sent one exactly once, in order.
     */
    @JCStressTest
    @Description("grow to the ring cap with the receiver on the old ring: stale range cleaned by a sender (helpSwitch)")
    @Outcome(id = "ok, .*", expect = ACCEPTABLE, desc = "every sent message received once, in order; refused ones never")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated, reordered, or a refused message received")
    @State
    public static class HelpSwitch {
        final Channel<String> ch = Channel.bounded(4);
        final Receiver<String> r = ch.receiver();
        final StringBuilder got = new StringBuilder();
        final String[][] results = new String[2][3];

        public HelpSwitch() {
            send(ch, "p0", "p1");
            if (!"p0".equals(r.tryReceive())) {
                throw new IllegalStateException("setup");
            }
            send(ch, "p2");
            expectShape(ch, 2);
            results[1][2] = "sent";
        }

        @Actor
        public void producerA() {
            results[0][0] = Check.trySend(ch.sender(), "a1");
            results[0][1] = Check.trySend(ch.sender(), "a2");
            results[0][2] = Check.trySend(ch.sender(), "a3");
        }

        @Actor
        public void producerB() {
            results[1][0] = Check.trySend(ch.sender(), "b1");
            results[1][1] = Check.trySend(ch.sender(), "b2");
        }

        @Actor
        public void consumer() {
            take(r, got, 3);
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            String all = Check.join(got.toString(), Check.drain(r));
            java.util.List<String> received = Check.words(all);
            String v = Check.verdict(received, new String[][] {{"p1", "p2", "a1", "a2", "a3"}, {"p1", "p2", "b1", "b2"}},
                    new String[][] {{"sent", "sent", results[0][0], results[0][1], results[0][2]},
                            {"sent", "sent", results[1][0], results[1][1]}});
            if (v.equals("ok") && (received.size() < 2 || !received.get(0).equals("p1") || !received.get(1).equals("p2"))) {
                v = "PREFILL-NOT-FIRST";
            }
            res.r1 = v;
            res.r2 = all + " / A " + String.join(",", results[0]) + " B " + results[1][0] + "," + results[1][1];
        }
    }

    /** The consumer's timed receive: the message, "late" (timed out, the send came after), or LOST-WAKEUP. */
    static String timedReceive(Receiver<String> r, AtomicLongArray sentAt, int which) {
        long start = System.nanoTime();
        try {
            String m = r.receive(LONG_WAIT_NANOS, TimeUnit.NANOSECONDS);
            if (m != null) {
                return m;
            }
        } catch (InterruptedException e) {
            return "INTERRUPTED";
        }
        long s = sentAt.get(which);
        // timed out: a lost wake-up if the message was sent well before the deadline
        return s != 0 && s - start < LONG_WAIT_NANOS / 2 ? "LOST-WAKEUP" : "late";
    }

    /**
     * RWAIT: the receiver finds the channel empty and parks (CAS on P setting RWAIT) while a sender claims (CAS on
     * P clearing RWAIT) and must wake it. A timed-out receive while the message was sent in time is a lost wake-up.
     */
    @JCStressTest
    @Description("the receiver parking (RWAIT) racing a send: no lost wake-up")
    @Outcome(id = "m, ", expect = ACCEPTABLE, desc = "woken (or found it before parking)")
    @Outcome(id = "late, m", expect = ACCEPTABLE_INTERESTING, desc = "the sender was descheduled past the timeout")
    @Outcome(expect = FORBIDDEN, desc = "timed out with the message present (lost wake-up), lost or duplicated")
    @State
    public static class ParkVsSend {
        final Channel<String> ch = Channel.bounded(4);
        final Receiver<String> r = ch.receiver();
        final AtomicLongArray sentAt = new AtomicLongArray(1);

        @Actor
        public void consumer(LL_Result res) {
            res.r1 = timedReceive(r, sentAt, 0);
        }

        @Actor
        public void producer() {
            ch.sender().trySend("m");
            sentAt.set(0, System.nanoTime());
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            res.r2 = Check.drain(r);
        }
    }

    /**
     * RWAIT with a ring kept on credit: the waiting receive lingers (parks at most LINGER_NANOS), gives the ring
     * back (burning an index), then parks on; two senders race every step. Both messages must be received.
     */
    @JCStressTest
    @Description("the lingering receiver (kept ring, give-back after the linger, then park) racing two sends")
    @Outcome(id = "a b, , .*", expect = ACCEPTABLE, desc = "a first")
    @Outcome(id = "b a, , .*", expect = ACCEPTABLE, desc = "b first")
    @Outcome(id = "(late|a late|b late), .*", expect = ACCEPTABLE_INTERESTING, desc = "a sender descheduled past the timeout")
    @Outcome(expect = FORBIDDEN, desc = "lost wake-up, lost or duplicated message")
    @State
    public static class ParkLingerVsSends {
        final Channel<String> ch = Channel.unbounded();
        final Receiver<String> r = ch.receiver();
        final AtomicLongArray sentAt = new AtomicLongArray(2);
        public ParkLingerVsSends() {
            RingTransitionsTest.burst(ch, r, 4);
            r.tryReceive(); // the first burst is given back
            RingTransitionsTest.burst(ch, r, 5); // ring of 8; the next empty check keeps it on credit
            expectShape(ch, 8);
        }

        @Actor
        public void consumer(LLL_Result res) {
            StringBuilder sb = new StringBuilder();
            String m = timedReceive(r, sentAt, 0);
            Check.append(sb, m);
            if (!m.equals("late")) {
                int other = m.equals("a") ? 1 : 0;
                Check.append(sb, timedReceive(r, sentAt, other));
            }
            res.r1 = sb.toString();
            res.r3 = Internals.shape(ch);
        }

        @Actor
        public void producerA() {
            ch.sender().trySend("a");
            sentAt.set(0, System.nanoTime());
        }

        @Actor
        public void producerB() {
            ch.sender().trySend("b");
            sentAt.set(1, System.nanoTime());
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r2 = Check.drain(r);
        }
    }

    /**
     * A timed send that returned false: FORBIDDEN ("TIMED-OUT-WITH-ROOM") only if the take that made room happened
     * at least 100 ms before the deadline; else the consumer actor simply ran late (jcstress time-slices actors on
     * a small machine): "late take".
     */
    static String timedOut(long start, long timeout, long tookAt) {
        return tookAt != 0 && tookAt - start < timeout - 100_000_000L ? "TIMED-OUT-WITH-ROOM" : "late take";
    }

    /**
     * A sender linking itself into the SenderQueue of a full bounded(1) (link, set SWAIT, try again, park) while the
     * receiver takes the message that frees the room. The take's SWAIT check may miss the link (no fence on the
     * fast path); the sender then re-checks after SENDER_RECHECK_NANOS (50 us). A timed send of 2 s that times out
     * with the room there is a missed wake-up; a send that needed more than 1 ms is reported (interesting).
     */
    @JCStressTest
    @Description("a sender linking into the SenderQueue (full bounded(1)) racing the take that makes room")
    @Outcome(id = "p, sent, a", expect = ACCEPTABLE, desc = "the sender got the room")
    @Outcome(id = "p, sent after 1 ms\\+, a", expect = ACCEPTABLE_INTERESTING, desc = "the room was found late (recheck or descheduled)")
    @Outcome(id = "p, late take, ", expect = ACCEPTABLE_INTERESTING, desc = "timed out before the consumer actor ran (time-sliced)")
    @Outcome(expect = FORBIDDEN, desc = "the sender timed out while there was room, or a message lost or duplicated")
    @State
    public static class LinkVsTake {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();
        volatile long tookAt;

        public LinkVsTake() {
            send(ch, "p");
        }

        @Actor
        public void sender(LLL_Result res) {
            try {
                long start = System.nanoTime();
                boolean ok = ch.sender().send("a", LONG_WAIT_NANOS, TimeUnit.NANOSECONDS);
                long done = System.nanoTime();
                long took = tookAt;
                res.r2 = !ok ? timedOut(start, LONG_WAIT_NANOS, took)
                        : took != 0 && done - took > 1_000_000L ? "sent after 1 ms+" : "sent";
            } catch (InterruptedException e) {
                res.r2 = "INTERRUPTED";
            }
        }

        @Actor
        public void consumer(LLL_Result res) {
            String m = r.tryReceive();
            tookAt = System.nanoTime();
            res.r1 = String.valueOf(m);
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r3 = Check.drain(r);
        }
    }

    /**
     * LinkVsTake behind a cancelled node (finding 8). Setup: a full bounded(1) holding p; a pending sendAsync(q) is
     * linked first, a timed send of "gone" times out behind it (its CANCELLED node is not unlinked: a withdrawing
     * sender unlinks dead nodes only at the head, and q's is live); the take of p wakes q's node, q's future is
     * delivered, so the channel is full again with q and the SenderQueue holds only the cancelled node (checked
     * here and in TransitionShapesTest). Since core c2562c4 a timed send that gives up at the head unlinks its
     * node, so the setup used before (one timed-out send) no longer left anything linked. The racing sender links
     * behind the cancelled node while the consumer takes q. On core v2 at 22f8eb4 it was not "first" (q.isEmpty()
     * counted the cancelled node) and parked without the SENDER_RECHECK_NANOS re-check, so a take whose wakeOldest
     * missed it left it waiting for room that existed. Fixed in core 05946ca / 24c7b78 (every newly linked node
     * parks for at most SENDER_RECHECK_NANOS and looks again): a send that got the room 200 ms or more after the
     * take ("stalled"), or timed out with the room there, is FORBIDDEN.
     */
    @JCStressTest
    @Description("a sender linking behind (only) a cancelled node of a full bounded(1) racing the take that makes room")
    @Outcome(id = "q, sent, a", expect = ACCEPTABLE, desc = "the sender got the room")
    @Outcome(id = "q, sent after 1 ms\\+, a", expect = ACCEPTABLE_INTERESTING, desc = "the room was found late (descheduled)")
    @Outcome(id = "q, stalled, a", expect = FORBIDDEN, desc = "finding 8: waited >= 200 ms after the take with room there")
    @Outcome(id = "q, late take, ", expect = ACCEPTABLE_INTERESTING, desc = "timed out before the consumer actor ran (time-sliced)")
    @Outcome(expect = FORBIDDEN, desc = "a message lost or duplicated, the send timed out with room, or the setup failed")
    @State
    public static class LinkBehindCancelledVsTake {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();
        volatile long tookAt;

        public LinkBehindCancelledVsTake() {
            send(ch, "p");
            CompletableFuture<Void> q = ch.sender().sendAsync("q");
            try {
                if (ch.sender().send("gone", 1, TimeUnit.NANOSECONDS)) {
                    throw new IllegalStateException("setup: sent into a full channel");
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (!"p".equals(r.tryReceive()) || !q.isDone() || q.isCompletedExceptionally()) {
                throw new IllegalStateException("setup: the take of p did not deliver the pending q");
            }
            int[] linked = Internals.linkedWaiters(ch);
            if (linked[0] != 1 || linked[1] != 1) {
                throw new IllegalStateException("setup: expected only one cancelled node linked, found "
                        + linked[0] + " (" + linked[1] + " cancelled)");
            }
        }

        @Actor
        public void sender(LLL_Result res) {
            try {
                long start = System.nanoTime();
                boolean ok = ch.sender().send("a", 400, TimeUnit.MILLISECONDS);
                long done = System.nanoTime();
                long took = tookAt;
                res.r2 = !ok ? timedOut(start, TimeUnit.MILLISECONDS.toNanos(400), took) : done - start >= 200_000_000L && took != 0 && done - took >= 200_000_000L
                        ? "stalled" : took != 0 && done - took > 1_000_000L ? "sent after 1 ms+" : "sent";
            } catch (InterruptedException e) {
                res.r2 = "INTERRUPTED";
            }
        }

        @Actor
        public void consumer(LLL_Result res) {
            String m = r.tryReceive();
            tookAt = System.nanoTime();
            res.r1 = String.valueOf(m);
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r3 = Check.drain(r);
        }
    }

    /** The same with a pending sendAsync: linking the node, the roomNow re-check and the take's wake of the node. */
    @JCStressTest
    @Description("a pending sendAsync linking into the SenderQueue racing the take that makes room")
    @Outcome(id = "p, delivered, a", expect = ACCEPTABLE, desc = "the future got the room")
    @Outcome(expect = FORBIDDEN, desc = "the future left pending with room, or a message lost or duplicated")
    @State
    public static class LinkAsyncVsTake {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();

        public LinkAsyncVsTake() {
            send(ch, "p");
        }

        @Actor
        public void sender(LLL_Result res) {
            CompletableFuture<Void> f = ch.sender().sendAsync("a");
            try {
                f.get(LONG_WAIT_NANOS, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // reported as PENDING below
            } catch (Exception e) {
                res.r2 = "FAILED-" + e;
                return;
            }
            res.r2 = Check.sendFuture(f, "a");
        }

        @Actor
        public void consumer(LLL_Result res) {
            res.r1 = String.valueOf(r.tryReceive());
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r3 = Check.drain(r);
        }
    }

    /**
     * A timed send timing out while the receiver takes (issue 9: enqueue vs cancel vs wake): the node's
     * WAITING -> WOKEN (take) and WAITING -> CANCELLED (timeout) CASes race. The message is delivered once (send
     * true) or kept by the sender (send false), never both, never lost.
     */
    @JCStressTest
    @Description("a timed send timing out while the receiver takes: delivered once or handed back")
    @Outcome(id = "sent, p a", expect = ACCEPTABLE, desc = "delivered")
    @Outcome(id = "timed out, p", expect = ACCEPTABLE_INTERESTING, desc = "timed out: the sender keeps the message")
    @Outcome(expect = FORBIDDEN, desc = "timed out but delivered, or sent but lost, or duplicated")
    @State
    public static class TimedSendVsTake {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();
        final StringBuilder got = new StringBuilder();

        public TimedSendVsTake() {
            send(ch, "p");
        }

        @Actor
        public void sender(LL_Result res) {
            try {
                res.r1 = ch.sender().send("a", 20, TimeUnit.MICROSECONDS) ? "sent" : "timed out";
            } catch (InterruptedException e) {
                res.r1 = "INTERRUPTED";
            }
        }

        @Actor
        public void consumer() {
            take(r, got, 2);
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            res.r2 = Check.join(got.toString(), Check.drain(r));
        }
    }

    /**
     * Cancel vs wake in the SenderQueue: two pending sendAsync (A then B) on a full bounded(1); A is cancelled while
     * the consumer's takes wake the oldest node. A wake must never be spent on a cancelled A: B is delivered by the
     * end (the arbiter's drain makes room too), and A is cancelled (never received) or delivered (received once).
     */
    @JCStressTest
    @Description("two pending sendAsync: cancel of the oldest racing the take that wakes it")
    @Outcome(id = "cancelled, delivered, p b", expect = ACCEPTABLE, desc = "cancel won: the room went to B")
    @Outcome(id = "delivered, delivered, p a b", expect = ACCEPTABLE, desc = "the take woke A first")
    @Outcome(expect = FORBIDDEN, desc = "B left pending (wake lost on a cancelled node), A cancelled and delivered, lost or duplicated")
    @State
    public static class CancelVsWake {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();
        final StringBuilder got = new StringBuilder();
        final CompletableFuture<Void> fa;
        final CompletableFuture<Void> fb;

        public CancelVsWake() {
            send(ch, "p");
            fa = ch.sender().sendAsync("a");
            fb = ch.sender().sendAsync("b");
            if (fa.isDone() || fb.isDone()) {
                throw new IllegalStateException("setup: futures not pending");
            }
        }

        @Actor
        public void canceller() {
            fa.cancel(false);
        }

        @Actor
        public void consumer() {
            take(r, got, 2);
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r3 = Check.join(got.toString(), Check.drain(r));
            res.r1 = Check.sendFuture(fa, "a");
            res.r2 = Check.sendFuture(fb, "b");
        }
    }

    /**
     * Issue 24, defect 1, as the review found it: the consumer receives once. A take woke A's node, A was cancelled
     * before the take's retry claimed it, and the retry gave up: B (queued behind A) waited with room until a
     * later receive. {@link CancelVsWake} hid it, its consumer receiving twice. Now a wake that meets a withdrawn
     * future passes to the next node, within the take: when A is cancelled, B is delivered by the arbiter's look.
     */
    @JCStressTest
    @Description("issue 24 defect 1: a pending sendAsync cancelled as the one take wakes it; the room must reach B")
    @Outcome(id = "cancelled, delivered, p", expect = ACCEPTABLE, desc = "cancel won: the room went to B at once")
    @Outcome(id = "delivered, PENDING, p", expect = ACCEPTABLE, desc = "the take delivered A; B waits (full)")
    @Outcome(expect = FORBIDDEN, desc = "A cancelled and B pending with room (wake lost), or a message lost")
    @State
    public static class CancelVsOneTake {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();
        final StringBuilder got = new StringBuilder();
        final CompletableFuture<Void> fa;
        final CompletableFuture<Void> fb;

        public CancelVsOneTake() {
            send(ch, "p");
            fa = ch.sender().sendAsync("a");
            fb = ch.sender().sendAsync("b");
            if (fa.isDone() || fb.isDone()) {
                throw new IllegalStateException("setup: futures not pending");
            }
        }

        @Actor
        public void canceller() {
            fa.cancel(false);
        }

        @Actor
        public void consumer() {
            take(r, got, 1);
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r1 = Check.sendFuture(fa, "a"); // before any further receive: nothing else may deliver b
            res.r2 = Check.sendFuture(fb, "b");
            res.r3 = got.toString();
        }
    }

    /**
     * Issue 24, defect 3: the take that finds the sender queue empty drops it (sw from the queue to its lifecycle
     * record) while {@code closed()} publishes a record into that queue. The drop read the queue's record (none),
     * the publication landed, and the drop then lost it: closed() later returned a second future, and the first
     * never completed. Now the drop seals the queue's record slot first. After the race and a close, the future
     * closed() returned must be complete and the same that closed() returns now.
     */
    @JCStressTest
    @Description("issue 24 defect 3: closed() publishing its record while a take drops the empty sender queue")
    @Outcome(id = "same, done, p", expect = ACCEPTABLE, desc = "one record, completed by close")
    @Outcome(expect = FORBIDDEN, desc = "the record was lost with the dropped queue")
    @State
    public static class LifecycleVsDrop {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();
        final StringBuilder got = new StringBuilder();
        CompletableFuture<Void> closed;

        public LifecycleVsDrop() {
            send(ch, "p");
            CompletableFuture<Void> f = ch.sender().sendAsync("x"); // a queue, SWAIT set
            f.cancel(false); // its node is dead and pruned: the queue is empty, still in place, SWAIT still set
            if (Internals.linkedWaiters(ch)[0] != 0) {
                throw new IllegalStateException("setup: the cancelled node is still linked");
            }
        }

        @Actor
        public void observer() {
            closed = ch.sender().closed();
        }

        @Actor
        public void consumer() {
            take(r, got, 1); // the take sees SWAIT, finds nobody and drops the queue
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            ch.close();
            res.r1 = closed == ch.sender().closed() ? "same" : "DIFFERENT";
            res.r2 = closed.isDone() ? "done" : "NOT-DONE";
            res.r3 = got.toString();
        }
    }

    /**
     * Issue 10: {@code isDrained()} read by an observer while the receiver drains a closed channel and gives its
     * ring back (giveBack writes C before P). Once true it must stay true: "T" followed by "F" is forbidden.
     */
    @JCStressTest
    @Description("isDrained() monotonic while the receiver gives its ring back after close")
    @Outcome(id = "F, m1 m2 eos", expect = ACCEPTABLE, desc = "not drained yet at every read")
    @Outcome(id = "FT, m1 m2 eos", expect = ACCEPTABLE_INTERESTING, desc = "seen becoming drained, then staying so")
    @Outcome(id = "T, m1 m2 eos", expect = ACCEPTABLE, desc = "drained at every read")
    @Outcome(expect = FORBIDDEN, desc = "isDrained() flipped from true back to false, or a message lost")
    @State
    public static class IsDrainedMonotonic {
        final Channel<String> ch = Channel.bounded(16);
        final Receiver<String> r = ch.receiver();

        public IsDrainedMonotonic() {
            send(ch, "m1", "m2"); // a ring of 2
            expectShape(ch, 2);
        }

        @Actor
        public void closer() {
            ch.sender().close();
        }

        @Actor
        public void receiver(LL_Result res) {
            StringBuilder sb = new StringBuilder();
            try {
                for (;;) {
                    Check.append(sb, r.receive(LONG_WAIT_NANOS, TimeUnit.NANOSECONDS));
                }
            } catch (ChannelClosedException e) {
                Check.append(sb, "eos");
            } catch (InterruptedException e) {
                Check.append(sb, "INTERRUPTED");
            }
            res.r2 = sb.toString();
        }

        @Actor
        public void observer(LL_Result res) {
            // up to 256 reads, the runs of equal answers compressed: "F", "FT", "T" (or "TF...": forbidden)
            StringBuilder runs = new StringBuilder();
            char last = 0;
            for (int k = 0; k < 256; k++) {
                char c = r.isDrained() ? 'T' : 'F';
                if (c != last) {
                    runs.append(c);
                    last = c;
                }
                if (runs.length() == 2 && c == 'T') {
                    // seen F then T: keep reading a while for a flip back
                    for (int j = 0; j < 64; j++) {
                        if (!r.isDrained()) {
                            runs.append('F');
                            break;
                        }
                    }
                    break;
                }
            }
            res.r1 = runs.toString();
        }
    }
}
