package io.leanchan.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.core.Scannable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.ParallelFlux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** leanchan as the buffer of real Reactor pipelines. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReactorSinksTest {
    static final Scheduler SCHEDULER = Schedulers.newParallel("leanchan-test", 2);

    @AfterAll
    static void stop() {
        SCHEDULER.dispose();
    }

    /** Requests only what the test asks for; records everything. */
    static final class Manual<T> extends BaseSubscriber<T> {
        final List<T> values = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final CountDownLatch terminated = new CountDownLatch(1);
        volatile boolean completed;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // no request: the test drives demand
        }

        @Override
        protected void hookOnNext(T value) {
            values.add(value);
        }

        @Override
        protected void hookOnComplete() {
            completed = true;
        }

        @Override
        protected void hookOnError(Throwable throwable) {
            error.set(throwable);
        }

        @Override
        protected void hookFinally(reactor.core.publisher.SignalType type) {
            terminated.countDown();
        }
    }

    static List<Integer> ints(int fromInclusive, int toInclusive) {
        return IntStream.rangeClosed(fromInclusive, toInclusive).boxed().collect(Collectors.toList());
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(2);
        }
    }

    static int buffered(Sinks.Many<?> sink) {
        return Scannable.from(sink).scanOrDefault(Scannable.Attr.BUFFERED, -1);
    }

    @Test
    void backpressureDeliversOnlyWhatWasRequested() {
        Sinks.Many<Integer> sink = LeanchanSinks.unicast();
        for (int i = 1; i <= 1000; i++) {
            assertThat(sink.tryEmitNext(i)).isEqualTo(Sinks.EmitResult.OK); // buffered before any subscriber
        }
        Manual<Integer> sub = new Manual<>();
        sink.asFlux().subscribe(sub);
        assertThat(sub.values).isEmpty();
        assertThat(buffered(sink)).isEqualTo(1000);
        sub.request(10);
        assertThat(sub.values).isEqualTo(ints(1, 10));
        assertThat(buffered(sink)).isEqualTo(990);
        sub.request(490);
        assertThat(sub.values).isEqualTo(ints(1, 500));
        sub.request(Long.MAX_VALUE);
        assertThat(sub.values).isEqualTo(ints(1, 1000));
        assertThat(buffered(sink)).isZero();
        assertThat(sink.tryEmitNext(1001)).isEqualTo(Sinks.EmitResult.OK);
        assertThat(sub.values).hasSize(1001);
    }

    @Test
    void aBoundedBufferOverflowsWithFailOverflow() {
        Sinks.Many<Integer> sink = LeanchanSinks.unicast(16);
        Manual<Integer> sub = new Manual<>();
        sink.asFlux().subscribe(sub);
        for (int i = 1; i <= 16; i++) {
            assertThat(sink.tryEmitNext(i)).isEqualTo(Sinks.EmitResult.OK);
        }
        assertThat(sink.tryEmitNext(17)).isEqualTo(Sinks.EmitResult.FAIL_OVERFLOW);
        sub.request(4);
        assertThat(sink.tryEmitNext(17)).isEqualTo(Sinks.EmitResult.OK);
        sub.request(Long.MAX_VALUE);
        assertThat(sub.values).isEqualTo(ints(1, 17));
    }

    @Test
    void cancellationWhileBufferedDiscardsTheBufferAndRefusesMore() {
        Sinks.Many<Integer> sink = LeanchanSinks.unicast();
        for (int i = 1; i <= 100; i++) {
            sink.tryEmitNext(i);
        }
        Queue<Object> discarded = new ConcurrentLinkedQueue<>();
        Manual<Integer> sub = new Manual<>();
        sink.asFlux().doOnDiscard(Integer.class, discarded::add).subscribe(sub);
        sub.request(5);
        sub.cancel();
        assertThat(sub.values).isEqualTo(ints(1, 5));
        assertThat(new ArrayList<>(discarded)).isEqualTo(ints(6, 100));
        assertThat(buffered(sink)).isZero();
        assertThat(sink.tryEmitNext(101)).isEqualTo(Sinks.EmitResult.FAIL_CANCELLED);
    }

    @Test
    void completionWhileBufferedWaitsUntilTheBufferIsDrained() {
        Sinks.Many<Integer> sink = LeanchanSinks.unicast();
        Manual<Integer> sub = new Manual<>();
        sink.asFlux().subscribe(sub);
        for (int i = 1; i <= 50; i++) {
            sink.tryEmitNext(i);
        }
        assertThat(sink.tryEmitComplete()).isEqualTo(Sinks.EmitResult.OK);
        assertThat(sink.tryEmitNext(51)).isEqualTo(Sinks.EmitResult.FAIL_TERMINATED);
        sub.request(49);
        assertThat(sub.completed).isFalse();
        sub.request(1);
        assertThat(sub.values).isEqualTo(ints(1, 50));
        assertThat(sub.completed).isTrue();
    }

    @Test
    void errorWhileBufferedIsDeliveredAfterTheBufferedElements() {
        Sinks.Many<Integer> sink = LeanchanSinks.unicast();
        Manual<Integer> sub = new Manual<>();
        sink.asFlux().subscribe(sub);
        for (int i = 1; i <= 50; i++) {
            sink.tryEmitNext(i);
        }
        IllegalStateException boom = new IllegalStateException("boom");
        assertThat(sink.tryEmitError(boom)).isEqualTo(Sinks.EmitResult.OK);
        sub.request(10);
        assertThat(sub.error.get()).isNull();
        sub.request(40);
        assertThat(sub.values).isEqualTo(ints(1, 50));
        assertThat(sub.error.get()).isSameAs(boom);
    }

    @Test
    void manyProducersThroughAFusedPublishOn() throws Exception {
        int producers = 4;
        int perProducer = 25_000;
        Sinks.Many<long[]> sink = LeanchanSinks.unicast();
        int[] next = new int[producers];
        AtomicInteger disorder = new AtomicInteger();
        AtomicLong received = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        // publishOn asks the sink for ASYNC fusion: it polls the leanchan queue from its own worker thread.
        sink.asFlux().publishOn(SCHEDULER, 64).subscribe(m -> {
            int p = (int) m[0];
            if (m[1] != next[p]) {
                disorder.incrementAndGet();
            }
            next[p]++;
            received.incrementAndGet();
        }, e -> done.countDown(), done::countDown);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    // Reactor serialises concurrent emissions (FAIL_NON_SERIALIZED); busy-looping retries them.
                    sink.emitNext(new long[] {producer, i}, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(10)));
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        sink.emitComplete(Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(10)));
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(received.get()).isEqualTo((long) producers * perProducer);
        assertThat(disorder.get()).isZero();
    }

    @Test
    void cancellingAFusedSubscriberWhileEmittingNeverFailsTheEmitter() throws Exception {
        for (int round = 0; round < 200; round++) {
            Sinks.Many<Integer> sink = LeanchanSinks.unicast();
            AtomicInteger seen = new AtomicInteger();
            reactor.core.Disposable subscription = sink.asFlux().publishOn(SCHEDULER).subscribe(v -> seen.incrementAndGet());
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread emitter = new Thread(() -> {
                try {
                    for (int i = 0; i < 2_000; i++) {
                        Sinks.EmitResult r = sink.tryEmitNext(i);
                        if (r == Sinks.EmitResult.FAIL_CANCELLED) {
                            break;
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            emitter.start();
            if (round % 2 == 0) {
                Thread.onSpinWait();
            }
            subscription.dispose();
            emitter.join(10_000);
            assertThat(failure.get()).isNull();
        }
    }

    @Test
    void manySinksEachDrainABurst() throws Exception {
        int sinks = 10_000;
        int burst = 64;
        AtomicLong total = new AtomicLong();
        List<Sinks.Many<Integer>> all = new ArrayList<>(sinks);
        for (int s = 0; s < sinks; s++) {
            Sinks.Many<Integer> sink = LeanchanSinks.unicast();
            sink.asFlux().subscribe(v -> total.incrementAndGet());
            all.add(sink);
        }
        for (Sinks.Many<Integer> sink : all) {
            for (int i = 0; i < burst; i++) {
                assertThat(sink.tryEmitNext(i)).isEqualTo(Sinks.EmitResult.OK);
            }
        }
        assertThat(total.get()).isEqualTo((long) sinks * burst);
        for (Sinks.Many<Integer> sink : all) {
            assertThat(buffered(sink)).isZero();
            sink.tryEmitComplete();
        }
    }

    @Test
    void toIterableWithALeanchanQueue() {
        Iterable<Integer> it = Flux.range(1, 100_000).publishOn(SCHEDULER).hide()
                .toIterable(64, LeanchanQueue.supplier(64));
        long sum = 0;
        int count = 0;
        int last = 0;
        for (int v : it) {
            assertThat(v).isEqualTo(last + 1);
            last = v;
            sum += v;
            count++;
        }
        assertThat(count).isEqualTo(100_000);
        assertThat(sum).isEqualTo(100_000L * 100_001 / 2);

        Iterator<Integer> failing = Flux.concat(Flux.range(1, 3), Flux.<Integer>error(new IllegalStateException("x")))
                .publishOn(SCHEDULER).toIterable(8, LeanchanQueue.supplier()).iterator();
        // toIterable reports an error as soon as it arrives (buffered elements are dropped): a prefix, then "x".
        List<Integer> prefix = new ArrayList<>();
        assertThatThrownBy(() -> failing.forEachRemaining(prefix::add)).hasMessageContaining("x");
        assertThat(prefix).isEqualTo(ints(1, 3).subList(0, prefix.size()));
    }

    @Test
    void parallelFluxFromWithALeanchanQueue() {
        long sum = ParallelFlux.from(Flux.range(1, 50_000).hide(), 2, 32, LeanchanQueue.supplier(32))
                .runOn(SCHEDULER)
                .map(Integer::longValue)
                .reduce(Long::sum)
                .block(Duration.ofSeconds(30));
        assertThat(sum).isEqualTo(50_000L * 50_001 / 2);
    }

    @Test
    void queueContract() {
        LeanchanQueue<String> q = LeanchanQueue.bounded(2);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.peek()).isNull();
        assertThat(q.offer("a")).isTrue();
        assertThat(q.offer("b")).isTrue();
        assertThat(q.offer("c")).isFalse();
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.peek()).isEqualTo("a"); // a real peek: nothing taken
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.offer("c")).isFalse(); // the capacity holds after isEmpty and peek
        assertThat(q.poll()).isEqualTo("a");
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.poll()).isEqualTo("b");
        assertThat(q.poll()).isNull();
        assertThat(q.isEmpty()).isTrue();
        q.offer("x");
        q.offer("y");
        q.clear();
        assertThat(q.size()).isZero();
        assertThat(q.poll()).isNull();
        assertThatThrownBy(q::iterator).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> q.offer(null)).isInstanceOf(NullPointerException.class);
        assertThat(q.toString()).contains("capacity=2");
        assertThatThrownBy(() -> LeanchanQueue.supplier(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
