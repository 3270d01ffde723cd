package io.leanchan.bench;

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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * What one operation costs, with no other thread involved (issue 8, "Speed"): one thread, one subject per
 * fork (so the {@link Pipe} call is monomorphic and inlines).
 * <ul>
 * <li>{@code pair}: one send then one receive; one op = one send + receive pair on a channel holding at most
 * one message.</li>
 * <li>{@code batch64}: {@value #BATCH} sends, then {@value #BATCH} receives; one op = one send + receive pair
 * ({@code @OperationsPerInvocation(64)}), so it compares directly with {@code pair}. A channel smaller than
 * the batch ({@code bounded(16)}) does it as 4 rounds of 16 sends then 16 receives: the same 64 pairs.</li>
 * <li>{@code emptyPoll}: a receive on an idle channel, one that has carried {@value #HISTORY} messages in
 * bursts of {@value #BATCH} and one at a time (past any "has carried 65,536 messages" threshold) and is now
 * empty; one op = one receive that finds nothing.</li>
 * </ul>
 * The report gives each figure as a ratio to JCTools {@code MpscArrayQueue(1024)} in the same run.
 * <pre>java -jar leanchan-bench/target/benchmarks.jar CostBench -p subject=LEANCHAN_1024,MPSC_ARRAY_1024</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class CostBench {
    static final Integer MSG = 777;
    static final int BATCH = 64;
    static final int HISTORY = 100_000;

    /** The subjects CostBench runs in the suite: leanchan's three shapes and the bounded array queues. */
    public static final String SUBJECTS =
            "LEANCHAN_16,LEANCHAN_1024,LEANCHAN_UNBOUNDED,MPSC_ARRAY_1024,MPSC_UNPADDED_1024,AGRONA_M2O_1024,ABQ_1024";

    @Param({"LEANCHAN_16", "LEANCHAN_1024", "LEANCHAN_UNBOUNDED", "MPSC_ARRAY_1024", "MPSC_UNPADDED_1024",
            "AGRONA_M2O_1024", "ABQ_1024"})
    public Subject subject;

    Pipe q;
    /** min(BATCH, capacity): what one round of {@code batch64} sends before it receives. */
    int chunk;

    @Setup(Level.Trial)
    public void create() {
        q = subject.create();
        chunk = Math.min(BATCH, subject.capacity);
        if (BATCH % chunk != 0) {
            throw new IllegalStateException(subject + ": capacity must divide " + BATCH + " or exceed it");
        }
        // A history, so that the channel measured is a used one, not a fresh one: bursts and one at a time.
        for (int i = 0; i < HISTORY / 2; i += chunk) {
            for (int k = 0; k < chunk; k++) {
                if (!q.offer(MSG)) {
                    throw new IllegalStateException(subject + " refused a message of its history");
                }
            }
            for (int k = 0; k < chunk; k++) {
                q.poll();
            }
        }
        for (int i = 0; i < HISTORY / 2; i++) {
            q.offer(MSG);
            q.poll();
        }
        if (q.poll() != null) {
            throw new IllegalStateException(subject + " is not empty after its history");
        }
    }

    /**
     * Three forks: one fork's figure depends on how C2 allocated registers in the compiled loop (four forks of one
     * leanchan build read 12.8, 13.1, 13.2 and 15.4 ns in short runs; the slow one kept the loop's values on the
     * stack, as its {@code -XX:CompileCommand=print} showed), so a single fork is one draw from that spread. It also
     * depends on where the channel object sits against a cache line: about 1.7 ns more at the 2 of 8 addresses
     * modulo 64 where the one-slot field shares P's line ({@link AlignmentProbe} measures every address). Cycling
     * the pair through 8 channels placed at every address was tried: it made every subject's pair 3-4 ns dearer
     * (MpscArrayQueue 7.7 to 10.7 ns), so it measures something else, and the pair stays on one channel.
     */
    @Benchmark
    @Fork(value = 3, jvmArgsPrepend = {"-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
    public Object pair() {
        q.offer(MSG);
        return q.poll();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void batch64(Blackhole bh) {
        Pipe p = q;
        int c = chunk;
        for (int r = 0; r < BATCH; r += c) {
            for (int k = 0; k < c; k++) {
                bh.consume(p.offer(MSG));
            }
            for (int k = 0; k < c; k++) {
                bh.consume(p.poll());
            }
        }
    }

    /**
     * Three forks: one fork's figure depends on how C2 compiled the receive while the channel still held its ring
     * (a 3.5x spread between forks of the same subject, seen at d8db4ef; the idle channel gives its ring back
     * within its first 16 x 1,024 empty polls, long before the measurement).
     */
    @Benchmark
    @Fork(value = 3, jvmArgsPrepend = {"-Xms1g", "-Xmx1g", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
    public Object emptyPoll() {
        return q.poll();
    }
}
