package io.leanchan.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.lang.reflect.Field;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Issue 25 for event loops: both task queues of a running loop (tasks and tail tasks) after 3 bursts of 10,000
 * tasks, then 1 s with nothing to do. Each burst waits in the task queue while the loop runs a task that holds it,
 * then the loop runs them all; afterwards the loop sits in its selector and never looks at its queues, so only the
 * core's reclaimer can give a kept ring back. Netty's default loop ({@link MultiThreadIoEventLoopGroup}, a JCTools
 * queue per task queue) against {@link LeanchanIoEventLoopGroup}'s, measured with JOL (the two queues' object graph,
 * the tasks being one shared object that no idle queue holds). Printed as {@code [idle-after-bursts]} lines.
 *
 * <p>The must (issue 25): leanchan's two queues at most 176 B after the bursts and the idle time, waited for with a
 * deadline (1 s + 5 s of slack for a loaded machine); the time it took is printed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IdleAfterBurstsTest {
    static final int TASKS = 10_000;
    static final int BURSTS = 3;
    static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long DEADLINE_NANOS = IDLE_NANOS + TimeUnit.SECONDS.toNanos(5);
    static final long MUST = 176;
    static final Runnable TASK = () -> { };

    /** Bytes of both queues at each stage, and the time from the last task to the must (-1: not waited for or not met). */
    record Run(long fresh, long afterFirst, long afterThird, long idle, long idleMillis, boolean reached) {
    }

    @Test
    void idleEventLoopsAfterThreeBurstsReturnToTheirIdleSize() throws Exception {
        assumeTrue(VM.current().addressSize() == 8 && VM.current().objectHeaderSize() == 12,
                "figures are for 64-bit HotSpot with compressed oops");
        Run netty = run(new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()), false);
        Run lean = run(new LeanchanIoEventLoopGroup(1, NioIoHandler.newFactory()), true);
        System.out.println("[idle-after-bursts] one event loop, both task queues, " + BURSTS + " bursts of " + TASKS
                + " tasks | new (B) | after burst 1 (B) | after " + BURSTS + " bursts (B) | after " + BURSTS
                + " bursts + 1 s (B) | time to <= " + MUST + " B |");
        print("netty default (MultiThreadIoEventLoopGroup)", netty);
        print("leanchan LeanchanIoEventLoopGroup", lean);
        assertThat(lean.reached()).as("leanchan's task queues back to <= %s B within %d ms of the last task", MUST,
                TimeUnit.NANOSECONDS.toMillis(DEADLINE_NANOS)).isTrue();
        assertThat(lean.idle()).isLessThanOrEqualTo(MUST);
    }

    static void print(String name, Run r) {
        System.out.printf("[idle-after-bursts] | %s | %d | %d | %d | %d | %s |%n", name, r.fresh(), r.afterFirst(),
                r.afterThird(), r.idle(), r.idleMillis() >= 0 ? r.idleMillis() + " ms"
                        : r.reached() ? "(not waited for)" : "not within " + TimeUnit.NANOSECONDS.toMillis(DEADLINE_NANOS) + " ms");
    }

    static Object field(Class<?> owner, String name, Object o) throws ReflectiveOperationException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    static Run run(EventLoopGroup group, boolean waitForMust) throws Exception {
        try {
            EventLoop loop = group.next();
            loop.submit(() -> { }).get(10, TimeUnit.SECONDS); // started
            Queue<?> tasks = (Queue<?>) field(SingleThreadEventExecutor.class, "taskQueue", loop);
            Queue<?> tail = (Queue<?>) field(SingleThreadEventLoop.class, "tailTasks", loop);
            Object[] queues = {tasks, tail};
            long fresh = bytes(queues);
            long afterFirst = 0;
            for (int b = 1; b <= BURSTS; b++) {
                CountDownLatch held = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                CountDownLatch done = new CountDownLatch(1);
                loop.execute(() -> {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
                for (int t = 1; t < TASKS; t++) {
                    loop.execute(TASK);
                }
                loop.execute(done::countDown);
                assertThat(tasks.size()).isEqualTo(TASKS); // the whole burst waits in the queue
                release.countDown();
                assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
                loop.submit(() -> { }).get(10, TimeUnit.SECONDS); // the loop has polled its queue empty
                if (b == 1) {
                    afterFirst = bytes(queues);
                }
            }
            long last = System.nanoTime();
            long afterThird = bytes(queues);
            long reachedAt = -1;
            while (waitForMust) {
                long now = System.nanoTime();
                if (bytes(queues) <= MUST) {
                    reachedAt = now;
                    break;
                }
                if (now - last > DEADLINE_NANOS) {
                    break;
                }
                Thread.sleep(50);
            }
            long rest = IDLE_NANOS - (System.nanoTime() - last);
            if (rest > 0) {
                TimeUnit.NANOSECONDS.sleep(rest);
            }
            assertThat(tasks.isEmpty() && tail.isEmpty()).isTrue(); // nothing ran or waited during the idle time
            long idle = bytes(queues);
            return new Run(fresh, afterFirst, afterThird, idle,
                    reachedAt < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(reachedAt - last), !waitForMust || reachedAt >= 0);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(30, TimeUnit.SECONDS);
        }
    }

    static long bytes(Object[] queues) {
        return GraphLayout.parseInstance(queues).totalSize() - VM.current().sizeOf(queues);
    }
}
