package io.leanchan.bench;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ThroughputBench}'s groups {@code p1} and {@code p2} in alternated rounds, for ratios that one busy
 * moment of a shared machine cannot swing: each round runs, per group, one short JMH run (its own fork) per
 * subject, in the order of {@link #SUBJECTS} in odd rounds and the reverse in even ones, and appends one JSON
 * line per run (round, group, subject, position, {@code pollsMade} and its error, the 1-minute load as the run
 * started). {@link RoundsSummary} turns the lines into medians over the rounds and per-round ratios to
 * {@code MpscArrayQueue(1024)}. The forks get {@link ThroughputBench}'s own JVM flags (its {@code @Fork}
 * annotation); no profiler is attached.
 *
 * <pre>java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.ThroughputRounds [--smoke] [--rounds R]
 *      [--out FILE.jsonl]</pre>
 */
public final class ThroughputRounds {
    /** The groups of {@link ThroughputBench}, in the order each round runs them. */
    static final List<String> GROUPS = List.of("p1", "p2");
    /**
     * The subjects, in the order odd rounds run them. Agrona fits the quick part's budget of about 4 minutes:
     * 4 subjects x 2 groups x 5 rounds = 40 runs of about 5.7 s each (5 s of iterations plus the fork), 3.8
     * minutes; a fifth subject would take 4.7.
     */
    static final List<String> SUBJECTS = List.of("LEANCHAN_1024", "MPSC_ARRAY_1024", "LEANCHAN_UNBOUNDED",
            "AGRONA_M2O_1024");

    /** How many rounds and how long each run is. */
    record Settings(int rounds, int warmups, TimeValue warmupTime, int measurements, TimeValue measurementTime) {
        /** The quick suite's: 5 rounds, each run 2 x 1 s warm-up and 3 x 1 s measurement. */
        static final Settings QUICK = new Settings(5, 2, TimeValue.seconds(1), 3, TimeValue.seconds(1));
        /** The smoke suite's: 1 round, each run no warm-up and 1 x 300 ms measurement. */
        static final Settings SMOKE = new Settings(1, 0, TimeValue.seconds(1), 1, TimeValue.milliseconds(300));

        /** The same runs, {@code r} rounds of them. */
        Settings withRounds(int r) {
            return new Settings(r, warmups, warmupTime, measurements, measurementTime);
        }

        /** The warm-up as the report writes it, e.g. "2 x 1 s" ("no" without one). */
        String warmup() {
            return warmups == 0 ? "no" : warmups + " x " + warmupTime;
        }

        /** The measurement as the report writes it, e.g. "3 x 1 s". */
        String measurement() {
            return measurements + " x " + measurementTime;
        }
    }

    private ThroughputRounds() {
    }

    /** Runs the rounds alone (quick settings, or smoke ones with {@code --smoke}); rewrites the output file. */
    public static void main(String[] args) throws Exception {
        Settings s = Settings.QUICK;
        int rounds = -1;
        Path out = Path.of("rounds.jsonl");
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--smoke" -> s = Settings.SMOKE;
                case "--rounds" -> rounds = Integer.parseInt(args[++k]);
                case "--out" -> out = Path.of(args[++k]);
                default -> {
                    System.err.println("usage: ThroughputRounds [--smoke] [--rounds R] [--out FILE.jsonl]");
                    System.exit(2);
                }
            }
        }
        Files.deleteIfExists(out);
        run(rounds > 0 ? s.withRounds(rounds) : s, out);
    }

    /**
     * The order in which a round runs the subjects: as given in odd rounds (1, 3, ...), reversed in even ones,
     * so that every subject runs early in some rounds and late in others.
     *
     * @param round the round, from 1
     */
    static List<String> order(int round, List<String> subjects) {
        List<String> o = new ArrayList<>(subjects);
        if (round % 2 == 0) {
            java.util.Collections.reverse(o);
        }
        return o;
    }

    /**
     * Runs every round and appends one JSON line per JMH run to {@code out}.
     *
     * @return the seconds the rounds took
     */
    static long run(Settings s, Path out) throws RunnerException, IOException {
        long start = System.nanoTime();
        int runs = s.rounds() * GROUPS.size() * SUBJECTS.size();
        int done = 0;
        for (int round = 1; round <= s.rounds(); round++) {
            for (String group : GROUPS) {
                List<String> order = order(round, SUBJECTS);
                for (int pos = 0; pos < order.size(); pos++) {
                    String subject = order.get(pos);
                    System.out.println("leanchan-bench: throughput rounds, run " + (++done) + " of " + runs + ": round "
                            + round + ", " + group + ", " + subject);
                    Map<String, Object> line = runOne(s, round, group, subject, pos + 1);
                    Files.writeString(out, Json.write(line) + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
        }
        long seconds = Math.round((System.nanoTime() - start) / 1e9);
        System.out.println("leanchan-bench: throughput rounds: " + s.rounds()
                + (s.rounds() == 1 ? " round, " : " rounds, ") + runs + " JMH runs in " + seconds + " s");
        return seconds;
    }

    /** One JMH run of one group with one subject: its JSON line. */
    static Map<String, Object> runOne(Settings s, int round, String group, String subject, int position)
            throws RunnerException {
        double load = loadNow();
        OptionsBuilder b = new OptionsBuilder();
        b.include("io\\.leanchan\\.bench\\.ThroughputBench\\." + group + "$")
                .param("subject", subject)
                .forks(1)
                .warmupIterations(s.warmups())
                .warmupTime(s.warmupTime())
                .measurementIterations(s.measurements())
                .measurementTime(s.measurementTime())
                .shouldFailOnError(true);
        Collection<RunResult> results = new Runner(b.build()).run();
        if (results.size() != 1) {
            throw new RunnerException("throughput rounds: " + results.size() + " results for " + group + " " + subject);
        }
        Result<?> polls = results.iterator().next().getSecondaryResults().get("pollsMade");
        if (polls == null) {
            throw new RunnerException("throughput rounds: no pollsMade for " + group + " " + subject);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("round", round);
        m.put("group", group);
        m.put("subject", subject);
        m.put("position", position);
        m.put("pollsMade", polls.getScore());
        m.put("pollsMadeError", polls.getScoreError());
        m.put("load1", load);
        m.put("warmup", s.warmup());
        m.put("measurement", s.measurement());
        return m;
    }

    /** The 1-minute load average now, or NaN where there is none (not Linux). */
    static double loadNow() {
        try {
            return Double.parseDouble(Suite.loadAverage().split(" ")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
