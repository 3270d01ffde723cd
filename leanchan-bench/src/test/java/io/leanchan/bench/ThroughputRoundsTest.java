package io.leanchan.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The alternated rounds: their order, the medians and per-round ratios, and the targets that use them. */
class ThroughputRoundsTest {

    @Test
    void oddRoundsRunTheSubjectsInOrderEvenRoundsReversed() {
        List<String> abc = List.of("A", "B", "C");
        assertThat(ThroughputRounds.order(1, abc)).containsExactly("A", "B", "C");
        assertThat(ThroughputRounds.order(2, abc)).containsExactly("C", "B", "A");
        assertThat(ThroughputRounds.order(3, abc)).containsExactly("A", "B", "C");
        assertThat(ThroughputRounds.SUBJECTS).contains("LEANCHAN_1024", RoundsSummary.BASE, "LEANCHAN_UNBOUNDED");
    }

    static Map<String, Object> line(int round, String group, String subject, int position, Double msgs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("round", round);
        m.put("group", group);
        m.put("subject", subject);
        m.put("position", position);
        m.put("pollsMade", msgs == null ? Double.NaN : msgs); // written as null
        m.put("pollsMadeError", 0.5);
        m.put("load1", 1.0 + round / 10.0);
        m.put("warmup", "2 x 1 s");
        m.put("measurement", "3 x 1 s");
        return m;
    }

    /**
     * p1: three rounds, leanchan(1024) 9, 11, 7.6 against MpscArrayQueue 10, 10, 8 (ratios 0.90, 1.10, 0.95),
     * unbounded 20, 15, 8 (2.0, 1.5, 1.0). p2: leanchan(1024) 3, 2 and a failed run against 4, 4 (0.75, 0.50).
     */
    static Path rounds(Path dir) throws Exception {
        List<Map<String, Object>> lines = new ArrayList<>();
        double[][] p1 = {{9, 10, 20}, {11, 10, 15}, {7.6, 8, 8}};
        List<String> subjects = List.of("LEANCHAN_1024", "MPSC_ARRAY_1024", "LEANCHAN_UNBOUNDED");
        for (int r = 1; r <= 3; r++) {
            List<String> order = ThroughputRounds.order(r, subjects);
            for (int p = 0; p < order.size(); p++) {
                lines.add(line(r, "p1", order.get(p), p + 1, p1[r - 1][subjects.indexOf(order.get(p))]));
            }
            Double failedInRound3 = r == 1 ? Double.valueOf(3.0) : r == 2 ? Double.valueOf(2.0) : null;
            lines.add(line(r, "p2", "LEANCHAN_1024", 1, failedInRound3));
            lines.add(line(r, "p2", "MPSC_ARRAY_1024", 2, 4.0));
        }
        StringBuilder text = new StringBuilder();
        for (Map<String, Object> m : lines) {
            text.append(Json.write(m)).append('\n');
        }
        return Files.writeString(dir.resolve(Suite.ROUNDS), text);
    }

    @Test
    void mediansOverRoundsAndRatiosWithinARound(@TempDir Path dir) throws Exception {
        Map<String, Map<String, RoundsSummary.Stat>> sum =
                RoundsSummary.summarize(Report.loadLines(rounds(dir)));
        RoundsSummary.Stat lc = sum.get("p1").get("LEANCHAN_1024");
        assertThat(lc.rounds()).containsExactly(1, 2, 3);
        assertThat(lc.median()).isEqualTo(9.0);
        assertThat(lc.min()).isEqualTo(7.6);
        assertThat(lc.max()).isEqualTo(11.0);
        assertThat(lc.ratios()).hasSize(3);
        assertThat(lc.ratios().get(0)).isCloseTo(0.90, within(1e-9));
        assertThat(lc.ratios().get(1)).isCloseTo(1.10, within(1e-9));
        assertThat(lc.ratios().get(2)).isCloseTo(0.95, within(1e-9));
        assertThat(lc.medianRatio()).isCloseTo(0.95, within(1e-9));
        assertThat(sum.get("p1").get("LEANCHAN_UNBOUNDED").medianRatio()).isCloseTo(1.5, within(1e-9));
        assertThat(sum.get("p1").get(RoundsSummary.BASE).medianRatio()).isEqualTo(1.0);

        RoundsSummary.Stat two = sum.get("p2").get("LEANCHAN_1024");
        assertThat(two.rounds()).as("the failed run (null pollsMade) is left out").containsExactly(1, 2);
        assertThat(two.ratioRounds()).containsExactly(1, 2);
        assertThat(two.medianRatio()).as("an even count: the mean of the middle two").isCloseTo(0.625, within(1e-9));
        assertThat(RoundsSummary.median(List.of())).isNaN();

        String md = RoundsSection.markdown(dir);
        assertThat(md).contains("## 1b. Throughput, alternated rounds", "in 3 rounds",
                "in the order leanchan(1024), MpscArray, leanchan(unbounded) in odd rounds",
                "2 x 1 s warm-up, 3 x 1 s measurement", "load as the runs started: 1.10 to 1.30",
                "### Rounds, 1 producer / 1 consumer",
                "| leanchan bounded(1024) | 3 | 9.00 | 7.60–11.0 | 0.95x | 1: 0.90, 2: 1.10, 3: 0.95 |",
                "| JCTools MpscArrayQueue(1024) | 3 | 10.0 | 8.00–10.0 | 1 (baseline) | - |",
                "| leanchan unbounded | 3 | 15.0 | 8.00–20.0 | 1.50x |");
        assertThat(RoundsSection.markdown(dir.resolve("missing"))).isEmpty();
    }

    /** Single-run JMH results: leanchan(1024) 12.5 and MpscArrayQueue 10 in both groups. */
    static final String JMH = """
            [{"benchmark":"io.leanchan.bench.ThroughputBench.p1","params":{"subject":"LEANCHAN_1024"},
              "secondaryMetrics":{"pollsMade":{"score":12.5}}},
             {"benchmark":"io.leanchan.bench.ThroughputBench.p1","params":{"subject":"MPSC_ARRAY_1024"},
              "secondaryMetrics":{"pollsMade":{"score":10.0}}},
             {"benchmark":"io.leanchan.bench.ThroughputBench.p2","params":{"subject":"LEANCHAN_1024"},
              "secondaryMetrics":{"pollsMade":{"score":12.5}}},
             {"benchmark":"io.leanchan.bench.ThroughputBench.p2","params":{"subject":"MPSC_ARRAY_1024"},
              "secondaryMetrics":{"pollsMade":{"score":10.0}}}]
            """;

    @Test
    void targetsTakeTheRoundsMedianAndFallBackToTheSingleRun(@TempDir Path dir) throws Exception {
        List<Report.Row> tpt = Report.load(Files.writeString(dir.resolve("t.json"), JMH));
        String single = Report.targets(tpt, List.of(), List.of(), List.of());
        assertThat(single).contains("| throughput 1P1C: leanchan(1024) >= 1.0x MpscArrayQueue(1024) (floor 0.8x) "
                + "| 1.25x | met |");

        Map<String, Map<String, RoundsSummary.Stat>> sum = RoundsSummary.summarize(Report.loadLines(rounds(dir)));
        String t = Report.targets(tpt, List.of(), List.of(), List.of(), sum);
        assertThat(t).contains("| throughput 1P1C: leanchan(1024) >= 1.0x MpscArrayQueue(1024) (floor 0.8x) "
                + "| 0.95x (median of 3 alternated rounds: 0.90, 1.10, 0.95) | below target, above the 0.8x floor |");
        assertThat(t).contains("| throughput 2P1C: leanchan(1024) >= 1.0x MpscArrayQueue(1024) (floor 0.8x) "
                + "| 0.63x (median of 2 alternated rounds: 0.75, 0.50) | MISSED |");

        // Rounds of p1 only: p2 falls back to its single run; without the single runs p1 still has its row.
        Map<String, Map<String, RoundsSummary.Stat>> onlyP1 = Map.of("p1", sum.get("p1"));
        assertThat(Report.targets(tpt, List.of(), List.of(), List.of(), onlyP1))
                .contains("1P1C: leanchan(1024) >= 1.0x MpscArrayQueue(1024) (floor 0.8x) | 0.95x (median of 3")
                .contains("2P1C: leanchan(1024) >= 1.0x MpscArrayQueue(1024) (floor 0.8x) | 1.25x | met |");
        assertThat(Report.targets(List.of(), List.of(), List.of(), List.of(), onlyP1))
                .contains("1P1C: leanchan(1024) >= 1.0x MpscArrayQueue(1024) (floor 0.8x) | 0.95x (median of 3")
                .doesNotContain("2P1C: leanchan(1024) >= 1.0x");
    }
}
