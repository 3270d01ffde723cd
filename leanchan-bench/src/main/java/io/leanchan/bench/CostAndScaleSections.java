package io.leanchan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's sections for the per-operation cost, one message in flight, blocking at scale, waiter
 * footprint and inlining ({@link CostBench}, {@link InFlightBench}, {@link ScaleHarness},
 * {@link WaiterFootprint}, {@link InliningCheck}). {@link Report} appends {@link #markdown(Path)}; everything
 * here reads the results folder itself, and a part whose results are missing is left out.
 */
final class CostAndScaleSections {
    static final String BASE = "MPSC_ARRAY_1024";

    private CostAndScaleSections() {
    }

    static String markdown(Path results) throws IOException {
        StringBuilder md = new StringBuilder();
        List<Report.Row> cost = Report.load(results.resolve(Suite.COST));
        List<Report.Row> flight = Report.load(results.resolve(Suite.INFLIGHT));
        List<Map<String, Object>> scale = lines(results.resolve(Suite.SCALE));
        List<Map<String, Object>> waiters = lines(results.resolve(Suite.WAITERS));
        List<Map<String, Object>> inlining = lines(results.resolve(Suite.INLINING));
        if (!cost.isEmpty()) {
            md.append(cost(cost));
        }
        if (!flight.isEmpty()) {
            md.append(inFlight(flight));
        }
        if (!scale.isEmpty()) {
            md.append(scale(scale));
        }
        if (!waiters.isEmpty()) {
            md.append(waiters(waiters));
        }
        if (!inlining.isEmpty()) {
            md.append(inlining(inlining));
        }
        return md.toString();
    }

    // ---- CostBench

    /** The most forks any row of the benchmark ending in {@code bench} ran (1 if none). */
    private static long forks(List<Report.Row> rows, String bench) {
        return rows.stream().filter(r -> r.bench().endsWith(bench))
                .mapToLong(r -> (long) Json.num(r.json().get("forks"))).max().orElse(1);
    }

    static String cost(List<Report.Row> rows) {
        StringBuilder md = new StringBuilder("## 6. Cost per operation, one thread\n\n");
        long emptyForks = forks(rows, "CostBench.emptyPoll");
        long pairForks = forks(rows, "CostBench.pair");
        md.append("`CostBench` (JMH, average time): one thread, no other thread touching the channel. `pair` = one "
                + "send then one receive (" + (pairForks == 1 ? "1 fork in this run" : pairForks + " forks")
                + ": forks of one build differ by up to 2 ns, by how C2 allocated the loop's registers); `batch64` = "
                + "64 sends then 64 receives, per send+receive pair (`bounded(16)`: 4 rounds of 16); `empty poll` = a receive on an idle channel that has carried "
                + String.format(Locale.ROOT, "%,d", CostBench.HISTORY) + " messages (in batches and one at a time) "
                + "and is empty (" + (emptyForks == 1 ? "1 fork in this run: one fork's figure depends on"
                        : emptyForks + " forks: one fork's figure would depend on")
                + " how C2 compiled the receive while the ring was still there). `x` = the subject's time / JCTools `MpscArrayQueue(1024)`'s in the same run "
                + "(lower is better). Run alone: `java -jar leanchan-bench/target/benchmarks.jar CostBench` "
                + "(`-p subject=LEANCHAN_1024,MPSC_ARRAY_1024` for two).\n\n");
        md.append("| subject | pair ns | x | batch64 ns/pair | x | empty poll ns | x | pair B/op |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String s : CostBench.SUBJECTS.split(",")) {
            Report.Row pair = Report.find(rows, "CostBench.pair", s);
            Report.Row batch = Report.find(rows, "CostBench.batch64", s);
            Report.Row empty = Report.find(rows, "CostBench.emptyPoll", s);
            if (pair == null && batch == null && empty == null) {
                continue;
            }
            md.append("| ").append(label(s)).append(" | ").append(pm(pair)).append(" | ")
                    .append(x(pair, Report.find(rows, "CostBench.pair", BASE))).append(" | ").append(pm(batch))
                    .append(" | ").append(x(batch, Report.find(rows, "CostBench.batch64", BASE))).append(" | ")
                    .append(pm(empty)).append(" | ").append(x(empty, Report.find(rows, "CostBench.emptyPoll", BASE)))
                    .append(" | ").append(pair == null ? "-" : num(pair.metric("gc.alloc.rate.norm"))).append(" |\n");
        }
        md.append("\nTargets (issue 8), leanchan against `MpscArrayQueue` in this run:\n\n");
        md.append("| figure | must | goal | leanchan bounded(16) | bounded(1024) | unbounded() |\n"
                + "|---|---|---|---|---|---|\n");
        for (String[] t : new String[][] {{"CostBench.pair", "pair", "1.5", "1.0"},
                {"CostBench.batch64", "batch64 (no target; for reading)", "", ""},
                {"CostBench.emptyPoll", "empty poll of an idle channel", "2.0", "1.0"}}) {
            Report.Row base = Report.find(rows, t[0], BASE);
            md.append("| ").append(t[1]).append(" | ").append(t[2].isEmpty() ? "-" : "<= " + t[2] + "x")
                    .append(" | ").append(t[3].isEmpty() ? "-" : "<= " + t[3] + "x");
            for (String s : List.of("LEANCHAN_16", "LEANCHAN_1024", "LEANCHAN_UNBOUNDED")) {
                Report.Row r = Report.find(rows, t[0], s);
                md.append(" | ");
                if (r == null || base == null) {
                    md.append("-");
                    continue;
                }
                double ratio = r.score() / base.score();
                md.append(String.format(Locale.ROOT, "%.2fx", ratio));
                if (!t[2].isEmpty()) {
                    md.append(" ").append(verdict(r, base, Double.parseDouble(t[2]), Double.parseDouble(t[3])));
                }
            }
            md.append(" |\n");
        }
        md.append("\n");
        return md.toString();
    }

    /**
     * "goal met", "must met", "MISSED", or "inconclusive" where the error bars straddle the must line
     * (errors combined as the ratio's bounds: (a ± ea) / (b ∓ eb)).
     */
    static String verdict(Report.Row r, Report.Row base, double must, double goal) {
        double lo = lowRatio(r, base);
        double hi = highRatio(r, base);
        double mid = r.score() / base.score();
        if (hi <= goal) {
            return "(goal met)";
        }
        if (hi <= must) {
            return mid <= goal ? "(must met; goal within error)" : "(must met)";
        }
        if (lo > must) {
            return "(**must MISSED**)";
        }
        return "(inconclusive: the errors straddle the must)";
    }

    static double lowRatio(Report.Row r, Report.Row base) {
        double e = finite(r.error());
        double eb = finite(base.error());
        return (r.score() - e) / (base.score() + eb);
    }

    static double highRatio(Report.Row r, Report.Row base) {
        double e = finite(r.error());
        double eb = finite(base.error());
        double den = base.score() - eb;
        return den <= 0 ? Double.POSITIVE_INFINITY : (r.score() + e) / den;
    }

    static double finite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? 0 : v;
    }

    // ---- InFlightBench

    static String inFlight(List<Report.Row> rows) {
        StringBuilder md = new StringBuilder("## 7. One message in flight (trySend / tryReceive, both sides spinning)\n\n");
        md.append("`InFlightBench` (JMH, average time): two threads bounce one message through two channels, both "
                + "spinning on `trySend` / `tryReceive` (the per-connection dispatch case). One op = one round trip "
                + "(two sends, two receives, two hand-offs between cores). It needs both cores: on a shared 2-core "
                + "machine it is noisy, read it with its error. Goal (issue 8): leanchan's round trip <= the best "
                + "peer's. Run alone: `java -jar leanchan-bench/target/benchmarks.jar InFlightBench`.\n\n");
        md.append("| subject | round trip ns | x MpscArrayQueue |\n|---|---:|---:|\n");
        Report.Row base = Report.find(rows, "InFlightBench.roundTrip", BASE);
        Report.Row best = null;
        for (String s : CostBench.SUBJECTS.split(",")) {
            Report.Row r = Report.find(rows, "InFlightBench.roundTrip", s);
            if (r == null) {
                continue;
            }
            if (!s.startsWith("LEANCHAN") && (best == null || r.score() < best.score())) {
                best = r;
            }
            md.append("| ").append(label(s)).append(" | ").append(pm(r)).append(" | ").append(x(r, base)).append(" |\n");
        }
        if (best != null) {
            md.append("\nBest peer: ").append(label(best.subject())).append(", ").append(pm(best))
                    .append(" ns. leanchan against it:");
            for (String s : List.of("LEANCHAN_16", "LEANCHAN_1024", "LEANCHAN_UNBOUNDED")) {
                Report.Row r = Report.find(rows, "InFlightBench.roundTrip", s);
                if (r == null) {
                    continue;
                }
                String v;
                if (r.score() + finite(r.error()) <= best.score() - finite(best.error())) {
                    v = "goal met";
                } else if (r.score() - finite(r.error()) > best.score() + finite(best.error())) {
                    v = "goal missed";
                } else {
                    v = "inconclusive (the errors overlap)";
                }
                md.append(" ").append(label(s)).append(String.format(Locale.ROOT, " %.2fx, %s;", r.score() / best.score(), v));
            }
            md.setLength(md.length() - 1);
            md.append(".\n");
        }
        md.append("\n");
        return md.toString();
    }

    // ---- ScaleHarness

    /** Median seconds of the repetitions of one case; a timed-out repetition counts as longer than any. */
    record Stat(List<Double> seconds, int timedOut, double limit, String progress) {
        Stat(List<Double> seconds, int timedOut, double limit) {
            this(seconds, timedOut, limit, null);
        }

        int runs() {
            return seconds.size() + timedOut;
        }

        /** The median, or +infinity where the median repetition passed the limit. */
        double median() {
            List<Double> all = new ArrayList<>(seconds);
            for (int i = 0; i < timedOut; i++) {
                all.add(Double.POSITIVE_INFINITY);
            }
            Collections.sort(all);
            int n = all.size();
            if (n == 0) {
                return Double.NaN;
            }
            return n % 2 == 1 ? all.get(n / 2) : (all.get(n / 2 - 1) + all.get(n / 2)) / 2;
        }

        String text() {
            double m = median();
            if (Double.isInfinite(m)) {
                return String.format(Locale.ROOT, "> %.0f s", limit)
                        + (seconds.isEmpty() ? "" : " (" + seconds.size() + " of " + runs() + " runs finished)")
                        + (progress == null ? "" : " (" + progress + ")");
            }
            StringBuilder sb = new StringBuilder(secs(m));
            if (runs() > 1) {
                List<Double> s = new ArrayList<>(seconds);
                Collections.sort(s);
                sb.append(" (").append(runs()).append(" runs, ").append(secs(s.get(0))).append(" to ");
                sb.append(timedOut > 0 ? String.format(Locale.ROOT, "> %.0f s; %d timed out%s)", limit, timedOut,
                        progress == null ? "" : ", " + progress)
                        : secs(s.get(s.size() - 1)) + ")");
            }
            return sb.toString();
        }
    }

    static String key(Map<String, Object> m) {
        long n = ((Number) m.get("n")).longValue();
        if (!"senders".equals(m.get("test"))) {
            return m.get("test") + " " + n;
        }
        return m.get("test") + " " + m.get("subject") + " " + ((Number) m.get("capacity")).longValue() + " "
                + m.get("threads") + " " + n;
    }

    static Map<String, Stat> medians(List<Map<String, Object>> results) {
        Map<String, List<Double>> secs = new LinkedHashMap<>();
        Map<String, Integer> outs = new LinkedHashMap<>();
        Map<String, Double> limits = new LinkedHashMap<>();
        Map<String, String> progress = new LinkedHashMap<>();
        for (Map<String, Object> m : results) {
            String k = key(m);
            secs.computeIfAbsent(k, x -> new ArrayList<>());
            outs.putIfAbsent(k, 0);
            limits.put(k, ((Number) m.get("limit")).doubleValue());
            if (Boolean.TRUE.equals(m.get("timedOut"))) {
                outs.merge(k, 1, Integer::sum);
                if (m.get("received") instanceof Number got && m.get("expected") instanceof Number all
                        && m.get("receivedLastSecond") instanceof Number last) {
                    String phase = "warm-up".equals(m.get("phase")) ? " in a warm-up run" : "";
                    progress.putIfAbsent(k, String.format(Locale.ROOT, "%s%s: %,d of %,d received, %,d in the last second",
                            last.longValue() == 0 ? "stuck" : "slow", phase, got.longValue(), all.longValue(),
                            last.longValue()));
                }
            } else {
                secs.get(k).add(((Number) m.get("seconds")).doubleValue());
            }
        }
        Map<String, Stat> out = new LinkedHashMap<>();
        for (String k : secs.keySet()) {
            out.put(k, new Stat(secs.get(k), outs.get(k), limits.get(k), progress.get(k)));
        }
        return out;
    }

    static String scale(List<Map<String, Object>> results) {
        Map<String, Stat> st = medians(results);
        StringBuilder md = new StringBuilder("## 8. Blocking at scale\n\n");
        md.append("`ScaleHarness` (single-shot timings, not JMH): N threads each blocking-send ")
                .append(ScaleHarness.PER_SENDER).append(" messages into one channel, one platform thread "
                        + "blocking-receives all of them. All N senders are started and waiting on a gate first; "
                        + "the clock runs from the gate opening to the last message received. One JVM per run, "
                        + "warmed up on the same case at a small size; subjects alternate; the figure is the median "
                        + "of the runs (range in brackets). A run that passes the limit is stopped and shown as "
                        + "`> limit` (a case past the limit twice is not tried again). Targets (issue 9): leanchan <= 2x "
                        + "`ArrayBlockingQueue` (must), <= 1x and <= `LinkedBlockingQueue` (goal). Run alone: "
                        + "`java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.ScaleHarness` "
                        + "(`--reps R --limit SECONDS --only senders|async|close`).\n\n");
        md.append("| threads | N | C | leanchan bounded(C) | ArrayBlockingQueue(C) | LinkedBlockingQueue(C) "
                + "| leanchan / ABQ | verdict |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
        List<String> seen = new ArrayList<>();
        for (Map<String, Object> m : results) {
            if (!"senders".equals(m.get("test"))) {
                continue;
            }
            String group = m.get("threads") + " " + ((Number) m.get("n")).longValue() + " "
                    + ((Number) m.get("capacity")).longValue();
            if (seen.contains(group)) {
                continue;
            }
            seen.add(group);
            String[] g = group.split(" ");
            Stat lean = st.get("senders LEANCHAN " + g[2] + " " + g[0] + " " + g[1]);
            Stat abq = st.get("senders ABQ " + g[2] + " " + g[0] + " " + g[1]);
            Stat lbq = st.get("senders LBQ " + g[2] + " " + g[0] + " " + g[1]);
            md.append("| ").append(g[0]).append(" | ").append(String.format(Locale.ROOT, "%,d", Long.parseLong(g[1])))
                    .append(" | ").append(g[2]).append(" | ").append(text(lean)).append(" | ").append(text(abq))
                    .append(" | ").append(text(lbq)).append(" | ");
            double l = lean == null ? Double.NaN : lean.median();
            double a = abq == null ? Double.NaN : abq.median();
            double b = lbq == null ? Double.NaN : lbq.median();
            if (Double.isInfinite(l) && Double.isFinite(a)) {
                double atLeast = lean.limit() / a;
                md.append(String.format(Locale.ROOT, "> %.1fx", atLeast)).append(atLeast >= 2 ? " | **must MISSED** |\n"
                        : " | inconclusive (past the limit; rerun with a larger `--limit`) |\n");
            } else if (Double.isFinite(l) && Double.isFinite(a)) {
                double r = l / a;
                String v = r > 2 ? "**must MISSED**" : r <= 1 && (!Double.isFinite(b) || l <= b) ? "goal met"
                        : "must met";
                md.append(String.format(Locale.ROOT, "%.2fx", r)).append(" | ").append(v).append(" |\n");
            } else {
                md.append("- | - |\n");
            }
        }
        linear(md, results, st, "async", "\nPending `sendAsync`: `bounded(1)` is filled, one thread makes K "
                + "`sendAsync` calls (all pending), then the receiver takes the K + 1 messages; the clock runs over the "
                + "drain. Target (issue 9): linear, 4x the waiters in <= 5x the time.\n\n", "K pending", "drain");
        linear(md, results, st, "close", "\n`close()` with K waiting senders: K virtual threads blocked in `send` on "
                + "a full `bounded(1)`, then `close()`; the clock runs from the close to the last sender done, each "
                + "failed with its message handed back. Target (issue 9): linear in K.\n\n", "K waiting",
                "close to all done");
        md.append("\n");
        return md.toString();
    }

    /** A table of one single-subject test at two sizes, and whether the larger took at most 1.25x its share of time. */
    static void linear(StringBuilder md, List<Map<String, Object>> results, Map<String, Stat> st, String test,
            String intro, String kHeader, String what) {
        List<Long> ks = new ArrayList<>();
        for (Map<String, Object> m : results) {
            long k = ((Number) m.get("n")).longValue();
            if (test.equals(m.get("test")) && !ks.contains(k)) {
                ks.add(k);
            }
        }
        if (ks.isEmpty()) {
            return;
        }
        md.append(intro);
        md.append("| ").append(kHeader).append(" | ").append(what).append(" (median) |\n|---:|---:|\n");
        for (long k : ks) {
            md.append("| ").append(String.format(Locale.ROOT, "%,d", k)).append(" | ")
                    .append(text(st.get(test + " " + k))).append(" |\n");
        }
        if (ks.size() == 2) {
            Stat small = st.get(test + " " + ks.get(0));
            Stat large = st.get(test + " " + ks.get(1));
            double f = (double) ks.get(1) / ks.get(0);
            double r = large.median() / small.median();
            md.append("\n").append(String.format(Locale.ROOT, "%.0fx the waiters: ", f));
            if (Double.isInfinite(large.median()) && Double.isFinite(small.median())) {
                md.append(large.limit() > small.median() * f * 1.25
                        ? "the larger run passed the limit, more than linear: **must MISSED**"
                        : "the larger run passed the limit: inconclusive (rerun with a larger `--limit`)");
            } else if (Double.isInfinite(small.median())) {
                md.append("both runs passed the limit: **must MISSED**");
            } else {
                md.append(String.format(Locale.ROOT, "%.1fx the time", r)).append(r <= f * 1.25
                        ? " (linear: must met)" : " (**must MISSED**: worse than linear)");
            }
            md.append(".\n");
        }
    }

    static String text(Stat s) {
        return s == null ? "-" : s.text();
    }

    // ---- WaiterFootprint

    static String waiters(List<Map<String, Object>> rows) {
        StringBuilder md = new StringBuilder("## 9. What one waiter costs\n\n");
        md.append("`WaiterFootprint` (JOL sizes): how much the object graph of a full channel (channel + sender + "
                + "receiver) grows with K waiting senders, K pending `sendAsync` or one pending `receiveAsync`, "
                + "per waiter. The walk stops at `Thread` objects (a parked thread and its stack are not the "
                + "channel's) and leaves out the message. K = 1: the first waiter; K = 64: per waiter, averaged. "
                + "Run alone: `java -Djdk.attach.allowAttachSelf -XX:+EnableDynamicAgentLoading -cp "
                + "leanchan-bench/target/benchmarks.jar io.leanchan.bench.WaiterFootprint`.\n\n");
        md.append("| waiter | threads | bytes, K = 1 | bytes per waiter, K = 64 |\n|---|---|---:|---:|\n");
        Map<String, String[]> table = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            String k = r.get("label") + "|" + r.get("threads");
            String[] cells = table.computeIfAbsent(k, x -> new String[] {"-", "-"});
            int col = ((Number) r.get("k")).intValue() == 1 ? 0 : 1;
            cells[col] = num(((Number) r.get("bytesPerWaiter")).doubleValue());
        }
        for (Map.Entry<String, String[]> e : table.entrySet()) {
            String[] lt = e.getKey().split("\\|");
            md.append("| ").append(lt[0]).append(" | ").append(lt[1]).append(" | ").append(e.getValue()[0])
                    .append(" | ").append(e.getValue()[1]).append(" |\n");
        }
        md.append("\n");
        return md.toString();
    }

    // ---- InliningCheck

    static String inlining(List<Map<String, Object>> rows) {
        StringBuilder md = new StringBuilder("## 10. Inlining of the fast paths\n\n");
        md.append("`InliningCheck`: a driver loop (send+receive pairs, batches of 64, empty polls, calling `Sender` "
                + "and `Receiver` directly) in a JVM with `-XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining "
                + "-XX:-TieredCompilation`; one verdict per `io.leanchan` method over every C2 call site in the "
                + "log. `hot, too big` = C2 found the site hot and still did not inline (`hot method too big`: over "
                + "`FreqInlineSize`, 325 bytecodes; `already compiled into a big method`: the callee's machine code "
                + "is over `InlineSmallCode`): the fast path pays a call there. `too big, not hot` = a site C2 did "
                + "not find hot, over `MaxInlineSize` (35 bytecodes), usually a slow path. `COLD` = the site "
                + "(almost) never ran. Run alone: `java -cp leanchan-bench/target/benchmarks.jar "
                + "io.leanchan.bench.InliningCheck` (`--parse LOG` reads any `-XX:+PrintInlining` log, e.g. of a "
                + "`CostBench` fork run with `-jvmArgsAppend \"-XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining\"`).\n\n");
        Map<String, List<String>> hot = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            List<String> h = hot.computeIfAbsent(String.valueOf(r.get("channel")), x -> new ArrayList<>());
            if (r.get("hotSitesNotInlined") instanceof Number n && n.intValue() > 0) {
                String m = String.valueOf(r.get("method"));
                h.add("`" + m.substring(m.lastIndexOf('.') + 1) + "` (" + ((Number) r.get("bytes")).longValue()
                        + " bytes)");
            }
        }
        for (Map.Entry<String, List<String>> e : hot.entrySet()) {
            md.append("- leanchan ").append(e.getKey()).append(": ").append(e.getValue().isEmpty()
                    ? "every hot `io.leanchan` call site is inlined."
                    : "hot call sites **not inlined**: " + String.join(", ", e.getValue()) + ".").append("\n");
        }
        md.append("\n");
        md.append("| channel | method | bytecodes | verdict | C2's reasons (sites) |\n|---|---|---:|---|---|\n");
        for (Map<String, Object> r : rows) {
            String v = String.valueOf(r.get("verdict"));
            md.append("| ").append(r.get("channel")).append(" | `").append(r.get("method")).append("` | ")
                    .append(((Number) r.get("bytes")).longValue()).append(" | ")
                    .append(v.startsWith("NOT") || v.equals("MIXED") ? "**" + v + "**" : v).append(" | ")
                    .append(r.get("detail")).append(" |\n");
        }
        md.append("\n");
        return md.toString();
    }

    // ---- helpers

    static List<Map<String, Object>> lines(Path file) throws IOException {
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

    static String label(String subject) {
        try {
            return Subject.valueOf(subject).label;
        } catch (IllegalArgumentException e) {
            return subject;
        }
    }

    static String pm(Report.Row r) {
        if (r == null) {
            return "-";
        }
        double e = r.error();
        return Double.isNaN(e) ? num(r.score()) : num(r.score()) + " ± " + num(e);
    }

    static String x(Report.Row r, Report.Row base) {
        if (r == null || base == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fx", r.score() / base.score());
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String secs(double s) {
        return s >= 10 ? String.format(Locale.ROOT, "%.1f s", s) : s >= 0.1 ? String.format(Locale.ROOT, "%.2f s", s)
                : String.format(Locale.ROOT, "%.1f ms", s * 1000);
    }
}
