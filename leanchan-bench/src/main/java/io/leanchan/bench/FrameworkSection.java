package io.leanchan.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's section on {@link FrameworkRounds} (the integration modules inside their frameworks, issue 26). */
final class FrameworkSection {
    private FrameworkSection() {
    }

    /** A row of the table: the benchmark, its label, and issue 26's floor for the ratio (NaN: none). */
    record Bench(String name, String label, double must) {
    }

    static final List<Bench> BENCHES = List.of(
            new Bench("NettyTaskBench.oneSubmitter", "Netty: tasks through one event loop, 1 submitter", 0.8),
            new Bench("NettyTaskBench.twoSubmitters", "Netty: tasks through one event loop, 2 submitters", 0.8),
            new Bench("ReactorSinkBench.publishOn", "Reactor: unicast sink → `publishOn(single)`", 0.8),
            new Bench("ReactorSinkBench.toIterable", "Reactor: `toIterable` (blocking consumer)", Double.NaN),
            new Bench("PekkoMailboxBench.oneSender", "Pekko: `tell` to one actor, 1 sender", 1.0),
            new Bench("PekkoMailboxBench.twoSenders", "Pekko: `tell` to one actor, 2 senders", 1.0));

    /** The section, or "" where the results folder has no framework rounds. */
    static String markdown(Path results) throws IOException {
        List<Map<String, Object>> lines = Report.loadLines(results.resolve(Suite.FRAMEWORKS));
        return lines.isEmpty() ? "" : markdown(lines);
    }

    /** The section for these JSON lines of {@link FrameworkRounds}. */
    static String markdown(List<Map<String, Object>> lines) {
        Map<String, Map<String, RoundsSummary.Stat>> sum =
                RoundsSummary.summarize(lines, "opsPerUs", FrameworkRounds.BASE);
        long rounds = lines.stream().mapToDouble(m -> Json.num(m.get("round"))).filter(r -> !Double.isNaN(r))
                .distinct().count();
        Map<String, Object> first = lines.get(0);
        StringBuilder md = new StringBuilder("## 12. Inside the frameworks\n\n");
        md.append("The integration modules in the frameworks they plug into, against each framework's own default "
                + "queue in the same run (issue 26). `FrameworkRounds` runs every benchmark in ").append(rounds)
                .append(rounds == 1 ? " round" : " rounds").append(": one JMH run per subject (its own fork, ")
                .append(first.getOrDefault("warmup", "?")).append(" warm-up, ")
                .append(first.getOrDefault("measurement", "?"))
                .append(" measurement, no profiler), leanchan first in odd rounds and the default first in even ones; "
                        + "the ratio is leanchan / default within a round and the table gives its median over the "
                        + "rounds, with the lowest and highest round. 1-minute load as the runs started: ")
                .append(RoundsSection.loadRange(lines)).append(". Run alone: `bin/bench --only frameworks`, or "
                        + "`java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.FrameworkRounds --rounds 5 "
                        + "--out frameworks.jsonl`.\n\n");
        md.append("| benchmark | rounds | leanchan ops/µs: median (min–max) | default ops/µs: median (min–max) "
                + "| leanchan / default: median | min–max | round by round | issue 26 floor |\n"
                + "|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Bench b : BENCHES) {
            Map<String, RoundsSummary.Stat> stats = sum.get(b.name());
            if (stats == null) {
                continue;
            }
            RoundsSummary.Stat lc = stats.get("LEANCHAN");
            RoundsSummary.Stat def = stats.get(FrameworkRounds.BASE);
            List<Double> ratios = lc == null ? List.of() : lc.ratios();
            double median = RoundsSummary.median(ratios);
            md.append("| ").append(b.label()).append(" | ").append(Math.max(lc == null ? 0 : lc.msgs().size(),
                            def == null ? 0 : def.msgs().size())).append(" | ")
                    .append(figure(lc)).append(" | ").append(figure(def)).append(" | ")
                    .append(ratios.isEmpty() ? "n/a" : x(median)).append(" | ")
                    .append(ratios.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f–%.2f",
                            ratios.stream().mapToDouble(Double::doubleValue).min().getAsDouble(),
                            ratios.stream().mapToDouble(Double::doubleValue).max().getAsDouble()))
                    .append(" | ").append(perRound(lc)).append(" | ").append(verdict(b.must(), median, ratios))
                    .append(" |\n");
        }
        md.append("""

                What runs (both subjects of a row are the same program; only the queue differs):
                - **Netty** (`NettyTaskBench`, Netty 4.2, NIO): 1 or 2 submitter threads `execute()` a small task \
                onto one event loop. leanchan: leanchan-netty's `LeanchanIoEventLoopGroup(1, NioIoHandler.newFactory())` \
                (task queues from `LeanchanTaskQueueFactory`); default: `MultiThreadIoEventLoopGroup(1, ...)`, Netty's \
                own task queue (JCTools MPSC). With 2 submitters, 3 busy threads share 2 cores.
                - **Reactor** (`ReactorSinkBench`, Reactor 3.8): `publishOn`, the JMH thread emits into a unicast sink \
                and a counting subscriber runs on a single scheduler's thread; publishOn fuses with the sink and polls \
                its buffer from that thread. leanchan: `LeanchanSinks.unicast()`; default: \
                `Sinks.many().unicast().onBackpressureBuffer()` (`Queues.unbounded()`). `toIterable`, the JMH thread \
                iterates an endless `Flux.generate` run on a single scheduler (`hide()`, so the queue is not fused \
                away). leanchan: `toIterable(256, LeanchanQueue.supplier(256))`; default: `toIterable()` \
                (`Queues.get(256)`).
                - **Pekko** (`PekkoMailboxBench`, Pekko 1.2): 1 or 2 threads `tell` one actor a message that it counts; \
                default dispatcher and settings. leanchan: `withMailbox("leanchan.pekko.unbounded-mailbox")` \
                (`LeanchanMailbox`); default: Pekko's `UnboundedMailbox`.
                - Every submitter, emitter or sender waits (parked) before a batch of 1,024 until at most one earlier \
                batch of its own is not yet consumed: the figures are steady throughput with at most about 2,048 \
                elements queued per submitter, not the growth of an unbounded backlog. `ops/µs` is tasks, elements \
                or messages consumed per microsecond, all submitters together.
                - The floor is the issue's "must" (the ratio over the rounds' median); toIterable has none.

                """);
        return md.toString();
    }

    /**
     * The rows of the report's targets table for issue 26's framework floors, one per benchmark with a floor and
     * ratios: "| inside the frameworks, ...: leanchan >= 0.8x the default (issue 26) | 0.91x (median of 5 alternated
     * rounds: ...) | met |"; "" without lines.
     */
    static String targetRows(List<Map<String, Object>> lines) {
        Map<String, Map<String, RoundsSummary.Stat>> sum =
                RoundsSummary.summarize(lines, "opsPerUs", FrameworkRounds.BASE);
        StringBuilder t = new StringBuilder();
        for (Bench b : BENCHES) {
            RoundsSummary.Stat lc = sum.getOrDefault(b.name(), Map.of()).get("LEANCHAN");
            if (Double.isNaN(b.must()) || lc == null || lc.ratios().isEmpty()) {
                continue;
            }
            t.append("| inside the frameworks, ").append(b.label()).append(": leanchan >= ")
                    .append(String.format(Locale.ROOT, "%.1fx", b.must())).append(" the default (issue 26) | ")
                    .append(RoundsSection.measured(lc)).append(" | ")
                    .append(lc.medianRatio() >= b.must() ? "met" : "MISSED").append(" |\n");
        }
        return t.toString();
    }

    /** "12.3 (11.0–13.1)", or "-" without figures. */
    static String figure(RoundsSummary.Stat s) {
        if (s == null || s.msgs().isEmpty()) {
            return "-";
        }
        return Report.f(s.median()) + " (" + Report.f(s.min()) + "–" + Report.f(s.max()) + ")";
    }

    /** "1: 0.91, 2: 1.02", or "-". */
    static String perRound(RoundsSummary.Stat s) {
        if (s == null || s.ratios().isEmpty()) {
            return "-";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < s.ratios().size(); i++) {
            parts.add(String.format(Locale.ROOT, "%d: %.2f", s.ratioRounds().get(i), s.ratios().get(i)));
        }
        return String.join(", ", parts);
    }

    /** ">= 0.8x: met", ">= 0.8x: MISSED", "-" without a floor, "n/a" without ratios. */
    static String verdict(double must, double median, List<Double> ratios) {
        if (Double.isNaN(must)) {
            return "-";
        }
        String floor = String.format(Locale.ROOT, ">= %.1fx", must);
        if (ratios.isEmpty()) {
            return floor + ": n/a";
        }
        return floor + ": " + (median >= must ? "met" : "MISSED");
    }

    private static String x(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }
}
