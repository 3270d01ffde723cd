package io.leanchan;

import io.leanchan.FeatureSupport.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.leanchan.FeatureSupport.requireHooks;
import static io.leanchan.FeatureSupport.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code Receiver} as an {@link Iterable}, {@link Receiver#stream()} and {@link Receiver#receiveOrNull()}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReceiverIterationTest {

    static Worker sendThenClose(Channel<Integer> ch, int n) {
        return Worker.start("producer", () -> {
            for (int i = 0; i < n; i++) {
                ch.sender().send(i);
            }
            ch.sender().close();
        });
    }

    static List<Integer> upTo(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void forEachWaitsForEveryMessageAndEndsAtClose(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        Worker p = sendThenClose(ch, 2_000);
        List<Integer> got = new ArrayList<>();
        for (Integer m : ch.receiver()) {
            got.add(m);
        }
        p.finish();
        assertThat(got).isEqualTo(upTo(2_000));
        assertThat(ch.receiver().isDrained()).isTrue();
        assertThat(ch.receiver().iterator().hasNext()).isFalse();
    }

    @Test
    void aVirtualThreadIteratesWhileVirtualThreadsSend() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(VirtualThreads.available(), "JDK 21+");
        Channel<Integer> ch = Channel.bounded(4);
        int producers = 50;
        int each = 40;
        AtomicReference<Throwable> failed = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong sum = new java.util.concurrent.atomic.AtomicLong();
        List<Sender<Integer>> handles = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            handles.add(ch.openSender());
        }
        Thread consumer = VirtualThreads.start(() -> {
            for (Integer m : ch.receiver()) {
                sum.addAndGet(m);
            }
        });
        List<Thread> ts = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Sender<Integer> tx = handles.get(p);
            ts.add(VirtualThreads.start(() -> {
                try (tx) {
                    for (int i = 0; i < each; i++) {
                        tx.send(i);
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }));
        }
        for (Thread t : ts) {
            t.join(20_000);
        }
        consumer.join(20_000);
        assertThat(failed.get()).isNull();
        assertThat(consumer.isAlive()).isFalse();
        assertThat(sum.get()).isEqualTo((long) producers * (each - 1) * each / 2);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void aStreamEndsAtTheEndOfTheStream(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        Worker p = sendThenClose(ch, 1_000);
        assertThat(ch.receiver().stream().mapToLong(Integer::longValue).sum()).isEqualTo(999L * 1000 / 2);
        p.finish();
        assertThat(ch.receiver().stream().count()).isZero();
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void shortCircuitingStreamsTakeNoMoreThanTheyUse(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        int n = Math.min(ch.capacity(), 10);
        for (int i = 0; i < n; i++) {
            ch.sender().trySend(i);
        }
        Receiver<Integer> rx = ch.receiver();
        if (n >= 4) {
            assertThat(rx.stream().limit(3).collect(Collectors.toList())).containsExactly(0, 1, 2);
            assertThat(rx.stream().filter(x -> x > 3).findFirst()).isEqualTo(Optional.of(4));
            assertThat(rx.tryReceive()).isEqualTo(5);
        } else {
            assertThat(rx.stream().findFirst()).isEqualTo(Optional.of(0));
            assertThat(rx.size()).isEqualTo(n - 1);
        }
    }

    @Test
    void aParallelStreamRunsSequentiallyAndSeesEverything() throws Exception {
        Channel<Integer> ch = Channel.bounded(16);
        Worker p = sendThenClose(ch, 500);
        assertThat(ch.receiver().stream().parallel().mapToInt(x -> x).sum()).isEqualTo(499 * 500 / 2);
        p.finish();
        Spliterator<Integer> s = ch.receiver().spliterator();
        assertThat(s.trySplit()).isNull();
        assertThat(s.hasCharacteristics(Spliterator.ORDERED | Spliterator.NONNULL)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void theIteratorFollowsTheIteratorContract(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        Receiver<Integer> rx = ch.receiver();
        ch.sender().trySend(1);
        Iterator<Integer> it = rx.iterator();
        assertThat(it.hasNext()).isTrue();
        assertThat(it.hasNext()).isTrue(); // idempotent
        assertThat(it.next()).isEqualTo(1);
        assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
        ch.sender().trySend(2);
        assertThat(it.next()).isEqualTo(2); // next() without hasNext()
        ch.close();
        assertThat(it.hasNext()).isFalse();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void hasNextTakesNothingSoAnAbandonedIteratorLosesNothing(Supplier<Channel<Integer>> make) {
        Channel<Integer> ch = make.get();
        requireHooks(ch);
        Receiver<Integer> rx = ch.receiver();
        ch.sender().trySend(7);
        assertThat(rx.iterator().hasNext()).isTrue();
        assertThat(rx.size()).isEqualTo(1);
        assertThat(rx.tryReceive()).isEqualTo(7);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void anInterruptedIterationIsCancelledAndConsumesNothing(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        Receiver<Integer> rx = ch.receiver();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        Worker w = Worker.start("iterating", () -> {
            try {
                for (Integer ignored : rx) {
                    throw new AssertionError("nothing was sent");
                }
            } finally {
                flagAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        awaitWaiting(w);
        w.interrupt();
        w.join(10_000);
        assertThat(w.failure).isInstanceOf(CancellationException.class).hasCauseInstanceOf(InterruptedException.class);
        assertThat(flagAfter.get()).isTrue();

        Worker s = Worker.start("streaming", () -> rx.stream().findFirst());
        awaitWaiting(s);
        s.interrupt();
        s.join(10_000);
        assertThat(s.failure).isInstanceOf(CancellationException.class);

        ch.sender().trySend(3);
        assertThat(rx.tryReceive()).isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void receiveOrNullReturnsNullAtTheEndOfTheStreamInsteadOfThrowing(Supplier<Channel<Integer>> make)
            throws Exception {
        Channel<Integer> ch = make.get();
        Worker p = sendThenClose(ch, 300);
        List<Integer> got = new ArrayList<>();
        for (Integer m; (m = ch.receiver().receiveOrNull()) != null; ) {
            got.add(m);
        }
        p.finish();
        assertThat(got).isEqualTo(upTo(300));
        assertThat(ch.receiver().receiveOrNull()).isNull();
        assertThatThrownBy(() -> ch.receiver().receive()).isInstanceOf(ChannelClosedException.class);
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void receiveOrNullWaitsAndIsInterruptible(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        AtomicReference<Integer> got = new AtomicReference<>();
        Worker w = Worker.start("receiver", () -> got.set(ch.receiver().receiveOrNull()));
        awaitWaiting(w);
        ch.sender().send(9);
        w.finish();
        assertThat(got.get()).isEqualTo(9);
        Worker i = Worker.start("receiver", () -> ch.receiver().receiveOrNull());
        awaitWaiting(i);
        i.interrupt();
        i.join(10_000);
        assertThat(i.failure).isInstanceOf(InterruptedException.class);
        Worker c = Worker.start("receiver", () -> got.set(ch.receiver().receiveOrNull()));
        awaitWaiting(c);
        ch.close();
        c.finish();
        assertThat(got.get()).isNull();
    }
}
