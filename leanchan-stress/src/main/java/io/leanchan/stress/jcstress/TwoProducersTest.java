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

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two producers and the consumer around a ring boundary and a ring growth. Producer A sends a1 then a2,
 * producer B sends b1 then b2, the consumer takes two messages while they do; the arbiter takes the rest.
 * The result is every message in the order received (r1) and how many the consumer got during the race (r2).
 * In core v2 the grows happen while the consumer keeps taking (stale copies cleaned at its switch).
 * Acceptable: the six merges of (a1 a2) and (b1 b2), after the messages sent before the race. Anything else
 * (a message lost, duplicated, or one producer's messages out of order) is forbidden.
 */
public final class TwoProducersTest {
    private TwoProducersTest() {
    }

    abstract static class Base {
        final Channel<String> ch;
        final Receiver<String> r;
        final StringBuilder got = new StringBuilder();
        String failedA = "";
        String failedB = "";

        Base(Channel<String> ch) {
            this.ch = ch;
            this.r = ch.receiver();
        }

        // jcstress looks for @Actor methods in the test class itself: each variant forwards to these.
        void producerA0() {
            if (!ch.sender().trySend("a1") | !ch.sender().trySend("a2")) {
                failedA = " A-REFUSED";
            }
        }

        void producerB0() {
            if (!ch.sender().trySend("b1") | !ch.sender().trySend("b2")) {
                failedB = " B-REFUSED";
            }
        }

        void consumer0() {
            for (int k = 0; k < 2; k++) {
                String m = r.tryReceive();
                if (m != null) {
                    Check.append(got, m);
                }
            }
        }

        void arbiter0(LL_Result res) {
            int n = Check.words(got.toString()).size();
            res.r1 = Check.join(got.toString(), Check.drain(r)) + failedA + failedB;
            res.r2 = n;
        }
    }

    /** A new bounded(8) channel: the four sends grow the storage inline -> 2 -> 4 -> 8 while the consumer takes. */
    @JCStressTest
    @Description("Two producers and the consumer while the ring grows from nothing")
    @Outcome(id = "a1 a2 b1 b2, [0-2]", expect = ACCEPTABLE, desc = "A's then B's")
    @Outcome(id = "a1 b1 a2 b2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "a1 b1 b2 a2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "b1 a1 a2 b2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "b1 a1 b2 a2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "b1 b2 a1 a2, [0-2]", expect = ACCEPTABLE, desc = "B's then A's")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated, refused or reordered message")
    @State
    public static class Grow extends Base {
        public Grow() {
            super(Channel.bounded(8));
        }

        @Actor
        public void producerA() {
            producerA0();
        }

        @Actor
        public void producerB() {
            producerB0();
        }

        @Actor
        public void consumer() {
            consumer0();
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            arbiter0(res);
        }
    }

    /**
     * Ring of 4 holding one message in its last slot (index 3): the sends wrap to slot 0 and, once four are held,
     * grow the ring to 8 by copying a wrapped range.
     */
    @JCStressTest
    @Description("Two producers and the consumer across the ring's wrap point, with a grow of a wrapped ring")
    @Outcome(id = "p3 a1 a2 b1 b2, [0-2]", expect = ACCEPTABLE, desc = "A's then B's")
    @Outcome(id = "p3 a1 b1 a2 b2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "p3 a1 b1 b2 a2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "p3 b1 a1 a2 b2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "p3 b1 a1 b2 a2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "p3 b1 b2 a1 a2, [0-2]", expect = ACCEPTABLE, desc = "B's then A's")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated, refused or reordered message")
    @State
    public static class Wrap extends Base {
        public Wrap() {
            super(Channel.bounded(8));
            prefill(ch, r);
        }

        @Actor
        public void producerA() {
            producerA0();
        }

        @Actor
        public void producerB() {
            producerB0();
        }

        @Actor
        public void consumer() {
            consumer0();
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            arbiter0(res);
        }
    }

    /** Unbounded: the same wrap, the grow is never capped. */
    @JCStressTest
    @Description("Two producers and the consumer across the wrap point, unbounded channel")
    @Outcome(id = "p3 a1 a2 b1 b2, [0-2]", expect = ACCEPTABLE, desc = "A's then B's")
    @Outcome(id = "p3 a1 b1 a2 b2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "p3 a1 b1 b2 a2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "p3 b1 a1 a2 b2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "p3 b1 a1 b2 a2, [0-2]", expect = ACCEPTABLE, desc = "interleaved")
    @Outcome(id = "p3 b1 b2 a1 a2, [0-2]", expect = ACCEPTABLE, desc = "B's then A's")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated, refused or reordered message")
    @State
    public static class WrapUnbounded extends Base {
        public WrapUnbounded() {
            super(Channel.unbounded());
            prefill(ch, r);
        }

        @Actor
        public void producerA() {
            producerA0();
        }

        @Actor
        public void producerB() {
            producerB0();
        }

        @Actor
        public void consumer() {
            consumer0();
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            arbiter0(res);
        }
    }

    /** Four sends (ring 0 -> 2 -> 4, four held), three received: one message left in slot 3 of a ring of 4. */
    static void prefill(Channel<String> ch, Receiver<String> r) {
        for (int k = 0; k < 4; k++) {
            if (!ch.sender().trySend("p" + k)) {
                throw new IllegalStateException("prefill refused");
            }
        }
        for (int k = 0; k < 3; k++) {
            if (r.tryReceive() == null) {
                throw new IllegalStateException("prefill lost");
            }
        }
        if (Internals.ringLength(ch) != 4) {
            throw new IllegalStateException("expected a ring of 4, got " + Internals.ringLength(ch));
        }
    }

    /**
     * At capacity: bounded(3) holding p1 p2 (ring of 3, head at slot 1). Sends may be refused (full); a refused
     * message must never be received, a sent one exactly once, each producer's in order. r1 is the verdict,
     * r2 what was received and what each producer's sends returned.
     */
    @JCStressTest
    @Description("Two producers and the consumer at the capacity bound: refusals and wrap")
    @Outcome(id = "ok, .*", expect = ACCEPTABLE, desc = "every sent message received once, in producer order; refused ones never")
    @Outcome(expect = FORBIDDEN, desc = "lost, duplicated, reordered, or a refused message received")
    @State
    public static class AtCapacity {
        final Channel<String> ch = Channel.bounded(3);
        final Receiver<String> r = ch.receiver();
        final StringBuilder got = new StringBuilder();
        final String[][] results = new String[2][2];

        public AtCapacity() {
            for (int k = 0; k < 3; k++) {
                ch.sender().trySend("p" + k);
            }
            r.tryReceive();
        }

        @Actor
        public void producerA() {
            results[0][0] = Check.trySend(ch.sender(), "a1");
            results[0][1] = Check.trySend(ch.sender(), "a2");
        }

        @Actor
        public void producerB() {
            results[1][0] = Check.trySend(ch.sender(), "b1");
            results[1][1] = Check.trySend(ch.sender(), "b2");
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
            String all = Check.join(got.toString(), Check.drain(r));
            java.util.List<String> received = Check.words(all);
            String v = Check.verdict(received, new String[][] {{"p1", "p2", "a1", "a2"}, {"p1", "p2", "b1", "b2"}},
                    new String[][] {{"sent", "sent", results[0][0], results[0][1]},
                            {"sent", "sent", results[1][0], results[1][1]}});
            if (v.equals("ok") && (received.size() < 2 || !received.get(0).equals("p1") || !received.get(1).equals("p2"))) {
                v = "PREFILL-NOT-FIRST";
            }
            res.r1 = v;
            res.r2 = all + " / A " + results[0][0] + "," + results[0][1] + " B " + results[1][0] + "," + results[1][1];
        }
    }
}
