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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * An asynchronous round trip with no thread hand-off: the caller registers {@code back.receiveAsync()},
 * then {@code there.sendAsync(m)}; an echo callback registered on {@code there.receiveAsync()} runs in the
 * completing thread, sends the message into {@code back} (which completes the caller's future) and registers
 * itself again. So one op is two pending receives completed by two sends plus one callback registration:
 * the cost of the asynchronous machinery itself.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class AsyncBench {
    static final Integer MSG = 777;

    @Param
    public AsyncSubject subject;

    AsyncPipe there;
    AsyncPipe back;
    BiConsumer<Object, Throwable> echo;

    @Setup(Level.Trial)
    public void create() {
        there = subject.create();
        back = subject.create();
        echo = (m, t) -> {
            if (t == null) {
                back.sendAsync(m);
                arm();
            }
        };
        arm();
    }

    void arm() {
        there.receiveAsync().whenComplete(echo);
    }

    @Benchmark
    public Object roundTrip() {
        CompletableFuture<Object> reply = back.receiveAsync();
        there.sendAsync(MSG);
        return reply.join();
    }
}
