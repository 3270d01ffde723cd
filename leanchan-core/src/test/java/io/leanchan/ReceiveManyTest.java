package io.leanchan;

import io.leanchan.FeatureSupport.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static io.leanchan.FeatureSupport.requireHooks;
import static io.leanchan.FeatureSupport.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Receiver#receiveMany}, its timed and async forms, {@link Receiver#drain}, {@link Receiver#peek()} and
 * {@link Receiver#isEmpty()}: waiting, timing out, cancelling, throwing sinks, and a ledger under concurrency.
 * Every test but the async ones needs the core's CoreHooks (peek, awaitAvailable).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReceiveManyTest {

    static void send(Channel<Integer> ch, int from, int to) {
        for (int i = from; i < to; i++) {
            assertThat(ch.sender().trySend(i)).isTrue();
        }
    }

    /** A sink that throws on its {@code failAt}-th add (counting from 0), once. */
    static final class FailingSink extends ArrayList<Integer> {
        int failAt;

        FailingSink(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public boolean add(Integer e) {
            if (size() == failAt) {
                failAt = -1;
                throw new IllegalStateException("sink refused " + e);
            }
            return super.add(e);
        }
    }

    // ------------------------------------------------------------------------------------------- receiveMany

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void receiveManyMovesWhatIsThereUpToMax(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Receiver<Integer> rx = ch.receiver();
        int n = Math.min(ch.capacity(), 10);
        send(ch, 0, n);
        List<Integer> sink = new ArrayList<>();
        int first = Math.min(n, 4);
        assertThat(rx.receiveMany(sink, 4)).isEqualTo(first);
        assertThat(rx.receiveMany(sink, 100, 0, TimeUnit.SECONDS)).isEqualTo(n - first);
        assertThat(sink).containsExactlyElementsOf(ReceiverIterationTest.upTo(n));
        assertThat(rx.isEmpty()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void receiveManyWaitsForTheFirstMessageOnly(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        List<Integer> sink = new ArrayList<>();
        AtomicInteger moved = new AtomicInteger(-1);
        Worker w = Worker.start("receiver", () -> moved.set(ch.receiver().receiveMany(sink, 64)));
        awaitWaiting(w);
        assertThat(moved.get()).isEqualTo(-1);
        ch.sender().send(1);
        w.finish();
        assertThat(moved.get()).isBetween(1, 64);
        assertThat(sink).startsWith(1);

        Worker t = Worker.start("timed receiver", () -> moved.set(ch.receiver().receiveMany(sink, 64, 20, TimeUnit.SECONDS)));
        awaitWaiting(t);
        ch.sender().send(2);
        t.finish();
        assertThat(moved.get()).isEqualTo(1);
        assertThat(sink).containsExactly(1, 2);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void timedReceiveManyTimesOutConsumingNothing(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Receiver<Integer> rx = ch.receiver();
        List<Integer> sink = new ArrayList<>();
        long t0 = System.nanoTime();
        assertThat(rx.receiveMany(sink, 8, 20, TimeUnit.MILLISECONDS)).isZero();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(rx.receiveMany(sink, 8, 0, TimeUnit.MILLISECONDS)).isZero();
        assertThat(rx.receiveMany(sink, 8, -5, TimeUnit.MILLISECONDS)).isZero();
        assertThat(sink).isEmpty();
        assertThat(rx.isDrained()).isFalse();
        ch.sender().trySend(5);
        assertThat(rx.tryReceive()).isEqualTo(5);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void receiveManyReturnsZeroAtTheEndOfTheStreamAfterTheLastMessages(Supplier<Channel<Integer>> make)
            throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Receiver<Integer> rx = ch.receiver();
        int n = Math.min(ch.capacity(), 2);
        send(ch, 0, n);
        ch.close();
        List<Integer> sink = new ArrayList<>();
        assertThat(rx.receiveMany(sink, 10)).isEqualTo(n);
        assertThat(rx.receiveMany(sink, 10)).isZero();
        assertThat(rx.receiveMany(sink, 10, 10, TimeUnit.SECONDS)).isZero();
        assertThat(rx.isDrained()).isTrue();
        // and a waiting receiveMany is woken by the close
        Channel<Integer> other = make.get();
        AtomicInteger moved = new AtomicInteger(-1);
        Worker w = Worker.start("receiver", () -> moved.set(other.receiver().receiveMany(new ArrayList<>(), 4)));
        awaitWaiting(w);
        other.close();
        w.finish();
        assertThat(moved.get()).isZero();
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void receiveManyRejectsBadArgumentsAndReturnsAtOnceForZero(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Receiver<Integer> rx = ch.receiver();
        assertThatThrownBy(() -> rx.receiveMany(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rx.receiveMany(new ArrayList<>(), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rx.receiveMany(new ArrayList<>(), 1, 1, null)).isInstanceOf(NullPointerException.class);
        assertThat(rx.receiveMany(new ArrayList<>(), 0)).isZero(); // empty and open: still does not wait
        assertThatThrownBy(() -> rx.receiveManyAsync(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rx.drain(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> rx.drain(x -> { }, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void aThrowingSinkLosesNothing(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Receiver<Integer> rx = ch.receiver();
        int n = Math.min(ch.capacity(), 6);
        send(ch, 0, n);
        FailingSink sink = new FailingSink(Math.min(2, n - 1));
        assertThatThrownBy(() -> rx.receiveMany(sink, 10)).hasMessageStartingWith("sink refused");
        int kept = sink.size();
        assertThat(rx.size()).isEqualTo(n - kept);
        assertThat(rx.peek()).isEqualTo(kept);
        assertThat(rx.receiveMany(sink, 10)).isEqualTo(n - kept); // the refused message comes again
        assertThat(sink).containsExactlyElementsOf(ReceiverIterationTest.upTo(n));
        // a Set that refuses a duplicate (add returns false) has still accepted the message
        send(ch, 0, Math.min(ch.capacity(), 2));
        Set<Integer> set = new HashSet<>(List.of(0));
        assertThat(rx.receiveMany(set, 10)).isEqualTo(Math.min(ch.capacity(), 2));
        assertThat(rx.isEmpty()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void aWaitingReceiveManyIsInterruptibleAndConsumesNothing(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        for (boolean timed : new boolean[] {false, true}) {
            Worker w = Worker.start("receiver", () -> {
                if (timed) {
                    ch.receiver().receiveMany(new ArrayList<>(), 4, 20, TimeUnit.SECONDS);
                } else {
                    ch.receiver().receiveMany(new ArrayList<>(), 4);
                }
            });
            awaitWaiting(w);
            w.interrupt();
            w.join(10_000);
            assertThat(w.failure).isInstanceOf(InterruptedException.class);
        }
        ch.sender().trySend(1);
        Thread.currentThread().interrupt(); // a message that is there is moved even when interrupted
        try {
            List<Integer> sink = new ArrayList<>();
            assertThat(ch.receiver().receiveMany(sink, 4)).isEqualTo(1);
        } finally {
            Thread.interrupted();
        }
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> ch.receiver().receiveMany(new ArrayList<>(), 4)).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aSecondWaitingReceiveIsRefused() throws Exception {
        Channel<Integer> ch = Channel.bounded(4);
        requireHooks(ch);
        Worker w = Worker.start("receiver", () -> ch.receiver().receiveMany(new ArrayList<>(), 4));
        awaitWaiting(w);
        assertThatThrownBy(() -> ch.receiver().receiveMany(new ArrayList<>(), 4, 1, TimeUnit.SECONDS))
                .isInstanceOf(IllegalStateException.class);
        ch.sender().send(1);
        w.finish();
    }

    // ------------------------------------------------------------------------------------------- async

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void receiveManyAsyncCompletesWithABatch(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        Receiver<Integer> rx = ch.receiver();
        int n = Math.min(ch.capacity(), 5);
        send(ch, 0, n);
        CompletableFuture<List<Integer>> now = rx.receiveManyAsync(3);
        assertThat(now.get(10, TimeUnit.SECONDS)).containsExactlyElementsOf(ReceiverIterationTest.upTo(Math.min(n, 3)));
        rx.drainTo(new ArrayList<>());

        CompletableFuture<List<Integer>> later = rx.receiveManyAsync(3);
        assertThat(later.isDone()).isFalse();
        ch.sender().send(10);
        assertThat(later.get(10, TimeUnit.SECONDS)).startsWith(10).hasSizeBetween(1, 3);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void receiveManyAsyncCompletesEmptyAtTheEndOfTheStream(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        Receiver<Integer> rx = ch.receiver();
        CompletableFuture<List<Integer>> pending = rx.receiveManyAsync(3);
        ch.close();
        assertThat(pending.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(rx.receiveManyAsync(3).get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void aCancelledOrTimedOutBatchConsumesNothing(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        Receiver<Integer> rx = ch.receiver();
        CompletableFuture<List<Integer>> f = rx.receiveManyAsync(4);
        assertThat(f.cancel(false)).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);

        CompletableFuture<List<Integer>> t = rx.receiveManyAsync(4).orTimeout(20, TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> t.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);

        CompletableFuture<List<Integer>> c = rx.receiveManyAsync(4);
        assertThat(c.complete(List.of(-1))).isTrue();
        assertThat(c.join()).containsExactly(-1);
        assertThatThrownBy(() -> c.obtrudeValue(List.of())).isInstanceOf(UnsupportedOperationException.class);

        ch.sender().trySend(1);
        assertThat(rx.tryReceive()).isEqualTo(1); // nobody took it
        assertThat(rx.tryReceive()).isNull();

        CompletableFuture<List<Integer>> done = rx.receiveManyAsync(4);
        ch.sender().trySend(2);
        assertThat(done.cancel(false)).isFalse(); // too late: the batch is delivered
        assertThat(done.join()).containsExactly(2);
    }

    // ------------------------------------------------------------------------------------------- drain, peek, isEmpty

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void drainHandsOverUpToTheLimitAndAThrowingConsumerLosesNothing(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Receiver<Integer> rx = ch.receiver();
        int n = Math.min(ch.capacity(), 6);
        send(ch, 0, n);
        List<Integer> got = new ArrayList<>();
        int first = Math.min(n, 2);
        assertThat(rx.drain(got::add, 2)).isEqualTo(first);
        assertThat(rx.drain(got::add, 0)).isZero();
        if (n > 2) {
            assertThatThrownBy(() -> rx.drain(x -> {
                if (x == 3 && !got.contains(-3)) {
                    got.add(-3);
                    throw new IllegalArgumentException("consumer failed on " + x);
                }
                got.add(x);
            }, 100)).hasMessage("consumer failed on 3");
            assertThat(rx.peek()).isEqualTo(3); // the failed message is still the head
            assertThat(rx.drain(got::add, 100)).isEqualTo(n - 3);
            assertThat(got).containsExactly(0, 1, 2, -3, 3, 4, 5);
        }
        assertThat(rx.drain(got::add, 100)).isZero();
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void peekAndIsEmptyShowTheHead(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Receiver<Integer> rx = ch.receiver();
        assertThat(rx.isEmpty()).isTrue();
        assertThat(rx.peek()).isNull();
        ch.sender().trySend(1);
        assertThat(rx.isEmpty()).isFalse();
        assertThat(rx.peek()).isEqualTo(1);
        assertThat(rx.size()).isEqualTo(1);
        assertThat(rx.tryReceive()).isEqualTo(1);
        assertThat(rx.peek()).isNull();
        ch.sender().trySend(2);
        ch.close();
        assertThat(rx.peek()).isEqualTo(2);
        assertThat(rx.tryReceive()).isEqualTo(2);
        assertThat(rx.peek()).isNull();
        assertThat(rx.isEmpty()).isTrue();
    }

    // ------------------------------------------------------------------------------------------- ledger

    /**
     * Two producers, one consumer that mixes every batch form (waiting, timed with tiny timeouts, async joined,
     * async cancelled, throwing sinks and consumers, peeks, self-interrupts): every message is received exactly
     * once and each producer's messages in order.
     */
    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void aLedgerOfMixedBatchReceivesLosesAndDuplicatesNothing(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Receiver<Integer> rx = ch.receiver();
        int producers = 2;
        int each = ch.capacity() <= 2 ? 2_000 : 10_000;
        List<Worker> ws = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            ws.add(Worker.start("producer-" + p, () -> {
                Random r = new Random(id);
                for (int i = 0; i < each; i++) {
                    Integer m = id * each + i;
                    if (r.nextInt(8) == 0) {
                        ch.sender().sendAsync(m).get(20, TimeUnit.SECONDS);
                    } else {
                        ch.sender().send(m);
                    }
                }
            }));
        }
        int[] next = new int[producers];
        int[] count = {0};
        AtomicReference<String> last = new AtomicReference<>();
        Collection<Integer> ledger = new AbstractCollection<>() { // addAll goes through add
            @Override
            public Iterator<Integer> iterator() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int size() {
                return count[0];
            }

            @Override
            public boolean add(Integer m) {
                int id = m / each;
                assertThat(m % each).as("producer %d after %s", id, last.get()).isEqualTo(next[id]);
                next[id]++;
                count[0]++;
                return true;
            }
        };
        Random rnd = new Random(7);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (count[0] < producers * each) {
            assertThat(System.nanoTime()).as("received %d", count[0]).isLessThan(deadline);
            int max = 1 + rnd.nextInt(40);
            int op = rnd.nextInt(9);
            last.set("op " + op);
            switch (op) {
                case 0:
                    rx.receiveMany(ledger, max);
                    break;
                case 1:
                    rx.receiveMany(ledger, max, rnd.nextInt(50), TimeUnit.MICROSECONDS);
                    break;
                case 2:
                    ledger.addAll(rx.receiveManyAsync(max).get(20, TimeUnit.SECONDS));
                    break;
                case 3: {
                    CompletableFuture<List<Integer>> f = rx.receiveManyAsync(max);
                    if (!f.cancel(false)) {
                        ledger.addAll(f.join());
                    }
                    break;
                }
                case 4: {
                    FailingSink sink = new FailingSink(rnd.nextInt(3));
                    try {
                        rx.receiveMany(sink, max, 1, TimeUnit.MILLISECONDS);
                    } catch (IllegalStateException refused) {
                        // the refused message stays in the channel
                    }
                    ledger.addAll(sink);
                    break;
                }
                case 5: {
                    int[] seen = {0};
                    int failAt = rnd.nextInt(4);
                    try {
                        rx.drain(m -> {
                            if (seen[0]++ == failAt) {
                                throw new IllegalArgumentException("consumer failed");
                            }
                            ledger.add(m);
                        }, max);
                    } catch (IllegalArgumentException failed) {
                        // the message it failed on stays in the channel
                    }
                    break;
                }
                case 6: {
                    Integer head = rx.peek();
                    if (head != null) {
                        assertThat(rx.tryReceive()).isSameAs(head);
                        ledger.add(head);
                    }
                    break;
                }
                case 7: {
                    Thread.currentThread().interrupt();
                    try {
                        rx.receiveMany(ledger, max);
                    } catch (InterruptedException expected) {
                        // nothing was consumed
                    } finally {
                        Thread.interrupted();
                    }
                    break;
                }
                default:
                    rx.drainTo(ledger, max);
            }
        }
        for (Worker w : ws) {
            w.finish();
        }
        assertThat(rx.tryReceive()).isNull();
        assertThat(next).containsOnly(each);
    }
}
