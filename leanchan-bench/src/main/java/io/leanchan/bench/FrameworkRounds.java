package io.leanchan.bench;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The framework benchmarks ({@link NettyTaskBench}, {@link ReactorSinkBench}, {@link PekkoMailboxBench}) in
 * alternated rounds, as {@link ThroughputRounds} runs the queue throughput: each round runs, per benchmark, one
 * short JMH run (its own fork) per subject, {@code LEANCHAN} then {@code DEFAULT} in odd rounds and the reverse in
 * even ones, and appends one JSON line per run (round, bench, subject, position, the score in operations/µs and its
 * error, the 1-minute load as the run started). {@link FrameworkSection} takes, per benchmark, the ratio
 * leanchan / default within each round and its median over the rounds. The forks get the benchmarks' own JVM flags;
 * no profiler is attached.
 *
 * <pre>java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.FrameworkRounds [--smoke] [--rounds R]
 *      [--out FILE.jsonl]</pre>
 */
public final class FrameworkRounds {
    /** The benchmarks ({@code Class.method}), in the order each round runs them. */
    static final List<String> BENCHES = List.of("NettyTaskBench.oneSubmitter", "NettyTaskBench.twoSubmitters",
            "ReactorSinkBench.publishOn", "ReactorSinkBench.toIterable", "PekkoMailboxBench.oneSender",
            "PekkoMailboxBench.twoSenders");
    /** The subjects of every framework benchmark, in the order odd rounds run them. */
    static final List<String> SUBJECTS = List.of("LEANCHAN", "DEFAULT");
    /** The subject every ratio is taken against. */
    static final String BASE = "DEFAULT";

    private FrameworkRounds() {
    }

    /** Runs the rounds alone (quick settings, or smoke ones with {@code --smoke}); rewrites the output file. */
    public static void main(String[] args) throws Exception {
        ThroughputRounds.Settings s = ThroughputRounds.Settings.QUICK;
        int rounds = -1;
        Path out = Path.of("frameworks.jsonl");
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--smoke" -> s = ThroughputRounds.Settings.SMOKE;
                case "--rounds" -> rounds = Integer.parseInt(args[++k]);
                case "--out" -> out = Path.of(args[++k]);
                default -> {
                    System.err.println("usage: FrameworkRounds [--smoke] [--rounds R] [--out FILE.jsonl]");
                    System.exit(2);
                }
            }
        }
        Files.deleteIfExists(out);
        run(rounds > 0 ? s.withRounds(rounds) : s, out);
    }

    /**
     * Runs every round and appends one JSON line per JMH run to {@code out}.
     *
     * @return the seconds the rounds took
     */
    static long run(ThroughputRounds.Settings s, Path out) throws RunnerException, IOException {
        long start = System.nanoTime();
        int runs = s.rounds() * BENCHES.size() * SUBJECTS.size();
        int done = 0;
        for (int round = 1; round <= s.rounds(); round++) {
            for (String bench : BENCHES) {
                List<String> order = ThroughputRounds.order(round, SUBJECTS);
                for (int pos = 0; pos < order.size(); pos++) {
                    String subject = order.get(pos);
                    System.out.println("leanchan-bench: framework rounds, run " + (++done) + " of " + runs + ": round "
                            + round + ", " + bench + ", " + subject);
                    Map<String, Object> line = runOne(s, round, bench, subject, pos + 1);
                    Files.writeString(out, Json.write(line) + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
        }
        long seconds = Math.round((System.nanoTime() - start) / 1e9);
        System.out.println("leanchan-bench: framework rounds: " + s.rounds()
                + (s.rounds() == 1 ? " round, " : " rounds, ") + runs + " JMH runs in " + seconds + " s");
        return seconds;
    }

    /** One JMH run of one benchmark with one subject: its JSON line. */
    static Map<String, Object> runOne(ThroughputRounds.Settings s, int round, String bench, String subject,
            int position) throws RunnerException {
        double load = ThroughputRounds.loadNow();
        OptionsBuilder b = new OptionsBuilder();
        b.include("io\\.leanchan\\.bench\\." + bench.replace(".", "\\.") + "$")
                .param("subject", subject)
                .forks(1)
                .warmupIterations(s.warmups())
                .warmupTime(s.warmupTime())
                .measurementIterations(s.measurements())
                .measurementTime(s.measurementTime())
                .shouldFailOnError(true);
        Collection<RunResult> results = new Runner(b.build()).run();
        if (results.size() != 1) {
            throw new RunnerException("framework rounds: " + results.size() + " results for " + bench + " " + subject);
        }
        Result<?> score = results.iterator().next().getPrimaryResult();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("round", round);
        m.put("group", bench);
        m.put("subject", subject);
        m.put("position", position);
        m.put("opsPerUs", score.getScore());
        m.put("opsPerUsError", score.getScoreError());
        m.put("load1", load);
        m.put("warmup", s.warmup());
        m.put("measurement", s.measurement());
        return m;
    }
}
