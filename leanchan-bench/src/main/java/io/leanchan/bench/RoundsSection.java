package io.leanchan.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The report's section on {@link ThroughputRounds} (throughput, alternated rounds), from {@link RoundsSummary}. */
final class RoundsSection {
    private RoundsSection() {
    }

    /** The section, or "" where the results folder has no rounds. */
    static String markdown(Path results) throws IOException {
        List<Map<String, Object>> lines = Report.loadLines(results.resolve(Suite.ROUNDS));
        return lines.isEmpty() ? "" : markdown(lines);
    }

    /** The section for these JSON lines of {@link ThroughputRounds}. */
    static String markdown(List<Map<String, Object>> lines) {
        Map<String, Map<String, RoundsSummary.Stat>> sum = RoundsSummary.summarize(lines);
        long rounds = lines.stream().mapToDouble(m -> Json.num(m.get("round"))).filter(r -> !Double.isNaN(r))
                .distinct().count();
        Map<String, Object> first = lines.get(0);
        StringBuilder md = new StringBuilder("## 1b. Throughput, alternated rounds\n\n");
        md.append("`ThroughputRounds` runs the benchmarks of section 1 again in ").append(rounds)
                .append(rounds == 1 ? " round" : " rounds").append(": each round runs, for 1P1C and then 2P1C, one "
                        + "JMH run per subject (its own fork, ").append(first.getOrDefault("warmup", "?"))
                .append(" warm-up, ").append(first.getOrDefault("measurement", "?"))
                .append(" measurement, no profiler) in the order ").append(order(lines))
                .append(" in odd rounds and the reverse in even ones. On 2 shared cores one run's ratio to a peer "
                        + "swings by tens of percent with whatever else the machine does, so a ratio is only taken "
                        + "between runs of the same round, the alternated order gives every subject early and late "
                        + "places, and the figures are medians over the rounds, which one disturbed round cannot "
                        + "move. 1-minute load as the runs started: ").append(loadRange(lines)).append(". Run alone: "
                        + "`java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.ThroughputRounds "
                        + "--rounds 5 --out rounds.jsonl`.\n\n");
        for (String[] g : new String[][] {{"p1", "1 producer / 1 consumer"},
                {"p2", "2 producers / 1 consumer (3 threads on 2 cores)"}}) {
            Map<String, RoundsSummary.Stat> stats = sum.get(g[0]);
            if (stats == null) {
                continue;
            }
            md.append("### Rounds, ").append(g[1]).append("\n\n");
            md.append("| subject | rounds | median messages/µs | min–max | median x MpscArrayQueue(1024) "
                    + "| x MpscArrayQueue(1024), round by round |\n|---|---:|---:|---:|---:|---|\n");
            for (RoundsSummary.Stat s : ordered(stats)) {
                boolean base = s.subject().equals(RoundsSummary.BASE);
                md.append("| ").append(Report.label(s.subject(), Subject.values())).append(" | ")
                        .append(s.msgs().size()).append(" | ").append(Report.f(s.median())).append(" | ")
                        .append(Report.f(s.min())).append("–").append(Report.f(s.max())).append(" | ")
                        .append(base ? "1 (baseline)" : s.ratios().isEmpty() ? "n/a" : x(s.medianRatio()))
                        .append(" | ").append(base ? "-" : list(s)).append(" |\n");
            }
            md.append("\n");
        }
        return md.toString();
    }

    /**
     * The "measured" cell of a throughput target from the rounds: "0.97x (median of 5 alternated rounds: 0.91,
     * 1.02, 0.97, 0.88, 1.05)", the ratios in round order.
     */
    static String measured(RoundsSummary.Stat s) {
        int n = s.ratios().size();
        return x(s.medianRatio()) + " (median of " + n + " alternated " + (n == 1 ? "round" : "rounds") + ": "
                + s.ratios().stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).collect(Collectors.joining(", "))
                + ")";
    }

    /** The subjects in {@link Subject}'s order, any other name after them. */
    static List<RoundsSummary.Stat> ordered(Map<String, RoundsSummary.Stat> stats) {
        List<RoundsSummary.Stat> out = new ArrayList<>(stats.values());
        List<String> names = List.of(Suite.names(Subject.values()).split(","));
        out.sort(Comparator.comparingInt(s -> names.contains(s.subject()) ? names.indexOf(s.subject()) : names.size()));
        return out;
    }

    /** The order of the first round (its first group), by the runs' positions. */
    static String order(List<Map<String, Object>> lines) {
        Map<String, Object> first = lines.get(0);
        return lines.stream()
                .filter(m -> Json.num(m.get("round")) == Json.num(first.get("round"))
                        && String.valueOf(m.get("group")).equals(String.valueOf(first.get("group"))))
                .sorted(Comparator.comparingDouble(m -> Json.num(m.get("position"))))
                .map(m -> Report.shortName(String.valueOf(m.get("subject"))))
                .collect(Collectors.joining(", "));
    }

    /** The lowest and highest 1-minute load as the runs started, e.g. "0.40 to 1.20". */
    static String loadRange(List<Map<String, Object>> lines) {
        double[] loads = lines.stream().mapToDouble(m -> Json.num(m.get("load1"))).filter(v -> !Double.isNaN(v))
                .toArray();
        if (loads.length == 0) {
            return "unknown";
        }
        double min = java.util.Arrays.stream(loads).min().getAsDouble();
        double max = java.util.Arrays.stream(loads).max().getAsDouble();
        return String.format(Locale.ROOT, "%.2f to %.2f", min, max);
    }

    private static String list(RoundsSummary.Stat s) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < s.ratios().size(); i++) {
            parts.add(String.format(Locale.ROOT, "%d: %.2f", s.ratioRounds().get(i), s.ratios().get(i)));
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    private static String x(double r) {
        return String.format(Locale.ROOT, "%.2fx", r);
    }
}
