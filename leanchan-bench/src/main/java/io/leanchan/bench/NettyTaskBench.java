package io.leanchan.bench;

import io.leanchan.netty.LeanchanIoEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
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

import java.util.concurrent.TimeUnit;

/**
 * Tasks through one Netty 4.2 event loop (NIO), the way a Netty application hands work to a channel's loop from
 * other threads: 1 or 2 submitter threads {@code execute()} a small task onto the same loop. Subject
 * {@code LEANCHAN} is leanchan-netty's {@link LeanchanIoEventLoopGroup} (task queues from
 * {@code LeanchanTaskQueueFactory}), {@code DEFAULT} Netty's own {@link MultiThreadIoEventLoopGroup} (its default
 * task queue, a JCTools MPSC queue); everything else (handler, loop, wake-ups) is Netty's in both.
 *
 * <p>One invocation submits {@link BatchGate#BATCH} tasks after waiting until at most one earlier batch of this
 * submitter is still queued (see {@link BatchGate}); the score is tasks run per microsecond, both submitters
 * together in {@code twoSubmitters} (3 busy threads on 2 cores there).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g"})
public class NettyTaskBench {

    /** The event loop under test, shared by the submitters. */
    @State(Scope.Benchmark)
    public static class Loop {
        @Param({"LEANCHAN", "DEFAULT"})
        public String subject;

        EventLoopGroup group;
        EventLoop loop;

        @Setup(Level.Trial)
        public void start() {
            group = switch (subject) {
                case "LEANCHAN" -> new LeanchanIoEventLoopGroup(1, NioIoHandler.newFactory());
                case "DEFAULT" -> new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                default -> throw new IllegalArgumentException(subject);
            };
            loop = group.next();
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    /** One submitter's task (the same {@link BatchGate} instance every time: the task allocates nothing). */
    @State(Scope.Thread)
    public static class Submitter {
        final BatchGate task = new BatchGate();

        @TearDown(Level.Iteration)
        public void drain() {
            task.drain();
        }
    }

    static void batch(Loop l, Submitter s) {
        BatchGate task = s.task;
        task.awaitOutstanding(BatchGate.AHEAD);
        EventLoop loop = l.loop;
        for (int i = 0; i < BatchGate.BATCH; i++) {
            loop.execute(task);
        }
        task.submitted += BatchGate.BATCH;
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BatchGate.BATCH)
    public void oneSubmitter(Loop l, Submitter s) {
        batch(l, s);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BatchGate.BATCH)
    public void twoSubmitters(Loop l, Submitter s) {
        batch(l, s);
    }
}
