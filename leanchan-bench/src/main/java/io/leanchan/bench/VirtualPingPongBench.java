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
 * {@link PingPongBench} between two virtual threads: JMH's benchmark thread is virtual
 * ({@code -Djmh.executor=VIRTUAL}, JMH 1.37+) and so is the echo thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"},
        jvmArgsAppend = "-Djmh.executor=VIRTUAL")
public class VirtualPingPongBench {
    @Param
    public BlockingSubject subject;

    PingPong pp;

    @Setup(Level.Trial)
    public void start() {
        if (!Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("run with -Djmh.executor=VIRTUAL (the @Fork default of this class)");
        }
        pp = new PingPong(subject, true);
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
