package io.leanchan;

import io.leanchan.FeatureSupport.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.vm.VM;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.leanchan.FeatureSupport.requireCoreV2;
import static io.leanchan.FeatureSupport.requireHooks;
import static io.leanchan.FeatureSupport.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sender lifecycle: {@link Channel#close()} (try-with-resources), counted handles from
 * {@link Channel#openSender()} (the stream ends exactly when the last one closes, also under races),
 * {@link Sender#closed()} (completes on close and never before) and {@link ChannelLifecycle#closedBy()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SenderLifecycleTest {

    static List<Integer> drainAll(Receiver<Integer> rx) throws InterruptedException {
        return drainAll(rx, () -> "");
    }

    /**
     * Receives until the end of the stream, failing (with {@code state}) instead of hanging if no message and no end
     * of stream comes for 15 seconds: a race test that stalls says where it stalled.
     */
    static List<Integer> drainAll(Receiver<Integer> rx, Supplier<String> state) throws InterruptedException {
        List<Integer> got = new ArrayList<>();
        for (;;) {
            Integer m;
            try {
                m = rx.receive(15, TimeUnit.SECONDS);
            } catch (ChannelClosedException endOfStream) {
                return got;
            }
            if (m == null) {
                throw new AssertionError("no message and no end of stream for 15 s after " + got.size()
                        + " messages: " + rx + " " + state.get() + " " + threads());
            }
            got.add(m);
        }
    }

    static String threads() {
        StringBuilder b = new StringBuilder();
        for (java.util.Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().startsWith("producer") || e.getKey().getName().startsWith("opener")
                    || e.getKey().getName().startsWith("closer")) {
                b.append('\n').append(e.getKey().getName()).append(' ').append(e.getKey().getState());
                for (StackTraceElement f : e.getValue()) {
                    b.append("\n    at ").append(f);
                }
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------------------------------- close for everyone

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void channelCloseClosesForEveryoneAndWorksInTryWithResources(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> kept;
        try (Channel<Integer> ch = make.get()) {
            kept = ch;
            assertThat(ch.isClosed()).isFalse();
            assertThat(ch.closedBy()).isEqualTo(ClosedBy.NOBODY);
            ch.sender().trySend(1);
        }
        assertThat(kept.isClosed()).isTrue();
        assertThat(kept.sender().isClosed()).isTrue();
        assertThat(kept.receiver().isClosed()).isTrue();
        assertThatThrownBy(() -> kept.sender().trySend(2)).isInstanceOf(ChannelClosedException.class);
        assertThat(drainAll(kept.receiver())).containsExactly(1);
        kept.close(); // idempotent
        requireHooks(kept);
        assertThat(kept.closedBy()).isEqualTo(ClosedBy.CLOSE);
        assertThat(kept.sender().closedBy()).isEqualTo(ClosedBy.CLOSE);
        assertThat(kept.receiver().closedBy()).isEqualTo(ClosedBy.CLOSE);
    }

    // ------------------------------------------------------------------------------------------- counted handles

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void theStreamEndsWhenTheLastCountedHandleCloses(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Sender<Integer> a = ch.openSender();
        Sender<Integer> b = ch.openSender();
        a.send(1);
        a.close();
        a.close(); // idempotent: counts once
        assertThat(a.isClosed()).isTrue();
        assertThat(ch.isClosed()).isFalse();
        assertThat(b.isClosed()).isFalse();
        assertThat(ch.closedBy()).isEqualTo(ClosedBy.NOBODY);
        assertThatThrownBy(() -> a.trySend(9)).isInstanceOf(ChannelClosedException.class)
                .satisfies(e -> assertThat(((ChannelClosedException) e).<Integer>undeliveredAs()).isEqualTo(9));
        assertThatThrownBy(() -> a.send(9)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> a.send(9, 1, TimeUnit.SECONDS)).isInstanceOf(ChannelClosedException.class);
        assertThat(a.sendAsync(9)).isCompletedExceptionally();
        assertThat(ch.receiver().tryReceive()).isEqualTo(1);
        if (ch.capacity() > 1) {
            b.send(2);
            ch.sender().send(3); // the shared sender still works while a counted handle is open
        } else {
            b.send(2);
        }
        assertThat(ch.isClosed()).isFalse();
        b.close();
        assertThat(ch.isClosed()).isTrue();
        assertThat(ch.closedBy()).isEqualTo(ClosedBy.SENDERS);
        assertThat(b.closedBy()).isEqualTo(ClosedBy.SENDERS);
        assertThat(ch.receiver().closedBy()).isEqualTo(ClosedBy.SENDERS);
        assertThat(drainAll(ch.receiver())).containsExactlyElementsOf(ch.capacity() > 1 ? List.of(2, 3) : List.of(2));
        assertThatThrownBy(() -> ch.sender().trySend(4)).isInstanceOf(ChannelClosedException.class);

        Sender<Integer> late = ch.openSender(); // the count stays at zero: born closed
        assertThat(late.isClosed()).isTrue();
        assertThatThrownBy(() -> late.trySend(5)).isInstanceOf(ChannelClosedException.class);
        late.close();
        assertThat(ch.closedBy()).isEqualTo(ClosedBy.SENDERS);
    }

    @Test
    void aCountedHandleInTryWithResourcesPerProducer() throws Exception {
        Channel<Integer> ch = Channel.bounded(8);
        requireHooks(ch);
        int producers = 3;
        List<Sender<Integer>> handles = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            handles.add(ch.openSender()); // handed out before the producers start
        }
        List<Worker> ws = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Sender<Integer> mine = handles.get(p);
            int id = p;
            ws.add(Worker.start("producer-" + p, () -> {
                try (Sender<Integer> tx = mine) {
                    for (int i = 0; i < 100; i++) {
                        tx.send(id * 100 + i);
                    }
                }
            }));
        }
        List<Integer> got = drainAll(ch.receiver());
        for (Worker w : ws) {
            w.finish();
        }
        assertThat(got).hasSize(300).doesNotHaveDuplicates();
        assertThat(ch.closedBy()).isEqualTo(ClosedBy.SENDERS);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void aCloseForEveryoneAlsoClosesTheCountedHandles(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Sender<Integer> a = ch.openSender();
        ch.receiver().close();
        assertThat(a.isClosed()).isTrue();
        assertThatThrownBy(() -> a.trySend(1)).isInstanceOf(ChannelClosedException.class);
        assertThat(a.closedBy()).isEqualTo(ClosedBy.CLOSE);
        a.close(); // the last handle closing afterwards does not rewrite history
        assertThat(ch.closedBy()).isEqualTo(ClosedBy.CLOSE);
        assertThat(ch.sender().closed()).isDone();
        requireCoreV2(ch);
        assertThat(ch.openSender().closed()).isDone();
    }

    /**
     * Races: K producers (handles opened before they start) send M messages each and close their handles at the same
     * moment, while some also open, use and close a nested handle. The receiver gets exactly K*M (+ nested) messages
     * and sees the end of the stream only after every producer's close was called.
     */
    @Test
    void underRacesTheStreamEndsExactlyWhenTheLastHandleCloses() throws Exception {
        int rounds = Integer.getInteger("leanchan.test.rounds", 200); // -Dleanchan.test.rounds=5000 for a soak
        int k = 4;
        int m = 50;
        for (int round = 0; round < rounds; round++) {
            Channel<Integer> ch = round % 2 == 0 ? Channel.bounded(1 + round % 16) : Channel.unbounded();
            if (round == 0) {
                requireHooks(ch);
            }
            List<Sender<Integer>> handles = new ArrayList<>();
            for (int p = 0; p < k; p++) {
                handles.add(ch.openSender());
            }
            AtomicInteger closing = new AtomicInteger();
            AtomicInteger nestedSent = new AtomicInteger();
            CyclicBarrier start = new CyclicBarrier(k);
            List<Worker> ws = new ArrayList<>();
            for (int p = 0; p < k; p++) {
                Sender<Integer> tx = handles.get(p);
                int id = p;
                ws.add(Worker.start("producer-" + p, () -> {
                    try {
                        start.await(10, TimeUnit.SECONDS);
                        for (int i = 0; i < m; i++) {
                            tx.send(id * m + i);
                        }
                        if (id % 2 == 0) {
                            try (Sender<Integer> nested = ch.openSender()) { // tx is open: the count is above zero
                                assertThat(nested.isClosed()).isFalse();
                                nested.send(-1 - id);
                                nestedSent.incrementAndGet();
                            }
                        }
                    } finally { // whatever happened, this producer is done: the stream must end
                        closing.incrementAndGet(); // before the close: the end of the stream must come after this
                        tx.close();
                    }
                }));
            }
            int r = round;
            int received = drainAll(ch.receiver(), () -> "round " + r + ", closing " + closing.get()
                    + ", nested " + nestedSent.get() + ", failures " + failures(ws)).size();
            assertThat(closing.get()).as("round %d: end of stream before every close", round).isEqualTo(k);
            for (Worker w : ws) {
                w.finish();
            }
            assertThat(received).as("round %d", round).isEqualTo(k * m + nestedSent.get());
            assertThat(ch.closedBy()).isEqualTo(ClosedBy.SENDERS);
        }
    }

    static String failures(List<Worker> ws) {
        StringBuilder b = new StringBuilder();
        for (Worker w : ws) {
            if (w.failure != null) {
                b.append(w.getName()).append(": ").append(w.failure).append("; ");
            }
        }
        return b.toString();
    }

    /** The last close racing an open: the new handle is either live (and its message arrives) or born closed. */
    @Test
    void anOpenRacingTheLastCloseIsEitherCountedOrBornClosed() throws Exception {
        int live = 0;
        for (int round = 0; round < 300; round++) {
            Channel<Integer> ch = Channel.bounded(4);
            if (round == 0) {
                requireHooks(ch);
            }
            Sender<Integer> last = ch.openSender();
            CountDownLatch go = new CountDownLatch(1);
            AtomicReference<Sender<Integer>> opened = new AtomicReference<>();
            Worker closer = Worker.start("closer", () -> {
                go.await();
                last.close();
            });
            Worker opener = Worker.start("opener", () -> {
                go.await();
                opened.set(ch.openSender());
            });
            go.countDown();
            closer.finish();
            opener.finish();
            Sender<Integer> h = opened.get();
            boolean sent;
            try {
                sent = h.trySend(1);
            } catch (ChannelClosedException e) {
                sent = false;
            }
            if (sent) {
                live++;
                assertThat(ch.isClosed()).isFalse();
                h.close();
            }
            int r = round;
            boolean s = sent;
            assertThat(drainAll(ch.receiver(), () -> "round " + r + ", sent " + s + ", handle " + h)).hasSize(sent ? 1 : 0);
            assertThat(ch.isClosed()).isTrue();
        }
        System.out.println("[lifecycle] open racing the last close: live handle in " + live + " of 300 rounds");
    }

    @Test
    void aCloseRacingTheLastHandleIsReportedOneWayAndStays() throws Exception {
        for (int round = 0; round < 200; round++) {
            Channel<Integer> ch = Channel.bounded(2);
            if (round == 0) {
                requireHooks(ch);
            }
            Sender<Integer> h = ch.openSender();
            CountDownLatch go = new CountDownLatch(1);
            Worker a = Worker.start("handle", () -> {
                go.await();
                h.close();
            });
            Worker b = Worker.start("receiver", () -> {
                go.await();
                ch.receiver().close();
            });
            go.countDown();
            a.finish();
            b.finish();
            ClosedBy by = ch.closedBy();
            assertThat(by).isIn(ClosedBy.SENDERS, ClosedBy.CLOSE);
            assertThat(ch.sender().closedBy()).isEqualTo(by);
            assertThat(h.closedBy()).isEqualTo(by);
        }
    }

    // ------------------------------------------------------------------------------------------- closed()

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void closedCompletesOnReceiverCloseAndNeverBefore(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        requireCoreV2(ch);
        Sender<Integer> tx = ch.sender();
        Receiver<Integer> rx = ch.receiver();
        CompletableFuture<Void> closed = tx.closed();
        int[] plain = {0};
        AtomicReference<Integer> seenInDependent = new AtomicReference<>();
        AtomicReference<Thread> ranIn = new AtomicReference<>();
        CompletableFuture<Void> dep = closed.thenRun(() -> {
            seenInDependent.set(plain[0]);
            ranIn.set(Thread.currentThread());
        });
        // everything short of a close leaves it pending
        for (int i = 0; i < Math.min(ch.capacity(), 3); i++) {
            tx.trySend(i);
        }
        rx.tryReceive();
        rx.receive(1, TimeUnit.MILLISECONDS);
        rx.drainTo(new ArrayList<>());
        rx.receive(1, TimeUnit.MILLISECONDS);
        assertThat(rx.receiveAsync().cancel(false)).isTrue();
        Sender<Integer> handle = ch.openSender();
        handle.trySend(7);
        Sender<Integer> other = ch.openSender();
        handle.close(); // not the last
        rx.tryReceive();
        Thread.sleep(5);
        assertThat(closed).isNotDone();
        assertThat(dep).isNotDone();
        assertThat(tx.closedBy()).isEqualTo(ClosedBy.NOBODY);

        plain[0] = 42; // a plain write before the close is seen by the dependent
        Worker closer = Worker.start("receiver", rx::close);
        closer.finish();
        assertThat(closed.get(10, TimeUnit.SECONDS)).isNull();
        dep.get(10, TimeUnit.SECONDS);
        assertThat(seenInDependent.get()).isEqualTo(42);
        assertThat(ranIn.get()).isSameAs(closer); // the dependent ran in the closing thread
        assertThat(other.closed()).isSameAs(closed).isDone();
        assertThat(tx.closedBy()).isEqualTo(ClosedBy.CLOSE);
    }

    /** Watchers race the close: whoever sees closed() complete also sees the channel closed, and sends fail. */
    @Test
    void closedNeverCompletesBeforeTheCloseUnderARace() throws Exception {
        for (int round = 0; round < 100; round++) {
            Channel<Integer> ch = Channel.bounded(1 + round % 4);
            requireCoreV2(ch);
            CompletableFuture<Void> closed = ch.sender().closed();
            AtomicBoolean early = new AtomicBoolean();
            CompletableFuture<Void> dependent = closed.thenRun(() -> {
                if (!ch.isClosed()) {
                    early.set(true);
                }
            });
            List<Worker> watchers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                watchers.add(Worker.start("watcher", () -> {
                    while (!closed.isDone()) {
                        Thread.onSpinWait();
                    }
                    if (!ch.isClosed()) {
                        early.set(true);
                    }
                    assertThatThrownBy(() -> ch.sender().trySend(1)).isInstanceOf(ChannelClosedException.class);
                }));
            }
            if (round % 2 == 0) {
                Thread.yield();
            }
            ch.receiver().close();
            for (Worker w : watchers) {
                w.finish();
            }
            dependent.get(10, TimeUnit.SECONDS);
            assertThat(early.get()).as("round %d", round).isFalse();
        }
    }

    /** The first closed() call (which creates the lifecycle record) racing the close: it completes either way. */
    @Test
    void aFirstClosedCallRacingTheCloseStillCompletes() throws Exception {
        for (int round = 0; round < 500; round++) {
            Channel<Integer> ch = round % 2 == 0 ? Channel.bounded(2) : Channel.unbounded();
            requireCoreV2(ch);
            CountDownLatch go = new CountDownLatch(1);
            AtomicReference<CompletableFuture<Void>> f = new AtomicReference<>();
            Worker asker = Worker.start("asker", () -> {
                go.await();
                f.set(ch.sender().closed());
            });
            Worker closer = Worker.start("closer", () -> {
                go.await();
                ch.close();
            });
            go.countDown();
            asker.finish();
            closer.finish();
            assertThat(f.get()).as("round %d", round).isDone();
        }
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void closedCompletesWhenTheLastCountedHandleCloses(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Sender<Integer> a = ch.openSender();
        Sender<Integer> b = ch.openSender();
        CompletableFuture<Void> closed = a.closed();
        a.close();
        assertThat(closed).isNotDone();
        b.close();
        assertThat(closed).isCompleted();
        assertThat(ch.sender().closed()).isSameAs(closed);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void aWaitingSenderCanStopWhenTheReceiverGoesAway(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        requireCoreV2(ch);
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicInteger produced = new AtomicInteger();
        Worker producer = Worker.start("producer", () -> {
            try (Sender<Integer> tx = ch.openSender()) {
                tx.closed().thenRun(() -> stopped.set(true));
                while (!stopped.get()) {
                    try {
                        tx.send(produced.incrementAndGet(), 1, TimeUnit.MILLISECONDS);
                    } catch (ChannelClosedException e) {
                        break;
                    }
                }
            }
        });
        Receiver<Integer> rx = ch.receiver();
        for (int i = 0; i < 10; i++) {
            rx.receive(10, TimeUnit.SECONDS);
        }
        rx.close();
        producer.finish();
        assertThat(stopped.get()).isTrue();
    }

    @Test
    void closedIsSharedAndCannotBeCompletedByItsUsers() {
        Channel<Integer> ch = Channel.bounded(4);
        requireHooks(ch);
        CompletableFuture<Void> closed = ch.sender().closed();
        assertThat(ch.sender().closed()).isSameAs(closed);
        assertThat(ch.openSender().closed()).isSameAs(closed);
        assertThat(closed.complete(null)).isFalse();
        assertThat(closed.completeExceptionally(new RuntimeException())).isFalse();
        assertThat(closed.cancel(true)).isFalse();
        assertThatThrownBy(() -> closed.obtrudeValue(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> closed.obtrudeException(new RuntimeException()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> closed.completeAsync(() -> null)).isInstanceOf(UnsupportedOperationException.class);
        closed.completeOnTimeout(null, 1, TimeUnit.MILLISECONDS);
        CompletableFuture<Void> copy = closed.copy().orTimeout(1, TimeUnit.MILLISECONDS);
        assertThatThrownBy(copy::join).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(closed).isNotDone();
        assertThat(ch.isClosed()).isFalse();
        ch.close();
        assertThat(ch.sender().closed()).isCompleted(); // asked after the close: complete at once
    }

    // ------------------------------------------------------------------------------------------- cost

    @Test
    void nothingCostsTheChannelMemoryUntilItIsUsed() {
        assumeTrue(VM.current().addressSize() == 8 && VM.current().objectHeaderSize() == 12,
                "needs 64-bit HotSpot with compressed oops");
        Channel<Integer> ch = Channel.bounded(1024);
        Receiver<Integer> rx = ch.receiver();
        long before = Footprint.retained(ch, rx);
        ch.asBlockingQueue();
        rx.iterator();
        rx.stream();
        rx.isEmpty();
        ch.closedBy();
        ch.isClosed();
        assertThat(Footprint.retained(ch, rx)).as("queries and views").isEqualTo(before);
        requireHooks(ch);
        Sender<Integer> h = ch.openSender();
        long withLifecycle = Footprint.retained(ch, rx);
        System.out.println("[lifecycle] bytes the channel retains once it has a lifecycle record: " + (withLifecycle - before));
        assertThat(withLifecycle - before).as("the lifecycle record and where the core keeps it, once").isBetween(0L, 128L);
        assertThat(ClassLayout.parseInstance(h).instanceSize()).as("a counted handle").isLessThanOrEqualTo(24);
        assertThat(ClassLayout.parseInstance(ch.sender().closed()).instanceSize()).isLessThanOrEqualTo(32);
        ch.openSender();
        ch.sender().closed();
        assertThat(Footprint.retained(ch, rx)).as("more handles and closed() calls").isEqualTo(withLifecycle);
        h.close();
    }

    @Test
    void sendsThroughACountedHandleAllocateNothing() throws Exception {
        Channel<Integer> ch = Channel.bounded(16);
        requireHooks(ch);
        Sender<Integer> h = ch.openSender();
        Receiver<Integer> rx = ch.receiver();
        Integer msg = 1;
        for (int i = 0; i < 20_000; i++) { // warm up
            h.trySend(msg);
            rx.tryReceive();
        }
        long a0 = Footprint.allocated();
        for (int i = 0; i < 100_000; i++) {
            h.trySend(msg);
            h.send(msg);
            rx.tryReceive();
            rx.tryReceive();
        }
        long perMessage = (Footprint.allocated() - a0) / 200_000;
        assertThat(perMessage).isZero();
    }
}
