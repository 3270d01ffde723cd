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
import org.openjdk.jcstress.infra.results.L_Result;

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

    // A give-back runs inside a claim of the receive state (ChannelReceive.giveBack). Before session 6 the owner's
    // empty poll gave the ring back unclaimed, so a handover's take could read C from before the give-back and rbuf
    // from after it, take the message just sent into the one-slot field at the old index, and leave C one behind P
    // for ever (the next receive would spin). The owner takes a b c d, so its next empty poll finds the ring busy
    // for the first time and gives it back (Retention: F2); then it sends "e" into the one-slot field and receives
    // once more, while another thread tries to take over. (Two actors: this machine schedules no more.)
    @JCStressTest
    @Description("The owner's empty poll gives the ring back and sends, while another thread takes over")
    @Outcome(id = "OK", expect = ACCEPTABLE, desc = "every message received once, in order; C in step with P")
    @Outcome(id = "OK, overlap refused", expect = ACCEPTABLE_INTERESTING, desc = "the same, and an overlap reported")
    @Outcome(expect = FORBIDDEN, desc = "a message lost, received twice or out of order, or size() wrong afterwards")
    @State
    public static class GiveBackVsTakeover {
        final Channel<String> ch = Channel.bounded(16);
        String got1 = "";
        String got2 = "";
        boolean ise1;
        boolean ise2;

        public GiveBackVsTakeover() {
            for (String m : new String[] {"a", "b", "c", "d"}) {
                ch.sender().trySend(m);
            }
        }

        static String take(Receiver<String> r, int times, boolean[] ise) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < times; i++) {
                try {
                    String m = r.tryReceive();
                    if (m != null) {
                        sb.append(m);
                    }
                } catch (IllegalStateException e) {
                    ise[0] = true;
                }
            }
            return sb.toString();
        }

        @Actor
        public void owner() {
            boolean[] ise = {false};
            String first = take(ch.receiver(), 5, ise);
            ch.sender().trySend("e");
            got1 = first + take(ch.receiver(), 1, ise);
            ise1 = ise[0];
        }

        @Actor
        public void other() {
            boolean[] ise = {false};
            got2 = take(ch.receiver(), 2, ise);
            ise2 = ise[0];
        }

        @Arbiter
        public void arbiter(L_Result res) {
            String taken = got1 + got2;
            int size = ch.receiver().size();
            if (size != 5 - taken.length()) { // checked before any receive: a lagging C would make it spin
                res.r1 = "BROKEN: size " + size + " after the actors took " + got1 + "|" + got2;
                return;
            }
            String rest = Check.drain(ch.receiver()).replace(" ", "");
            String all = taken + rest;
            char[] sorted = all.toCharArray();
            java.util.Arrays.sort(sorted);
            if (!new String(sorted).equals("abcde")) {
                res.r1 = "LOST OR TWICE: " + got1 + "|" + got2 + "|" + rest;
            } else if (!ordered(got1) || !ordered(got2) || !ordered(rest)) {
                res.r1 = "OUT OF ORDER: " + got1 + "|" + got2 + "|" + rest;
            } else {
                res.r1 = ise1 || ise2 ? "OK, overlap refused" : "OK";
            }
        }

        static boolean ordered(String s) {
            for (int i = 1; i < s.length(); i++) {
                if (s.charAt(i - 1) > s.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
