package io.leanchan.lab;

import io.leanchan.reactor.LeanchanSinks;
import org.reactivestreams.Subscription;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Sinks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Scenario reactor-sinks: N unicast sinks, each with a subscriber, buffering in Reactor's default queue or in
 * leanchan's. Measures with the lab's JOL method what a sink (with its subscriber and buffer) retains idle, while a
 * burst waits in its buffer, and after the subscriber asked for the burst and received it.
 */
public final class ReactorScenario {

    /** A sink under test. */
    record SinkSubject(String name, String describe, Supplier<Sinks.Many<Object>> make) {
    }

    static final List<SinkSubject> ALL = List.of(
            new SinkSubject("reactor-default", "Sinks.many().unicast().onBackpressureBuffer() (SpscLinkedArrayQueue(256))",
                    () -> Sinks.many().unicast().onBackpressureBuffer()),
            new SinkSubject("reactor-unbounded-8", "Sinks.many().unicast().onBackpressureBuffer(Queues.unbounded(8).get())"
                    + " (SpscLinkedArrayQueue(8))", () -> Sinks.many().unicast().onBackpressureBuffer(
                            reactor.util.concurrent.Queues.<Object>unbounded(8).get())),
            new SinkSubject("leanchan-unbounded", "LeanchanSinks.unicast() (LeanchanQueue.unbounded())", LeanchanSinks::unicast),
            new SinkSubject("leanchan-bounded", "LeanchanSinks.unicast(256) (LeanchanQueue.bounded(256))",
                    () -> LeanchanSinks.unicast(256)));

    static final List<String> COLUMNS = List.of("subject", "sinks", "bytes_per_idle_sink", "bytes_per_sink_holding_burst",
            "bytes_per_sink_after_drained_burst", "bytes_per_sink_after_next_empty_poll", "total_idle_bytes",
            "total_after_drained_burst_bytes", "bytes_per_sink_after_3_bursts_1s_idle", "failed");

    /** How long the idle column waits after the third burst was received. */
    static final long IDLE_MILLIS = Measurer.IDLE_MILLIS; // 1 s unless leanchan.lab.idleMillis says otherwise

    /** The element of every burst: one shared object, so only the sinks' own structure counts. */
    static final Object ELEMENT = new Object();

    private ReactorScenario() {
    }

    /** A subscriber that asks for nothing until told to, and counts what it receives. */
    static final class Holder extends BaseSubscriber<Object> {
        long received;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // no demand: a burst waits in the sink's buffer
        }

        @Override
        protected void hookOnNext(Object value) {
            received++;
        }
    }

    record Sink(Sinks.Many<Object> sink, Holder holder) {
    }

    static Sink subscribed(SinkSubject s) {
        Sinks.Many<Object> sink = s.make().get();
        Holder h = new Holder();
        sink.asFlux().subscribe(h);
        return new Sink(sink, h);
    }

    public static ScenarioReport measure(List<SinkSubject> subjects, int count, int burst, Progress progress) {
        List<List<Object>> rows = new ArrayList<>();
        int i = 0;
        for (SinkSubject s : subjects) {
            progress.step(++i, subjects.size(), s.name() + ": " + FrameworkScenarios.n(count) + " sinks");
            try {
                rows.add(one(s, count, burst));
            } catch (Throwable t) {
                List<Object> r = new ArrayList<>(Collections.nCopies(COLUMNS.size(), null));
                r.set(0, s.name());
                r.set(1, count);
                r.set(COLUMNS.size() - 1, Measurer.describe(t));
                rows.add(r);
            }
        }
        progress.done(subjects.size() + " sinks");
        List<String> method = new ArrayList<>();
        method.add(String.format(Locale.ROOT, "%s unicast sinks, each subscribed by a BaseSubscriber that requests nothing"
                + " at first, plus one more in the same state for the exclusion of shared objects.", FrameworkScenarios.n(count)));
        method.add(String.format(Locale.ROOT, "idle: subscribed, nothing emitted; holding_burst: %d elements (one shared"
                + " object) emitted and waiting in the buffer; after_drained_burst: the subscriber then requested %d and"
                + " received them all (Reactor's drain loop stops when the demand is met: it does not poll the empty buffer);"
                + " after_next_empty_poll: then one more requested, so the drain loop polled once and found the buffer"
                + " empty (nothing else emitted); after_3_bursts_1s_idle: then two more bursts, each emitted and then"
                + " requested exactly (so the drain loop stops on the demand, not on an empty poll, and the subscriber has"
                + " all it asked for), then %d ms with no element and no call.", burst, burst, IDLE_MILLIS));
        method.add("Bytes: JOL retained size of all sinks together (the sink, its buffer, its subscriber; the lab's walk"
                + " from the sink objects), objects also reachable from the extra sink (statics, the element) excluded,"
                + " divided by the sinks.");
        List<String> subjectsLine = new ArrayList<>();
        for (SinkSubject s : subjects) {
            subjectsLine.add(s.name() + " = " + s.describe());
        }
        method.add("Subjects: " + String.join("; ", subjectsLine) + ".");
        List<String> v = new ArrayList<>();
        List<Object> ref = find(rows, "reactor-default");
        for (List<Object> r : rows) {
            if (r.get(r.size() - 1) != null || ref == null || r == ref) {
                continue;
            }
            v.add(String.format(Locale.ROOT, "%s: %s B per idle sink against %s B (%s against %s for %s sinks);"
                            + " after a drained burst of %d, %s B against %s B; once the drain loop has polled the empty buffer, %s B"
                            + " against %s B; after 3 bursts, then %d ms idle, %s B against %s B.", r.get(0), Fmt.number((Double) r.get(2)),
                    Fmt.number((Double) ref.get(2)), FrameworkScenarios.bytes((Long) r.get(6), false),
                    FrameworkScenarios.bytes((Long) ref.get(6), false), FrameworkScenarios.n(count), burst,
                    Fmt.number((Double) r.get(4)), Fmt.number((Double) ref.get(4)), Fmt.number((Double) r.get(5)),
                    Fmt.number((Double) ref.get(5)), IDLE_MILLIS, Fmt.number((Double) r.get(8)), Fmt.number((Double) ref.get(8))));
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
        return new ScenarioReport("reactor-sinks", String.format(Locale.ROOT,
                "%s subscribed unicast sinks: idle, holding a burst of %d, after the burst was drained",
                FrameworkScenarios.n(count), burst),
                JvmInfo.current(), FrameworkScenarios.libraries(), method, COLUMNS, rows, List.of(), v, List.of());
    }

    private static List<Object> one(SinkSubject s, int count, int burst) throws InterruptedException {
        Sink[] sinks = new Sink[count + 1]; // the last one: the extra sink
        Object[] roots = new Object[count];
        for (int k = 0; k < sinks.length; k++) {
            sinks[k] = subscribed(s);
            if (k < count) {
                roots[k] = sinks[k].sink();
            }
        }
        Object other = sinks[count].sink();
        double idle = perSink(roots, other);
        for (Sink x : sinks) {
            emit(x, burst);
        }
        double holding = perSink(roots, other);
        for (Sink x : sinks) {
            x.holder().request(burst);
            if (x.holder().received != burst) {
                throw new IllegalStateException("the subscriber received " + x.holder().received + " of " + burst);
            }
        }
        double after = perSink(roots, other);
        for (Sink x : sinks) {
            x.holder().request(1); // nothing is buffered: the drain loop polls once and finds the buffer empty
        }
        double polled = perSink(roots, other);
        // two more bursts with exact demand (the request(1) above is still outstanding: the second burst asks for one
        // less), after which the subscriber has all it asked for and nothing calls the sink again
        for (int b = 2; b <= 3; b++) {
            for (Sink x : sinks) {
                emit(x, burst);
                x.holder().request(b == 2 ? burst - 1 : burst);
                if (x.holder().received != (long) b * burst) {
                    throw new IllegalStateException("the subscriber received " + x.holder().received + " of " + b * burst);
                }
            }
        }
        long last = System.nanoTime();
        long rest = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS) - (System.nanoTime() - last);
        if (rest > 0) {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(rest);
        }
        double aged = perSink(roots, other);
        return Arrays.asList(s.name(), count, idle, holding, after, polled, Math.round(idle * count), Math.round(after * count),
                aged, null);
    }

    private static void emit(Sink x, int burst) {
        for (int m = 0; m < burst; m++) {
            Sinks.EmitResult r = x.sink().tryEmitNext(ELEMENT);
            if (r != Sinks.EmitResult.OK) {
                throw new IllegalStateException("emission " + (m + 1) + " of the burst: " + r);
            }
        }
    }

    private static double perSink(Object[] roots, Object other) {
        HeapWalker.Graph g = HeapWalker.walk(roots);
        return g.sizeExcluding(g.shared(HeapWalker.walk(other))) / (double) roots.length;
    }

    private static List<Object> find(List<List<Object>> rows, String name) {
        for (List<Object> r : rows) {
            if (r.get(0).equals(name) && r.get(r.size() - 1) == null) {
                return r;
            }
        }
        return null;
    }

    @CommandLine.Command(name = "reactor-sinks", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
            description = {"N unicast sinks with subscribers (default 10,000): heap per idle sink, while a burst of 64 waits"
                    + " in its buffer, after the burst was drained, and after 3 bursts then 1 s idle; Reactor's default buffer against leanchan's."
                    + " Subjects (--subjects): reactor-default, reactor-unbounded-8, leanchan-unbounded, leanchan-bounded."})
    static final class Command extends FrameworkScenarios.Command {
        @Option(names = {"-n", "--sinks", "--count"}, defaultValue = "10000", description = "Sinks (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--burst", defaultValue = "64", description = "Elements per burst (default: ${DEFAULT-VALUE}).")
        int burst;

        @Override
        void validate() {
            positive("--sinks", count);
            positive("--burst", burst);
            if (burst > 256) {
                throw new LabMain.UsageError("--burst must be at most 256 (leanchan-bounded's capacity), was " + burst);
            }
            FrameworkScenarios.select(selected, ALL, SinkSubject::name, "reactor-sinks");
        }

        @Override
        ScenarioReport measure(List<Subject> ignored, Progress progress) {
            return ReactorScenario.measure(FrameworkScenarios.select(selected, ALL, SinkSubject::name, "reactor-sinks"),
                    count, burst, progress);
        }
    }
}
