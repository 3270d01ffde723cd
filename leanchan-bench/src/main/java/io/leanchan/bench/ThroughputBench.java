package io.leanchan.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Non-blocking throughput, in the style of JCTools' {@code QueueThroughputBackoffNone}: producers call
 * {@code offer} in a loop, one consumer calls {@code poll} in a loop, nobody backs off. Group {@code p1} is
 * one producer and one consumer, group {@code p2} two producers and one consumer. The figure that matters
 * is the consumer's {@code pollsMade} (messages moved per microsecond); {@code offersFailed} (full) and
 * {@code pollsFailed} (empty) show which side waited.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ThroughputBench {
    static final Integer MSG = 777;

    @Param
    public Subject subject;

    Pipe q;

    @Setup(Level.Trial)
    public void create() {
        q = subject.create();
    }

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class OfferCounters {
        public long offersMade;
        public long offersFailed;

        @Setup(Level.Iteration)
        public void clean() {
            offersMade = offersFailed = 0;
        }
    }

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class PollCounters {
        public long pollsMade;
        public long pollsFailed;

        @Setup(Level.Iteration)
        public void clean() {
            pollsMade = pollsFailed = 0;
        }
    }

    /** Marks the consumer thread: the iteration tear-down runs in every thread, only the consumer may poll. */
    static final ThreadLocal<Object> CONSUMER = new ThreadLocal<>();

    @State(Scope.Thread)
    public static class ConsumerMarker {
        public ConsumerMarker() {
            CONSUMER.set(this);
        }
    }

    @TearDown(Level.Iteration)
    public void drain() {
        if (CONSUMER.get() == null) {
            return;
        }
        while (q.poll() != null) {
            // empty it for the next iteration
        }
    }

    void offer(OfferCounters c) {
        if (q.offer(MSG)) {
            c.offersMade++;
        } else {
            c.offersFailed++;
        }
    }

    Object poll(PollCounters c) {
        Object e = q.poll();
        if (e == null) {
            c.pollsFailed++;
        } else {
            c.pollsMade++;
        }
        return e;
    }

    @Benchmark
    @Group("p1")
    @GroupThreads(1)
    public void p1Offer(OfferCounters c) {
        offer(c);
    }

    @Benchmark
    @Group("p1")
    @GroupThreads(1)
    public Object p1Poll(PollCounters c, ConsumerMarker m) {
        return poll(c);
    }

    @Benchmark
    @Group("p2")
    @GroupThreads(2)
    public void p2Offer(OfferCounters c) {
        offer(c);
    }

    @Benchmark
    @Group("p2")
    @GroupThreads(1)
    public Object p2Poll(PollCounters c, ConsumerMarker m) {
        return poll(c);
    }
}
