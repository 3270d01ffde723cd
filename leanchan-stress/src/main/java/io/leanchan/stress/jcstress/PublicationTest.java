package io.leanchan.stress.jcstress;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import io.leanchan.stress.Internals;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Publication: the fields of a message, written with plain stores before the send, are all visible to the
 * thread that receives it (the channel's happens-before promise). One variant per path a send can take.
 */
public final class PublicationTest {
    private PublicationTest() {
    }

    /** A message with plain (non-final, non-volatile) fields, including one reached through an array. */
    static final class Msg {
        int a;
        long b;
        String c;
        int[] d;
    }

    static void send(Sender<Msg> s) {
        Msg m = new Msg();
        m.a = 1;
        m.b = 2;
        m.c = "3";
        m.d = new int[] {4};
        if (!s.trySend(m)) {
            throw new IllegalStateException("a channel with room refused a message");
        }
    }

    static void receive(Receiver<Msg> r, L_Result res) {
        Msg m = r.tryReceive();
        res.r1 = m == null ? "empty" : m.a + " " + m.b + " " + m.c + " " + (m.d == null ? "null" : m.d[0]);
    }

    /** Empty ring: no storage yet, the send grows the ring from the shared empty array under the producer lock. */
    @JCStressTest
    @Description("Publication through the grow path (first send into a new channel)")
    @Outcome(id = "empty", expect = ACCEPTABLE, desc = "received before the send")
    @Outcome(id = "1 2 3 4", expect = ACCEPTABLE, desc = "received with every field visible")
    @Outcome(expect = FORBIDDEN, desc = "a received message with a field not yet visible")
    @State
    public static class Grow {
        final Channel<Msg> ch = Channel.bounded(4);
        final Receiver<Msg> r = ch.receiver();

        @Actor
        public void sender() {
            send(ch.sender());
        }

        @Actor
        public void receiver(L_Result res) {
            receive(r, res);
        }
    }

    /** A ring already allocated and half used (retention mark set): the send takes the lock-free fast path. */
    @JCStressTest
    @Description("Publication through the fast path (ring allocated, slot reused after a lap)")
    @Outcome(id = "empty", expect = ACCEPTABLE, desc = "received before the send")
    @Outcome(id = "1 2 3 4", expect = ACCEPTABLE, desc = "received with every field visible")
    @Outcome(expect = FORBIDDEN, desc = "a received message with a field not yet visible")
    @State
    public static class FastPath {
        final Channel<Msg> ch = Channel.bounded(4);
        final Receiver<Msg> r = ch.receiver();

        public FastPath() {
            // Ring of 2 after the first grow; two laps so that the racing send reuses a cleared slot.
            for (int k = 0; k < 4; k++) {
                send(ch.sender());
                r.tryReceive();
            }
        }

        @Actor
        public void sender() {
            send(ch.sender());
        }

        @Actor
        public void receiver(L_Result res) {
            receive(r, res);
        }
    }

    /** Unbounded, ring full: the send copies the ring into a longer one while the receiver races it. */
    @JCStressTest
    @Description("Publication through a grow that copies held messages (unbounded channel, ring full)")
    @Outcome(id = "empty", expect = ACCEPTABLE, desc = "the two older messages taken, the racing one not yet sent")
    @Outcome(id = "1 2 3 4", expect = ACCEPTABLE, desc = "received the racing message with every field visible")
    @Outcome(expect = FORBIDDEN, desc = "a received message with a field not yet visible, or an old message lost")
    @State
    public static class GrowCopy {
        final Channel<Msg> ch = Channel.unbounded();
        final Receiver<Msg> r = ch.receiver();

        public GrowCopy() {
            Msg old = new Msg();
            old.c = "x";
            old.d = new int[1];
            ch.sender().trySend(old); // ring of 2 holding one message
            ch.sender().trySend(old); // full: the next send grows
        }

        @Actor
        public void sender() {
            send(ch.sender());
        }

        @Actor
        public void receiver(L_Result res) {
            Msg o1 = r.tryReceive();
            Msg o2 = r.tryReceive();
            if (o1 == null || o2 == null || !"x".equals(o1.c) || !"x".equals(o2.c)) {
                res.r1 = "OLD-MESSAGE-LOST";
                return;
            }
            receive(r, res);
        }
    }
}
