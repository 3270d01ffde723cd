package io.leanchan.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.util.internal.PlatformDependent;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * What an event loop's task queue costs: Netty 4.2's default ({@code PlatformDependent.newMpscQueue()}, a JCTools
 * unbounded MPSC queue in 1,024-slot chunks) against leanchan's, measured with JOL (retained bytes per queue over 100
 * queues, the tasks being one shared object) and ThreadMXBean (bytes allocated per offer/poll pair, one task in
 * flight). Every Netty event loop has two such queues (tasks and tail tasks). Printed as {@code [footprint]} lines.
 */
class TaskQueueFootprintTest {
    static final int QUEUES = 100;
    static final Runnable TASK = () -> { };

    static Map<String, Supplier<Queue<Runnable>>> subjects() {
        Map<String, Supplier<Queue<Runnable>>> m = new LinkedHashMap<>();
        m.put("netty default (" + PlatformDependent.<Runnable>newMpscQueue().getClass().getSimpleName() + ")",
                PlatformDependent::newMpscQueue);
        m.put("leanchan (Channel.unbounded().asBlockingQueue())",
                () -> LeanchanTaskQueueFactory.INSTANCE.newTaskQueue(Integer.MAX_VALUE));
        return m;
    }

    static double perQueue(Supplier<Object> make) {
        Object[] all = new Object[QUEUES];
        long empty = GraphLayout.parseInstance((Object) all).totalSize();
        for (int i = 0; i < QUEUES; i++) {
            all[i] = make.get();
        }
        return (GraphLayout.parseInstance((Object) all).totalSize() - empty) / (double) QUEUES;
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    static Queue<Runnable> burst(Queue<Runnable> q, int n) {
        for (int i = 0; i < n; i++) {
            q.offer(TASK);
        }
        while (q.poll() != null) {
            // drain
        }
        return q;
    }

    @Test
    void taskQueueFootprint() {
        assumeTrue(VM.current().addressSize() == 8 && VM.current().objectHeaderSize() == 12,
                "figures are for 64-bit HotSpot with compressed oops");
        System.out.println("[footprint] | task queue | idle (B) | holding 10,000 tasks (B per task) "
                + "| after a drained burst of 10,000 (B) | allocated per task (B) |");
        Map<String, double[]> results = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<Queue<Runnable>>> s : subjects().entrySet()) {
            Supplier<Queue<Runnable>> make = s.getValue();
            double idle = perQueue(make::get);
            double holding = perQueue(() -> {
                Queue<Runnable> q = make.get();
                for (int i = 0; i < 10_000; i++) {
                    q.offer(TASK);
                }
                return q;
            });
            double drained = perQueue(() -> burst(make.get(), 10_000));
            Queue<Runnable> q = make.get();
            for (int i = 0; i < 200_000; i++) {
                q.offer(TASK);
                q.poll();
            }
            int n = 300_000;
            long before = allocatedBytes();
            for (int i = 0; i < n; i++) {
                q.offer(TASK);
                q.poll();
            }
            double alloc = (allocatedBytes() - before) / (double) n;
            results.put(s.getKey(), new double[] {idle, holding, drained, alloc});
            System.out.printf("[footprint] | %s | %.0f | %.2f | %.0f | %.2f |%n", s.getKey(), idle,
                    (holding - idle) / 10_000, drained, alloc);
        }
        double[] lean = results.get("leanchan (Channel.unbounded().asBlockingQueue())");
        assertThat(lean[0]).isLessThan(200);
        assertThat(lean[2]).isLessThan(200);
        assertThat(lean[3]).isLessThan(1.0);
    }
}
