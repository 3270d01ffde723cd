package io.leanchan.lab;

import io.leanchan.netty.LeanchanIoEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Scenario netty-event-loops: N running Netty event loops (NIO), each with both of its task queues (tasks and tail
 * tasks) from Netty's default or from leanchan-netty's {@link LeanchanIoEventLoopGroup}. Measures with the lab's JOL
 * method what a loop's two queues retain new, after a burst of tasks, right after 3 bursts, and after 3 bursts then
 * 1 s with nothing to do (the loop sits in its selector and never looks at its queues: issue 25).
 */
public final class NettyScenario {

    /** A loop group under test. */
    record LoopSubject(String name, String describe, IntFunction<EventLoopGroup> make) {
    }

    static final List<LoopSubject> ALL = List.of(
            new LoopSubject("netty-default", "MultiThreadIoEventLoopGroup(n, NioIoHandler.newFactory()) (a JCTools"
                    + " MpscUnboundedArrayQueue per task queue, 1,024-slot chunks)",
                    n -> new MultiThreadIoEventLoopGroup(n, NioIoHandler.newFactory())),
            new LoopSubject("leanchan", "LeanchanIoEventLoopGroup(n, NioIoHandler.newFactory()) (Channel.unbounded()"
                    + ".asBlockingQueue() per task queue)", n -> new LeanchanIoEventLoopGroup(n, NioIoHandler.newFactory())));

    static final List<String> COLUMNS = List.of("subject", "loops", "tasks_per_burst", "task_queues_bytes_per_new_loop",
            "task_queues_bytes_per_loop_after_burst", "task_queues_bytes_per_loop_after_3_bursts",
            "task_queues_bytes_per_loop_after_3_bursts_1s_idle", "failed");

    /** How long the idle column waits after the last task of the third burst. */
    static final long IDLE_MILLIS = Measurer.IDLE_MILLIS; // 1 s unless leanchan.lab.idleMillis says otherwise

    /** The task of every burst: one shared object, so only the queues' own structure counts. */
    static final Runnable TASK = () -> { };

    private NettyScenario() {
    }

    public static ScenarioReport measure(List<LoopSubject> subjects, int loops, int tasks, Progress progress) {
        List<List<Object>> rows = new ArrayList<>();
        int i = 0;
        for (LoopSubject s : subjects) {
            progress.step(++i, subjects.size(), s.name() + ": " + FrameworkScenarios.n(loops) + " event loops");
            try {
                rows.add(one(s, loops, tasks));
            } catch (Throwable t) {
                List<Object> r = new ArrayList<>(Collections.nCopies(COLUMNS.size(), null));
                r.set(0, s.name());
                r.set(1, loops);
                r.set(2, tasks);
                r.set(COLUMNS.size() - 1, Measurer.describe(t));
                rows.add(r);
            }
        }
        progress.done(subjects.size() + " loop groups");
        List<String> method = new ArrayList<>();
        method.add(String.format(Locale.ROOT, "One group of %s running NIO event loops per subject, plus one more loop in"
                + " the same state for the exclusion of shared objects; the walk starts at each loop's two task queues"
                + " (tasks and tail tasks: Netty's taskQueue and tailTasks fields).", FrameworkScenarios.n(loops)));
        method.add(String.format(Locale.ROOT, "new: every loop has run one task; burst: every loop runs a task that holds"
                + " it while %s tasks (one shared Runnable) are submitted to it, then runs them all; after_burst: the"
                + " first burst done; after_3_bursts: the third done; after_3_bursts_1s_idle: then %d ms with nothing"
                + " submitted (the loops wait in their selectors and never look at their queues).",
                FrameworkScenarios.n(tasks), IDLE_MILLIS));
        method.add("Bytes: JOL sizes of everything reachable from the queues (the lab's walk), objects also reachable from"
                + " the extra loop's queues excluded, divided by the loops.");
        List<String> subjectsLine = new ArrayList<>();
        for (LoopSubject s : subjects) {
            subjectsLine.add(s.name() + " = " + s.describe());
        }
        method.add("Subjects: " + String.join("; ", subjectsLine) + ".");
        List<String> v = new ArrayList<>();
        List<Object> ref = find(rows, "netty-default");
        for (List<Object> r : rows) {
            if (r.get(r.size() - 1) != null || ref == null || r == ref) {
                continue;
            }
            v.add(String.format(Locale.ROOT, "%s: %s B per new loop against %s B; after a burst of %s tasks %s B against"
                            + " %s B; right after 3 bursts %s B against %s B; after 3 bursts and %d ms idle %s B against %s B"
                            + " (%s against %s for %s loops).", r.get(0), Fmt.number((Double) r.get(3)),
                    Fmt.number((Double) ref.get(3)), FrameworkScenarios.n(tasks), Fmt.number((Double) r.get(4)),
                    Fmt.number((Double) ref.get(4)), Fmt.number((Double) r.get(5)), Fmt.number((Double) ref.get(5)),
                    IDLE_MILLIS, Fmt.number((Double) r.get(6)), Fmt.number((Double) ref.get(6)),
                    FrameworkScenarios.bytes((Double) r.get(6) * loops, false),
                    FrameworkScenarios.bytes((Double) ref.get(6) * loops, false), FrameworkScenarios.n(loops)));
        }
        List<String> failed = new ArrayList<>();
        for (List<Object> r : rows) {
            if (r.get(r.size() - 1) != null) {
                failed.add(r.get(0) + " (" + r.get(r.size() - 1) + ")");
            }
        }
        if (!failed.isEmpty()) {
            v.add("Not measured: " + String.join("; ", failed) + ".");
        }
        return new ScenarioReport("netty-event-loops", String.format(Locale.ROOT,
                "%s Netty event loops, both task queues: new, after a burst of %s tasks, after 3 bursts, then %d ms idle",
                FrameworkScenarios.n(loops), FrameworkScenarios.n(tasks), IDLE_MILLIS),
                JvmInfo.current(), FrameworkScenarios.libraries(), method, COLUMNS, rows, List.of(), v, List.of());
    }

    private static List<Object> one(LoopSubject s, int loops, int tasks) throws Exception {
        EventLoopGroup group = s.make().apply(loops + 1); // the last loop: the extra one
        try {
            List<EventLoop> all = new ArrayList<>();
            for (EventExecutor e : group) {
                all.add((EventLoop) e);
            }
            if (all.size() != loops + 1) {
                throw new IllegalStateException("the group has " + all.size() + " loops, not " + (loops + 1));
            }
            for (EventLoop l : all) {
                l.submit(() -> { }).get(60, TimeUnit.SECONDS);
            }
            Queue<?>[] taskQueues = new Queue<?>[all.size()];
            Object[] roots = new Object[2 * loops];
            for (int k = 0; k < all.size(); k++) {
                EventLoop l = all.get(k);
                if (!(l instanceof IoEventLoop)) {
                    throw new IllegalStateException("not an IoEventLoop: " + l.getClass().getName());
                }
                taskQueues[k] = (Queue<?>) field(SingleThreadEventExecutor.class, "taskQueue", l);
                Object tail = field(SingleThreadEventLoop.class, "tailTasks", l);
                if (k < loops) {
                    roots[2 * k] = taskQueues[k];
                    roots[2 * k + 1] = tail;
                }
            }
            EventLoop extraLoop = all.get(loops);
            Object[] extra = {taskQueues[loops], field(SingleThreadEventLoop.class, "tailTasks", extraLoop)};
            double fresh = perLoop(roots, extra);
            double afterBurst = Double.NaN;
            for (int b = 1; b <= 3; b++) {
                burst(all, taskQueues, tasks);
                if (b == 1) {
                    afterBurst = perLoop(roots, extra);
                }
            }
            long last = System.nanoTime();
            double afterThree = perLoop(roots, extra);
            long rest = TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS) - (System.nanoTime() - last);
            if (rest > 0) {
                TimeUnit.NANOSECONDS.sleep(rest);
            }
            double idle = perLoop(roots, extra);
            return Arrays.asList(s.name(), loops, tasks, fresh, afterBurst, afterThree, idle, null);
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(60, TimeUnit.SECONDS);
        }
    }

    /** Every loop held by one task while {@code tasks} wait in its queue; then released, and every task run. */
    private static void burst(List<EventLoop> all, Queue<?>[] taskQueues, int tasks) throws Exception {
        CountDownLatch held = new CountDownLatch(all.size());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(all.size());
        for (EventLoop l : all) {
            l.execute(() -> {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            if (!held.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the loops were not all held within 60 s");
            }
            for (EventLoop l : all) {
                for (int t = 1; t < tasks; t++) {
                    l.execute(TASK);
                }
                l.execute(done::countDown);
            }
            for (Queue<?> q : taskQueues) {
                if (q.size() != tasks) {
                    throw new IllegalStateException("a held loop's queue has " + q.size() + " tasks, not " + tasks);
                }
            }
        } finally {
            release.countDown();
        }
        if (!done.await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the burst was not run within 300 s (" + done.getCount() + " loops left)");
        }
        for (EventLoop l : all) {
            l.submit(() -> { }).get(60, TimeUnit.SECONDS); // each loop has polled its queue empty
        }
    }

    private static Object field(Class<?> owner, String name, Object o) throws ReflectiveOperationException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    /** Where the walk of a loop's queues stops: classes, loaders, threads (a queue never reaches more). */
    private static final Predicate<Object> STOP = o -> o instanceof Class || o instanceof ClassLoader || o instanceof Thread
            || o instanceof EventExecutor;

    private static double perLoop(Object[] roots, Object[] extra) {
        return 2 * FrameworkScenarios.perInstance(STOP, roots, extra);
    }

    private static List<Object> find(List<List<Object>> rows, String name) {
        for (List<Object> r : rows) {
            if (r.get(0).equals(name) && r.get(r.size() - 1) == null) {
                return r;
            }
        }
        return null;
    }

    @CommandLine.Command(name = "netty-event-loops", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
            description = {"N running Netty event loops (default 32), both task queues per loop: new, after a burst of"
                    + " 10,000 tasks, after 3 bursts, and after 3 bursts then 1 s with nothing to do; Netty's default task"
                    + " queue against leanchan's. Subjects (--subjects): netty-default, leanchan."})
    static final class Command extends FrameworkScenarios.Command {
        @Option(names = {"-n", "--loops", "--count"}, defaultValue = "32", description = "Event loops (default: ${DEFAULT-VALUE}).")
        int loops;

        @Option(names = "--tasks", defaultValue = "10000", description = "Tasks per loop and burst (default: ${DEFAULT-VALUE}).")
        int tasks;

        @Override
        void validate() {
            positive("--loops", loops);
            positive("--tasks", tasks);
            if (loops > 1024) {
                throw new LabMain.UsageError("--loops must be at most 1024 (a thread each), was " + loops);
            }
            FrameworkScenarios.select(selected, ALL, LoopSubject::name, "netty-event-loops");
        }

        @Override
        ScenarioReport measure(List<Subject> ignored, Progress progress) {
            return NettyScenario.measure(FrameworkScenarios.select(selected, ALL, LoopSubject::name, "netty-event-loops"),
                    loops, tasks, progress);
        }
    }
}
