package io.leanchan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The suite's JSON goes through Jackson both ways, and the charts carry the machine, the JVM and error bars. */
class JsonAndChartsTest {

    @Test
    void writtenLinesParseBackWithJackson() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", "quote \" backslash \\ newline \n tab \t");
        m.put("count", 12L);
        m.put("mean", 1.5);
        m.put("nan", Double.NaN);
        m.put("none", null);
        String line = Json.write(m);
        assertThat(line).doesNotContain("\n");
        JsonNode n = new ObjectMapper().readTree(line);
        assertThat(n.get("subject").asText()).isEqualTo("quote \" backslash \\ newline \n tab \t");
        assertThat(n.get("count").asLong()).isEqualTo(12);
        assertThat(n.get("mean").asDouble()).isEqualTo(1.5);
        assertThat(n.get("nan").isNull()).as("NaN is not JSON: written as null").isTrue();
        assertThat(Json.obj(Json.parse(line))).containsEntry("count", 12).containsEntry("none", null);
    }

    /** A JMH result with its NaN written as a string, as JMH writes it. */
    static final String JMH = """
            [{"benchmark":"io.leanchan.bench.ThroughputBench.p1","params":{"subject":"LEANCHAN_1024"},
              "jvmArgs":["-Xmx1g"],"vmName":"OpenJDK 64-Bit Server VM","vmVersion":"25.0.3+9-LTS","jdkVersion":"25.0.3",
              "primaryMetric":{"score":10.0,"scoreError":"NaN"},
              "secondaryMetrics":{"pollsMade":{"score":12.5,"scoreError":1.5,"rawData":[[11.0,12.5,14.0]]},
                                  "gc.alloc.rate.norm":{"score":0.001,"scoreError":0.0}}},
             {"benchmark":"io.leanchan.bench.ThroughputBench.p1","params":{"subject":"JOX_1024"},
              "primaryMetric":{"score":3.0,"scoreError":0.5},
              "secondaryMetrics":{"pollsMade":{"score":2.0,"scoreError":0.25,"rawData":[[2.0]]}}}]
            """;

    @Test
    void jmhResultsLoadAndChartsHaveCaptionsAndErrorBars(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("t.json"), JMH);
        List<Report.Row> rows = Report.load(f);
        assertThat(rows).hasSize(2);
        Report.Row lc = Report.find(rows, "ThroughputBench.p1", "LEANCHAN_1024");
        assertThat(lc.error()).isNaN();
        assertThat(lc.metric("pollsMade")).isEqualTo(12.5);
        assertThat(lc.metricError("pollsMade")).isEqualTo(1.5);
        assertThat(Report.raw(lc, "pollsMade")).containsExactly(11.0, 12.5, 14.0);

        Map<String, Object> env = Map.of("cpu", "Test CPU @ 2GHz", "cores", 2, "os", "Linux 6 amd64");
        String caption = Report.caption(env, lc);
        assertThat(caption).contains("Test CPU @ 2GHz", "2 cores", "Linux", "OpenJDK 64-Bit Server VM", "25.0.3+9-LTS");

        Path png = dir.resolve("tp.png");
        Report.throughputChart(rows, List.of(), caption, png);
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(1100);
        assertThat(Report.shortName("JOX_1024")).isEqualTo("Jox");
    }
}
