package io.leanchan.stress.jcstress;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.Select;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link Select} (issue 12) racing senders, closes, a timeout and a cancel. A select consumes at most one
 * message, from exactly one channel; whatever it did not take stays in its channel, which the arbiter drains
 * after the race. Outcomes that lose or duplicate a message are FORBIDDEN.
 *
 * <p>The selects that should always return wait with a 1 s timeout as a guard ({@link Guarded}) instead of
 * forever, and time themselves, so that a lost wake-up shows as a FORBIDDEN outcome instead of a hung test VM:
 * {@code LOST-WAKEUP} (the select slept until its deadline although a message or close it should have woken
 * for had completed at least 200 ms before) or {@code MISSED} (it gave up although that action had completed
 * 200 ms before its last look). On an overloaded machine an actor can also simply run late, after the guard
 * expired: that outcome is {@code late} (ACCEPTABLE_INTERESTING: nothing lost, the message stays).
 */
public final class SelectTest {
    private SelectTest() {
    }

    static final Function<String, String> ID = m -> m;
    static final long GUARD_NS = TimeUnit.SECONDS.toNanos(1);
    static final long SLACK_NS = TimeUnit.MILLISECONDS.toNanos(200);

    /** A blocking select with a guard timeout, timed; {@link #verdict} tells a lost wake-up from a late actor. */
    static final class Guarded {
        final Select<String> sel;
        long start;
        long end;
        boolean timedOut;

        Guarded(Select<String> sel) {
            this.sel = sel;
        }

        /** The message, "closed" (an onClosed clause), "eos", or a complaint. */
        String select() {
            start = System.nanoTime();
            String r;
            try {
                r = sel.select(GUARD_NS, TimeUnit.NANOSECONDS, () -> {
                    timedOut = true;
                    return "TIMED-OUT";
                });
            } catch (ChannelClosedException e) {
                r = "eos";
            } catch (InterruptedException e) {
                r = "INTERRUPTED";
            } catch (RuntimeException e) {
                r = "EXC-" + e.getClass().getSimpleName();
            }
            end = System.nanoTime();
            return r;
        }

        /**
         * @param r     what {@link #select()} returned
         * @param event System.nanoTime() right after the earliest action that should have woken the select
         */
        String verdict(String r, long event) {
            boolean longAgo = event != 0 && end - event > SLACK_NS;
            if (timedOut) {
                return longAgo ? "MISSED" : "late";
            }
            boolean sleptToDeadline = end - start >= GUARD_NS;
            return sleptToDeadline && event != 0 && start + GUARD_NS - event > SLACK_NS ? "LOST-WAKEUP " + r : r;
        }
    }

    /** The arbiter's non-blocking select: the message, "closed", "none" or "eos". */
    static String now(Select<String> sel) {
        try {
            return sel.selectNow(() -> "none");
        } catch (ChannelClosedException e) {
            return "eos";
        } catch (RuntimeException e) {
            return "EXC-" + e.getClass().getSimpleName();
        }
    }

    /** What is left in a channel, as words ("" if nothing); an exception (say, a select still registered) as a word. */
    static String rest(Receiver<String> r) {
        try {
            return Check.drain(r);
        } catch (RuntimeException e) {
            return "EXC-" + e.getClass().getSimpleName();
        }
    }

    /** A select future after the race: "got m", "cancelled", "eos", "PENDING" or a complaint. */
    static String future(CompletableFuture<String> f) {
        if (!f.isDone()) {
            return "PENDING";
        }
        if (f.isCancelled()) {
            return "cancelled";
        }
        try {
            return "got " + f.join();
        } catch (RuntimeException e) {
            Throwable t = e.getCause() != null ? e.getCause() : e;
            return t instanceof ChannelClosedException ? "eos" : "FAILED-" + t.getClass().getSimpleName();
        }
    }

    /** (a) A waiting select on two channels, one sender on each: exactly one message selected, the other stays. */
    @JCStressTest
    @Description("select on two channels racing two senders (one per channel)")
    @Outcome(id = "a, , b", expect = ACCEPTABLE, desc = "selected a; b stays in its channel")
    @Outcome(id = "b, a, ", expect = ACCEPTABLE, desc = "selected b; a stays in its channel")
    @Outcome(id = "late, a, b", expect = ACCEPTABLE_INTERESTING, desc = "both senders ran after the 1 s guard: nothing lost")
    @Outcome(expect = FORBIDDEN, desc = "a message lost (selected nothing, or taken and gone) or duplicated, or a lost wake-up (LOST-WAKEUP, MISSED)")
    @State
    public static class TwoSenders {
        final Channel<String> a = Channel.bounded(2);
        final Channel<String> b = Channel.bounded(2);
        final Guarded g = new Guarded(new Select<String>().onReceive(a.receiver(), ID).onReceive(b.receiver(), ID));
        long sentA;
        long sentB;

        @Actor
        public void selector(LLL_Result res) {
            res.r1 = g.select();
        }

        @Actor
        public void senderA() {
            a.sender().trySend("a");
            sentA = System.nanoTime();
        }

        @Actor
        public void senderB() {
            b.sender().trySend("b");
            sentB = System.nanoTime();
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r1 = g.verdict((String) res.r1, Math.min(sentA, sentB));
            res.r2 = rest(a.receiver());
            res.r3 = rest(b.receiver());
        }
    }

    /**
     * (a) The same race while one channel changes its storage: a's sender sends two messages into a fresh
     * unbounded channel (the second grows its storage under the producer lock, during which the select cannot
     * register there and must look again instead of waiting).
     */
    @JCStressTest
    @Description("select on two channels racing two senders, one of which sends twice (storage grows)")
    @Outcome(id = "a1, a2, b", expect = ACCEPTABLE, desc = "selected a1; a2 and b stay")
    @Outcome(id = "b, a1 a2, ", expect = ACCEPTABLE, desc = "selected b; a1 a2 stay, in order")
    @Outcome(id = "late, a1 a2, b", expect = ACCEPTABLE_INTERESTING, desc = "both senders ran after the 1 s guard: nothing lost")
    @Outcome(expect = FORBIDDEN, desc = "a message lost, duplicated or reordered (a2 before a1), or a lost wake-up (LOST-WAKEUP, MISSED)")
    @State
    public static class TwoSendersGrowing {
        final Channel<String> a = Channel.unbounded();
        final Channel<String> b = Channel.bounded(2);
        final Guarded g = new Guarded(new Select<String>().onReceive(a.receiver(), ID).onReceive(b.receiver(), ID));
        long sentA;
        long sentB;

        @Actor
        public void selector(LLL_Result res) {
            res.r1 = g.select();
        }

        @Actor
        public void senderA() {
            a.sender().trySend("a1");
            sentA = System.nanoTime();
            a.sender().trySend("a2");
        }

        @Actor
        public void senderB() {
            b.sender().trySend("b");
            sentB = System.nanoTime();
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r1 = g.verdict((String) res.r1, Math.min(sentA, sentB));
            res.r2 = rest(a.receiver());
            res.r3 = rest(b.receiver());
        }
    }

    /**
     * (a, async) The same race with selectAsync: the future is completed in whichever thread wakes it (a
     * sender's), or by the registering call; after both sends it must be done, with exactly one message.
     */
    @JCStressTest
    @Description("selectAsync on two channels racing two senders (one per channel)")
    @Outcome(id = "got a, , b", expect = ACCEPTABLE, desc = "selected a; b stays in its channel")
    @Outcome(id = "got b, a, ", expect = ACCEPTABLE, desc = "selected b; a stays in its channel")
    @Outcome(expect = FORBIDDEN, desc = "a message lost or duplicated, or the future left pending (lost wake-up)")
    @State
    public static class AsyncTwoSenders {
        final Channel<String> a = Channel.bounded(2);
        final Channel<String> b = Channel.bounded(2);
        final Select<String> sel = new Select<String>().onReceive(a.receiver(), ID).onReceive(b.receiver(), ID);
        CompletableFuture<String> f;

        @Actor
        public void selector() {
            f = sel.selectAsync();
        }

        @Actor
        public void senderA() {
            a.sender().trySend("a");
        }

        @Actor
        public void senderB() {
            b.sender().trySend("b");
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r1 = future(f);
            res.r2 = rest(a.receiver());
            res.r3 = rest(b.receiver());
        }
    }

    /** (b) A select with an onReceiveOrClosed clause racing that channel's close and a send on the other. */
    @JCStressTest
    @Description("select racing the close of its onReceiveOrClosed channel and a send on the other channel")
    @Outcome(id = "a, , eos", expect = ACCEPTABLE, desc = "the send came first: selected a")
    @Outcome(id = "closed, a, eos", expect = ACCEPTABLE, desc = "the close came first: selected as closed, a stays")
    @Outcome(id = "late, a, eos", expect = ACCEPTABLE_INTERESTING, desc = "closer and sender ran after the 1 s guard: nothing lost")
    @Outcome(expect = FORBIDDEN, desc = "a lost or duplicated, the close not selected (skipped), or a lost wake-up (LOST-WAKEUP, MISSED)")
    @State
    public static class CloseOrClosed {
        final Channel<String> a = Channel.bounded(2);
        final Channel<String> b = Channel.bounded(2);
        final Guarded g = new Guarded(new Select<String>().onReceive(a.receiver(), ID)
                .onReceiveOrClosed(b.receiver(), ID, () -> "closed"));
        long closed;
        long sent;

        @Actor
        public void selector(LLL_Result res) {
            res.r1 = g.select();
        }

        @Actor
        public void closer() {
            b.close();
            closed = System.nanoTime();
        }

        @Actor
        public void sender() {
            a.sender().trySend("a");
            sent = System.nanoTime();
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r1 = g.verdict((String) res.r1, Math.min(closed, sent));
            res.r2 = rest(a.receiver());
            res.r3 = Check.drainClosed(b.receiver());
        }
    }

    /** (b) The same with a plain onReceive clause: the closed channel is skipped, the select waits for a. */
    @JCStressTest
    @Description("select racing the close of its onReceive channel (skipped once drained) and a send on the other")
    @Outcome(id = "a, , eos", expect = ACCEPTABLE, desc = "the closed channel was skipped: selected a")
    @Outcome(id = "late, a, eos", expect = ACCEPTABLE_INTERESTING, desc = "the sender ran after the 1 s guard: nothing lost")
    @Outcome(expect = FORBIDDEN, desc = "a lost or duplicated, the close selected, end of stream reported while a is open, or a lost wake-up (LOST-WAKEUP, MISSED: the close woke the select, which did not wait properly again)")
    @State
    public static class CloseSkipped {
        final Channel<String> a = Channel.bounded(2);
        final Channel<String> b = Channel.bounded(2);
        final Guarded g = new Guarded(new Select<String>().onReceive(a.receiver(), ID).onReceive(b.receiver(), ID));
        long sent;

        @Actor
        public void selector(LLL_Result res) {
            res.r1 = g.select();
        }

        @Actor
        public void closer() {
            b.close();
        }

        @Actor
        public void sender() {
            a.sender().trySend("a");
            sent = System.nanoTime();
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r1 = g.verdict((String) res.r1, sent);
            res.r2 = rest(a.receiver());
            res.r3 = Check.drainClosed(b.receiver());
        }
    }

    /**
     * (b) Both channels end: a gets m and is closed by its sender, b is closed. The select must return m (a
     * closed channel is not ended while it holds a message); the next select reports the end of the stream.
     */
    @JCStressTest
    @Description("select racing the send-and-close of one channel and the close of the other")
    @Outcome(id = "m, eos, eos", expect = ACCEPTABLE, desc = "m selected (before or after the closes), then end of stream")
    @Outcome(id = "late, m, eos", expect = ACCEPTABLE_INTERESTING, desc = "the sender ran after the 1 s guard: m selected by the arbiter's select")
    @Outcome(expect = FORBIDDEN, desc = "m lost or duplicated, end of stream before m, or a lost wake-up (LOST-WAKEUP, MISSED)")
    @State
    public static class CloseBoth {
        final Channel<String> a = Channel.bounded(2);
        final Channel<String> b = Channel.bounded(2);
        final Select<String> sel = new Select<String>().onReceive(a.receiver(), ID).onReceive(b.receiver(), ID);
        final Guarded g = new Guarded(sel);
        long sent;

        @Actor
        public void selector(LLL_Result res) {
            res.r1 = g.select();
        }

        @Actor
        public void sendAndClose() {
            a.sender().trySend("m");
            sent = System.nanoTime();
            a.close();
        }

        @Actor
        public void closer() {
            b.close();
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r1 = g.verdict((String) res.r1, sent);
            String again = now(sel);
            String left = rest(a.receiver());
            res.r2 = left.isEmpty() ? again : again + " LEFT " + left;
            res.r3 = Check.drainClosed(b.receiver());
        }
    }

    /** (c) A select with a short timeout racing a send: it got the message, or it timed out and the message stays. */
    @JCStressTest
    @Description("timed select (50 us) racing a send")
    @Outcome(id = "m, sent, ", expect = ACCEPTABLE, desc = "the select got it")
    @Outcome(id = "timed out, sent, m", expect = ACCEPTABLE, desc = "timed out; the message stays in its channel")
    @Outcome(id = "timed out, sent, ", expect = FORBIDDEN, desc = "timed out and the message is gone (lost)")
    @Outcome(id = "m, sent, m", expect = FORBIDDEN, desc = "got it and it is still there (duplicated)")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    @State
    public static class Timeout {
        final Channel<String> a = Channel.bounded(2);
        final Channel<String> b = Channel.bounded(2);
        final Select<String> sel = new Select<String>().onReceive(a.receiver(), ID).onReceive(b.receiver(), ID);

        @Actor
        public void selector(LLL_Result res) {
            try {
                res.r1 = sel.select(50, TimeUnit.MICROSECONDS, () -> "timed out");
            } catch (InterruptedException e) {
                res.r1 = "INTERRUPTED";
            } catch (RuntimeException e) {
                res.r1 = "EXC-" + e.getClass().getSimpleName();
            }
        }

        @Actor
        public void sender(LLL_Result res) {
            res.r2 = Check.trySend(b.sender(), "m");
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r3 = rest(b.receiver());
            String other = rest(a.receiver());
            if (!other.isEmpty()) {
                res.r3 = res.r3 + " EXTRA-A " + other;
            }
        }
    }

    /** (c) The default clause (selectNow) racing a send: the same two outcomes, without any waiting. */
    @JCStressTest
    @Description("selectNow (a default clause) racing a send")
    @Outcome(id = "m, sent, ", expect = ACCEPTABLE, desc = "the select got it")
    @Outcome(id = "default, sent, m", expect = ACCEPTABLE, desc = "nothing there yet: the default clause; the message stays")
    @Outcome(expect = FORBIDDEN, desc = "the message lost (default and gone) or duplicated (got it and still there)")
    @State
    public static class Default {
        final Channel<String> a = Channel.bounded(2);
        final Channel<String> b = Channel.bounded(2);
        final Select<String> sel = new Select<String>().onReceive(a.receiver(), ID).onReceive(b.receiver(), ID);

        @Actor
        public void selector(LLL_Result res) {
            try {
                res.r1 = sel.selectNow(() -> "default");
            } catch (RuntimeException e) {
                res.r1 = "EXC-" + e.getClass().getSimpleName();
            }
        }

        @Actor
        public void sender(LLL_Result res) {
            res.r2 = Check.trySend(a.sender(), "m");
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r3 = Check.join(rest(a.receiver()), rest(b.receiver()));
        }
    }

    /**
     * (d) An async select cancelled while two sends (one per channel) may complete it: either the future has one
     * message and the other stays, or it was cancelled and both stay.
     */
    @JCStressTest
    @Description("selectAsync then cancel, racing a send on each of its two channels")
    @Outcome(id = "cancelled, a, b", expect = ACCEPTABLE, desc = "cancel won: nothing consumed, both messages stay")
    @Outcome(id = "got a, , b", expect = ACCEPTABLE, desc = "a completed it first (cancel returned false); b stays")
    @Outcome(id = "got b, a, ", expect = ACCEPTABLE, desc = "b completed it first (cancel returned false); a stays")
    @Outcome(expect = FORBIDDEN, desc = "cancelled but a message gone (lost), got one and it is still there (duplicated), or cancel's result contradicting the future")
    @State
    public static class AsyncCancel {
        final Channel<String> a = Channel.bounded(2);
        final Channel<String> b = Channel.bounded(2);
        final Select<String> sel = new Select<String>().onReceive(a.receiver(), ID).onReceive(b.receiver(), ID);
        String state;

        @Actor
        public void selector() {
            CompletableFuture<String> f = sel.selectAsync();
            boolean cancelled = f.cancel(false);
            String s = future(f);
            state = cancelled == s.equals("cancelled") ? s : "CANCEL-RETURNED-" + cancelled + "-BUT-" + s;
        }

        @Actor
        public void senderA() {
            a.sender().trySend("a");
        }

        @Actor
        public void senderB() {
            b.sender().trySend("b");
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r1 = state;
            res.r2 = rest(a.receiver());
            res.r3 = rest(b.receiver());
        }
    }

    /**
     * (d) A pending async select cancelled by another thread while a send may complete it (the future is
     * registered before the race, in the constructor, so both actors race on a waiting future).
     */
    @JCStressTest
    @Description("a pending selectAsync: cancel from one thread racing a send from another")
    @Outcome(id = "cancelled, true, m", expect = ACCEPTABLE, desc = "cancel won: nothing consumed, the message stays")
    @Outcome(id = "got m, false, ", expect = ACCEPTABLE, desc = "the send completed it first: cancel returned false")
    @Outcome(id = "got m, true, ", expect = FORBIDDEN, desc = "cancel returned true but the future has the message")
    @Outcome(expect = FORBIDDEN, desc = "the message lost (cancelled and gone) or duplicated (got it and still there), or left pending")
    @State
    public static class PendingCancel {
        final Channel<String> a = Channel.bounded(2);
        final Channel<String> b = Channel.bounded(2);
        final CompletableFuture<String> f = new Select<String>().onReceive(a.receiver(), ID)
                .onReceive(b.receiver(), ID).selectAsync();

        @Actor
        public void canceller(LLL_Result res) {
            res.r2 = Boolean.toString(f.cancel(false));
        }

        @Actor
        public void sender() {
            b.sender().trySend("m");
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r1 = future(f);
            res.r3 = Check.join(rest(a.receiver()), rest(b.receiver()));
        }
    }
}
