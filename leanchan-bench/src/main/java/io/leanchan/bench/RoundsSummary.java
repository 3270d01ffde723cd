package io.leanchan.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of {@link ThroughputRounds}' JSON lines: per group and subject the messages/µs of every round, their
 * median, min and max, and the ratio to {@code MpscArrayQueue(1024)} within each round with its median over the
 * rounds. Pure: lines in, records out.
 */
final class RoundsSummary {
    /** The subject every ratio is taken against. */
    static final String BASE = "MPSC_ARRAY_1024";

    private RoundsSummary() {
    }

    /**
     * One subject in one group over the rounds.
     *
     * @param rounds      the rounds it ran in, ascending
     * @param msgs        its messages/µs, one per entry of {@code rounds}
     * @param ratioRounds the rounds where both it and {@link #BASE} have a figure, ascending
     * @param ratios      its messages/µs over {@link #BASE}'s of the same round, one per entry of {@code ratioRounds}
     */
    record Stat(String subject, List<Integer> rounds, List<Double> msgs, List<Integer> ratioRounds,
            List<Double> ratios) {
        /** The median messages/µs over the rounds. */
        double median() {
            return RoundsSummary.median(msgs);
        }

        /** The lowest messages/µs of the rounds. */
        double min() {
            return msgs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        /** The highest messages/µs of the rounds. */
        double max() {
            return msgs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }

        /** The median over the rounds of the per-round ratio to {@link #BASE}; NaN without one. */
        double medianRatio() {
            return RoundsSummary.median(ratios);
        }
    }

    /**
     * Groups the lines by group and subject (in the order they first appear) and pairs every figure with
     * {@link #BASE}'s of the same round and group. A line without a positive finite {@code pollsMade} is left out.
     *
     * @return group ({@code p1}, {@code p2}) to subject to its figures
     */
    static Map<String, Map<String, Stat>> summarize(List<Map<String, Object>> lines) {
        return summarize(lines, "pollsMade", BASE);
    }

    /**
     * {@link #summarize(List)} for other rounds ({@link FrameworkRounds}): the figure is the lines' {@code value}
     * and every ratio is taken against subject {@code base} of the same round and group.
     */
    static Map<String, Map<String, Stat>> summarize(List<Map<String, Object>> lines, String value, String baseSubject) {
        // group -> subject -> round -> messages/µs
        Map<String, Map<String, TreeMap<Integer, Double>>> by = new LinkedHashMap<>();
        for (Map<String, Object> m : lines) {
            double v = Json.num(m.get(value));
            double round = Json.num(m.get("round"));
            if (!(v > 0) || Double.isInfinite(v) || Double.isNaN(round)) {
                continue;
            }
            by.computeIfAbsent(String.valueOf(m.get("group")), g -> new LinkedHashMap<>())
                    .computeIfAbsent(String.valueOf(m.get("subject")), s -> new TreeMap<>())
                    .put((int) round, v);
        }
        Map<String, Map<String, Stat>> out = new LinkedHashMap<>();
        by.forEach((group, subjects) -> {
            TreeMap<Integer, Double> base = subjects.getOrDefault(baseSubject, new TreeMap<>());
            Map<String, Stat> stats = new LinkedHashMap<>();
            subjects.forEach((subject, perRound) -> {
                List<Integer> ratioRounds = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                perRound.forEach((round, v) -> {
                    Double b = base.get(round);
                    if (b != null) {
                        ratioRounds.add(round);
                        ratios.add(v / b);
                    }
                });
                stats.put(subject, new Stat(subject, List.copyOf(perRound.keySet()), List.copyOf(perRound.values()),
                        List.copyOf(ratioRounds), List.copyOf(ratios)));
            });
            out.put(group, stats);
        });
        return out;
    }

    /** The median (the mean of the middle two for an even count); NaN for none. */
    static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
