package io.leanchan.stress.jcstress;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Misuse: two threads receive at once. Overlap must be reported (IllegalStateException) or harmless, and never
 * lose or duplicate a message.
 */
public final class TwoReceiversTest {
    private TwoReceiversTest() {
    }

    static String take(Receiver<String> r) {
        try {
            String m = r.tryReceive();
            return m == null ? "null" : m;
        } catch (IllegalStateException e) {
            return "ISE";
        }
    }

    // Finding 7 (docs/stress.md): before every take ran inside a claim of owner, the race could move C backwards and
    // the displaced receiver then spun in settle forever, which hung the jcstress fork of mvn verify (seen once).
    @JCStressTest
    @Description("Two threads tryReceive at once on a channel holding x y")
    @Outcome(id = "x, y, ", expect = ACCEPTABLE, desc = "no overlap: one each")
    @Outcome(id = "y, x, ", expect = ACCEPTABLE, desc = "no overlap: one each")
    @Outcome(id = "ISE, x, y", expect = ACCEPTABLE_INTERESTING, desc = "overlap detected, nothing taken by the loser")
    @Outcome(id = "x, ISE, y", expect = ACCEPTABLE_INTERESTING, desc = "overlap detected, nothing taken by the loser")
    @Outcome(expect = FORBIDDEN, desc = "a message lost or received twice")
    @State
    public static class TryReceive {
        final Channel<String> ch = Channel.bounded(4);
        final Receiver<String> r = ch.receiver();

        public TryReceive() {
            ch.sender().trySend("x");
            ch.sender().trySend("y");
        }

        @Actor
        public void receiver1(LLL_Result res) {
            res.r1 = take(r);
        }

        @Actor
        public void receiver2(LLL_Result res) {
            res.r2 = take(ch.receiver());
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r3 = Check.drain(r);
        }
    }

    /** drainTo as a word: the messages it moved joined by spaces ("" if none), or "ISE" if it was refused. */
    static String drainTo(Receiver<String> r) {
        java.util.List<String> got = new java.util.ArrayList<>();
        try {
            r.drainTo(got);
        } catch (IllegalStateException e) {
            return got.isEmpty() ? "ISE" : "ISE-AFTER-" + String.join(" ", got);
        }
        return String.join(" ", got);
    }

    // The drain holds the receive side for its whole run, sink included (ChannelReceive, "One receive at a time"):
    // a tryReceive overlapping it is refused, and one that comes first or after takes whole messages only.
    @JCStressTest
    @Description("drainTo and tryReceive from two threads at once on a channel holding x y")
    @Outcome(id = "x y, null, ", expect = ACCEPTABLE, desc = "the drain first: it moved both")
    @Outcome(id = "y, x, ", expect = ACCEPTABLE, desc = "the tryReceive first: it took x, the drain y")
    @Outcome(id = "x y, ISE, ", expect = ACCEPTABLE_INTERESTING, desc = "the tryReceive overlapped the drain: refused")
    @Outcome(id = "ISE, x, y", expect = ACCEPTABLE_INTERESTING, desc = "the drain overlapped the tryReceive: refused")
    @Outcome(expect = FORBIDDEN, desc = "a message lost, received twice, out of order, or a drain split by a take")
    @State
    public static class DrainVsTryReceive {
        final Channel<String> ch = Channel.bounded(4);

        public DrainVsTryReceive() {
            ch.sender().trySend("x");
            ch.sender().trySend("y");
        }

        @Actor
        public void drainer(LLL_Result res) {
            res.r1 = drainTo(ch.receiver());
        }

        @Actor
        public void taker(LLL_Result res) {
            res.r2 = take(ch.receiver());
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r3 = Check.drain(ch.receiver());
        }
    }
}
