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

/** The framework rounds' section: ratios within a round, their median and spread, and issue 26's floors. */
class FrameworkSectionTest {

    static Map<String, Object> line(int round, String bench, String subject, int position, double ops) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("round", round);
        m.put("group", bench);
        m.put("subject", subject);
        m.put("position", position);
        m.put("opsPerUs", ops);
        m.put("opsPerUsError", 0.1);
        m.put("load1", 2.0 + round / 10.0);
        m.put("warmup", "2 x 1 s");
        m.put("measurement", "3 x 1 s");
        return m;
    }

    /**
     * Netty one submitter, three rounds: leanchan 8, 12, 9 against the default 10, 10, 10 (0.80, 1.20, 0.90: median
     * 0.90, met); Pekko one sender: leanchan 4, 5, 3 against 5, 5, 5 (0.80, 1.00, 0.60: median 0.80, missed);
     * toIterable has no floor.
     */
    @Test
    void medianRatioWithinRoundsSpreadAndFloors(@TempDir Path dir) throws Exception {
        List<Map<String, Object>> lines = new ArrayList<>();
        double[][] netty = {{8, 10}, {12, 10}, {9, 10}};
        double[][] pekko = {{4, 5}, {5, 5}, {3, 5}};
        double[][] iter = {{6, 5}, {6, 5}, {6, 5}};
        for (int r = 1; r <= 3; r++) {
            List<String> order = ThroughputRounds.order(r, FrameworkRounds.SUBJECTS);
            for (String[] b : new String[][] {{"NettyTaskBench.oneSubmitter", "0"}, {"PekkoMailboxBench.oneSender", "1"},
                    {"ReactorSinkBench.toIterable", "2"}}) {
                double[][] v = b[1].equals("0") ? netty : b[1].equals("1") ? pekko : iter;
                for (int p = 0; p < order.size(); p++) {
                    String s = order.get(p);
                    lines.add(line(r, b[0], s, p + 1, v[r - 1][FrameworkRounds.SUBJECTS.indexOf(s)]));
                }
            }
        }
        assertThat(FrameworkRounds.SUBJECTS).containsExactly("LEANCHAN", FrameworkRounds.BASE);
        StringBuilder text = new StringBuilder();
        for (Map<String, Object> m : lines) {
            text.append(Json.write(m)).append('\n');
        }
        Files.writeString(dir.resolve(Suite.FRAMEWORKS), text);

        String md = FrameworkSection.markdown(dir);
        assertThat(md).contains("## 12. Inside the frameworks", "in 3 rounds", "2 x 1 s warm-up, 3 x 1 s measurement",
                "load as the runs started: 2.10 to 2.30",
                "| Netty: tasks through one event loop, 1 submitter | 3 | 9.00 (8.00–12.0) | 10.0 (10.0–10.0) | 0.90x "
                        + "| 0.80–1.20 | 1: 0.80, 2: 1.20, 3: 0.90 | >= 0.8x: met |",
                "| Pekko: `tell` to one actor, 1 sender | 3 | 4.00 (3.00–5.00) | 5.00 (5.00–5.00) | 0.80x "
                        + "| 0.60–1.00 | 1: 0.80, 2: 1.00, 3: 0.60 | >= 1.0x: MISSED |",
                "| Reactor: `toIterable` (blocking consumer) | 3 |", "| 1.20x | 1.20–1.20 |");
        assertThat(md).as("benchmarks without lines have no row").doesNotContain("2 submitters |", "publishOn(single)` |");
        assertThat(FrameworkSection.markdown(dir.resolve("missing"))).isEmpty();

        String rows = FrameworkSection.targetRows(Report.loadLines(dir.resolve(Suite.FRAMEWORKS)));
        assertThat(rows).contains("| inside the frameworks, Netty: tasks through one event loop, 1 submitter: leanchan "
                + ">= 0.8x the default (issue 26) | 0.90x (median of 3 alternated rounds: 0.80, 1.20, 0.90) | met |\n");
        assertThat(rows).contains("| inside the frameworks, Pekko: `tell` to one actor, 1 sender: leanchan >= 1.0x the "
                + "default (issue 26) | 0.80x (median of 3 alternated rounds: 0.80, 1.00, 0.60) | MISSED |\n");
        assertThat(rows).as("toIterable has no floor").doesNotContain("toIterable");
        assertThat(FrameworkSection.targetRows(List.of())).isEmpty();
    }

    @Test
    void everyRoundBenchmarkHasARowInTheSection() {
        assertThat(FrameworkSection.BENCHES).extracting(FrameworkSection.Bench::name)
                .containsExactlyElementsOf(FrameworkRounds.BENCHES);
    }
}
