package io.leanchan.lab;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ScenarioTest {

    static Map<String, String[]> rows(String csv) {
        Map<String, String[]> m = new HashMap<>();
        for (String line : csv.lines().skip(1).toList()) {
            String[] c = line.split(",");
            m.put(c[0], c);
        }
        return m;
    }

    @Test
    void manyChannelsCountsBytesPerChannel() {
        Lab.Result r = Lab.run("scenario", "many-channels", "--count", "300", "--subjects",
                "leanchan-bounded,ArrayBlockingQueue,ConcurrentLinkedQueue", "--format", "csv", "-q");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).isEqualTo(
                "subject,channels,capacity,bytes_per_channel,bytes_per_channel_with_message,total_bytes,total_bytes_with_messages,failed");
        Map<String, String[]> m = rows(r.out());
        assertThat(m).hasSize(3);
        // An ArrayBlockingQueue preallocates: one message changes nothing, so a channel costs its create figure.
        long abq = Measurer.heap(Subjects.resolve("ArrayBlockingQueue", null), 24, 16).create();
        assertThat(Double.parseDouble(m.get("ArrayBlockingQueue")[3])).isEqualTo(abq);
        // ConcurrentLinkedQueue: the queue plus one node per held message, the same as the grid's fill at capacity 1.
        long clq = Measurer.heap(Subjects.resolve("ConcurrentLinkedQueue", null), 24, 1).fill();
        assertThat(Double.parseDouble(m.get("ConcurrentLinkedQueue")[3])).isEqualTo(clq);
        for (String[] c : m.values()) {
            assertThat(Double.parseDouble(c[4]) - Double.parseDouble(c[3])).isEqualTo(24.0);
            assertThat(Long.parseLong(c[5])).isEqualTo(Math.round(Double.parseDouble(c[3]) * 300));
        }
        assertThat(Double.parseDouble(m.get("leanchan-bounded")[3])).isLessThanOrEqualTo(128);
    }

    @Test
    void perConnectionSplitsBufferAndChannel() {
        Lab.Result r = Lab.run("scenario", "per-connection", "--count", "200", "--subjects",
                "leanchan-unbounded,ConcurrentLinkedQueue,MpscUnboundedArrayQueue", "--format", "csv", "-q");
        assertThat(r.rc()).as(r.err()).isZero();
        Map<String, String[]> m = rows(r.out());
        assertThat(m).hasSize(3);
        long buffer = Jol.vm().sizeOf(new byte[8192]);
        for (String[] c : m.values()) {
            assertThat(Double.parseDouble(c[2]) - Double.parseDouble(c[3])).as(c[0]).isEqualTo(buffer);
        }
        // A drained ConcurrentLinkedQueue is back to its idle size.
        long clqIdle = Measurer.heap(Subjects.resolve("ConcurrentLinkedQueue", null), 24, 1).create();
        assertThat(Double.parseDouble(m.get("ConcurrentLinkedQueue")[3])).isEqualTo(clqIdle);
        // Issue 8's per-connection figure: the channel's share per connection, must <= 64 B (goal 48).
        assertThat(Double.parseDouble(m.get("leanchan-unbounded")[3])).as("leanchan's share per connection")
                .isLessThanOrEqualTo(64.0);
    }

    @Test
    void scenarioJsonAndMarkdownCarryTheQuotedSeedFigures() {
        Lab.Result json = Lab.run("scenario", "many-channels", "--count", "50", "--subjects", "leanchan-bounded",
                "--format", "json", "-q");
        assertThat(json.rc()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parse(json.out());
        assertThat(m.get("scenario")).isEqualTo("many-channels");
        assertThat((List<?>) m.get("rows")).hasSize(1);
        assertThat(String.valueOf(m.get("quoted"))).contains("1312");
        Lab.Result md = Lab.run("scenario", "per-connection", "--count", "50", "--subjects", "leanchan-bounded",
                "--format", "markdown", "-q");
        assertThat(md.out()).contains("| subject | connections |", "**QUOTED**");
    }
}
