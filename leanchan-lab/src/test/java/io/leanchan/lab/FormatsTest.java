package io.leanchan.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every output format parses back to the measured rows. */
class FormatsTest {

    static GridReport report;

    @BeforeAll
    static void measure() {
        List<Subject> subjects = List.of(Subjects.resolve("leanchan-bounded", null), Subjects.resolve("LinkedBlockingQueue", null),
                Subjects.resolve("ConcurrentLinkedQueue", null));
        report = GridReport.measure(subjects, List.of(8, 128), List.of(1, 16), new Measurer(20_000, 20_000, 5), Progress.none());
        assertThat(report.rows).hasSize(12);
    }

    /** A row's values as a table prints them when nothing failed: no "failed" column. */
    static List<String> values(Row r) {
        List<String> out = new ArrayList<>();
        Object[] v = r.values();
        for (int i = 0; i < v.length - 1; i++) {
            out.add(v[i] instanceof Double d ? Fmt.number(d) : String.valueOf(v[i]));
        }
        return out;
    }

    @Test
    void csvHasTheHeaderAndOneRowPerCell() {
        String csv = GridFormat.csv(report);
        List<String> lines = csv.lines().toList();
        assertThat(lines.get(0)).isEqualTo("subject,msg_size,capacity,heap_after_create,heap_after_fill,"
                + "heap_after_fill_with_messages,heap_after_drain,heap_after_aged,heap_after_bursts_idle,alloc_per_msg_steady,alloc_per_msg_burst,failed");
        assertThat(lines).hasSize(1 + report.rows.size());
        for (int i = 0; i < report.rows.size(); i++) {
            Row r = report.rows.get(i);
            String[] cells = lines.get(i + 1).split(",", -1);
            assertThat(cells).hasSize(12);
            assertThat(List.of(cells).subList(0, 11)).isEqualTo(values(r));
            assertThat(cells[11]).as("nothing failed").isEmpty();
            assertThat(Long.parseLong(cells[7])).isEqualTo(r.heapAfterAged());
            assertThat(Long.parseLong(cells[8])).isEqualTo(r.heapAfterBurstsIdle()).isPositive();
            assertThat(Double.parseDouble(cells[9])).isEqualTo(r.allocPerMsgSteady());
        }
    }

    @Test
    void jsonParsesBackWithAnIndependentParser() throws Exception {
        String json = GridFormat.json(report, "chart.svg");
        JsonNode root = new ObjectMapper().readTree(json);
        assertThat(root.get("jvm").get("compressed_oops").asText()).isIn("on", "off");
        assertThat(root.get("jvm").get("object_header_bytes").asInt()).isPositive();
        assertThat(root.get("libraries").get("jctools-core").asText()).isEqualTo("4.0.6");
        assertThat(root.get("rows")).hasSize(report.rows.size());
        for (int i = 0; i < report.rows.size(); i++) {
            Row r = report.rows.get(i);
            JsonNode n = root.get("rows").get(i);
            assertThat(n.get("subject").asText()).isEqualTo(r.subject());
            assertThat(n.get("msg_size").asInt()).isEqualTo(r.msgSize());
            assertThat(n.get("capacity").asInt()).isEqualTo(r.capacity());
            assertThat(n.get("heap_after_create").asLong()).isEqualTo(r.heapAfterCreate());
            assertThat(n.get("heap_after_fill").asLong()).isEqualTo(r.heapAfterFill());
            assertThat(n.get("heap_after_fill_with_messages").asLong()).isEqualTo(r.heapAfterFillWithMessages());
            assertThat(n.get("heap_after_drain").asLong()).isEqualTo(r.heapAfterDrain());
            assertThat(n.get("heap_after_aged").asLong()).isEqualTo(r.heapAfterAged());
            assertThat(n.get("heap_after_bursts_idle").asLong()).isEqualTo(r.heapAfterBurstsIdle());
            assertThat(n.get("failed").isNull()).isTrue();
            assertThat(n.get("alloc_per_msg_steady").asDouble()).isEqualTo(r.allocPerMsgSteady());
            assertThat(n.get("alloc_per_msg_burst").asDouble()).isEqualTo(r.allocPerMsgBurst());
        }
        assertThat(root.get("tokio_study_quoted").get("label").asText()).contains("QUOTED");
        assertThat(root.get("tokio_study_quoted").get("source").asText()).contains("Tokio mpsc channels and memory");
        assertThat(root.get("tokio_study_quoted").get("rows")).hasSize(9);
        assertThat(root.get("tokio_study_quoted").get("rows").get(2).get("heap_after_fill").asLong()).isEqualTo(9728);
        assertThat(root.get("verdict").isArray()).isTrue();
        assertThat(root.get("verdict").get(0).asText()).startsWith("Smallest new");
        assertThat(root.get("method").get("aged_messages").asInt()).isEqualTo(20_000);
        assertThat(root.get("method").get("aged_wait_ms").asInt()).isEqualTo(5);
        assertThat(root.get("method").get("idle_bursts").asInt()).isEqualTo(3);
        assertThat(root.get("method").get("idle_ms").asLong()).isEqualTo(Measurer.IDLE_MILLIS); // 3000 here: the pom
        assertThat(root.get("method").get("bursts_idle").asText()).contains("only polls",
                Measurer.IDLE_MILLIS + " ms with no call");
        assertThat(root.get("subjects").get(0).get("waits").asText()).isEqualTo("Receiver.receive(timeout)");
        assertThat(root.get("subjects").get(1).get("waits").asText()).isEqualTo("BlockingQueue.poll(timeout)");
        assertThat(root.get("subjects").get(2).get("waits").asText()).contains("poll()");
        assertThat(root.get("chart").asText()).isEqualTo("chart.svg");
    }

    @Test
    void jsonRoundTripsThroughTheLabsOwnReader() {
        @SuppressWarnings("unchecked")
        GridReport back = GridReport.fromMap((Map<String, Object>) Json.parse(GridFormat.json(report, null)));
        assertThat(back.rows).isEqualTo(report.rows);
        assertThat(back.rows).extracting(Row::heapAfterBurstsIdle).doesNotContain(Row.MISSING);
        assertThat(back.idleMillis).isEqualTo(report.idleMillis).isEqualTo(Measurer.IDLE_MILLIS);
        assertThat(back.jvm).isEqualTo(report.jvm);
        assertThat(back.subjects).isEqualTo(report.subjects);
        assertThat(back.messageObjectSizes).isEqualTo(report.messageObjectSizes);
    }

    @Test
    void markdownTablesParseBack() {
        String md = GridFormat.markdown(report, "footprint.svg");
        List<String> lines = md.lines().toList();
        int header = lines.indexOf("| " + String.join(" | ", GridFormat.columns(false)) + " |");
        assertThat(header).isNotNegative();
        assertThat(lines.get(header + 1)).matches("\\|(---:?\\|)+");
        for (int i = 0; i < report.rows.size(); i++) {
            String line = lines.get(header + 2 + i);
            List<String> cells = new ArrayList<>();
            for (String c : line.substring(1, line.length() - 1).split("\\|")) {
                cells.add(c.strip());
            }
            assertThat(cells).isEqualTo(values(report.rows.get(i)));
        }
        assertThat(lines.get(header + 2 + report.rows.size())).isEmpty();
        assertThat(md).contains("QUOTED", "![heap after create and after fill against capacity](footprint.svg)",
                "| 8 | 1024 | 800 | 9728 |");
    }

    /** The idle time as the text prints it: 1,000 published, 3,000 in these tests (leanchan.lab.idleMillis, the pom). */
    static final String IDLE = String.format(java.util.Locale.ROOT, "%,d", Measurer.IDLE_MILLIS);

    @Test
    void textIsAnAlignedTable() {
        String text = GridFormat.text(report, null);
        List<String> lines = text.lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("subject ") && lines.get(i).contains("heap_after_bursts_idle")
                    && lines.get(i).contains("alloc_per_msg_burst")) {
                header = i;
            }
        }
        assertThat(header).isNotNegative();
        int end = lines.get(header).length();
        for (int i = 1; i <= report.rows.size(); i++) {
            String row = lines.get(header + i);
            assertThat(row).hasSize(end); // numbers are right-aligned to the header's last column
            assertThat(row.strip().split("\\s+")).containsExactlyElementsOf(values(report.rows.get(i - 1)));
        }
        assertThat(text).contains("JVM: ", "compressed oops", "object header", "alignment", "Libraries:",
                "jctools-core 4.0.6", "jox-channels 1.0.1", "QUOTED", "Verdict (computed from the table):\n  - ",
                "Bursts, then idle: heap_after_bursts_idle", "then " + IDLE + " ms with no call",
                "Smallest after 3 bursts of 16 drained by a consumer that only polls, then " + IDLE + " ms with no call");
    }

    @Test
    void outWritesTheFileAndKeepsTheHandWrittenTail(@TempDir Path dir) throws Exception {
        Path md = Files.createDirectories(dir.resolve("docs")).resolve("footprint.md");
        String[] args = {"--subjects", "ArrayBlockingQueue", "--no-baseline", "--msg-sizes", "8", "--capacities", "16",
                "--ops", "20000", "--aged-messages", "1000", "--aged-wait-ms", "1",
                "--format", "markdown", "--out", md.toString(), "-q"};
        Lab.Result r = Lab.run(args);
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        String first = Files.readString(md);
        assertThat(first).startsWith("# Footprint").contains(LabMain.HAND_WRITTEN_MARKER);
        Files.writeString(md, first + "\nMy reading.\n");
        assertThat(Lab.run(args).rc()).isZero();
        String second = Files.readString(md);
        assertThat(second.substring(second.indexOf(LabMain.HAND_WRITTEN_MARKER) + LabMain.HAND_WRITTEN_MARKER.length()))
                .isEqualTo("\n\nMy reading.\n");
        assertThat(second.indexOf(LabMain.HAND_WRITTEN_MARKER)).isEqualTo(second.lastIndexOf(LabMain.HAND_WRITTEN_MARKER));
    }
}
