package io.leanchan.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs the whole suite and writes JMH's JSON results (and the latency harness's JSON lines) into a results
 * folder; with {@code --doc} it then writes the report ({@link Report}).
 *
 * <ul>
 *   <li>quick (default, what {@code bin/bench} runs): every benchmark and subject, 1 fork, 3 x 1 s warm-up,
 *       5 x 1 s measurement, all with {@code -prof gc}; {@link ThroughputRounds} (the throughput benchmark's
 *       1P1C and 2P1C on four subjects again, 5 alternated rounds of one short fork per subject); the latency
 *       harness 2 s + 3 s per subject and kind;
 *       {@link CostBench} and {@link InFlightBench} on {@link CostBench#SUBJECTS}; {@link ScaleHarness} (3 runs
 *       of every case, 30 s limit each), {@link WaiterFootprint} and {@link InliningCheck}; {@link SelectBench};
 *       {@link FrameworkRounds} (the Netty, Reactor and Pekko benchmarks, leanchan against the framework's default
 *       queue, 5 alternated rounds of one short fork per subject, about 7 minutes).
 *       About 31 minutes on 2 cores.</li>
 *   <li>smoke ({@code --smoke}, what {@code mvn verify} runs): every benchmark method once, one short
 *       iteration, no warm-up, a few subjects (the throughput rounds and the framework rounds: one round,
 *       1 x 300 ms per run). It proves the benchmarks still run, not how fast.</li>
 * </ul>
 *
 * <pre>java -cp benchmarks.jar io.leanchan.bench.Suite [--smoke] [--results DIR] [--doc FILE.md]</pre>
 */
public final class Suite {
    /** The result files, in the results folder. */
    static final String THROUGHPUT = "throughput.json";
    static final String BURST = "burst.json";
    static final String PINGPONG = "pingpong.json";
    static final String VPINGPONG = "pingpong-virtual.json";
    static final String ASYNC = "async.json";
    static final String LATENCY = "latency.jsonl";
    static final String ENV = "env.json";
    static final String RING = "ringprobe.jsonl";
    static final String COST = "cost.json";
    static final String INFLIGHT = "inflight.json";
    static final String SCALE = "scale.jsonl";
    static final String WAITERS = "waiters.jsonl";
    static final String INLINING = "inlining.jsonl";
    static final String SELECT = "select.json";
    static final String ROUNDS = "rounds.jsonl";
    static final String FRAMEWORKS = "frameworks.jsonl";

    /** The 1-minute load average as each part of the suite started (other work on the machine shows here). */
    static final List<String> LOADS = new ArrayList<>();
    /** Forks that {@link #jmhGuarded} killed, one line each ("benchmark subject: killed after N s"), for the report. */
    static final List<String> KILLED = new ArrayList<>();
    /**
     * Peers run apart, through {@link #jmhGuarded}: Jox's select with a default clause spun for more than 10
     * minutes in a ThroughputBench p2 fork (two producers, at aff3d0b), which stopped the whole suite.
     */
    static final Set<String> HANGS = Set.of("JOX_1024", "JOX_UNLIMITED");
    /**
     * How long one guarded fork may run (a ThroughputBench fork needs about 15 s); {@code -Dleanchan.bench.guardSeconds}
     * sets it (to check the watchdog with a short limit).
     */
    static final long GUARD_SECONDS = Long.getLong("leanchan.bench.guardSeconds", 180);

    private Suite() {
    }

    /** What to run; {@code git} and {@code command} only label the report. */
    record Config(boolean smoke, Path results, String git, String command, Set<String> only) {
        Config(boolean smoke, Path results) {
            this(smoke, results, "unknown", "java -cp benchmarks.jar io.leanchan.bench.Suite");
        }

        Config(boolean smoke, Path results, String git, String command) {
            this(smoke, results, git, command, Set.of());
        }

        /** Whether this part of the suite runs ({@code --only}: the parts named; otherwise every part). */
        boolean runs(String part) {
            return only.isEmpty() || only.contains(part);
        }
    }

    /** The parts of the suite, as {@code --only} names them. */
    static final List<String> PARTS = List.of("throughput", "rounds", "burst", "pingpong", "vpingpong", "async",
            "latency", "ring", "cost", "inflight", "scale", "waiters", "inlining", "select", "frameworks");

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        Path results = Path.of("target", "bench-results");
        Path doc = null;
        Path findings = null;
        String git = "unknown";
        String command = "java -cp benchmarks.jar io.leanchan.bench.Suite";
        Set<String> only = Set.of();
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--smoke" -> smoke = true;
                case "--results" -> results = Path.of(args[++k]);
                case "--doc" -> doc = Path.of(args[++k]);
                case "--findings" -> findings = Path.of(args[++k]);
                case "--git" -> git = args[++k];
                case "--command" -> command = args[++k];
                case "--only" -> only = new LinkedHashSet<>(Arrays.asList(args[++k].split(",")));
                default -> {
                    System.err.println("usage: Suite [--smoke] [--only PART,...] [--results DIR] [--doc FILE.md] "
                            + "[--findings FILE.md] [--git REV] [--command TEXT]; parts: " + String.join(",", PARTS));
                    System.exit(2);
                }
            }
        }
        if (!PARTS.containsAll(only)) {
            System.err.println("Suite: unknown part in --only " + only + "; parts: " + String.join(",", PARTS));
            System.exit(2);
        }
        run(new Config(smoke, results, git, command, only));
        if (doc != null) {
            Report.write(results, doc, findings);
            System.out.println("leanchan-bench: wrote " + doc);
        }
    }

    static void run(Config cfg) throws RunnerException, IOException, InterruptedException {
        Files.createDirectories(cfg.results());
        for (String f : List.of(THROUGHPUT, BURST, PINGPONG, VPINGPONG, ASYNC, LATENCY, RING, ENV, COST, INFLIGHT,
                SCALE, WAITERS, INLINING, SELECT, ROUNDS, FRAMEWORKS)) {
            Files.deleteIfExists(cfg.results().resolve(f));
        }
        Instant start = Instant.now();
        String loadBefore = loadAverage();
        LOADS.clear();
        KILLED.clear();

        String all = names(Subject.values());
        String blocking = names(BlockingSubject.values());
        String async = names(AsyncSubject.values());
        if (cfg.smoke()) {
            // Every adapter that needs something special in a forked JVM (Agrona's add-exports, kotlinx's
            // method handles) once, every other benchmark method once with one leanchan subject.
            if (cfg.runs("throughput")) {
                jmh(cfg, "\\.ThroughputBench\\.p1$", THROUGHPUT, "LEANCHAN_1024,MPSC_ARRAY_1024,AGRONA_M2O_1024,KOTLINX_1024");
                jmh(cfg, "\\.ThroughputBench\\.p2$", THROUGHPUT, "LEANCHAN_1024");
                jmhGuarded(cfg, "\\.ThroughputBench\\.p1$", THROUGHPUT, "JOX_1024"); // the guarded path, once
            }
            if (cfg.runs("rounds")) {
                rounds(cfg, ThroughputRounds.Settings.SMOKE);
            }
            if (cfg.runs("burst")) {
                jmh(cfg, "\\.BurstBench\\.b[12]$", BURST, "LEANCHAN_1024");
            }
            if (cfg.runs("pingpong")) {
                jmh(cfg, "\\.PingPongBench\\.", PINGPONG, "LEANCHAN_1024,ABQ_1024");
            }
            if (cfg.runs("vpingpong")) {
                jmh(cfg, "\\.VirtualPingPongBench\\.", VPINGPONG, "LEANCHAN_1024");
            }
            if (cfg.runs("async")) {
                jmh(cfg, "\\.AsyncBench\\.", ASYNC, "LEANCHAN_1024,KOTLINX_1024,LBQ_HANDOFF");
            }
            if (cfg.runs("latency")) {
                harness(cfg, List.of(BlockingSubject.LEANCHAN_1024), 100, 300);
            }
            if (cfg.runs("ring")) {
                ringProbe(cfg, List.of("1024"), 1);
            }
            if (cfg.runs("cost")) {
                jmh(cfg, "\\.CostBench\\.pair$", COST, "LEANCHAN_16,MPSC_ARRAY_1024,MPSC_UNPADDED_1024");
                jmh(cfg, "\\.CostBench\\.(batch64|emptyPoll)$", COST, "LEANCHAN_16");
            }
            if (cfg.runs("inflight")) {
                jmh(cfg, "\\.InFlightBench\\.", INFLIGHT, "LEANCHAN_1024");
            }
            if (cfg.runs("scale")) {
                scale(cfg);
            }
            if (cfg.runs("waiters")) {
                waiters(cfg);
            }
            if (cfg.runs("inlining")) {
                inlining(cfg);
            }
            if (cfg.runs("select")) {
                jmh(cfg, "\\.SelectBench\\.", SELECT, "LEANCHAN_2,JOX_4,FANIN_ABQ_2");
            }
            if (cfg.runs("frameworks")) {
                frameworks(cfg, ThroughputRounds.Settings.SMOKE);
            }
        } else {
            if (cfg.runs("throughput")) {
                jmh(cfg, "\\.ThroughputBench\\.", THROUGHPUT, without(all, HANGS));
                jmhGuarded(cfg, "\\.ThroughputBench\\.", THROUGHPUT, String.join(",", new TreeSet<>(HANGS)));
            }
            if (cfg.runs("rounds")) {
                rounds(cfg, ThroughputRounds.Settings.QUICK);
            }
            if (cfg.runs("burst")) {
                // Jox's unlimited channel is left out of the two-producer bursts: its segments outgrow the 1 GB
                // heap when the producers outrun the consumer, and one subject's OutOfMemoryError ends the suite
                jmh(cfg, "\\.BurstBench\\.", BURST, without(all, HANGS));
                jmhGuarded(cfg, "\\.BurstBench\\.", BURST, "JOX_1024");
            }
            if (cfg.runs("pingpong")) {
                jmh(cfg, "\\.PingPongBench\\.", PINGPONG, blocking);
            }
            if (cfg.runs("vpingpong")) {
                jmh(cfg, "\\.VirtualPingPongBench\\.", VPINGPONG, blocking);
            }
            if (cfg.runs("async")) {
                jmh(cfg, "\\.AsyncBench\\.", ASYNC, async);
            }
            if (cfg.runs("latency")) {
                harness(cfg, List.of(BlockingSubject.values()), 2000, 3000);
            }
            if (cfg.runs("ring")) {
                ringProbe(cfg, List.of("16", "1024", "unbounded"), 3);
            }
            if (cfg.runs("cost")) {
                jmh(cfg, "\\.CostBench\\.", COST, CostBench.SUBJECTS);
            }
            if (cfg.runs("inflight")) {
                jmh(cfg, "\\.InFlightBench\\.", INFLIGHT, CostBench.SUBJECTS);
            }
            if (cfg.runs("scale")) {
                scale(cfg);
            }
            if (cfg.runs("waiters")) {
                waiters(cfg);
            }
            if (cfg.runs("inlining")) {
                inlining(cfg);
            }
            if (cfg.runs("select")) {
                jmh(cfg, "\\.SelectBench\\.", SELECT, names(SelectBench.SelectSubject.values()));
            }
            if (cfg.runs("frameworks")) {
                frameworks(cfg, ThroughputRounds.Settings.QUICK);
            }
        }

        Instant end = Instant.now();
        Map<String, Object> envMap = new LinkedHashMap<>();
        envMap.put("mode", (cfg.smoke() ? "smoke" : "quick") + (cfg.only().isEmpty() ? "" : ", only " + String.join(",", cfg.only())));
        envMap.put("start", start.toString());
        envMap.put("end", end.toString());
        envMap.put("seconds", Duration.between(start, end).toSeconds());
        envMap.put("loadBefore", loadBefore);
        envMap.put("loadAfter", loadAverage());
        envMap.put("loads", String.join("; ", LOADS));
        envMap.put("killed", String.join("; ", KILLED));
        envMap.put("nice", nice());
        envMap.put("cpu", cpuModel());
        envMap.put("cores", Runtime.getRuntime().availableProcessors());
        envMap.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        envMap.put("git", cfg.git());
        envMap.put("command", cfg.command());
        String env = Json.write(envMap);
        Files.writeString(cfg.results().resolve(ENV), env + "\n", StandardCharsets.UTF_8);
    }

    static String names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).collect(Collectors.joining(","));
    }

    /** One JMH run of the benchmarks matching {@code include}, with {@code -prof gc}, appended to {@code file}. */
    static void jmh(Config cfg, String include, String file, String subjects) throws RunnerException, IOException {
        LOADS.add(file.replace(".json", "") + " " + loadAverage().split(" ")[0]);
        Path part = cfg.results().resolve(file + ".part");
        new Runner(options(cfg, include, subjects, part, true).build()).run();
        appendJsonArray(cfg.results().resolve(file), part);
        Files.deleteIfExists(part);
    }

    /**
     * The suite's JMH options: the benchmarks matching {@code include} for {@code subjects}, {@code -prof gc},
     * JSON into {@code part}; the smoke settings when {@code cfg.smoke()}.
     */
    static ChainedOptionsBuilder options(Config cfg, String include, String subjects, Path part, boolean failOnError) {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("io\\.leanchan\\.bench" + include)
                .param("subject", subjects.split(","))
                .addProfiler(GCProfiler.class)
                .shouldFailOnError(failOnError)
                .resultFormat(ResultFormatType.JSON)
                .result(part.toString());
        if (cfg.smoke()) {
            b.forks(1).warmupIterations(0).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(300));
        }
        return b;
    }

    /**
     * {@link #jmh} for subjects that may hang ({@link #HANGS}): one JMH run that does not stop at an error, and a
     * watchdog that kills any of this JVM's JMH forks once it has run {@link #GUARD_SECONDS}. A killed fork leaves
     * no result for its benchmark and subject (the report shows none) and a line in {@link #KILLED}.
     */
    static void jmhGuarded(Config cfg, String include, String file, String subjects) throws RunnerException, IOException {
        jmhGuarded(cfg, include, file, subjects, GUARD_SECONDS);
    }

    /**
     * {@link #jmhGuarded(Config, String, String, String)} with a limit of its own.
     *
     * @param limitSeconds how long one fork may run before the watchdog kills it
     */
    static void jmhGuarded(Config cfg, String include, String file, String subjects, long limitSeconds)
            throws RunnerException, IOException {
        LOADS.add(file.replace(".json", "") + " (guarded) " + loadAverage().split(" ")[0]);
        Path out = cfg.results().resolve(file);
        Path part = cfg.results().resolve(file + ".part");
        ChainedOptionsBuilder b = options(cfg, include, subjects, part, false);
        ScheduledExecutorService dog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "leanchan-bench-watchdog");
            t.setDaemon(true);
            return t;
        });
        // JMH's forks are the only JVMs this JVM starts during the run (their command line may be an @argfile,
        // so the watchdog goes by the executable and the start time, not by ForkedMain in the arguments)
        Instant began = Instant.now().minusSeconds(1);
        dog.scheduleWithFixedDelay(() -> ProcessHandle.current().descendants().forEach(h -> {
            ProcessHandle.Info i = h.info();
            boolean jvm = i.command().map(c -> c.endsWith("java") || c.endsWith("java.exe")).orElse(false);
            Instant t0 = i.startInstant().orElse(Instant.now());
            long age = Duration.between(t0, Instant.now()).toSeconds();
            if (jvm && t0.isAfter(began) && age >= limitSeconds && h.destroyForcibly()) {
                String what = include.replace("\\.", ".").replace("$", "").replaceAll("^\\.|\\.$", "");
                String line = what + " " + subjects + ": a fork killed after " + age + " s";
                synchronized (KILLED) {
                    KILLED.add(line);
                }
                System.err.println("leanchan-bench: " + line);
            }
        }), 1, 1, TimeUnit.SECONDS);
        try {
            new Runner(b.build()).run();
        } finally {
            dog.shutdownNow();
        }
        if (Files.exists(part)) {
            appendJsonArray(out, part);
            Files.deleteIfExists(part);
        }
    }

    /** The comma-separated {@code names} without {@code drop}. */
    static String without(String names, Set<String> drop) {
        return Arrays.stream(names.split(",")).filter(n -> !drop.contains(n)).collect(Collectors.joining(","));
    }

    /** Merges the JSON array in {@code part} into the one in {@code out} (JMH writes one array per run). */
    static void appendJsonArray(Path out, Path part) throws IOException {
        List<Object> merged = new ArrayList<>();
        if (Files.exists(out)) {
            merged.addAll(Json.arr(Json.parse(Files.readString(out))));
        }
        String add = Files.readString(part);
        if (merged.isEmpty()) {
            Files.writeString(out, add);
            return;
        }
        // Textual merge keeps JMH's exact formatting: strip the outer brackets of both and join.
        String old = Files.readString(out).strip();
        String neu = add.strip();
        String body = old.substring(0, old.length() - 1).stripTrailing() + ",\n" + neu.substring(1);
        Files.writeString(out, body + "\n");
    }

    /** {@link ThroughputBench} in alternated rounds ({@link ThroughputRounds}), into {@link #ROUNDS}. */
    static void rounds(Config cfg, ThroughputRounds.Settings settings) throws RunnerException, IOException {
        LOADS.add("ThroughputRounds " + loadAverage().split(" ")[0]);
        ThroughputRounds.run(settings, cfg.results().resolve(ROUNDS));
    }

    /**
     * The framework benchmarks against the frameworks' default queues, in alternated rounds ({@link FrameworkRounds}),
     * into {@link #FRAMEWORKS}.
     */
    static void frameworks(Config cfg, ThroughputRounds.Settings settings) throws RunnerException, IOException {
        LOADS.add("FrameworkRounds " + loadAverage().split(" ")[0]);
        FrameworkRounds.run(settings, cfg.results().resolve(FRAMEWORKS));
    }

    /** Runs the latency harness, one JVM per subject and thread kind. */
    static void harness(Config cfg, List<BlockingSubject> subjects, long warmupMs, long measureMs)
            throws IOException, InterruptedException {
        Path out = cfg.results().resolve(LATENCY);
        LOADS.add("LatencyHarness " + loadAverage().split(" ")[0]);
        for (BlockingSubject s : subjects) {
            for (String kind : List.of("platform", "virtual")) {
                System.out.println("leanchan-bench: latency harness " + s + " " + kind);
                exec(List.of(LatencyHarness.class.getName(), s.name(), kind, Long.toString(warmupMs),
                        Long.toString(measureMs), out.toString()), warmupMs + measureMs + 60_000,
                        "latency harness " + s + " " + kind);
            }
        }
    }

    /** Runs {@link RingProbe} on the burst pattern, one JVM per capacity. */
    static void ringProbe(Config cfg, List<String> capacities, long seconds) throws IOException, InterruptedException {
        LOADS.add("RingProbe " + loadAverage().split(" ")[0]);
        for (String c : capacities) {
            System.out.println("leanchan-bench: ring probe, capacity " + c);
            exec(List.of(RingProbe.class.getName(), c, Integer.toString(BurstBench.BURST), Long.toString(seconds),
                    cfg.results().resolve(RING).toString()), seconds * 1000 + 60_000, "ring probe " + c);
        }
    }

    /** Blocking at scale ({@link ScaleHarness}: its own JVM per run, each under a time limit). */
    static void scale(Config cfg) throws IOException, InterruptedException {
        LOADS.add("ScaleHarness " + loadAverage().split(" ")[0]);
        ScaleHarness.run(ScaleHarness.plan(cfg.smoke(), null), cfg.smoke() ? 1 : 3, cfg.smoke() ? 10 : 30,
                cfg.results().resolve(SCALE));
    }

    /** The bytes of one waiter ({@link WaiterFootprint}, JOL, in a JVM with JOL's attach flags). */
    static void waiters(Config cfg) throws IOException, InterruptedException {
        LOADS.add("WaiterFootprint " + loadAverage().split(" ")[0]);
        System.out.println("leanchan-bench: waiter footprint");
        exec(List.of("-Djdk.attach.allowAttachSelf", "-XX:+EnableDynamicAgentLoading", WaiterFootprint.class.getName(),
                "--out", cfg.results().resolve(WAITERS).toString()), 120_000, "waiter footprint");
    }

    /** Whether the fast paths inline ({@link InliningCheck}: a JVM per channel with -XX:+PrintInlining). */
    static void inlining(Config cfg) throws IOException, InterruptedException {
        LOADS.add("InliningCheck " + loadAverage().split(" ")[0]);
        InliningCheck.run(cfg.smoke(), cfg.results().resolve(INLINING), cfg.results());
    }

    /** Runs a main class of this module in a fresh JVM with the suite's heap settings (JVM flags may come first). */
    static void exec(List<String> mainAndArgs, long timeoutMs, String what) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms1g", "-Xmx1g", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException(what + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(what + " failed (exit " + p.exitValue() + ")");
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** This process's nice value and its scheduling autogroup's (Linux), or "unknown". */
    static String nice() {
        String out;
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            out = f[16]; // field 19 of stat; f[0] is field 3
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        try {
            out += " (" + Files.readString(Path.of("/proc/self/autogroup")).trim() + ")";
        } catch (IOException | RuntimeException e) {
            // no autogroups
        }
        return out;
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        String env = System.getenv("PROCESSOR_IDENTIFIER");
        return env != null ? env : System.getProperty("os.arch");
    }

}
