package io.leanchan.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Blocking ping-pong latency between two platform threads (the JMH thread and an echo thread): one op is a
 * round trip through two channels with blocking send and receive. See {@link VirtualPingPongBench} for the
 * same between two virtual threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class PingPongBench {
    @Param
    public BlockingSubject subject;

    PingPong pp;

    @Setup(Level.Trial)
    public void start() {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("PingPongBench is the platform-thread benchmark");
        }
        pp = new PingPong(subject, false);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        pp.close();
    }

    @Benchmark
    public Object roundTrip() throws InterruptedException {
        return pp.roundTrip();
    }
}
