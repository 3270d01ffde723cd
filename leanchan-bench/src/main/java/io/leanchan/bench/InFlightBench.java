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
 * One message in flight (issue 8, the per-connection dispatch case): two threads bounce one message through
 * two channels, both spinning on {@code trySend} / {@code tryReceive}, nobody parks. The JMH thread sends into
 * {@code there} and spins until the reply comes back on {@code back}; an echo thread (a platform thread started
 * in the set-up, spinning) receives from {@code there} and sends into {@code back}. One op = one round trip:
 * two sends, two receives, two cache-line hand-offs between cores. Both sides yield after {@value #SPINS} empty
 * polls in a row (never on two free cores). It needs 2 free cores and is noisy on a shared 2-core machine: read
 * it with its error.
 * <pre>java -jar leanchan-bench/target/benchmarks.jar InFlightBench -p subject=LEANCHAN_16,MPSC_ARRAY_1024</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class InFlightBench {
    static final Integer MSG = 777;
    static final int SPINS = 1000;

    @Param({"LEANCHAN_16", "LEANCHAN_1024", "LEANCHAN_UNBOUNDED", "MPSC_ARRAY_1024", "MPSC_UNPADDED_1024",
            "AGRONA_M2O_1024", "ABQ_1024"})
    public Subject subject;

    Pipe there;
    Pipe back;
    Thread echo;
    volatile boolean stop;

    @Setup(Level.Trial)
    public void start() {
        there = subject.create();
        back = subject.create();
        stop = false;
        Pipe in = there;
        Pipe out = back;
        echo = Thread.ofPlatform().daemon(true).name("echo").start(() -> {
            int spins = 0;
            while (!stop) {
                Object m = in.poll();
                if (m == null) {
                    spins = pause(spins);
                    continue;
                }
                spins = 0;
                while (!out.offer(m)) {
                    Thread.onSpinWait();
                }
            }
        });
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        stop = true;
        echo.join(TimeUnit.SECONDS.toMillis(5));
    }

    @Benchmark
    public Object roundTrip() {
        Pipe b = back;
        while (!there.offer(MSG)) {
            Thread.onSpinWait(); // never: one message in flight
        }
        Object m;
        int spins = 0;
        while ((m = b.poll()) == null) {
            spins = pause(spins);
        }
        return m;
    }

    /**
     * Spin; after {@value #SPINS} empty polls in a row, yield once. On two free cores the reply comes long before
     * that (a round trip is well under a microsecond), so nothing changes; on an oversubscribed machine the waiting
     * side gives its core to the thread it waits for instead of burning its whole time slice.
     */
    static int pause(int spins) {
        if (spins < SPINS) {
            Thread.onSpinWait();
            return spins + 1;
        }
        Thread.yield();
        return 0;
    }
}
