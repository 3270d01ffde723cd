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
import org.openjdk.jcstress.infra.results.LL_Result;
import org.openjdk.jcstress.infra.results.L_Result;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Async futures (PENDING / CLAIMED / DONE) and the wake-one hand-off between waiting senders.
 */
public final class AsyncTest {
    private AsyncTest() {
    }

    /** A pending receiveAsync cancelled while a send fulfils it: the message goes to the future or stays. */
    @JCStressTest
    @Description("receiveAsync cancelled while a send fulfils it")
    @Outcome(id = "cancelled, sent, m", expect = ACCEPTABLE, desc = "cancel won: nothing consumed, the message stays in the channel")
    @Outcome(id = "got m, sent, ", expect = ACCEPTABLE, desc = "the send fulfilled the future first: cancel returned false")
    @Outcome(expect = FORBIDDEN, desc = "message lost (cancelled and gone) or duplicated (future and channel)")
    @State
    public static class ReceiveAsyncCancel {
        final Channel<String> ch = Channel.bounded(2);
        final Receiver<String> r = ch.receiver();

        @Actor
        public void receiver(LLL_Result res) {
            CompletableFuture<String> f = r.receiveAsync();
            if (f.cancel(false)) {
                res.r1 = f.isCancelled() ? "cancelled" : "CANCEL-TRUE-BUT-NOT-CANCELLED";
            } else {
                res.r1 = f.isDone() ? "got " + f.getNow("?") : "CANCEL-FALSE-BUT-PENDING";
            }
        }

        @Actor
        public void sender(LLL_Result res) {
            res.r2 = Check.trySend(ch.sender(), "m");
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r3 = Check.drain(r);
        }
    }

    /** A pending sendAsync on a full channel cancelled while a take makes room and wakes it. */
    @JCStressTest
    @Description("sendAsync cancelled while a take makes room for it")
    @Outcome(id = "cancelled, p", expect = ACCEPTABLE, desc = "cancel won: the message was never delivered")
    @Outcome(id = "delivered, p m", expect = ACCEPTABLE, desc = "the take delivered it first: cancel returned false")
    @Outcome(expect = FORBIDDEN, desc = "cancelled but delivered, delivered but lost, or pending forever")
    @State
    public static class SendAsyncCancel {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();
        final StringBuilder got = new StringBuilder();
        String state;

        public SendAsyncCancel() {
            ch.sender().trySend("p");
        }

        @Actor
        public void sender() {
            CompletableFuture<Void> f = ch.sender().sendAsync("m");
            boolean cancelled = f.cancel(false);
            String s = Check.sendFuture(f, "m");
            state = cancelled == s.equals("cancelled") ? s : "CANCEL-RESULT-" + cancelled + "-BUT-" + s;
        }

        @Actor
        public void taker() {
            String m = r.tryReceive();
            if (m != null) {
                Check.append(got, m);
            }
        }

        @Arbiter
        public void arbiter(LL_Result res) {
            res.r1 = state;
            res.r2 = Check.join(got.toString(), Check.drain(r));
        }
    }

    /**
     * A pending sendAsync on a full channel, a take that makes room, and a trySend that may barge into that room.
     * After the actors, the arbiter drains the channel (every take wakes a waiting sender); the future must then
     * be done. A future that the take unlinked while it was still registering itself, and whose room the barging
     * send then took, would stay pending forever, linked nowhere (not even a close would complete it).
     */
    @JCStressTest
    @Description("sendAsync waiting, a take, and a barging trySend: the future must not be forgotten")
    @Outcome(id = "delivered, p b m, sent", expect = ACCEPTABLE, desc = "the barging send took the room, the future was woken by a later take")
    @Outcome(id = "delivered, p m, full", expect = ACCEPTABLE, desc = "the future took the room (or the barging send came while full)")
    @Outcome(expect = FORBIDDEN, desc = "a future left pending (lost wake-up), a message lost or duplicated")
    @State
    public static class SendAsyncBarge {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();
        final StringBuilder got = new StringBuilder();
        CompletableFuture<Void> f;
        String barge;

        public SendAsyncBarge() {
            ch.sender().trySend("p");
        }

        @Actor
        public void asyncSender() {
            f = ch.sender().sendAsync("m");
        }

        @Actor
        public void taker() {
            String m = r.tryReceive();
            if (m != null) {
                Check.append(got, m);
            }
        }

        @Actor
        public void barger() {
            barge = Check.trySend(ch.sender(), "b");
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            String rest = Check.drain(r);
            rest = Check.join(rest, Check.drain(r)); // a woken future delivers during the first drain's takes
            res.r1 = Check.sendFuture(f, "m");
            res.r2 = Check.join(got.toString(), rest);
            res.r3 = barge;
        }
    }

    /**
     * Wake-one with hand-off: two blocking senders wait on a full bounded(1) channel, the consumer receives three
     * messages. Each take wakes one sender; nobody may stay parked while there is room (that would hang here).
     */
    @JCStressTest
    @Description("Two waiting senders, wake-one per take: both messages arrive")
    @Outcome(id = "p a b", expect = ACCEPTABLE, desc = "a got the room first")
    @Outcome(id = "p b a", expect = ACCEPTABLE, desc = "b got the room first")
    @Outcome(expect = FORBIDDEN, desc = "a message lost or duplicated, or a sender that never returns")
    @State
    public static class WakeOne {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();
        String sa;
        String sb;

        public WakeOne() {
            ch.sender().trySend("p");
        }

        @Actor
        public void senderA() {
            sa = Check.send(ch.sender(), "a");
        }

        @Actor
        public void senderB() {
            sb = Check.send(ch.sender(), "b");
        }

        @Actor
        public void consumer(L_Result res) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 3; k++) {
                try {
                    Check.append(sb, r.receive(1, TimeUnit.MINUTES));
                } catch (InterruptedException e) {
                    Check.append(sb, "INTERRUPTED");
                }
            }
            res.r1 = sb.toString();
        }

        @Arbiter
        public void arbiter(L_Result res) {
            String rest = Check.drain(r);
            if (!rest.isEmpty() || !"sent".equals(sa) || !"sent".equals(sb)) {
                res.r1 = res.r1 + " EXTRA[" + rest + "] " + sa + " " + sb;
            }
        }
    }

    /**
     * Hand-off on give-up: sender A waits with a short timeout, sender B without; the consumer takes p and then
     * receives. If the take woke A but A timed out, A must pass the room on to B.
     */
    @JCStressTest
    @Description("A woken sender that times out passes the room on")
    @Outcome(id = "p a, sent, b", expect = ACCEPTABLE, desc = "A delivered, B after")
    @Outcome(id = "p b, sent, a", expect = ACCEPTABLE, desc = "B first, A delivered after")
    @Outcome(id = "p b, timed out, ", expect = ACCEPTABLE_INTERESTING, desc = "A gave up, B got the room")
    @Outcome(expect = FORBIDDEN, desc = "a message lost or duplicated, or B stuck while there is room")
    @State
    public static class HandOffOnTimeout {
        final Channel<String> ch = Channel.bounded(1);
        final Receiver<String> r = ch.receiver();

        public HandOffOnTimeout() {
            ch.sender().trySend("p");
        }

        @Actor
        public void senderA(LLL_Result res) {
            try {
                res.r2 = ch.sender().send("a", 50, TimeUnit.MICROSECONDS) ? "sent" : "timed out";
            } catch (InterruptedException e) {
                res.r2 = "INTERRUPTED";
            }
        }

        @Actor
        public void senderB() {
            if (!"sent".equals(Check.send(ch.sender(), "b"))) {
                throw new IllegalStateException("b not sent");
            }
        }

        @Actor
        public void consumer(LLL_Result res) {
            StringBuilder sb = new StringBuilder();
            try {
                Check.append(sb, r.receive(1, TimeUnit.MINUTES));
                Check.append(sb, r.receive(1, TimeUnit.MINUTES));
            } catch (InterruptedException e) {
                Check.append(sb, "INTERRUPTED");
            }
            res.r1 = sb.toString();
        }

        @Arbiter
        public void arbiter(LLL_Result res) {
            res.r3 = Check.drain(r);
        }
    }
}
