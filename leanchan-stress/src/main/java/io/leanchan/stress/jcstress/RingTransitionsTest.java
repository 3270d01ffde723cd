package io.leanchan.stress.jcstress;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.stress.Internals;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

import java.util.ArrayList;
import java.util.List;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The grow and give-back transitions racing producers. The consumer finds the channel empty (which gives the
 * ring back, or runs the retention check that keeps it) while producer A sends a1 a2 and producer B sends b1.
 * r1: every message in the order received (consumer during the race, then the arbiter). r2: whether the
 * consumer saw the ring given back ("gave back": ring length 0 right after its empty receive) or not ("kept").
 * Acceptable: the three merges of (a1 a2) and (b1), with the ring given back or not; anything else is forbidden.
 */
public final class RingTransitionsTest {
    private RingTransitionsTest() {
    }

    /** n sends then n receives: the ring is empty but allocated, and the next empty receive runs the check. */
    static void burst(Channel<String> ch, Receiver<String> r, int n) {
        for (int k = 0; k < n; k++) {
            if (!ch.sender().trySend("x" + k)) {
                throw new IllegalStateException("burst refused");
            }
        }
        for (int k = 0; k < n; k++) {
            if (r.tryReceive() == null) {
                throw new IllegalStateException("burst lost");
            }
        }
    }

    abstract static class Base {
        final Channel<String> ch;
        final Receiver<String> r;
        final StringBuilder got = new StringBuilder();
        String shape = "kept";
        String refusedA = "";
        String refusedB = "";

        Base(Channel<String> ch) {
            this.ch = ch;
            this.r = ch.receiver();
        }

        // jcstress looks for @Actor methods in the test class itself: each variant forwards to these.
        void producerA0() {
            if (!ch.sender().trySend("a1") | !ch.sender().trySend("a2")) {
                refusedA = " A-REFUSED";
            }
        }

        void producerB0() {
            if (!ch.sender().trySend("b1")) {
                refusedB = " B-REFUSED";
            }
        }

        void arbiter0(LL_Result res) {
            res.r1 = Check.join(got.toString(), Check.drain(r)) + refusedA + refusedB;
            res.r2 = shape;
        }

        /** One tryReceive; records whether an empty one left the channel without storage. */
        void take() {
            String m = r.tryReceive();
            if (m != null) {
                Check.append(got, m);
            } else if (Internals.ringLength(ch) == 0) {
                shape = "gave back";
            }
        }
    }

    /** First burst drained: the consumer's empty tryReceive gives the ring of 4 back (first burst always is). */
    @JCStressTest
    @Description("Give-back on an empty tryReceive racing two producers")
    @Outcome(id = "a1 a2 b1, gave back", expect = ACCEPTABLE_INTERESTING, desc = "ring given back, then regrown")
    @Outcome(id = "a1 b1 a2, gave back", expect = ACCEPTABLE_INTERESTING, desc = "ring given back, then regrown")
    @Outcome(id = "b1 a1 a2, gave back", expect = ACCEPTABLE_INTERESTING, desc = "ring given back, then regrown")
    @Outcome(id = "a1 a2 b1, kept", expect = ACCEPTABLE, desc = "a producer came first")
    @Outcome(id = "a1 b1 a2, kept", expect = ACCEPTABLE, desc = "a producer came first")
    @Outcome(id = "b1 a1 a2, kept", expect = ACCEPTABLE, desc = "a producer came first")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated, refused or reordered message")
    @State
    public static class GiveBack extends Base {
        public GiveBack() {
            super(Channel.bounded(16));
            burst(ch, r, 4);
        }

        @Actor
        public void producerA() {
            producerA0();
        }

        @Actor
        public void producerB() {
            producerB0();
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            arbiter0(res);
        }

        @Actor
        public void consumer() {
            take();
            take();
        }
    }

    /** The same with drainTo finding nothing more as the trigger. */
    @JCStressTest
    @Description("Give-back on a drainTo that finds the channel empty, racing two producers")
    @Outcome(id = "a1 a2 b1, gave back", expect = ACCEPTABLE_INTERESTING, desc = "ring given back, then regrown")
    @Outcome(id = "a1 b1 a2, gave back", expect = ACCEPTABLE_INTERESTING, desc = "ring given back, then regrown")
    @Outcome(id = "b1 a1 a2, gave back", expect = ACCEPTABLE_INTERESTING, desc = "ring given back, then regrown")
    @Outcome(id = "a1 a2 b1, kept", expect = ACCEPTABLE, desc = "a producer came first")
    @Outcome(id = "a1 b1 a2, kept", expect = ACCEPTABLE, desc = "a producer came first")
    @Outcome(id = "b1 a1 a2, kept", expect = ACCEPTABLE, desc = "a producer came first")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated, refused or reordered message")
    @State
    public static class DrainToGiveBack extends Base {
        public DrainToGiveBack() {
            super(Channel.unbounded());
            burst(ch, r, 4);
        }

        @Actor
        public void producerA() {
            producerA0();
        }

        @Actor
        public void producerB() {
            producerB0();
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            arbiter0(res);
        }

        @Actor
        public void consumer() {
            List<String> sink = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                sink.clear();
                int n = r.drainTo(sink);
                if (n != sink.size()) {
                    Check.append(got, "DRAIN-COUNT-WRONG");
                }
                for (String m : sink) {
                    Check.append(got, m);
                }
                if (n == 0 && Internals.ringLength(ch) == 0) {
                    shape = "gave back";
                }
            }
        }
    }

    /**
     * Repeating bursts: the ring was given back once and refilled past half, so the empty check keeps it
     * (retention) and rewrites the consumer word's policy bits while producers CAS the same words.
     */
    @JCStressTest
    @Description("Retention check (ring kept after a repeated burst) racing two producers")
    @Outcome(id = "a1 a2 b1, kept", expect = ACCEPTABLE, desc = "ring kept")
    @Outcome(id = "a1 b1 a2, kept", expect = ACCEPTABLE, desc = "ring kept")
    @Outcome(id = "b1 a1 a2, kept", expect = ACCEPTABLE, desc = "ring kept")
    @Outcome(id = "a1 a2 b1, gave back", expect = ACCEPTABLE_INTERESTING, desc = "given back (policy: best effort)")
    @Outcome(id = "a1 b1 a2, gave back", expect = ACCEPTABLE_INTERESTING, desc = "given back (policy: best effort)")
    @Outcome(id = "b1 a1 a2, gave back", expect = ACCEPTABLE_INTERESTING, desc = "given back (policy: best effort)")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated, refused or reordered message")
    @State
    public static class Retained extends Base {
        public Retained() {
            super(Channel.bounded(16));
            burst(ch, r, 4);
            r.tryReceive(); // gives the first ring back (index 4 burnt: next message is number 5)
            burst(ch, r, 5); // inline -> ring 2 -> 4 -> 8, refilled past a quarter: the next empty receive keeps it (credit)
        }

        @Actor
        public void producerA() {
            producerA0();
        }

        @Actor
        public void producerB() {
            producerB0();
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            arbiter0(res);
        }

        @Actor
        public void consumer() {
            take();
            take();
        }
    }


    /**
     * Prefilled so that the next send grows: bounded(8) holding p0..p3 in a full ring of 4. Both producers' sends
     * need a grow (copy of four messages under the producer lock, the receiver frozen) while the consumer takes.
     */
    @JCStressTest
    @Description("A grow by copy (ring full) racing a second producer and the consumer")
    @Outcome(id = "p0 p1 p2 p3 a1 b1, [0-2]", expect = ACCEPTABLE, desc = "A first")
    @Outcome(id = "p0 p1 p2 p3 b1 a1, [0-2]", expect = ACCEPTABLE, desc = "B first")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated, refused or reordered message")
    @State
    public static class GrowFull {
        final Channel<String> ch = Channel.bounded(8);
        final Receiver<String> r = ch.receiver();
        final StringBuilder got = new StringBuilder();
        String refusedA = "";
        String refusedB = "";

        public GrowFull() {
            for (int k = 0; k < 4; k++) {
                ch.sender().trySend("p" + k);
            }
            if (Internals.ringLength(ch) != 4) {
                throw new IllegalStateException("expected a full ring of 4, got " + Internals.ringLength(ch));
            }
        }

        @Actor
        public void producerA() {
            if (!ch.sender().trySend("a1")) {
                refusedA = " A-REFUSED";
            }
        }

        @Actor
        public void producerB() {
            if (!ch.sender().trySend("b1")) {
                refusedB = " B-REFUSED";
            }
        }

        @Actor
        public void consumer() {
            for (int k = 0; k < 2; k++) {
                String m = r.tryReceive();
                if (m != null) {
                    Check.append(got, m);
                }
            }
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            int n = Check.words(got.toString()).size();
            res.r1 = Check.join(got.toString(), Check.drain(r)) + refusedA + refusedB;
            res.r2 = n;
        }
    }
}
