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

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Close races: a message is either received or handed back to its sender, never both, never neither; the
 * receiver always reaches the end of the stream after the close.
 */
public final class CloseTest {
    private CloseTest() {
    }

    abstract static class SendVsReceiverClose {
        final Channel<String> ch;
        final Receiver<String> r;

        SendVsReceiverClose(Channel<String> ch) {
            this.ch = ch;
            this.r = ch.receiver();
        }

        // jcstress looks for @Actor methods in the test class itself: each variant forwards to these.
        void sender0(LL_Result res) {
            res.r1 = Check.trySend(ch.sender(), "m");
        }

        void closer0() {
            r.close();
        }

        void arbiter0(LL_Result res) {
            res.r2 = Check.drainClosed(r);
        }
    }

    /** A new channel: the send goes through the grow path (producer lock) while the receiver closes. */
    @JCStressTest
    @Description("trySend racing the receiver's close, first send (grow under the producer lock)")
    @Outcome(id = "sent, m eos", expect = ACCEPTABLE, desc = "sent before the close: received, then end of stream")
    @Outcome(id = "handed back, eos", expect = ACCEPTABLE, desc = "closed first: the exception hands the message back")
    @Outcome(expect = FORBIDDEN, desc = "message lost, or both handed back and received")
    @State
    public static class TrySendFresh extends SendVsReceiverClose {
        public TrySendFresh() {
            super(Channel.bounded(2));
        }

        @Actor
        public void sender(LL_Result res) {
            sender0(res);
        }

        @Actor
        public void closer() {
            closer0();
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            arbiter0(res);
        }
    }

    /** A ring in place: the send takes the lock-free fast path. */
    @JCStressTest
    @Description("trySend racing the receiver's close, fast path")
    @Outcome(id = "sent, m eos", expect = ACCEPTABLE, desc = "sent before the close: received, then end of stream")
    @Outcome(id = "handed back, eos", expect = ACCEPTABLE, desc = "closed first: the exception hands the message back")
    @Outcome(expect = FORBIDDEN, desc = "message lost, or both handed back and received")
    @State
    public static class TrySendFast extends SendVsReceiverClose {
        public TrySendFast() {
            super(Channel.bounded(4));
            for (int k = 0; k < 3; k++) {
                ch.sender().trySend("x");
                r.tryReceive();
            }
        }

        @Actor
        public void sender(LL_Result res) {
            sender0(res);
        }

        @Actor
        public void closer() {
            closer0();
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            arbiter0(res);
        }
    }

    abstract static class WaitingReceiver {
        final Channel<String> ch;
        final Receiver<String> r;

        WaitingReceiver(Channel<String> ch) {
            this.ch = ch;
            this.r = ch.receiver();
        }

        // jcstress looks for @Actor methods in the test class itself: each variant forwards to these.
        void sender0(LLL_Result res) {
            res.r2 = Check.trySend(ch.sender(), "m");
        }

        void closer0() {
            ch.sender().close();
        }

        void arbiter0(LLL_Result res) {
            res.r3 = Check.drainClosed(r);
        }
    }

    /** receive() waits (parks) while a sender sends and another thread closes the sending side. */
    @JCStressTest
    @Description("Sender close racing a send and a waiting receive()")
    @Outcome(id = "m, sent, eos", expect = ACCEPTABLE, desc = "sent before the close, received by the waiting receiver")
    @Outcome(id = "eos, handed back, eos", expect = ACCEPTABLE, desc = "closed first: end of stream, message handed back")
    @Outcome(expect = FORBIDDEN, desc = "message lost, received and handed back, or a receive that never ends")
    @State
    public static class Receive extends WaitingReceiver {
        public Receive() {
            super(Channel.bounded(2));
        }

        @Actor
        public void sender(LLL_Result res) {
            sender0(res);
        }

        @Actor
        public void closer() {
            closer0();
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            arbiter0(res);
        }

        @Actor
        public void receiver(LLL_Result res) {
            try {
                res.r1 = r.receive();
            } catch (ChannelClosedException e) {
                res.r1 = e.undelivered() == null ? "eos" : "EOS-WITH-MESSAGE";
            } catch (InterruptedException e) {
                res.r1 = "INTERRUPTED";
            }
        }
    }

    /**
     * The same with a ring in place, so that the receiver's check before parking gives the ring back (producer
     * lock, index burnt) while the send and the close race it.
     */
    @JCStressTest
    @Description("Sender close racing a send and a waiting receive() that gives the ring back before parking")
    @Outcome(id = "m, sent, eos", expect = ACCEPTABLE, desc = "sent before the close, received by the waiting receiver")
    @Outcome(id = "eos, handed back, eos", expect = ACCEPTABLE, desc = "closed first: end of stream, message handed back")
    @Outcome(expect = FORBIDDEN, desc = "message lost, received and handed back, or a receive that never ends")
    @State
    public static class ReceiveGivingBack extends WaitingReceiver {
        public ReceiveGivingBack() {
            super(Channel.bounded(8));
            RingTransitionsTest.burst(ch, r, 4);
        }

        @Actor
        public void sender(LLL_Result res) {
            sender0(res);
        }

        @Actor
        public void closer() {
            closer0();
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            arbiter0(res);
        }

        @Actor
        public void receiver(LLL_Result res) {
            try {
                res.r1 = r.receive(1, TimeUnit.MINUTES);
            } catch (ChannelClosedException e) {
                res.r1 = e.undelivered() == null ? "eos" : "EOS-WITH-MESSAGE";
            } catch (InterruptedException e) {
                res.r1 = "INTERRUPTED";
            }
        }
    }

    /** receiveAsync pending while the send and the close race: the future gets the message or the end of stream. */
    @JCStressTest
    @Description("Sender close racing a send and a pending receiveAsync")
    @Outcome(id = "m, sent, eos", expect = ACCEPTABLE, desc = "sent before the close, the future got it")
    @Outcome(id = "eos, handed back, eos", expect = ACCEPTABLE, desc = "closed first: the future ends the stream, message handed back")
    @Outcome(expect = FORBIDDEN, desc = "message lost, received and handed back, or a future that never completes")
    @State
    public static class ReceiveAsync extends WaitingReceiver {
        public ReceiveAsync() {
            super(Channel.bounded(2));
        }

        @Actor
        public void sender(LLL_Result res) {
            sender0(res);
        }

        @Actor
        public void closer() {
            closer0();
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            arbiter0(res);
        }

        @Actor
        public void receiver(LLL_Result res) {
            CompletableFuture<String> f = r.receiveAsync();
            try {
                res.r1 = f.get(1, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable t = e.getCause();
                res.r1 = t instanceof ChannelClosedException && ((ChannelClosedException) t).undelivered() == null
                        ? "eos" : "FAILED-" + t;
            } catch (Exception e) {
                res.r1 = "NOT-COMPLETED-" + e;
            }
        }
    }

    /**
     * A full bounded(1) channel: a blocking send waits while the consumer takes the message in the way and the
     * receiver closes. The send either gets the room or is woken by the close and hands the message back.
     */
    @JCStressTest
    @Description("A waiting send racing a take that makes room and the receiver's close")
    @Outcome(id = "sent, p, m eos", expect = ACCEPTABLE, desc = "the send got the room before the close")
    @Outcome(id = "handed back, p, eos", expect = ACCEPTABLE, desc = "the close woke the waiting send, message handed back")
    @Outcome(expect = FORBIDDEN, desc = "message lost, received and handed back, or a send that never returns")
    @State
    public static class BlockingSend {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();

        public BlockingSend() {
            ch.sender().trySend("p");
        }

        @Actor
        public void sender(LLL_Result res) {
            res.r1 = Check.send(ch.sender(), "m");
        }

        @Actor
        public void taker(LLL_Result res) {
            res.r2 = r.tryReceive();
        }

        @Actor
        public void closer() {
            r.close();
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r3 = Check.drainClosed(r);
        }
    }

    /** The same with sendAsync: after the actors, the future must be done (delivered or handed back). */
    @JCStressTest
    @Description("A pending sendAsync racing a take that makes room and the receiver's close")
    @Outcome(id = "delivered, p, m eos", expect = ACCEPTABLE, desc = "the future got the room before the close")
    @Outcome(id = "handed back, p, eos", expect = ACCEPTABLE, desc = "the close failed the future, message handed back")
    @Outcome(expect = FORBIDDEN, desc = "message lost, received and handed back, or a future left pending")
    @State
    public static class SendAsync {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();
        CompletableFuture<Void> f;

        public SendAsync() {
            ch.sender().trySend("p");
        }

        @Actor
        public void sender() {
            f = ch.sender().sendAsync("m");
        }

        @Actor
        public void taker(LLL_Result res) {
            res.r2 = r.tryReceive();
        }

        @Actor
        public void closer() {
            r.close();
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r1 = Check.sendFuture(f, "m");
            res.r3 = Check.drainClosed(r);
        }
    }

    /** Close from both sides at once, with a send: idempotent, one outcome for the message. */
    @JCStressTest
    @Description("Both sides close at once while a message is sent")
    @Outcome(id = "sent, m eos", expect = ACCEPTABLE, desc = "sent before the close")
    @Outcome(id = "handed back, eos", expect = ACCEPTABLE, desc = "closed first, message handed back")
    @Outcome(expect = FORBIDDEN, desc = "message lost, received and handed back")
    @State
    public static class DoubleClose {
        final Channel<String> ch = Channel.bounded(2);
        final Receiver<String> r = ch.receiver();

        @Actor
        public void sender(LL_Result res) {
            res.r1 = Check.trySend(ch.sender(), "m");
        }

        @Actor
        public void closeSender() {
            ch.sender().close();
        }

        @Actor
        public void closeReceiver() {
            r.close();
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            res.r2 = Check.drainClosed(r);
            if (!ch.sender().isClosed() || !r.isClosed()) {
                res.r2 += " NOT-CLOSED";
            }
        }
    }
}
