package io.leanchan.lab;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** The footprint lab's command line. */
@Command(name = "leanchan-lab", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
        versionProvider = LabMain.Version.class,
        subcommands = {LabMain.ScenarioCommand.class},
        description = {
                "Measures the memory of leanchan channels and of JVM queue/channel peers: retained heap after create,"
                        + " after a fill to capacity (without and with the messages), after a drain, after a long life"
                        + " (1,000,000 messages and a wait) and after 3 bursts polled by a consumer that never waits then 1 s"
                        + " with no call, and bytes allocated per message in steady state (one in flight)"
                        + " and in bursts.",
                "",
                "With no arguments: the grid of the study \"Tokio mpsc channels and memory\" (agentgateway's memory"
                        + " investigation: msg_size 8, 128, 1024 x capacity 1, 16, 1024) for every subject, then the study's own"
                        + " tokio numbers (QUOTED), then a verdict computed from the table.",
                ""},
        footer = {"",
                "Method:",
                "  Retained bytes are JOL sizes (org.openjdk.jol VM.sizeOf) summed over every object reachable from the",
                "  subject's roots (for leanchan: channel, sender, receiver), walked like JOL's GraphLayout.",
                "  Objects shared by every instance (static sentinels, singletons, the current thread) are excluded: they are",
                "  found by identity as the objects also reachable from an independent second instance in the same state.",
                "  A message of msg_size bytes is one byte[] whose whole object (header, length, data) is msg_size rounded up",
                "  to the alignment, at least 16 bytes. Messages are excluded from every column but",
                "  heap_after_fill_with_messages. heap_after_fill: after capacity messages were sent (for unbounded subjects",
                "  'capacity' is how many the fill puts in); heap_after_drain: after that fill and a drain (receive until",
                "  empty); heap_after_aged: a channel that has lived, after --aged-messages messages sent and received one at",
                "  a time and one receive that waits --aged-wait-ms on the empty channel, where the subject's consumer can wait",
                "  (leanchan receive(timeout), BlockingQueue.poll(timeout), a Jox select or a kotlinx withTimeoutOrNull receive;",
                "  a poll otherwise). heap_after_bursts_idle: after 3 bursts (capacity messages sent, then polled until empty by",
                "  a consumer that never waits) and --idle-ms with no call; every subject is burst first, then all are measured",
                "  after one wait.",
                "  alloc_per_msg_* come from com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes (what JMH's",
                "  gc.alloc.rate.norm reports) with preallocated messages, so only the subject's own allocation counts, after a",
                "  warm-up of at least 200,000 messages on the same instance. steady: send one, receive one; burst: fill to",
                "  capacity, drain until empty, repeated. Each figure is everything the measured run of --ops messages",
                "  allocated, divided by its messages. The same loop around a preallocated ring that allocates nothing gives",
                "  the measuring overhead, which is subtracted. Each subject gets its own copy of the loop (a hidden class), so",
                "  no subject's JIT profile depends on which subjects ran before.",
                "  Everything runs on one thread; see docs/lab-method.md.",
                "",
                "Subjects: leanchan-bounded, leanchan-unbounded, ArrayBlockingQueue, LinkedBlockingQueue,",
                "  ConcurrentLinkedQueue, LinkedTransferQueue, MpscArrayQueue, MpscChunkedArrayQueue, MpscGrowableArrayQueue,",
                "  MpscUnboundedArrayQueue, MpscUnpaddedArrayQueue, MpscUnboundedXaddArrayQueue, MpscLinkedQueue,",
                "  ManyToOneConcurrentArrayQueue, kotlinx-Channel, Disruptor-RingBuffer, Jox-Channel, Jox-Channel-unlimited;",
                "  or any java.util.Queue class name with a public (int) or no-arg constructor (e.g. --subjects",
                "  java.util.ArrayDeque; add jars with --classpath). leanchan stays in as the baseline unless --no-baseline.",
                "  --list shows how each is built.",
                "",
                "Examples:",
                "  leanchan-lab --format csv",
                "  leanchan-lab --subjects leanchan-bounded,MpscArrayQueue --capacities 1,1024 --chart footprint.svg",
                "  leanchan-lab --format markdown --chart docs/footprint.svg --out docs/footprint.md",
                "  leanchan-lab --compact-headers --msg-sizes 24 --capacities 16,1024",
                "  leanchan-lab scenario many-channels --count 10000",
                "  leanchan-lab scenario per-connection",
                "",
                "Exit codes: 0 success; 1 a subject could not be measured or an output could not be written (everything",
                "  else is still printed, and the failed rows say what failed); 2 bad arguments or an output path that cannot",
                "  be written (checked before measuring)."})
public final class LabMain implements Callable<Integer> {

    /** A bad argument: one line, exit code 2. */
    public static final class UsageError extends RuntimeException {
        public UsageError(String message) {
            super(message);
        }
    }

    /** Options every command takes. */
    public static final class CommonOptions {
        @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
                description = "text (default), csv, json or markdown. csv prints the table only.")
        Format format;

        @Option(names = {"-s", "--subjects"}, split = ",", paramLabel = "NAME",
                description = "Subjects to measure (comma-separated; default: all built-in). A fully qualified class name"
                        + " measures that java.util.Queue. leanchan-bounded and leanchan-unbounded are added as the baseline"
                        + " when no leanchan subject is named.")
        List<String> subjects;

        @Option(names = "--no-baseline", description = "With --subjects: measure only the subjects named (no leanchan baseline).")
        boolean noBaseline;

        @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the output to FILE instead of stdout.")
        Path out;

        @Option(names = "--classpath", paramLabel = "PATH",
                description = "Extra jars or directories (separated by the platform's path separator) for Queue classes named in --subjects.")
        String classpath;

        @Option(names = "--jvm-flag", paramLabel = "FLAG",
                description = "Run the measurement in a child JVM with this flag (repeatable), e.g. --jvm-flag=-XX:-UseCompressedOops.")
        List<String> jvmFlags = new ArrayList<>();

        @Option(names = "--compact-headers",
                description = "Also measure in a child JVM with -XX:+UseCompactObjectHeaders (JDK 24+) and show what changes.")
        boolean compactHeaders;

        @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
        boolean quiet;

        /** The format to print: the one given here, else text. */
        Format format() {
            return format == null ? Format.text : format;
        }

        /**
         * Options given before the subcommand ({@code leanchan-lab --format csv scenario many-channels}) apply to it
         * unless the subcommand gives its own.
         */
        void inherit(CommonOptions outer) {
            if (format == null) {
                format = outer.format;
            }
            if (subjects == null) {
                subjects = outer.subjects;
            }
            noBaseline |= outer.noBaseline;
            if (out == null) {
                out = outer.out;
            }
            if (classpath == null) {
                classpath = outer.classpath;
            }
            if (jvmFlags.isEmpty()) {
                jvmFlags = outer.jvmFlags;
            }
            compactHeaders |= outer.compactHeaders;
            quiet |= outer.quiet;
        }
    }

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--msg-sizes", split = ",", paramLabel = "BYTES", defaultValue = "8,128,1024",
            description = "Message sizes in bytes (default: ${DEFAULT-VALUE}).")
    List<Integer> msgSizes;

    @Option(names = "--capacities", split = ",", paramLabel = "N", defaultValue = "1,16,1024",
            description = "Capacities (default: ${DEFAULT-VALUE}).")
    List<Integer> capacities;

    @Option(names = "--chart", paramLabel = "FILE.svg|FILE.png",
            description = "Draw heap_after_create and heap_after_fill against capacity per subject (log scales).")
    Path chart;

    @Option(names = "--ops", paramLabel = "N", defaultValue = "1000000",
            description = "Messages measured per allocation figure, after the warm-up (default: ${DEFAULT-VALUE}).")
    int ops;

    @Option(names = "--aged-messages", paramLabel = "N", defaultValue = "1000000",
            description = "Messages one at a time before heap_after_aged (default: ${DEFAULT-VALUE}).")
    int agedMessages;

    @Option(names = "--aged-wait-ms", paramLabel = "MS", defaultValue = "200",
            description = "How long the consumer waits on the empty channel before heap_after_aged (default: ${DEFAULT-VALUE}).")
    long agedWaitMillis;

    @Option(names = "--idle-ms", paramLabel = "MS", defaultValue = "${sys:leanchan.lab.idleMillis:-1000}",
            description = "How long each channel is left with no call after 3 bursts before heap_after_bursts_idle"
                    + " (default: ${DEFAULT-VALUE}; one wait for all subjects).")
    long idleMillis;

    @Option(names = "--scenarios",
            description = "Also run both scenarios (many-channels, per-connection) with their defaults and append them"
                    + " (text, markdown and json).")
    boolean scenarios;

    @Option(names = "--list", description = "List the subjects and how each is built, then exit.")
    boolean list;

    @Option(names = "--child-json", hidden = true)
    boolean childJson;

    PrintStream out = System.out;
    PrintStream err = System.err;
    List<String> rawArgs = List.of();

    /** Entry point: the lab's output goes to stdout; anything a library prints goes to stderr. */
    public static void main(String[] args) {
        PrintStream realOut = System.out;
        System.setOut(System.err);
        int rc = run(args, realOut, System.err);
        realOut.flush();
        System.exit(rc);
    }

    /** Runs the lab with the given streams and returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        System.setProperty("java.awt.headless", "true");
        LabMain main = new LabMain();
        main.out = out;
        main.err = err;
        main.rawArgs = List.of(args);
        CommandLine cl = new CommandLine(main);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("leanchan-lab: " + firstLine(ex.getMessage()) + " (see --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, pr) -> {
            if (ex instanceof UsageError) {
                err.println("leanchan-lab: " + firstLine(ex.getMessage()));
                return 2;
            }
            err.println("leanchan-lab: error: " + firstLine(String.valueOf(ex.getMessage() == null ? ex : ex.getMessage())));
            if (Boolean.getBoolean("leanchan.lab.debug")) {
                ex.printStackTrace(err);
            }
            return 1;
        });
        return cl.execute(args);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    @Override
    public Integer call() throws Exception {
        if (list) {
            return listSubjects();
        }
        validatePositive("--msg-sizes", msgSizes, "message size");
        validatePositive("--capacities", capacities, "capacity");
        if (ops < 1) {
            throw new UsageError("--ops must be at least 1, was " + ops);
        }
        if (agedMessages < 0) {
            throw new UsageError("--aged-messages must not be negative, was " + agedMessages);
        }
        if (agedWaitMillis < 0) {
            throw new UsageError("--aged-wait-ms must not be negative, was " + agedWaitMillis);
        }
        if (idleMillis < 0) {
            throw new UsageError("--idle-ms must not be negative, was " + idleMillis);
        }
        Format format = common.format();
        if (chart != null) {
            String n = chart.getFileName().toString().toLowerCase(Locale.ROOT);
            if (!n.endsWith(".svg") && !n.endsWith(".png")) {
                throw new UsageError("--chart must name a .svg or .png file, was '" + chart + "'");
            }
        }
        if (scenarios && format == Format.csv) {
            throw new UsageError("--scenarios cannot be combined with --format csv (csv prints one table)");
        }
        checkOutputs(common.out, chart);
        List<Subject> subjects = resolveSubjects(common);
        if (!common.jvmFlags.isEmpty()) {
            return ChildJvm.passthrough(common.jvmFlags, withoutJvmFlags(rawArgs));
        }
        if (common.compactHeaders) {
            ChildJvm.checkCompactHeadersSupported();
        }
        Progress progress = new Progress(err, !common.quiet);
        GridReport report = GridReport.measure(subjects, dedupe(msgSizes), dedupe(capacities),
                new Measurer(ops, agedMessages, agedWaitMillis, idleMillis), progress);
        if (childJson) {
            out.print(Json.write(report.toMap()));
            return 0;
        }
        if (common.compactHeaders) {
            List<String> childArgs = new ArrayList<>(List.of("--child-json", "--no-baseline",
                    "--subjects", String.join(",", report.subjects.stream().map(GridReport.SubjectInfo::name).toList()),
                    "--msg-sizes", joinInts(report.msgSizes), "--capacities", joinInts(report.capacities),
                    "--ops", String.valueOf(ops), "--aged-messages", String.valueOf(agedMessages),
                    "--aged-wait-ms", String.valueOf(agedWaitMillis), "--idle-ms", String.valueOf(idleMillis)));
            if (common.classpath != null) {
                childArgs.add("--classpath");
                childArgs.add(common.classpath);
            }
            if (common.quiet) {
                childArgs.add("--quiet");
            }
            if (!common.quiet) {
                err.println("leanchan-lab: measuring again in a child JVM with " + ChildJvm.COMPACT_HEADERS);
            }
            String json = ChildJvm.capture(List.of(ChildJvm.COMPACT_HEADERS), childArgs);
            report.compact = GridReport.fromMap(asMap(Json.parse(json)));
        }
        boolean failed = false;
        String chartRef = null;
        if (chart != null) {
            try {
                Chart.write(report, chart);
                chartRef = chartReference(chart, common.out);
                if (!common.quiet) {
                    err.println("leanchan-lab: wrote chart " + chart);
                }
            } catch (IOException | RuntimeException e) {
                err.println("leanchan-lab: could not write the chart " + chart + ": " + Measurer.describe(e));
                failed = true;
            }
        }
        String text = GridFormat.format(report, format, chartRef);
        List<ScenarioReport> extra = new ArrayList<>();
        if (scenarios) {
            Progress p = new Progress(err, !common.quiet);
            extra.add(Scenarios.manyChannels(subjects, 10_000, 16, 24, p));
            extra.add(Scenarios.perConnection(subjects, 10_000, 64, 250, 1, 64, 8192, p));
            if (format == Format.json) {
                java.util.Map<String, Object> m = asMap(Json.parse(text));
                m.put("scenarios", extra.stream().map(ScenarioReport::toMap).toList());
                text = Json.write(m);
            } else {
                String sep = format == Format.markdown ? "\n" : "\n\n";
                StringBuilder sb = new StringBuilder(text);
                for (ScenarioReport x : extra) {
                    sb.append(sep).append(x.format(format));
                }
                text = sb.toString();
            }
        }
        if (format == Format.markdown) {
            String commit = System.getenv("LEANCHAN_GIT_COMMIT");
            text = "# Footprint: leanchan vs JVM queues and channels\n\n"
                    + "Generated by `bin/leanchan-lab " + String.join(" ", rawArgs) + "` on " + LocalDate.now()
                    + (commit == null || commit.isBlank() ? "" : " at commit " + commit)
                    + ". Every number below comes from that run except the tokio figures, which are QUOTED from the study"
                    + " " + TokioStudy.NAME + " (agentgateway's memory investigation).\n\n"
                    + text;
        }
        failed |= !emit(common, text, out, err);
        List<String> bad = new ArrayList<>();
        for (Row r : report.failed()) {
            String what = r.subject() + " (" + r.failure() + ")";
            if (bad.stream().noneMatch(b -> b.startsWith(r.subject() + " "))) {
                bad.add(what);
            }
        }
        for (ScenarioReport x : extra) {
            for (List<Object> r : x.rows()) {
                if (r.get(r.size() - 1) != null) {
                    bad.add(r.get(0) + " in scenario " + x.name() + " (" + r.get(r.size() - 1) + ")");
                }
            }
        }
        if (!bad.isEmpty()) {
            err.println("leanchan-lab: " + bad.size() + (bad.size() == 1 ? " subject" : " subjects")
                    + " could not be fully measured; the rows say what failed: " + String.join("; ", bad));
            failed = true;
        }
        return failed ? 1 : 0;
    }

    /**
     * Checks, before anything is measured, that every output can be written: its directory exists and takes a new
     * file, and an existing file can be opened for writing. A problem is a {@link UsageError} (one line, exit 2).
     */
    static void checkOutputs(Path out, Path chart) {
        if (out != null && chart != null && out.toAbsolutePath().normalize().equals(chart.toAbsolutePath().normalize())) {
            throw new UsageError("--out and --chart name the same file: " + out);
        }
        if (out != null) {
            checkWritable("--out", out);
        }
        if (chart != null) {
            checkWritable("--chart", chart);
        }
    }

    static void checkWritable(String option, Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new UsageError(option + " " + p + " is a directory; name a file");
        }
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            Path q = dir;
            while (q != null && !Files.exists(q)) {
                q = q.getParent();
            }
            if (q != null && !Files.isDirectory(q)) {
                throw new UsageError(option + " " + p + " cannot be written: " + q + " is a file, not a directory");
            }
            throw new UsageError(option + " " + p + " cannot be written: directory " + dir + " does not exist (create it first)");
        }
        try {
            if (Files.exists(abs)) {
                try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(abs,
                        java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.APPEND)) {
                    // opened for writing without changing it
                }
            } else {
                Files.delete(Files.createTempFile(dir, ".leanchan-lab-", ".probe"));
            }
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
            throw new UsageError(option + " " + p + " cannot be written (" + why + ")");
        }
    }

    static String joinInts(List<Integer> l) {
        return String.join(",", l.stream().map(String::valueOf).toList());
    }

    @SuppressWarnings("unchecked")
    static java.util.Map<String, Object> asMap(Object o) {
        if (!(o instanceof java.util.Map)) {
            throw new IllegalStateException("the child JVM did not print a JSON object");
        }
        return (java.util.Map<String, Object>) o;
    }

    /** The chart as the output file should refer to it: relative to the output's directory when there is one. */
    static String chartReference(Path chart, Path out) {
        if (out == null) {
            return chart.toString();
        }
        Path dir = out.toAbsolutePath().getParent();
        try {
            return dir.relativize(chart.toAbsolutePath()).toString().replace(File.separatorChar, '/');
        } catch (IllegalArgumentException e) {
            return chart.toAbsolutePath().toString();
        }
    }

    /** The marker after which a markdown --out file keeps what a person wrote by hand. */
    public static final String HAND_WRITTEN_MARKER = "<!-- leanchan-lab: end of generated part; text below is kept on regeneration -->";

    /**
     * Prints the text, or writes it to --out (keeping a markdown file's hand-written tail). If the file cannot be
     * written after all, the text goes to stdout instead so that no result is lost, and this returns false.
     */
    static boolean emit(CommonOptions common, String text, PrintStream out, PrintStream err) {
        if (common.out == null) {
            out.print(text);
            out.flush();
            return true;
        }
        Path file = common.out;
        try {
            if (common.format() == Format.markdown) {
                String tail = "";
                if (Files.exists(file)) {
                    String old = Files.readString(file, StandardCharsets.UTF_8);
                    int at = old.indexOf(HAND_WRITTEN_MARKER);
                    if (at >= 0) {
                        tail = old.substring(at + HAND_WRITTEN_MARKER.length());
                    }
                }
                text = text + "\n" + HAND_WRITTEN_MARKER + tail;
                if (!text.endsWith("\n")) {
                    text += "\n";
                }
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            err.println("leanchan-lab: could not write " + file + " (" + Measurer.describe(e) + "); the output follows on stdout");
            out.print(text);
            out.flush();
            return false;
        }
        if (!common.quiet) {
            err.println("leanchan-lab: wrote " + file);
        }
        return true;
    }

    static List<Integer> dedupe(List<Integer> l) {
        return new ArrayList<>(new LinkedHashSet<>(l));
    }

    static void validatePositive(String option, List<Integer> values, String what) {
        if (values == null || values.isEmpty()) {
            throw new UsageError(option + " needs at least one value");
        }
        for (int v : values) {
            if (v < 1) {
                throw new UsageError(what + " must be at least 1, was " + v + " (" + option + ")");
            }
        }
    }

    /** The raw arguments without --jvm-flag and --compact-headers (which the parent handles). */
    static List<String> withoutJvmFlags(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--jvm-flag")) {
                i++;
            } else if (!a.startsWith("--jvm-flag=")) {
                out.add(a);
            }
        }
        return out;
    }

    static ClassLoader loader(CommonOptions common) {
        ClassLoader parent = LabMain.class.getClassLoader();
        if (common.classpath == null || common.classpath.isBlank()) {
            return parent;
        }
        List<URL> urls = new ArrayList<>();
        for (String p : common.classpath.split(File.pathSeparator)) {
            if (p.isBlank()) {
                continue;
            }
            File f = new File(p);
            if (!f.exists()) {
                throw new UsageError("--classpath entry does not exist: " + p);
            }
            try {
                urls.add(f.toURI().toURL());
            } catch (MalformedURLException e) {
                throw new UsageError("--classpath entry is not a valid path: " + p);
            }
        }
        return new URLClassLoader(urls.toArray(new URL[0]), parent);
    }

    static List<Subject> resolveSubjects(CommonOptions common) {
        return resolveSubjects(common, Subjects.builtIn());
    }

    static List<Subject> resolveSubjects(CommonOptions common, List<Subject> defaults) {
        if (common.subjects == null || common.subjects.isEmpty()) {
            return defaults;
        }
        ClassLoader loader = loader(common);
        List<Subject> out = new ArrayList<>();
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String name : common.subjects) {
            String n = name.strip();
            if (n.isEmpty()) {
                continue;
            }
            if (n.equalsIgnoreCase("all")) {
                for (Subject s : Subjects.builtIn()) {
                    if (seen.add(s.name())) {
                        out.add(s);
                    }
                }
                continue;
            }
            try {
                Subject s = Subjects.resolve(n, loader);
                if (seen.add(s.name())) {
                    out.add(s);
                }
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new UsageError("--subjects named no subject");
        }
        if (!common.noBaseline && out.stream().noneMatch(s -> s.name().startsWith("leanchan"))) {
            List<Subject> withBaseline = new ArrayList<>();
            for (String b : List.of("leanchan-bounded", "leanchan-unbounded")) {
                withBaseline.add(Subjects.resolve(b, loader));
            }
            withBaseline.addAll(out);
            return withBaseline;
        }
        return out;
    }

    int listSubjects() {
        Table t = new Table(List.of("subject", "bounded", "built as (capacity 1024)", "the consumer waits (heap_after_aged)"));
        for (Subject s : resolveSubjects(common)) {
            t.row(List.of(s.name(), s.bounded() ? "yes" : "no", s.config(1024), s.waits()));
        }
        Format f = common.format();
        out.print(f == Format.csv ? t.csv() : f == Format.markdown ? t.markdown() : t.text());
        return 0;
    }

    /** Prints the lab's and the measured libraries' versions. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            List<String> l = new ArrayList<>();
            l.add("leanchan-lab " + GridReport.libraryVersions().get("leanchan-core"));
            GridReport.libraryVersions().forEach((k, v) -> l.add("  " + k + " " + v));
            l.add("  java " + Runtime.version());
            return l.toArray(new String[0]);
        }
    }

    @Command(name = "scenario", mixinStandardHelpOptions = true,
            description = "The two real cases of the study \"Tokio mpsc channels and memory\": agentgateway's many"
                    + " per-service channels and hyper's per-connection dispatch channel (hyper issue #4057); and three inside"
                    + " real frameworks: Pekko mailboxes, Reactor unicast sinks and Netty event loops (docs/integrations.md).",
            subcommands = {ManyChannels.class, PerConnection.class, PekkoScenario.Command.class, ReactorScenario.Command.class,
                    NettyScenario.Command.class})
    static final class ScenarioCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            throw new CommandLine.ParameterException(spec.commandLine(), "scenario needs a name: many-channels, per-connection, pekko-mailboxes, reactor-sinks or netty-event-loops");
        }
    }

    abstract static class ScenarioBase implements Callable<Integer> {
        @Mixin
        CommonOptions common = new CommonOptions();

        @CommandLine.ParentCommand
        ScenarioCommand parent;

        LabMain root() {
            return (LabMain) parent.spec.parent().userObject();
        }

        abstract ScenarioReport measure(List<Subject> subjects, Progress progress);

        abstract void validate();

        List<Subject> defaults() {
            return Subjects.builtIn();
        }

        @Override
        public Integer call() throws Exception {
            validate();
            LabMain main = root();
            common.inherit(main.common);
            checkOutputs(common.out, null);
            List<Subject> subjects = resolveSubjects(common, defaults());
            List<String> flags = new ArrayList<>(common.jvmFlags);
            if (common.compactHeaders) {
                ChildJvm.checkCompactHeadersSupported();
                flags.add(ChildJvm.COMPACT_HEADERS);
            }
            if (!flags.isEmpty()) {
                List<String> args = new ArrayList<>(withoutJvmFlags(main.rawArgs));
                args.remove("--compact-headers");
                return ChildJvm.passthrough(flags, args);
            }
            ScenarioReport r = measure(subjects, new Progress(main.err, !common.quiet));
            boolean written = emit(common, r.format(common.format()), main.out, main.err);
            if (r.anyFailed()) {
                List<String> bad = new ArrayList<>();
                for (List<Object> x : r.rows()) {
                    if (x.get(x.size() - 1) != null) {
                        bad.add(x.get(0) + " (" + x.get(x.size() - 1) + ")");
                    }
                }
                main.err.println("leanchan-lab: " + bad.size() + (bad.size() == 1 ? " subject" : " subjects")
                        + " could not be measured; the rows say what failed: " + String.join("; ", bad));
            }
            return written && !r.anyFailed() ? 0 : 1;
        }

        static void positive(String option, int v) {
            if (v < 1) {
                throw new UsageError(option + " must be at least 1, was " + v);
            }
        }
    }

    @Command(name = "many-channels", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
            description = {"N channels (default 10,000), capacity 16, each holding one 24-byte message: bytes per channel and"
                    + " in total, per subject (agentgateway's thousands of per-service health channels in the study"
                    + " \"Tokio mpsc channels and memory\")."})
    static final class ManyChannels extends ScenarioBase {
        @Option(names = {"-n", "--count"}, defaultValue = "10000", description = "Channels (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--capacity", defaultValue = "16", description = "Capacity of each channel (default: ${DEFAULT-VALUE}).")
        int capacity;

        @Option(names = "--msg-size", defaultValue = "24", description = "Message size in bytes (default: ${DEFAULT-VALUE}).")
        int msgSize;

        @Override
        void validate() {
            positive("--count", count);
            positive("--capacity", capacity);
            positive("--msg-size", msgSize);
        }

        @Override
        ScenarioReport measure(List<Subject> subjects, Progress progress) {
            return Scenarios.manyChannels(subjects, count, capacity, msgSize, progress);
        }
    }

    @Command(name = "per-connection", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
            description = {"N connections (default 10,000), each an 8 KB read buffer plus a request-dispatch channel that has"
                    + " carried 64 requests of 250 B and been drained: bytes per connection and the channel's share"
                    + " (hyper's case in the study \"Tokio mpsc channels and memory\", hyper issue #4057)."})
    static final class PerConnection extends ScenarioBase {
        @Option(names = {"-n", "--count"}, defaultValue = "10000", description = "Connections (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--requests", defaultValue = "64", description = "Requests each channel carried (default: ${DEFAULT-VALUE}).")
        int requests;

        @Option(names = "--request-size", defaultValue = "250", description = "Request size in bytes (default: ${DEFAULT-VALUE}).")
        int requestSize;

        @Option(names = "--in-flight", defaultValue = "1",
                description = "Requests sent before they are received, per round (default: ${DEFAULT-VALUE}).")
        int inFlight;

        @Option(names = "--capacity", defaultValue = "64",
                description = "Capacity for bounded subjects (default: ${DEFAULT-VALUE}); unbounded subjects stay unbounded.")
        int capacity;

        @Option(names = "--buffer", defaultValue = "8192", description = "Read buffer bytes (default: ${DEFAULT-VALUE}).")
        int buffer;

        @Override
        void validate() {
            positive("--count", count);
            positive("--requests", requests);
            positive("--request-size", requestSize);
            positive("--in-flight", inFlight);
            positive("--capacity", capacity);
            positive("--buffer", buffer);
            if (inFlight > capacity) {
                throw new UsageError("--in-flight (" + inFlight + ") cannot exceed --capacity (" + capacity + ")");
            }
        }

        @Override
        ScenarioReport measure(List<Subject> subjects, Progress progress) {
            return Scenarios.perConnection(subjects, count, requests, requestSize, inFlight, capacity, buffer, progress);
        }
    }
}
