package io.leanchan.bench;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code docs/benchmarks.md} (and its charts) from the JSON files of a {@link Suite} run. Every number
 * in the document comes from those files; nothing is typed by hand. A hand-written findings file, if given,
 * is included verbatim under its own heading.
 *
 * <pre>java -cp benchmarks.jar io.leanchan.bench.Report RESULTS_DIR OUT.md [FINDINGS.md]</pre>
 */
public final class Report {
    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Report RESULTS_DIR OUT.md [FINDINGS.md]");
            System.exit(2);
        }
        write(Path.of(args[0]), Path.of(args[1]), args.length == 3 ? Path.of(args[2]) : null);
    }

    static void write(Path results, Path doc) throws IOException {
        write(results, doc, null);
    }

    /** One JMH result: a benchmark with one subject. */
    record Row(String bench, String subject, Map<String, Object> json) {
        double score() {
            return Json.num(Json.at(json, "primaryMetric", "score"));
        }

        double error() {
            return Json.num(Json.at(json, "primaryMetric", "scoreError"));
        }

        double metric(String name) {
            return Json.num(Json.at(json, "secondaryMetrics", name, "score"));
        }

        double metricError(String name) {
            return Json.num(Json.at(json, "secondaryMetrics", name, "scoreError"));
        }

        /** Allocated bytes per message: gc.alloc.rate.norm is per op of every thread in the group. */
        double bytesPerMessage() {
            double norm = metric("gc.alloc.rate.norm");
            double msgs = metric("pollsMade");
            return msgs > 0 ? norm * score() / msgs : Double.NaN;
        }
    }

    static List<Row> load(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        for (Object o : Json.arr(Json.parse(Files.readString(file)))) {
            Map<String, Object> m = Json.obj(o);
            String bench = String.valueOf(m.get("benchmark"));
            bench = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            rows.add(new Row(bench, String.valueOf(Json.at(m, "params", "subject")), m));
        }
        return rows;
    }

    static Row find(List<Row> rows, String bench, String subject) {
        for (Row r : rows) {
            if (r.bench().equals(bench) && r.subject().equals(subject)) {
                return r;
            }
        }
        return null;
    }

    static List<Map<String, Object>> loadLines(Path file) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(Json.obj(Json.parse(line)));
                }
            }
        }
        return out;
    }

    static Map<String, Object> latency(List<Map<String, Object>> lines, String subject, String kind) {
        for (Map<String, Object> m : lines) {
            if (subject.equals(m.get("subject")) && kind.equals(m.get("threads"))) {
                return m;
            }
        }
        return null;
    }

    // ---- formatting

    static String f(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 0.1 || a == 0) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** Bytes are shown with 3 decimals below 1 so that the 0.1 B/op target can be read. */
    static String bytes(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Math.abs(v) < 1) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        return f(v);
    }

    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    static String pm(double score, double err) {
        return f(score) + " ± " + f(err);
    }

    static String shortName(String subject) {
        return switch (subject) {
            case "LEANCHAN_16" -> "leanchan(16)";
            case "LEANCHAN_1024" -> "leanchan(1024)";
            case "LEANCHAN_UNBOUNDED" -> "leanchan(unbounded)";
            case "ABQ_1024" -> "ABQ";
            case "LBQ_1024" -> "LBQ";
            case "MPSC_ARRAY_1024" -> "MpscArray";
            case "MPSC_ARRAY_RELAXED_1024" -> "MpscArray relaxed";
            case "MPSC_UNPADDED_1024" -> "MpscUnpadded";
            case "MPSC_CHUNKED_1024" -> "MpscChunked";
            case "MPSC_XADD_UNBOUNDED" -> "MpscXadd";
            case "AGRONA_M2O_1024" -> "Agrona M2O";
            case "KOTLINX_1024" -> "kotlinx";
            case "JOX_1024" -> "Jox";
            case "JOX_UNLIMITED" -> "Jox(unlimited)";
            case "LTQ" -> "LTQ";
            case "MPSC_BLOCKING_1024" -> "MpscBlocking";
            case "LBQ_HANDOFF" -> "LBQ+CF";
            default -> subject;
        };
    }

    static String label(String subject, Enum<?>[] values) {
        for (Enum<?> e : values) {
            if (e.name().equals(subject)) {
                if (e instanceof Subject s) {
                    return s.label;
                }
                if (e instanceof BlockingSubject s) {
                    return s.label;
                }
                if (e instanceof AsyncSubject s) {
                    return s.label;
                }
            }
        }
        return subject;
    }

    // ---- the document

    static void write(Path results, Path doc, Path findings) throws IOException {
        System.setProperty("java.awt.headless", "true"); // charts are drawn off-screen
        List<Row> tpt = load(results.resolve(Suite.THROUGHPUT));
        List<Row> burst = load(results.resolve(Suite.BURST));
        List<Row> pp = load(results.resolve(Suite.PINGPONG));
        List<Row> vpp = load(results.resolve(Suite.VPINGPONG));
        List<Row> async = load(results.resolve(Suite.ASYNC));
        List<Map<String, Object>> lat = loadLines(results.resolve(Suite.LATENCY));
        List<Map<String, Object>> ring = loadLines(results.resolve(Suite.RING));
        Map<String, Object> env = Files.exists(results.resolve(Suite.ENV))
                ? Json.obj(Json.parse(Files.readString(results.resolve(Suite.ENV)))) : Map.of();

        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("<!-- Generated by io.leanchan.bench.Report from the JSON results of one bin/bench run. "
                + "Do not edit by hand: rerun bin/bench. -->\n\n");
        md.append("Generated from the JMH JSON results of one run of `").append(env.getOrDefault("command", "bin/bench"))
                .append("` (").append(env.getOrDefault("mode", "?")).append(" mode), started ")
                .append(env.getOrDefault("start", "?")).append(" (the suite ran ").append(minutes(env.get("seconds")))
                .append(", build not counted) at commit `").append(env.getOrDefault("git", "?")).append("`. ")
                .append("Every figure below comes from that run; peers ran in the same run on the same machine.\n\n");

        Row any = !tpt.isEmpty() ? tpt.get(0) : !pp.isEmpty() ? pp.get(0) : null;
        md.append("## Machine and settings\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| CPU | ").append(env.getOrDefault("cpu", "?")).append(" |\n");
        md.append("| cores (available processors) | ").append(fmtInt(env.get("cores"))).append(" |\n");
        md.append("| OS | ").append(env.getOrDefault("os", "?")).append(" |\n");
        if (any != null) {
            md.append("| JVM | ").append(Json.at(any.json(), "vmName")).append(" ")
                    .append(Json.at(any.json(), "vmVersion")).append(" (JDK ")
                    .append(Json.at(any.json(), "jdkVersion")).append(") |\n");
            md.append("| JVM flags (forks) | `").append(String.join(" ", strings(Json.at(any.json(), "jvmArgs"))))
                    .append("` (the virtual-thread ping-pong adds `-Djmh.executor=VIRTUAL`) |\n");
            md.append("| JMH | ").append(Json.at(any.json(), "jmhVersion")).append(", ")
                    .append(fmtInt(Json.at(any.json(), "forks"))).append(" fork, ")
                    .append(fmtInt(Json.at(any.json(), "warmupIterations"))).append(" x ")
                    .append(Json.at(any.json(), "warmupTime")).append(" warm-up, ")
                    .append(fmtInt(Json.at(any.json(), "measurementIterations"))).append(" x ")
                    .append(Json.at(any.json(), "measurementTime")).append(" measurement, `-prof gc` on every run |\n");
        }
        md.append("| load average before / after | ").append(env.getOrDefault("loadBefore", "?")).append(" / ")
                .append(env.getOrDefault("loadAfter", "?")).append(" |\n");
        md.append("| 1-minute load as each part started | ").append(env.getOrDefault("loads", "?")).append(" |\n");
        md.append("| nice value of the run | ").append(env.getOrDefault("nice", "?")).append(" |\n");
        Object killed = env.get("killed");
        md.append("| forks killed by the suite's watchdog (no result for them) | ")
                .append(killed == null || killed.toString().isEmpty() ? "none" : killed).append(" |\n\n");
        md.append("""
                How to read this:
                - `±` is JMH's 99.9% confidence half-width over the measurement iterations. With one fork and \
                a few one-second iterations on 2 cores it is wide; a ratio between two subjects is only as good as both errors.
                - Two producers and one consumer are 3 busy threads on 2 cores: the `2P1C` and `bursts 2P` \
                benchmarks are oversubscribed, so they measure behaviour under preemption as much as the queue.
                - Bounded peers run at capacity 1024 and are compared with leanchan bounded(1024); unbounded peers \
                (JCTools MpscUnboundedXaddArrayQueue) with leanchan unbounded; leanchan bounded(16) is the \
                small-channel case and has no peer at 16.
                - In the non-blocking benchmarks nobody backs off, so a bounded queue is often full (failed offers) \
                and the figures say as much about how a queue behaves while producers hammer it as about its \
                fast path. An unbounded queue never refuses: when its producers are faster it grows for the whole \
                iteration (emptied between iterations), so its B/op there is growth, not a steady state.
                - Other work on the machine shows in every figure: see the load rows above.
                - `B/op` is JMH's `gc.alloc.rate.norm`: bytes allocated by all threads per benchmark op. In the \
                group benchmarks an op is any call (a failed offer or an empty poll counts), so `B/msg` \
                (= B/op x ops / messages received) is the figure per message moved. It has the same definition as \
                the lab's `alloc_per_msg_*` and the core's A1/A2 (everything a run allocated over the messages it \
                moved); the workloads differ: here two or three threads, where the consumer can find a channel \
                empty in the middle of a burst; in the lab one thread after a warm-up; A2 from a fresh channel.

                """);

        String targets = targets(tpt, burst, pp, vpp,
                RoundsSummary.summarize(loadLines(results.resolve(Suite.ROUNDS))));
        // issue 26's framework floors join the table (before its closing blank line) where the run has them
        md.append(targets, 0, targets.length() - 1)
                .append(FrameworkSection.targetRows(loadLines(results.resolve(Suite.FRAMEWORKS)))).append("\n");

        md.append("## 1. Throughput, non-blocking (offer / poll, no back-off)\n\n");
        md.append("In the style of JCTools' `QueueThroughputBackoffNone`: producers `offer` in a loop, one consumer "
                + "`poll`s in a loop. `messages/µs` is the consumer's successful polls (JMH aux counter `pollsMade`). "
                + "`ThroughputBench.p1` (1 producer, 1 consumer) and `ThroughputBench.p2` (2 producers, 1 consumer).\n\n");
        md.append("![throughput](benchmarks-throughput.png)\n\n").append(chartMedians(tpt, burst));
        for (String[] g : new String[][] {{"ThroughputBench.p1", "1 producer / 1 consumer"},
                {"ThroughputBench.p2", "2 producers / 1 consumer (3 threads on 2 cores)"}}) {
            md.append("### ").append(g[1]).append("\n\n");
            md.append(throughputTable(tpt, g[0]));
        }
        md.append(RoundsSection.markdown(results)); // section 1b, ThroughputRounds

        md.append("## 2. Throughput in bursts (per-connection pattern)\n\n");
        md.append("Each producer op sends a burst of ").append(BurstBench.BURST)
                .append(" messages (retrying while full), then waits until the consumer has drained everything "
                        + "sent so far; the consumer polls until empty, again and again. The channel goes from "
                        + "empty to one burst and back, which is where a channel that gives its memory back could "
                        + "allocate. `BurstBench.b1` (1 producer) and `BurstBench.b2` (2 producers).\n\n");
        for (String[] g : new String[][] {{"BurstBench.b1", "1 producer"},
                {"BurstBench.b2", "2 producers (3 threads on 2 cores)"}}) {
            md.append("### Bursts, ").append(g[1]).append("\n\n");
            md.append(throughputTable(burst, g[0]));
        }

        md.append("## 3. Latency, blocking ping-pong\n\n");
        md.append("A round trip through two channels between two threads that block in `send`/`put` and "
                + "`receive`/`take`. The JMH columns are the average round trip (`PingPongBench`, "
                + "`VirtualPingPongBench`) with `-prof gc`; the percentiles come from a hand-rolled harness "
                + "(`LatencyHarness`, HdrHistogram, every round trip timed with `System.nanoTime`, one JVM per "
                + "subject, 2 s warm-up + 3 s measured in quick mode).\n\n");
        md.append("![latency](benchmarks-latency.png)\n\n");
        md.append("The chart is in nanoseconds on a log axis, where XChart draws an error bar of e as log10(e) "
                + "decades either side of the bar, so it is given 1 + error/mean: each JMH mean's whisker spans "
                + "mean ÷ (1 + error/mean) to mean × (1 + error/mean), i.e. up to mean + error (the top of the "
                + "99.9% interval, whose bottom, mean - error, is in the tables).\n\n");
        md.append("### Platform threads\n\n").append(latencyTable(pp, lat, "platform"));
        md.append("### Virtual threads (JMH's thread and the echo thread both virtual)\n\n")
                .append(latencyTable(vpp, lat, "virtual"));

        md.append("## 4. Asynchronous round trip\n\n");
        md.append("`AsyncBench`: the caller registers `back.receiveAsync()`, then `there.sendAsync(m)`; an echo "
                + "callback on `there.receiveAsync()` (running in the completing thread) sends into `back` and "
                + "re-registers. One op = two pending receives completed by two sends plus one callback "
                + "registration, in one thread: the cost of the asynchronous machinery, no thread hand-off. "
                + "kotlinx is driven through `send`/`receive` with a `CompletableFuture` as the `Continuation` "
                + "(no dispatcher, after a `trySend`/`tryReceive` fast path, as leanchan does internally).\n\n");
        md.append("| subject | ns / round trip | B/op |\n|---|---:|---:|\n");
        for (AsyncSubject s : AsyncSubject.values()) {
            Row r = find(async, "AsyncBench.roundTrip", s.name());
            if (r == null) {
                continue;
            }
            md.append("| ").append(s.label).append(" | ").append(pm(r.score(), r.error())).append(" | ")
                    .append(bytes(r.metric("gc.alloc.rate.norm"))).append(" |\n");
        }
        md.append("\n");

        md.append("## 5. Allocation\n\n");
        md.append("Every run above had `-prof gc`; the `B/op` and `B/msg` columns are its "
                + "`gc.alloc.rate.norm`. The leanchan rows:\n\n");
        md.append("| benchmark | leanchan(16) | leanchan(1024) | leanchan(unbounded) |\n|---|---:|---:|---:|\n");
        for (String[] g : new String[][] {{"ThroughputBench.p1", "throughput 1P1C"},
                {"ThroughputBench.p2", "throughput 2P1C"}, {"BurstBench.b1", "bursts 1P"},
                {"BurstBench.b2", "bursts 2P"}}) {
            List<Row> src = g[0].startsWith("Burst") ? burst : tpt;
            md.append("| ").append(g[1]).append(" (B/op; B/msg)");
            for (String s : List.of("LEANCHAN_16", "LEANCHAN_1024", "LEANCHAN_UNBOUNDED")) {
                Row r = find(src, g[0], s);
                md.append(" | ").append(r == null ? "-" : bytes(r.metric("gc.alloc.rate.norm")) + "; "
                        + bytes(r.bytesPerMessage()));
            }
            md.append(" |\n");
        }
        for (String[] g : new String[][] {{"PingPongBench.roundTrip", "ping-pong, platform (B/round trip)"},
                {"VirtualPingPongBench.roundTrip", "ping-pong, virtual (B/round trip)"}}) {
            List<Row> src = g[0].startsWith("Virtual") ? vpp : pp;
            md.append("| ").append(g[1]).append(" | -");
            for (String s : List.of("LEANCHAN_1024", "LEANCHAN_UNBOUNDED")) {
                Row r = find(src, g[0], s);
                md.append(" | ").append(r == null ? "-" : bytes(r.metric("gc.alloc.rate.norm")));
            }
            md.append(" |\n");
        }
        md.append("| async round trip (B/round trip) | -");
        for (String s : List.of("LEANCHAN_1024", "LEANCHAN_UNBOUNDED")) {
            Row r = find(async, "AsyncBench.roundTrip", s);
            md.append(" | ").append(r == null ? "-" : bytes(r.metric("gc.alloc.rate.norm")));
        }
        md.append(" |\n\n");
        if (!ring.isEmpty()) {
            md.append("Where leanchan's bytes in bursts come from: `RingProbe` (a diagnostic, not a benchmark) runs the "
                    + "burst pattern with one producer outside JMH, measures the bytes allocated per message by both "
                    + "threads (ThreadMXBean) and watches the channel's ring (its internal `buffer` field, through "
                    + "reflection) after every drain. A give-back is the receiver replacing the ring by the shared "
                    + "empty array; the next send regrows it from length 0 (x1.25 + 2 per step). Give-backs are counted "
                    + "only when the consumer sees the empty ring, so the count is a lower bound.\n\n");
            md.append("| leanchan capacity | burst | seconds | messages/µs | B/msg | bursts | give-backs seen "
                    + "| median ring length before a give-back | longest |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (Map<String, Object> m : ring) {
                md.append("| ").append(m.get("capacity")).append(" | ").append(fmtInt(m.get("burst"))).append(" | ")
                        .append(fmtInt(m.get("seconds"))).append(" | ").append(f(Json.num(m.get("msgsPerUs"))))
                        .append(" | ").append(bytes(Json.num(m.get("bytesPerMsg")))).append(" | ")
                        .append(fmtInt(m.get("bursts"))).append(" | ").append(fmtInt(m.get("giveBacksSeen")))
                        .append(" | ").append(fmtInt(m.get("medianRingAtGiveBack"))).append(" | ")
                        .append(fmtInt(m.get("maxRingAtGiveBack"))).append(" |\n");
            }
            md.append("\n");
        }

        md.append(CostAndScaleSections.markdown(results)); // sections 6-10, written by their own class
        md.append(SelectSection.markdown(results)); // section 11, SelectBench
        md.append(FrameworkSection.markdown(results)); // section 12, FrameworkRounds (the integration modules)

        if (findings != null && Files.exists(findings)) {
            md.append("## Findings\n\n");
            md.append("_Written by hand (`leanchan-bench/").append(findings.getFileName())
                    .append("`), not generated: what quick-suite runs and the diagnostics it names showed. "
                            + "The figures are in the tables above._\n\n");
            md.append(Files.readString(findings).strip()).append("\n\n");
        }

        md.append("## How to reproduce\n\n");
        md.append("""
                ```
                bin/bench                       # quick suite, about 31 minutes on 2 cores with the build; rewrites this file
                BENCH_NICE=-10 bin/bench        # the same at a higher scheduling priority (root; for a shared machine)
                java -jar leanchan-bench/target/benchmarks.jar ThroughputBench -p subject=LEANCHAN_1024 -prof gc
                java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.LatencyHarness LEANCHAN_1024 platform 2000 3000 out.jsonl
                ```
                Raw JMH JSON of the run: `leanchan-bench/target/bench-results/` (not committed).
                """);

        Path parent = doc.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(doc, md.toString(), StandardCharsets.UTF_8);
        String caption = caption(env, any);
        throughputChart(tpt, burst, caption, parent.resolve("benchmarks-throughput.png"));
        latencyChart(lat, pp, vpp, caption, parent.resolve("benchmarks-latency.png"));
    }

    static String minutes(Object seconds) {
        double s = Json.num(seconds);
        return Double.isNaN(s) ? "duration unknown" : String.format(Locale.ROOT, "%.1f minutes", s / 60);
    }

    static String fmtInt(Object o) {
        if (o == null) {
            return "-";
        }
        double v = Json.num(o);
        return Double.isNaN(v) ? String.valueOf(o) : String.valueOf((long) v);
    }

    static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        for (Object x : Json.arr(o)) {
            out.add(String.valueOf(x));
        }
        return out;
    }

    /** The iteration scores of a secondary metric. */
    static List<Double> raw(Row r, String name) {
        List<Double> out = new ArrayList<>();
        for (Object fork : Json.arr(Json.at(r.json(), "secondaryMetrics", name, "rawData"))) {
            for (Object v : Json.arr(fork)) {
                out.add(Json.num(v));
            }
        }
        return out;
    }

    /** An aux-counter cell: the mean, or the median marked with a dagger where {@link #outlierMedian} has one. */
    static String aux(Row r, String name, boolean withError, boolean[] outlier) {
        double median = outlierMedian(r, name);
        if (!Double.isNaN(median)) {
            outlier[0] = true;
            return f(median) + " (median) †";
        }
        return withError ? pm(r.metric(name), r.metricError(name)) : f(r.metric(name));
    }

    /** The aux counters of the throughput tables. */
    static final List<String> AUX = List.of("pollsMade", "offersFailed", "pollsFailed");

    /** {@link RoundsSummary#median} of the iterations, NaN for fewer than three (too few to call one an outlier). */
    static double median(List<Double> v) {
        return v.size() < 3 ? Double.NaN : RoundsSummary.median(v);
    }

    /** The iterations (indices) more than ten times the median and above one call per nanosecond. */
    static List<Integer> absurd(List<Double> v) {
        double median = median(v);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            // Above 1000 per µs (one call per nanosecond) a rate is not physical.
            if (median > 0 && v.get(i) > 10 * median && v.get(i) > 1000) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * The iterations in which one of the row's aux counters is {@link #absurd}. JMH times each thread of a group
     * on its own, and an invocation that straddles the end of an iteration can leave a thread with a tiny
     * measured time: every rate of that iteration is then inflated, the physical ones included.
     */
    static java.util.Set<Integer> absurdIterations(Row r) {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        for (String name : AUX) {
            out.addAll(absurd(raw(r, name)));
        }
        return out;
    }

    /**
     * The rule of the † cells: the median of a counter's iterations when one of them is more than ten times that
     * median and is one of the {@code absurd} iterations; NaN otherwise (or for fewer than three iterations).
     */
    static double outlierMedian(List<Double> v, java.util.Set<Integer> absurd) {
        double median = median(v);
        for (int i : absurd) {
            if (i < v.size() && median > 0 && v.get(i) > 10 * median) {
                return median;
            }
        }
        return Double.NaN;
    }

    /** {@link #outlierMedian(List, java.util.Set)} of a counter alone, no other counter looked at. */
    static double outlierMedian(List<Double> v) {
        return outlierMedian(v, new java.util.TreeSet<>(absurd(v)));
    }

    /** {@link #outlierMedian(List, java.util.Set)} of one of the row's counters, with all its counters' iterations. */
    static double outlierMedian(Row r, String name) {
        return outlierMedian(raw(r, name), absurdIterations(r));
    }

    /** Messages/µs as the table shows it and the chart plots it: the † median, or else the JMH mean. */
    static double messages(Row r) {
        double median = outlierMedian(r, "pollsMade");
        return Double.isNaN(median) ? r.metric("pollsMade") : median;
    }

    /**
     * What the throughput chart plots for a row, {bar, error bar}: where its table shows the median of the
     * iterations (†, {@link #outlierMedian(Row, String)}) that median without an error bar, otherwise the JMH
     * mean and error of {@code pollsMade}; {0, 0} for no row.
     */
    static double[] chartBar(Row r) {
        if (r == null) {
            return new double[] {0, 0};
        }
        double median = outlierMedian(r, "pollsMade");
        if (!Double.isNaN(median)) {
            return new double[] {median, 0};
        }
        double err = r.metricError("pollsMade");
        return new double[] {r.metric("pollsMade"), Double.isNaN(err) ? 0 : err};
    }

    /** The throughput chart's series: the rows of each group, in the legend's order. */
    static Map<String, List<Row>> chartSeries(List<Row> tpt, List<Row> burst) {
        Map<String, List<Row>> series = new LinkedHashMap<>();
        series.put("1P1C", filter(tpt, "ThroughputBench.p1"));
        series.put("2P1C", filter(tpt, "ThroughputBench.p2"));
        series.put("bursts 1P", filter(burst, "BurstBench.b1"));
        series.put("bursts 2P", filter(burst, "BurstBench.b2"));
        return series;
    }

    /** One sentence naming the bars of the throughput chart that are a median (†), or "" when none is. */
    static String chartMedians(List<Row> tpt, List<Row> burst) {
        List<String> bars = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : chartSeries(tpt, burst).entrySet()) {
            for (Row r : e.getValue()) {
                if (!Double.isNaN(outlierMedian(r, "pollsMade"))) {
                    bars.add(shortName(r.subject()) + " (" + e.getKey() + ")");
                }
            }
        }
        return bars.isEmpty() ? "" : "In the chart, " + String.join(", ", bars) + (bars.size() == 1 ? " is" : " are")
                + " the median of the iterations without an error bar, as in its table (†).\n\n";
    }

    static String throughputTable(List<Row> rows, String bench) {
        boolean[] outlier = new boolean[1];
        Row mpsc = find(rows, bench, "MPSC_ARRAY_1024");
        Row lbq = find(rows, bench, "LBQ_1024");
        StringBuilder t = new StringBuilder();
        t.append("| subject | messages/µs | x MpscArrayQueue | x LBQ | failed offers/µs | empty polls/µs "
                + "| B/op | B/msg |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Subject s : Subject.values()) {
            Row r = find(rows, bench, s.name());
            if (r == null) {
                continue;
            }
            double msgs = messages(r);
            t.append("| ").append(s.label).append(" | ").append(aux(r, "pollsMade", true, outlier))
                    .append(" | ").append(mpsc == null ? "n/a" : ratio(msgs, messages(mpsc)))
                    .append(" | ").append(lbq == null ? "n/a" : ratio(msgs, messages(lbq)))
                    .append(" | ").append(aux(r, "offersFailed", false, outlier))
                    .append(" | ").append(aux(r, "pollsFailed", false, outlier))
                    .append(" | ").append(bytes(r.metric("gc.alloc.rate.norm")))
                    .append(" | ").append(bytes(r.bytesPerMessage())).append(" |\n");
        }
        if (outlier[0]) {
            t.append("\n† One iteration was more than ten times the median, and in that iteration this counter or "
                    + "another of the row was above one call per nanosecond, which no thread can do, so the median of "
                    + "the iterations is shown (the x columns use it, the chart plots it without an error bar): "
                    + "JMH times each thread of a group on its own, and an invocation that straddles the end of an "
                    + "iteration can leave a thread with a tiny measured time and an absurd rate.\n");
        }
        return t.append("\n").toString();
    }

    static String latencyTable(List<Row> rows, List<Map<String, Object>> lat, String kind) {
        String bench = kind.equals("virtual") ? "VirtualPingPongBench.roundTrip" : "PingPongBench.roundTrip";
        Row abq = find(rows, bench, "ABQ_1024");
        Row lbq = find(rows, bench, "LBQ_1024");
        StringBuilder t = new StringBuilder();
        t.append("| subject | JMH avg ns/round trip | x ABQ | x LBQ | B/op | p50 ns | p90 ns | p99 ns | p99.9 ns "
                + "| max ns | samples |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BlockingSubject s : BlockingSubject.values()) {
            Row r = find(rows, bench, s.name());
            Map<String, Object> h = latency(lat, s.name(), kind);
            if (r == null && h == null) {
                continue;
            }
            t.append("| ").append(s.label).append(" | ")
                    .append(r == null ? "-" : pm(r.score(), r.error())).append(" | ")
                    .append(r == null || abq == null ? "n/a" : ratio(r.score(), abq.score())).append(" | ")
                    .append(r == null || lbq == null ? "n/a" : ratio(r.score(), lbq.score())).append(" | ")
                    .append(r == null ? "-" : bytes(r.metric("gc.alloc.rate.norm")));
            for (String k : List.of("p50", "p90", "p99", "p999", "max", "count")) {
                t.append(" | ").append(h == null ? "-" : fmtInt(h.get(k)));
            }
            t.append(" |\n");
        }
        return t.append("\n_x ABQ / x LBQ: ratio of average round-trip times (below 1 is faster)._\n\n").toString();
    }

    /** The targets of issue 4 from the single runs alone (no throughput rounds). */
    static String targets(List<Row> tpt, List<Row> burst, List<Row> pp, List<Row> vpp) {
        return targets(tpt, burst, pp, vpp, Map.of());
    }

    /**
     * The targets of issue 4, each computed from the run. The two "leanchan(1024) >= 1.0x MpscArrayQueue(1024)"
     * rows take the median over the alternated rounds where {@code rounds} ({@link RoundsSummary#summarize}) has
     * that group's ratios, and the single run's ratio otherwise.
     */
    static String targets(List<Row> tpt, List<Row> burst, List<Row> pp, List<Row> vpp,
            Map<String, Map<String, RoundsSummary.Stat>> rounds) {
        StringBuilder t = new StringBuilder("## Targets\n\n");
        t.append("| target | measured | verdict |\n|---|---|---|\n");
        for (String[] g : new String[][] {{"ThroughputBench.p1", "1P1C"}, {"ThroughputBench.p2", "2P1C"}}) {
            Row lc = find(tpt, g[0], "LEANCHAN_1024");
            Row mp = find(tpt, g[0], "MPSC_ARRAY_1024");
            Row lb = find(tpt, g[0], "LBQ_1024");
            RoundsSummary.Stat alternated = rounds.getOrDefault(g[0].substring(g[0].indexOf('.') + 1), Map.of())
                    .get("LEANCHAN_1024");
            double r = Double.NaN;
            String measured = null;
            if (alternated != null && !alternated.ratios().isEmpty()) {
                r = alternated.medianRatio();
                measured = RoundsSection.measured(alternated);
            } else if (lc != null && mp != null) {
                r = lc.metric("pollsMade") / mp.metric("pollsMade");
                measured = String.format(Locale.ROOT, "%.2fx", r);
            }
            if (measured != null) {
                t.append("| throughput ").append(g[1]).append(": leanchan(1024) >= 1.0x MpscArrayQueue(1024) "
                        + "(floor 0.8x) | ").append(measured).append(" | ")
                        .append(r >= 1.0 ? "met" : r >= 0.8 ? "below target, above the 0.8x floor" : "MISSED")
                        .append(" |\n");
            }
            if (lc != null && lb != null) {
                double lr = lc.metric("pollsMade") / lb.metric("pollsMade");
                t.append("| throughput ").append(g[1]).append(": leanchan(1024) >= 3x LinkedBlockingQueue(1024) | ")
                        .append(String.format(Locale.ROOT, "%.2fx", lr)).append(" | ")
                        .append(lr >= 3.0 ? "met" : "MISSED").append(" |\n");
            }
        }
        for (String[] g : new String[][] {{"PingPongBench.roundTrip", "platform"},
                {"VirtualPingPongBench.roundTrip", "virtual"}}) {
            List<Row> src = g[1].equals("virtual") ? vpp : pp;
            Row lc = find(src, g[0], "LEANCHAN_1024");
            for (String peer : List.of("ABQ_1024", "LBQ_1024")) {
                Row p = find(src, g[0], peer);
                if (lc != null && p != null) {
                    double r = lc.score() / p.score();
                    // "No worse": within the peer's error band counts as a tie.
                    boolean tie = lc.score() - lc.error() <= p.score() + p.error();
                    t.append("| ping-pong latency, ").append(g[1]).append(" threads: leanchan(1024) no worse than ")
                            .append(shortName(peer)).append(" | ")
                            .append(f(lc.score())).append(" vs ").append(f(p.score())).append(" ns (")
                            .append(String.format(Locale.ROOT, "%.2fx", r)).append(") | ")
                            .append(r <= 1.0 ? "met" : tie ? "inconclusive: slower on average, errors overlap"
                                    : "MISSED").append(" |\n");
                }
            }
        }
        for (String[] g : new String[][] {{"ThroughputBench.p1", "throughput 1P1C"},
                {"ThroughputBench.p2", "throughput 2P1C"}, {"BurstBench.b1", "bursts 1P"},
                {"BurstBench.b2", "bursts 2P"}}) {
            List<Row> src = g[0].startsWith("Burst") ? burst : tpt;
            for (String s : List.of("LEANCHAN_16", "LEANCHAN_1024", "LEANCHAN_UNBOUNDED")) {
                Row r = find(src, g[0], s);
                if (r == null) {
                    continue;
                }
                double norm = r.metric("gc.alloc.rate.norm");
                t.append("| ").append(g[1]).append(", ").append(shortName(s)).append(": gc.alloc.rate.norm < 0.1 B/op | ")
                        .append(bytes(norm)).append(" B/op (").append(bytes(r.bytesPerMessage())).append(" B/msg) | ")
                        .append(norm < 0.1 ? "met" : "MISSED").append(" |\n");
            }
        }
        return t.append("\n").toString();
    }

    /** The machine and the JVM of the run, for the charts' captions. */
    static String caption(Map<String, Object> env, Row any) {
        StringBuilder c = new StringBuilder("Machine: ").append(env.getOrDefault("cpu", "?")).append(", ")
                .append(fmtInt(env.get("cores"))).append(" cores, ").append(env.getOrDefault("os", "?"));
        if (any != null) {
            c.append(". JVM: ").append(Json.at(any.json(), "vmName")).append(' ').append(Json.at(any.json(), "vmVersion"));
        }
        return c.toString();
    }

    static void throughputChart(List<Row> tpt, List<Row> burst, String caption, Path file) throws IOException {
        CategoryChart c = throughputChart(tpt, burst, caption);
        if (c != null) {
            save(c, file);
        }
    }

    /** The throughput chart, or null when there is nothing to plot. */
    static CategoryChart throughputChart(List<Row> tpt, List<Row> burst, String caption) {
        CategoryChart c = new CategoryChartBuilder().width(1100).height(560)
                .title("Messages per microsecond (higher is better); error bars: JMH 99.9% confidence interval")
                .xAxisTitle(caption).yAxisTitle("messages/µs")
                .build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setXAxisLabelRotation(30);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setPlotGridVerticalLinesVisible(false);
        c.getStyler().setErrorBarsColor(java.awt.Color.BLACK);
        c.getStyler().setSeriesColors(SERIES_COLORS);
        // XChart's error bars are symmetric: a throughput cannot be negative, so the axis starts at 0 whatever
        // an error bar wider than its bar says
        c.getStyler().setYAxisMin(0.0);
        boolean anyData = false;
        for (Map.Entry<String, List<Row>> e : chartSeries(tpt, burst).entrySet()) {
            List<String> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            List<Double> errs = new ArrayList<>();
            for (Subject s : Subject.values()) {
                Row r = find(e.getValue(), e.getValue().isEmpty() ? "" : e.getValue().get(0).bench(), s.name());
                double[] bar = chartBar(r);
                xs.add(shortName(s.name()));
                ys.add(bar[0]);
                errs.add(bar[1]);
            }
            if (!e.getValue().isEmpty()) {
                c.addSeries(e.getKey(), xs, ys, errs);
                anyData = true;
            }
        }
        return anyData ? c : null;
    }

    /** Colours far enough apart for most readers (Okabe-Ito). */
    static final java.awt.Color[] SERIES_COLORS = {new java.awt.Color(0x0072B2), new java.awt.Color(0xE69F00),
            new java.awt.Color(0x009E73), new java.awt.Color(0xCC79A7), new java.awt.Color(0x56B4E9),
            new java.awt.Color(0xD55E00)};

    static void latencyChart(List<Map<String, Object>> lat, List<Row> pp, List<Row> vpp, String caption, Path file)
            throws IOException {
        CategoryChart c = latencyChart(lat, pp, vpp, caption);
        if (c != null) {
            save(c, file);
        }
    }

    /**
     * The error value to give XChart 3.8.8 for a bar of {@code mean} ± {@code error} on a logarithmic axis.
     * XChart's {@code PlotContent_Category_Bar} takes {@code log10} of that value and draws it as a whisker that
     * many decades above and below {@code log10(mean)} (and centres it on the bar's base, the axis minimum,
     * where {@code log10(mean) <= 0}), so it is {@code (mean + error) / mean}: the whisker ends at
     * {@code mean + error} above and at {@code mean / (1 + error / mean)} below. It is capped at
     * {@code mean / axisMin}, so that the lower end is never below the axis; 1 (no whisker) without an error, or for
     * a mean that is not above both 1 and {@code axisMin}.
     */
    static double logErrorBar(double mean, double error, double axisMin) {
        if (Double.isNaN(error) || error <= 0 || !(mean > 1) || !(mean > axisMin)) {
            return 1;
        }
        return Math.min((mean + error) / mean, mean / axisMin);
    }

    /** The lower end of the whisker XChart draws for {@link #logErrorBar} on a log axis: mean²/(mean + error). */
    static double logErrorBarLow(double mean, double error) {
        return Double.isNaN(error) || error <= 0 ? mean : mean * mean / (mean + error);
    }

    /** The largest power of ten at or below the smallest of {@code values}, and at least 1. */
    static double logAxisMin(List<Double> values) {
        double min = Double.MAX_VALUE;
        for (double v : values) {
            min = Math.min(min, v);
        }
        return min >= Double.MAX_VALUE ? 1 : Math.max(1, Math.pow(10, Math.floor(Math.log10(min))));
    }

    /**
     * The latency chart, in nanoseconds on a logarithmic axis (every value above 1, which XChart's log-axis
     * whiskers need), or null when there is nothing to plot. The JMH means carry {@link #logErrorBar} and the
     * axis spans every bar and whisker end, so no whisker is cut.
     */
    static CategoryChart latencyChart(List<Map<String, Object>> lat, List<Row> pp, List<Row> vpp, String caption) {
        CategoryChart c = new CategoryChartBuilder().width(1100).height(560)
                .title("Blocking ping-pong round trip (lower is better, log scale): HdrHistogram p50/p99, "
                        + "JMH mean, whiskers to mean + 99.9% CI")
                .xAxisTitle(caption).yAxisTitle("ns").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisDecimalPattern("#,##0");
        c.getStyler().setXAxisLabelRotation(30);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setPlotGridVerticalLinesVisible(false);
        c.getStyler().setErrorBarsColor(java.awt.Color.BLACK);
        c.getStyler().setSeriesColors(SERIES_COLORS);
        // Only subjects measured with both kinds of thread (a log axis cannot show a missing value, and XChart
        // 3.8.8 does not advance its error bars past a missing or off-axis bar).
        List<BlockingSubject> subjects = new ArrayList<>();
        for (BlockingSubject s : BlockingSubject.values()) {
            if (latency(lat, s.name(), "platform") != null && latency(lat, s.name(), "virtual") != null) {
                subjects.add(s);
            }
        }
        if (subjects.isEmpty()) {
            return null;
        }
        List<String> xs = new ArrayList<>();
        for (BlockingSubject s : subjects) {
            xs.add(shortName(s.name()));
        }
        // series name -> {values, errors (null for none)}, in the legend's order; the axis is set from all of them
        Map<String, List<List<Double>>> series = new LinkedHashMap<>();
        List<Double> lows = new ArrayList<>();
        double max = 1;
        for (String kind : List.of("platform", "virtual")) {
            List<Row> jmh = kind.equals("virtual") ? vpp : pp;
            String bench = kind.equals("virtual") ? "VirtualPingPongBench.roundTrip" : "PingPongBench.roundTrip";
            List<Double> means = new ArrayList<>();
            List<Double> errs = new ArrayList<>();
            for (BlockingSubject s : subjects) {
                Row r = find(jmh, bench, s.name());
                if (r == null || Double.isNaN(r.score())) {
                    means = null;
                    break;
                }
                double mean = Math.max(1, r.score());
                double err = Double.isNaN(r.error()) ? 0 : r.error();
                means.add(mean);
                errs.add(err);
                lows.add(logErrorBarLow(mean, err));
                max = Math.max(max, mean + err);
            }
            if (means != null) {
                series.put(kind + " JMH mean", List.of(means, errs));
            }
            for (String p : List.of("p50", "p99")) {
                List<Double> ys = new ArrayList<>();
                for (BlockingSubject s : subjects) {
                    double y = Math.max(1, Json.num(latency(lat, s.name(), kind).get(p)));
                    ys.add(y);
                    lows.add(y);
                    max = Math.max(max, y);
                }
                series.put(kind + " " + p, List.of(ys));
            }
        }
        double axisMin = logAxisMin(lows);
        c.getStyler().setYAxisMin(axisMin);
        c.getStyler().setYAxisMax(max);
        for (Map.Entry<String, List<List<Double>>> e : series.entrySet()) {
            List<Double> ys = e.getValue().get(0);
            if (e.getValue().size() == 1) {
                c.addSeries(e.getKey(), xs, ys);
                continue;
            }
            List<Double> errs = new ArrayList<>();
            for (int i = 0; i < ys.size(); i++) {
                errs.add(logErrorBar(ys.get(i), e.getValue().get(1).get(i), axisMin));
            }
            c.addSeries(e.getKey(), xs, ys, errs);
        }
        return c;
    }

    static List<Row> filter(List<Row> rows, String bench) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.bench().equals(bench)) {
                out.add(r);
            }
        }
        return out;
    }

    static void save(CategoryChart c, Path file) throws IOException {
        String name = file.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(c, base, BitmapEncoder.BitmapFormat.PNG);
    }
}
