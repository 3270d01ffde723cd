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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput in bursts, the per-connection pattern: each producer invocation sends a burst of {@value #BURST}
 * messages (retrying while full) and then waits until the consumer has drained everything sent so far; the
 * consumer polls until the channel is empty, again and again. So the channel goes from empty to about one
 * burst and back to empty over and over, which is where a channel that gives memory back could allocate.
 * Group {@code b1}: one producer; {@code b2}: two producers. The consumer's {@code pollsMade} is messages
 * per microsecond.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class BurstBench {
    static final Integer MSG = 777;
    public static final int BURST = 1000;

    @Param
    public Subject subject;

    Pipe q;
    /** Messages offered successfully, by all producers (added after each burst). */
    final AtomicLong sent = new AtomicLong();
    /** Messages received; written by the consumer only. */
    volatile long received;

    @Setup(Level.Trial)
    public void create() {
        q = subject.create();
    }

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class BurstCounters {
        public long offersFailed;

        @Setup(Level.Iteration)
        public void clean() {
            offersFailed = 0;
        }
    }

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class DrainCounters {
        public long pollsMade;
        public long pollsFailed;

        @Setup(Level.Iteration)
        public void clean() {
            pollsMade = pollsFailed = 0;
        }
    }

    int burst(Control ctl, BurstCounters c) {
        if (ctl.stopMeasurement) {
            // JMH's warm-down: the consumer may have stopped draining already, and an unbounded channel would
            // take burst after burst (never failing, so never looking at the flag below) and grow without end;
            // that growth would be charged to the next iteration's allocation
            return 0;
        }
        int n = 0;
        while (n < BURST) {
            if (q.offer(MSG)) {
                n++;
            } else {
                c.offersFailed++;
                if (ctl.stopMeasurement) {
                    break;
                }
            }
        }
        long target = sent.addAndGet(n);
        for (int spins = 0; received < target && !ctl.stopMeasurement; spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // waiting is not what is measured: leave the core to the consumer
            }
        }
        return n;
    }

    int drain(DrainCounters c) {
        int n = 0;
        while (q.poll() != null) {
            n++;
        }
        if (n == 0) {
            c.pollsFailed++;
        } else {
            c.pollsMade += n;
            received = received + n; // single writer
        }
        return n;
    }

    @Benchmark
    @Group("b1")
    @GroupThreads(1)
    public int b1Burst(Control ctl, BurstCounters c) {
        return burst(ctl, c);
    }

    @Benchmark
    @Group("b1")
    @GroupThreads(1)
    public int b1Drain(DrainCounters c) {
        return drain(c);
    }

    @Benchmark
    @Group("b2")
    @GroupThreads(2)
    public int b2Burst(Control ctl, BurstCounters c) {
        return burst(ctl, c);
    }

    @Benchmark
    @Group("b2")
    @GroupThreads(1)
    public int b2Drain(DrainCounters c) {
        return drain(c);
    }
}
