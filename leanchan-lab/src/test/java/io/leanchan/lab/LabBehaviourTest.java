package io.leanchan.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a newcomer meets on the command line: bad paths, failing subjects, scenario formats, the baseline, the verdict. */
class LabBehaviourTest {

    /** The default grid of every subject takes minutes; a check made before measuring answers in seconds. */
    static final long FAST_NANOS = 10_000_000_000L;

    static Lab.Result timed(String... args) {
        long t0 = System.nanoTime();
        Lab.Result r = Lab.run(args);
        long took = System.nanoTime() - t0;
        assertThat(took).as("%s took %.1f s; the check must come before measuring", String.join(" ", args), took / 1e9)
                .isLessThan(FAST_NANOS);
        return r;
    }

    static void failsWithOneLine(Lab.Result r, String... contains) {
        assertThat(r.rc()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        List<String> lines = r.err().lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("leanchan-lab: ").contains(contains).doesNotContain("Exception");
    }

    @Test
    void badOutputPathsFailBeforeMeasuring(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        // The default grid, every subject: minutes of measuring if the check came after it.
        failsWithOneLine(timed("--out", file.resolve("out.csv").toString()), "--out", "is a file, not a directory");
        failsWithOneLine(timed("--format", "markdown", "--out", dir.resolve("no/such/dir/f.md").toString()),
                "--out", "does not exist");
        assertThat(dir.resolve("no")).as("a missing directory is not created").doesNotExist();
        failsWithOneLine(timed("--chart", file.resolve("c.png").toString()), "--chart", "is a file, not a directory");
        failsWithOneLine(timed("--chart", dir.resolve("nope/c.svg").toString()), "--chart", "does not exist");
        failsWithOneLine(timed("--out", dir.toString()), "--out", "is a directory");
        failsWithOneLine(timed("--out", dir.resolve("same.svg").toString(), "--chart", dir.resolve("same.svg").toString()),
                "same file");
        failsWithOneLine(timed("scenario", "many-channels", "--out", file.resolve("x.csv").toString()), "--out");
        failsWithOneLine(timed("--out", file.resolve("x.csv").toString(), "scenario", "per-connection"), "--out");
        assertThat(Files.readString(file)).isEqualTo("x");
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).as("no probe file left behind")
                    .containsExactly("a-file");
        }
    }

    /** The data rows of CSV output, fields unquoted (a field with a comma or a quote is quoted, "" inside). */
    static List<String[]> csvRows(String csv) {
        List<String[]> out = new ArrayList<>();
        for (String line : csv.lines().skip(1).toList()) {
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        cell.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append(c);
                }
            }
            cells.add(cell.toString());
            out.add(cells.toArray(new String[0]));
        }
        return out;
    }

    @Test
    void aFailingSubjectDoesNotAbortTheRun() {
        Lab.Result r = Lab.run("--subjects", "java.util.concurrent.PriorityBlockingQueue,io.leanchan.lab.TestQueues$Exploding,"
                        + "java.util.concurrent.SynchronousQueue,ArrayBlockingQueue", "--msg-sizes", "8", "--capacities", "16",
                "--ops", "20000", "--aged-messages", "1000", "--aged-wait-ms", "1", "--format", "csv", "-q");
        assertThat(r.rc()).as("something failed: exit 1").isEqualTo(1);
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String[] c : csvRows(r.out())) {
            assertThat(c).hasSize(Row.COLUMNS.length);
            rows.put(c[0], c);
        }
        assertThat(rows.keySet()).containsExactly("leanchan-bounded", "leanchan-unbounded",
                "java.util.concurrent.PriorityBlockingQueue", "io.leanchan.lab.TestQueues$Exploding",
                "java.util.concurrent.SynchronousQueue", "ArrayBlockingQueue");
        String[] pbq = rows.get("java.util.concurrent.PriorityBlockingQueue");
        assertThat(Long.parseLong(pbq[3])).as("what was measured before the failure is kept").isPositive();
        assertThat(pbq[4]).as("heap_after_fill not measured").isEmpty();
        assertThat(pbq[11]).contains("fill", "ClassCastException");
        assertThat(rows.get("io.leanchan.lab.TestQueues$Exploding")[11]).contains("create", "boom in the constructor");
        assertThat(rows.get("io.leanchan.lab.TestQueues$Exploding")[3]).isEmpty();
        assertThat(rows.get("java.util.concurrent.SynchronousQueue")[11]).contains("held only 0 of 16",
                "bursts idle: IllegalStateException: burst 1 held only 0 of 16 messages");
        assertThat(rows.get("java.util.concurrent.SynchronousQueue")[8]).as("heap_after_bursts_idle not measured").isEmpty();
        for (String ok : List.of("leanchan-bounded", "leanchan-unbounded", "ArrayBlockingQueue")) {
            String[] c = rows.get(ok);
            assertThat(c[11]).as(ok).isEmpty();
            for (int i = 3; i < 11; i++) {
                assertThat(c[i]).as(ok + " " + Row.COLUMNS[i]).isNotEmpty();
            }
        }
        assertThat(r.err()).contains("3 subjects could not be fully measured", "PriorityBlockingQueue", "Exploding",
                "SynchronousQueue").doesNotContain("\tat ");

        // Text: the table is printed with a failed column, and the verdict leaves the failed subjects out.
        Lab.Result text = Lab.run("--subjects", "java.util.concurrent.PriorityBlockingQueue,ArrayBlockingQueue", "--msg-sizes", "8",
                "--capacities", "16", "--ops", "20000", "--aged-messages", "1000", "--aged-wait-ms", "1", "-q");
        assertThat(text.rc()).isEqualTo(1);
        assertThat(text.out()).contains("failed", "ClassCastException", "Not fully measured, so left out above: "
                + "java.util.concurrent.PriorityBlockingQueue");
    }

    @Test
    void aFailingSubjectInAScenarioDoesNotAbortIt() {
        Lab.Result r = Lab.run("scenario", "many-channels", "--count", "50", "--subjects",
                "java.util.concurrent.SynchronousQueue,ArrayBlockingQueue", "--format", "csv", "-q");
        assertThat(r.rc()).isEqualTo(1);
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String[] c : csvRows(r.out())) {
            rows.put(c[0], c);
        }
        assertThat(rows).containsOnlyKeys("leanchan-bounded", "leanchan-unbounded", "java.util.concurrent.SynchronousQueue",
                "ArrayBlockingQueue");
        assertThat(rows.get("java.util.concurrent.SynchronousQueue")[7]).contains("refused its first message");
        assertThat(rows.get("java.util.concurrent.SynchronousQueue")[3]).isEmpty();
        assertThat(rows.get("ArrayBlockingQueue")[7]).isEmpty();
        assertThat(Double.parseDouble(rows.get("ArrayBlockingQueue")[3])).isPositive();
        assertThat(r.err()).contains("SynchronousQueue");
    }

    @Test
    void scenariosHonourFormatGivenBeforeOrAfterTheSubcommand() throws Exception {
        String header = "subject,channels,capacity,bytes_per_channel";
        Lab.Result before = Lab.run("--format", "csv", "scenario", "many-channels", "--count", "50", "--subjects",
                "ArrayBlockingQueue", "-q");
        assertThat(before.rc()).as(before.err()).isZero();
        assertThat(before.out()).startsWith(header);
        assertThat(csvRows(before.out())).hasSize(3);

        Lab.Result after = Lab.run("scenario", "per-connection", "--count", "20", "--subjects", "ArrayBlockingQueue",
                "--format", "json", "-q");
        assertThat(after.rc()).as(after.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(after.out());
        assertThat(root.get("scenario").asText()).isEqualTo("per-connection");
        assertThat(root.get("rows")).hasSize(3);
        assertThat(root.get("rows").get(0).get("bytes_per_connection").asDouble()).isPositive();
        assertThat(root.get("verdict").isArray()).isTrue();
        assertThat(root.get("quoted").get(0).asText()).contains("#4057");

        Lab.Result md = Lab.run("--format", "markdown", "scenario", "many-channels", "--count", "20", "--subjects",
                "ArrayBlockingQueue", "-q");
        assertThat(md.out()).startsWith("## Scenario many-channels").contains("| subject | channels |");

        Lab.Result override = Lab.run("--format", "json", "scenario", "many-channels", "--count", "20", "--subjects",
                "ArrayBlockingQueue", "--format", "csv", "-q");
        assertThat(override.out()).as("the subcommand's own option wins").startsWith(header);
    }

    @Test
    void gridWithScenariosAsJsonParsesBackWithJackson() throws Exception {
        Lab.Result r = Lab.run("--subjects", "ArrayBlockingQueue", "--msg-sizes", "8", "--capacities", "16", "--ops", "20000",
                "--aged-messages", "1000", "--aged-wait-ms", "1", "--scenarios", "--format", "json", "-q");
        assertThat(r.rc()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("rows")).hasSize(3);
        assertThat(root.get("columns").toString()).contains("heap_after_aged", "heap_after_bursts_idle", "failed");
        assertThat(root.get("scenarios")).hasSize(2);
        assertThat(root.get("scenarios").get(0).get("scenario").asText()).isEqualTo("many-channels");
        assertThat(root.get("scenarios").get(1).get("rows")).hasSize(3);
        assertThat(root.get("scenarios").get(1).get("rows").get(0).get("failed").isNull()).isTrue();
    }

    @Test
    void subjectsKeepLeanchanAsTheBaselineUnlessNoBaseline() {
        String[] common = {"--msg-sizes", "8", "--capacities", "16", "--ops", "20000", "--aged-messages", "1000",
                "--aged-wait-ms", "1", "--format", "csv", "-q"};
        List<String> args = new ArrayList<>(List.of("--subjects", "ArrayBlockingQueue"));
        args.addAll(List.of(common));
        Lab.Result with = Lab.run(args.toArray(new String[0]));
        assertThat(csvRows(with.out()).stream().map(c -> c[0]).toList())
                .containsExactly("leanchan-bounded", "leanchan-unbounded", "ArrayBlockingQueue");
        args.add("--no-baseline");
        Lab.Result without = Lab.run(args.toArray(new String[0]));
        assertThat(csvRows(without.out()).stream().map(c -> c[0]).toList()).containsExactly("ArrayBlockingQueue");
        List<String> named = new ArrayList<>(List.of("--subjects", "leanchan-unbounded,ArrayBlockingQueue"));
        named.addAll(List.of(common));
        assertThat(csvRows(Lab.run(named.toArray(new String[0])).out()).stream().map(c -> c[0]).toList())
                .as("a named leanchan subject is the baseline").containsExactly("leanchan-unbounded", "ArrayBlockingQueue");
    }

    /** A report with every built-in subject at one cell, figures made up so that the lists in the verdict are long. */
    static GridReport everySubject() {
        List<Row> rows = new ArrayList<>();
        List<GridReport.SubjectInfo> infos = new ArrayList<>();
        int i = 0;
        for (Subject s : Subjects.builtIn()) {
            long create = 40 + 8L * i;
            long fill = i % 3 == 0 ? create : create + 4096;
            long drain = i % 3 == 1 ? create : fill;
            rows.add(new Row(s.name(), 8, 1024, create, fill, fill + 16 * 1024, drain, create + 8 * (i % 2),
                    s.name().startsWith("leanchan") ? create : create + 32L * (i % 3), i % 2 * 10.4,
                    i % 4 * 2.0, null));
            infos.add(new GridReport.SubjectInfo(s.name(), s.bounded(), Map.of(1024, s.config(1024)), s.waits()));
            i++;
        }
        return new GridReport(JvmInfo.current(), GridReport.libraryVersions(), 1000, 1_000_000, 200, 0, List.of(8),
                List.of(1024), Map.of(8, 16L), infos, rows, List.of());
    }

    @Test
    void verdictIsShortBullets() {
        List<String> v = Verdict.of(everySubject());
        assertThat(v).hasSizeGreaterThanOrEqualTo(5);
        for (String line : v) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(400);
            assertThat(line).doesNotContain("\n");
        }
        assertThat(v).anySatisfy(l -> assertThat(l).startsWith("One message in flight: ").contains("10.4 B"));
        assertThat(v).anySatisfy(l -> assertThat(l).startsWith("Smallest after 3 bursts of 1,024 drained by a consumer that"
                + " only polls, then " + FormatsTest.IDLE + " ms with no call (heap_after_bursts_idle): leanchan-bounded, 40 B"));
        assertThat(v).anySatisfy(l -> assertThat(l).startsWith("Back to their new size after those bursts and idle time: ")
                .contains("leanchan-bounded", "leanchan-unbounded", "LinkedBlockingQueue"));
        assertThat(v).anySatisfy(l -> assertThat(l).startsWith("Larger than new after those bursts and idle time: ")
                .contains("ArrayBlockingQueue (+64 B)", "ConcurrentLinkedQueue (+32 B)").doesNotContain("leanchan"));
        String text = GridFormat.text(everySubject(), null);
        String verdict = text.substring(text.indexOf("Verdict (computed from the table):\n"));
        assertThat(verdict.lines().skip(1).takeWhile(l -> !l.isBlank()).toList()).allMatch(l -> l.startsWith("  - "));
        String md = GridFormat.markdown(everySubject(), null);
        assertThat(md).contains("## Verdict (computed from the table)\n\n- Smallest new");
    }

    @Test
    void noUnexplainedJargon() {
        GridReport r = everySubject();
        List<String> outputs = new ArrayList<>(List.of(GridFormat.text(r, null), GridFormat.markdown(r, null),
                GridFormat.json(r, null), Lab.run("--help").out(), Lab.run("scenario", "--help").out(),
                Lab.run("scenario", "many-channels", "--help").out(), Lab.run("scenario", "per-connection", "--help").out(),
                Lab.run("scenario", "many-channels", "--count", "10", "--subjects", "ArrayBlockingQueue", "-q").out(),
                Lab.run("scenario", "per-connection", "--count", "10", "--subjects", "ArrayBlockingQueue", "-q").out()));
        for (String o : outputs) {
            assertThat(o.toLowerCase(Locale.ROOT)).doesNotContain("seed");
        }
        assertThat(outputs.get(0)).contains("\"Tokio mpsc channels and memory\"");
        assertThat(outputs.get(3)).contains("agentgateway", "Tokio mpsc channels and memory");
        assertThat(outputs.get(6)).contains("hyper issue #4057");
    }
}
