package io.leanchan.bench;

import io.leanchan.reactor.LeanchanQueue;
import io.leanchan.reactor.LeanchanSinks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Reactor 3.8 with leanchan-reactor's queues against Reactor's default ones, two ways an application moves elements
 * between threads:
 *
 * <ul>
 *   <li>{@code publishOn}: the JMH thread emits into a unicast sink ({@code tryEmitNext}), the flux is
 *       {@code publishOn(single scheduler)} and a counting subscriber runs on the scheduler's thread. publishOn
 *       fuses with the sink (ASYNC) and polls the sink's buffer from its worker, so the buffer is the queue between
 *       the two threads. {@code LEANCHAN}: {@link LeanchanSinks#unicast()} (an unbounded {@link LeanchanQueue});
 *       {@code DEFAULT}: {@code Sinks.many().unicast().onBackpressureBuffer()} ({@code Queues.unbounded()}, an
 *       {@code SpscLinkedArrayQueue(256)}). One invocation emits {@link BatchGate#BATCH} elements after waiting
 *       until at most one earlier batch is not yet consumed ({@link BatchGate}).</li>
 *   <li>{@code toIterable}: the JMH thread is the blocking consumer of an endless flux generated on a single
 *       scheduler's thread ({@code Flux.generate(...).subscribeOn(single).hide()}, {@code hide()} so that the
 *       iterator cannot fuse and bypass the queue under test); one invocation takes {@link BatchGate#BATCH}
 *       elements from the iterator. {@code LEANCHAN}: {@code toIterable(256, LeanchanQueue.supplier(256))};
 *       {@code DEFAULT}: {@code toIterable()} (batch 256, {@code Queues.get(256)}, an {@code SpscArrayQueue}).
 *       The request-driven iterator bounds what is in flight by itself.</li>
 * </ul>
 * The score is elements per microsecond.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
public class ReactorSinkBench {
    static final Integer ELEMENT = 777;

    /** The unicast sink, published on a single scheduler, with its counting subscriber. */
    @State(Scope.Thread)
    public static class Published {
        @Param({"LEANCHAN", "DEFAULT"})
        public String subject;

        Scheduler scheduler;
        Sinks.Many<Integer> sink;
        Disposable subscription;
        final BatchGate counter = new BatchGate();

        @Setup(Level.Trial)
        public void start() {
            scheduler = Schedulers.newSingle("bench-publishOn");
            sink = switch (subject) {
                case "LEANCHAN" -> LeanchanSinks.unicast();
                case "DEFAULT" -> Sinks.many().unicast().onBackpressureBuffer();
                default -> throw new IllegalArgumentException(subject);
            };
            subscription = sink.asFlux().publishOn(scheduler).subscribe(e -> counter.run());
        }

        @TearDown(Level.Iteration)
        public void drain() {
            counter.drain();
        }

        @TearDown(Level.Trial)
        public void stop() {
            subscription.dispose();
            scheduler.dispose();
        }
    }

    /** The endless flux and the blocking iterator over it. */
    @State(Scope.Thread)
    public static class Iterated {
        @Param({"LEANCHAN", "DEFAULT"})
        public String subject;

        Scheduler scheduler;
        Iterator<Integer> iterator;

        @Setup(Level.Trial)
        public void start() {
            scheduler = Schedulers.newSingle("bench-toIterable");
            Flux<Integer> flux = Flux.<Integer>generate(s -> s.next(ELEMENT)).subscribeOn(scheduler).hide();
            Iterable<Integer> iterable = switch (subject) {
                case "LEANCHAN" -> flux.toIterable(Queues.SMALL_BUFFER_SIZE,
                        LeanchanQueue.supplier(Queues.SMALL_BUFFER_SIZE));
                case "DEFAULT" -> flux.toIterable();
                default -> throw new IllegalArgumentException(subject);
            };
            iterator = iterable.iterator();
        }

        @TearDown(Level.Trial)
        public void stop() {
            if (iterator instanceof Disposable d) {
                d.dispose();
            }
            scheduler.dispose();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BatchGate.BATCH)
    public void publishOn(Published p) {
        BatchGate counter = p.counter;
        counter.awaitOutstanding(BatchGate.AHEAD);
        Sinks.Many<Integer> sink = p.sink;
        for (int i = 0; i < BatchGate.BATCH; i++) {
            Sinks.EmitResult r = sink.tryEmitNext(ELEMENT);
            if (r != Sinks.EmitResult.OK) {
                throw new IllegalStateException("tryEmitNext: " + r);
            }
        }
        counter.submitted += BatchGate.BATCH;
    }

    @Benchmark
    @OperationsPerInvocation(BatchGate.BATCH)
    public void toIterable(Iterated it, Blackhole bh) {
        Iterator<Integer> iterator = it.iterator;
        for (int i = 0; i < BatchGate.BATCH; i++) {
            bh.consume(iterator.next());
        }
    }
}
