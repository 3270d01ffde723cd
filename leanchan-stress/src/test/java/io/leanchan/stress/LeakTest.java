package io.leanchan.stress;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leaks: nothing the channel received stays reachable from it once received (or handed back), and no waiter (a
 * thread, a future, a list node) is left behind by senders and receivers that timed out, were interrupted or
 * cancelled. Reachability is checked two ways: WeakReferences to the messages are cleared after GC while the
 * channel is still strongly held, and the JOL object graph of the channel contains none of those classes.
 */
class LeakTest {

    /** The message type: its class name makes it easy to spot in a heap graph. */
    static final class Payload {
        final long[] body = new long[4];
        final int id;

        Payload(int id) {
            this.id = id;
        }
    }

    /** Sends n payloads, returning weak references to them (no strong reference kept here). */
    static List<WeakReference<Payload>> send(Sender<Payload> s, int from, int n) {
        List<WeakReference<Payload>> refs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Payload p = new Payload(from + i);
            refs.add(new WeakReference<>(p));
            assertThat(s.trySend(p)).as("send %d", from + i).isTrue();
        }
        return refs;
    }

    /** GCs until every reference is cleared (or gives up after ~5 s); returns how many are still set. */
    static long uncollected(List<WeakReference<Payload>> refs) throws InterruptedException {
        long left = 0;
        for (int k = 0; k < 50; k++) {
            System.gc();
            left = refs.stream().filter(r -> r.get() != null).count();
            if (left == 0) {
                return 0;
            }
            Thread.sleep(100);
        }
        return left;
    }

    /**
     * The classes in the channel's object graph that must not be there: threads, futures, sender-list nodes, and
     * messages beyond the {@code held} ones still in the channel.
     */
    static List<String> forbiddenClasses(Object channel, int held) {
        List<String> bad = new ArrayList<>();
        // Core v2: a waiter is a SenderQueue node or the rx field. Check those first: JOL 0.17 cannot walk
        // into a Thread on JDK 25 (a record's field offset), so the graph walk only runs once none is left.
        int[] linked = Internals.linkedWaiters((io.leanchan.Channel<?>) channel);
        if (linked[0] > 0) {
            bad.add(linked[0] + " SenderQueue nodes still linked (" + linked[1] + " cancelled)");
        }
        Object rx = Internals.receiveWaiter((io.leanchan.Channel<?>) channel);
        if (rx != null) {
            bad.add("receive waiter " + rx.getClass().getName());
        }
        if (!bad.isEmpty()) {
            return bad;
        }
        GraphLayout g = GraphLayout.parseInstance(channel);
        for (Class<?> c : g.getClasses()) {
            if (Thread.class.isAssignableFrom(c) || Future.class.isAssignableFrom(c)
                    || c.getName().endsWith("$Node") || c.getName().contains("Future")) {
                bad.add(c.getName());
            }
        }
        long payloads = g.getClassCounts().count(Payload.class);
        if (payloads != held) {
            bad.add(payloads + " x " + Payload.class.getName() + " (expected " + held + ")");
        }
        return bad;
    }

    static List<String> forbiddenClasses(Object channel) {
        return forbiddenClasses(channel, 0);
    }

    static void burstAndDrain(Channel<Payload> ch, Consumer<Receiver<Payload>> drain) throws InterruptedException {
        List<WeakReference<Payload>> refs = send(ch.sender(), 0, 500);
        drain.accept(ch.receiver());
        assertThat(ch.receiver().size()).isZero();
        assertThat(uncollected(refs)).as("received messages still reachable").isZero();
        assertThat(forbiddenClasses(ch)).isEmpty();
    }

    @Test
    void burstDrainedByTryReceiveLeavesNothing() throws InterruptedException {
        Channel<Payload> ch = Channel.bounded(1024);
        burstAndDrain(ch, r -> {
            int n = 0;
            while (r.tryReceive() != null) {
                n++;
            }
            assertThat(n).isEqualTo(500);
        });
        assertThat(Internals.ringLength(ch)).as("first burst's ring given back").isZero();
    }

    @Test
    void burstDrainedByDrainToLeavesNothing() throws InterruptedException {
        Channel<Payload> ch = Channel.unbounded();
        burstAndDrain(ch, r -> {
            List<Payload> sink = new ArrayList<>();
            assertThat(r.drainTo(sink)).isEqualTo(500);
            assertThat(r.drainTo(sink)).isZero(); // finds nothing more: the retention check runs
            sink.clear();
        });
    }

    @Test
    void burstDrainedByReceiveAndReceiveAsyncLeavesNothing() throws InterruptedException {
        Channel<Payload> ch = Channel.bounded(600);
        burstAndDrain(ch, r -> {
            try {
                for (int i = 0; i < 250; i++) {
                    assertThat(r.receive()).isNotNull();
                    assertThat(r.receiveAsync().join()).isNotNull();
                }
                assertThat(r.receive(1, TimeUnit.MILLISECONDS)).isNull();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Repeating bursts keep the ring (retention), but its slots must not keep received messages alive. */
    @Test
    void keptRingHoldsNoReceivedMessage() throws InterruptedException {
        Channel<Payload> ch = Channel.bounded(1024);
        Receiver<Payload> r = ch.receiver();
        List<WeakReference<Payload>> refs = new ArrayList<>();
        for (int burst = 0; burst < 5; burst++) {
            refs.addAll(send(ch.sender(), burst * 300, 300));
            while (r.tryReceive() != null) {
                // drain
            }
        }
        assertThat(Internals.ringLength(ch)).as("ring kept for repeating bursts").isGreaterThan(0);
        assertThat(uncollected(refs)).as("messages reachable from a kept ring").isZero();
        assertThat(forbiddenClasses(ch)).isEmpty();
    }

    @Test
    void closedAndDrainedChannelHoldsNothing() throws InterruptedException {
        Channel<Payload> ch = Channel.bounded(64);
        Receiver<Payload> r = ch.receiver();
        List<WeakReference<Payload>> refs = send(ch.sender(), 0, 40);
        ch.sender().close();
        int n = 0;
        try {
            for (;;) {
                assertThat(r.receive()).isNotNull();
                n++;
            }
        } catch (ChannelClosedException end) {
            assertThat(end.undelivered()).isNull();
        }
        assertThat(n).isEqualTo(40);
        // Sends after the close hand their message back; the channel must not keep it.
        Payload late = new Payload(-1);
        refs.add(new WeakReference<>(late));
        try {
            ch.sender().trySend(late);
        } catch (ChannelClosedException e) {
            assertThat(e.undelivered()).isSameAs(late);
        }
        late = null;
        assertThat(uncollected(refs)).isZero();
        assertThat(forbiddenClasses(ch)).isEmpty();
    }

    /**
     * Waiters that gave up: senders that timed out or were interrupted on a full channel, a receiver that timed out,
     * cancelled receive and send futures. Afterwards the channel's graph holds no thread, future or list node, and
     * none of the messages handed back.
     */
    @Test
    void waitersThatGaveUpLeaveNothing() throws Exception {
        Channel<Payload> ch = Channel.bounded(1);
        Sender<Payload> s = ch.sender();
        Receiver<Payload> r = ch.receiver();

        // Receiver side on an empty channel.
        assertThat(r.receive(2, TimeUnit.MILLISECONDS)).isNull();
        CompletableFuture<Payload> rf = r.receiveAsync();
        assertThat(rf.cancel(false)).isTrue();
        Thread waitingReceiver = Thread.ofVirtual().start(() -> {
            try {
                r.receive();
            } catch (InterruptedException expected) {
                // nothing consumed
            }
        });
        awaitParked(waitingReceiver);
        waitingReceiver.interrupt();
        waitingReceiver.join(5000);
        assertThat(waitingReceiver.isAlive()).isFalse();
        assertThat(forbiddenClasses(ch)).as("after receiver timeouts, cancellation, interruption").isEmpty();

        // Sender side on a full channel.
        List<WeakReference<Payload>> refs = new ArrayList<>();
        Payload first = new Payload(0);
        refs.add(new WeakReference<>(first));
        assertThat(s.trySend(first)).isTrue();
        first = null;
        List<Thread> senders = new ArrayList<>();
        java.util.Queue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            final int id = i;
            Payload p = new Payload(100 + i);
            refs.add(new WeakReference<>(p));
            Runnable task = () -> {
                try {
                    if (s.send(p, 20, TimeUnit.MILLISECONDS)) { // must time out: full
                        failures.add("sent " + id + " into a full channel");
                    }
                } catch (InterruptedException e) {
                    failures.add("interrupted " + id);
                } finally {
                    done.countDown();
                }
            };
            senders.add(id % 2 == 0 ? Thread.ofVirtual().start(task) : Thread.ofPlatform().start(task));
        }
        Payload[] box = {new Payload(200)};
        refs.add(new WeakReference<>(box[0]));
        Thread interrupted = Thread.ofPlatform().start(() -> {
            try {
                Payload blocked = box[0];
                box[0] = null;
                s.send(blocked);
                failures.add("blocking send went into a full channel");
            } catch (InterruptedException expected) {
                // handed back
            }
        });
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Payload p = new Payload(300 + i);
            refs.add(new WeakReference<>(p));
            pending.add(s.sendAsync(p));
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        awaitParked(interrupted);
        interrupted.interrupt();
        interrupted.join(5000);
        for (Thread t : senders) {
            t.join(5000);
        }
        for (CompletableFuture<Void> f : pending) {
            assertThat(f.cancel(false)).as("pending send future cancelled").isTrue();
        }
        pending.clear();
        senders.clear();
        interrupted = null;
        assertThat(failures).isEmpty();
        // Every waiter gave up and no take happened: since core c2562c4 (finding 6 in docs/stress.md) a withdrawing
        // sender unlinks the dead nodes at the head of the SenderQueue, so with nobody left alive nothing stays
        // linked (before, each node stayed until the next take; CoreBugsTest.cancelledWaitersAreNotKeptWhileNoTakeHappens).
        // (A cancelled sendAsync leaves its node WAITING: the future, not the node, says it is done.)
        int[] linked = Internals.linkedWaiters(ch);
        assertThat(linked[0]).as("nodes left linked by waiters that all gave up, no take (%d cancelled)", linked[1]).isZero();

        // The one message in the channel is received; everything else was handed back.
        assertThat(r.tryReceive()).isNotNull();
        assertThat(r.tryReceive()).isNull();
        assertThat(uncollected(refs)).as("messages handed back or received still reachable").isZero();
        assertThat(forbiddenClasses(ch)).isEmpty();
    }

    /** A receive future completed by a sender, and waiting senders failed by a close, leave nothing either. */
    @Test
    void completedFuturesAndClosedWaitersLeaveNothing() throws Exception {
        Channel<Payload> ch = Channel.bounded(1);
        Receiver<Payload> r = ch.receiver();
        CompletableFuture<Payload> rf = r.receiveAsync();
        Thread t = Thread.ofPlatform().start(() -> ch.sender().trySend(new Payload(1)));
        t.join();
        assertThat(rf.join()).isNotNull();
        assertThat(forbiddenClasses(ch)).as("after a receive future completed by a sender").isEmpty();

        ch.sender().trySend(new Payload(2));
        CompletableFuture<Void> sf = ch.sender().sendAsync(new Payload(3));
        Thread waiting = Thread.ofVirtual().start(() -> {
            try {
                ch.sender().send(new Payload(4));
            } catch (ChannelClosedException | InterruptedException expected) {
                // handed back by the close
            }
        });
        awaitParked(waiting);
        r.close();
        waiting.join(5000);
        assertThat(waiting.isAlive()).isFalse();
        assertThat(sf).isCompletedExceptionally();
        assertThat(r.tryReceive()).isNotNull();
        assertThat(r.tryReceive()).isNull();
        assertThat(r.isDrained()).isTrue();
        assertThat(forbiddenClasses(ch)).as("after a close woke waiting senders").isEmpty();
    }

    static void awaitParked(Thread t) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("thread parked in time").isLessThan(end);
            Thread.sleep(1);
        }
    }
}
