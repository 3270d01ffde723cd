package io.leanchan.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmarks still run: JMH's annotation processor generated them, and the smoke suite (every benchmark
 * method once, one short iteration in a forked JVM, with -prof gc, plus the latency harness and the report)
 * produced results. It says nothing about speed.
 */
class SmokeTest {

    @Test
    void annotationProcessorGeneratedEveryBenchmark() throws Exception {
        String list;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/BenchmarkList")) {
            assertThat(in).as("META-INF/BenchmarkList (JMH's processor needs <proc>full</proc> on JDK 23+)")
                    .isNotNull();
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String b : List.of("ThroughputBench_p1", "ThroughputBench_p2", "BurstBench_b1", "BurstBench_b2",
                "PingPongBench_roundTrip", "VirtualPingPongBench_roundTrip", "AsyncBench_roundTrip",
                "CostBench_pair", "CostBench_batch64", "CostBench_emptyPoll", "InFlightBench_roundTrip",
                "SelectBench_select", "NettyTaskBench_oneSubmitter", "NettyTaskBench_twoSubmitters",
                "ReactorSinkBench_publishOn", "ReactorSinkBench_toIterable", "PekkoMailboxBench_oneSender",
                "PekkoMailboxBench_twoSenders")) {
            assertThat(list).contains("io.leanchan.bench.jmh_generated." + b + "_jmhTest");
        }
    }

    /**
     * The watchdog of {@link Suite#jmhGuarded}: a fork past its limit is killed, the run goes on without a result
     * for it, and the kill is recorded. A quick-mode ThroughputBench fork runs about 10 s; the limit is 2 s.
     */
    @Test
    void guardedRunKillsAForkPastItsLimitAndGoesOn(@TempDir Path dir) throws Exception {
        Suite.KILLED.clear();
        long t0 = System.nanoTime();
        Suite.jmhGuarded(new Suite.Config(false, dir), "\\.ThroughputBench\\.p1$", Suite.THROUGHPUT, "JOX_1024", 2);
        long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        assertThat(Suite.KILLED).hasSize(1);
        assertThat(Suite.KILLED.get(0)).contains("JOX_1024").contains("killed after");
        assertThat(seconds).as("seconds until the killed fork's run returned").isLessThan(8);
        Path out = dir.resolve(Suite.THROUGHPUT);
        if (Files.exists(out)) {
            assertThat(Report.load(out)).as("no result for the killed fork").isEmpty();
        }
        Suite.KILLED.clear();
    }

    @Test
    void smokeSuiteProducesResultsAndReport(@TempDir Path dir) throws Exception {
        Suite.run(new Suite.Config(true, dir));

        List<Report.Row> tpt = Report.load(dir.resolve(Suite.THROUGHPUT));
        for (String s : List.of("LEANCHAN_1024", "MPSC_ARRAY_1024", "AGRONA_M2O_1024", "KOTLINX_1024")) {
            assertMoved(Report.find(tpt, "ThroughputBench.p1", s));
        }
        assertMoved(Report.find(tpt, "ThroughputBench.p2", "LEANCHAN_1024"));
        assertMoved(Report.find(tpt, "ThroughputBench.p1", "JOX_1024")); // through jmhGuarded: nothing killed
        assertThat(Suite.KILLED).isEmpty();
        List<Map<String, Object>> rounds = Report.loadLines(dir.resolve(Suite.ROUNDS));
        assertThat(rounds).as("one smoke round: every group with every subject")
                .hasSize(ThroughputRounds.GROUPS.size() * ThroughputRounds.SUBJECTS.size());
        for (Map<String, Object> m : rounds) {
            assertThat(Json.num(m.get("pollsMade"))).as(m.toString()).isPositive();
        }
        List<Map<String, Object>> frameworks = Report.loadLines(dir.resolve(Suite.FRAMEWORKS));
        assertThat(frameworks).as("one smoke round of the framework benchmarks: every benchmark with both subjects")
                .hasSize(FrameworkRounds.BENCHES.size() * FrameworkRounds.SUBJECTS.size());
        for (Map<String, Object> m : frameworks) {
            assertThat(Json.num(m.get("opsPerUs"))).as(m.toString()).isPositive();
        }
        List<Report.Row> burst = Report.load(dir.resolve(Suite.BURST));
        assertMoved(Report.find(burst, "BurstBench.b1", "LEANCHAN_1024"));
        assertMoved(Report.find(burst, "BurstBench.b2", "LEANCHAN_1024"));
        for (String[] r : new String[][] {{Suite.PINGPONG, "PingPongBench.roundTrip", "LEANCHAN_1024"},
                {Suite.PINGPONG, "PingPongBench.roundTrip", "ABQ_1024"},
                {Suite.VPINGPONG, "VirtualPingPongBench.roundTrip", "LEANCHAN_1024"},
                {Suite.ASYNC, "AsyncBench.roundTrip", "LEANCHAN_1024"},
                {Suite.ASYNC, "AsyncBench.roundTrip", "KOTLINX_1024"},
                {Suite.ASYNC, "AsyncBench.roundTrip", "LBQ_HANDOFF"},
                {Suite.SELECT, "SelectBench.select", "LEANCHAN_2"},
                {Suite.SELECT, "SelectBench.select", "JOX_4"},
                {Suite.SELECT, "SelectBench.select", "FANIN_ABQ_2"}}) {
            Report.Row row = Report.find(Report.load(dir.resolve(r[0])), r[1], r[2]);
            assertThat(row).as(r[1] + " " + r[2]).isNotNull();
            assertThat(row.score()).as(r[1] + " " + r[2] + " ns/op").isPositive();
            assertThat(row.metric("gc.alloc.rate.norm")).as("-prof gc ran").isNotNaN();
        }

        List<Map<String, Object>> lat = Report.loadLines(dir.resolve(Suite.LATENCY));
        assertThat(lat).hasSize(2);
        for (Map<String, Object> m : lat) {
            assertThat(Json.num(m.get("count"))).isPositive();
            assertThat(Json.num(m.get("p99"))).isGreaterThanOrEqualTo(Json.num(m.get("p50"))).isPositive();
        }

        List<Map<String, Object>> ring = Report.loadLines(dir.resolve(Suite.RING));
        assertThat(ring).hasSize(1);
        assertThat(Json.num(ring.get(0).get("messages"))).isPositive();
        assertThat(Json.num(ring.get(0).get("bytesPerMsg"))).isNotNaN();
        assertThat(ring.get(0).get("giveBacksSeen")).as("the probe still finds the ring field").isNotNull();

        List<Report.Row> cost = Report.load(dir.resolve(Suite.COST));
        for (String[] r : new String[][] {{"CostBench.pair", "LEANCHAN_16"}, {"CostBench.pair", "MPSC_ARRAY_1024"},
                {"CostBench.pair", "MPSC_UNPADDED_1024"}, {"CostBench.batch64", "LEANCHAN_16"},
                {"CostBench.emptyPoll", "LEANCHAN_16"}}) {
            Report.Row row = Report.find(cost, r[0], r[1]);
            assertThat(row).as(r[0] + " " + r[1]).isNotNull();
            assertThat(row.score()).as(r[0] + " " + r[1] + " ns/op").isPositive();
        }
        Report.Row flight = Report.find(Report.load(dir.resolve(Suite.INFLIGHT)), "InFlightBench.roundTrip",
                "LEANCHAN_1024");
        assertThat(flight).isNotNull();
        assertThat(flight.score()).isPositive();

        List<Map<String, Object>> scale = CostAndScaleSections.lines(dir.resolve(Suite.SCALE));
        assertThat(scale).as("every smoke scale case ran once").hasSize(ScaleHarness.plan(true, null).size());
        for (Map<String, Object> m : scale) {
            // A leanchan run may pass its limit (today's core can: issue 9); that is a finding, reported as
            // "> limit", not a broken harness. The peers must finish, so the harness itself is proven.
            if (Boolean.TRUE.equals(m.get("timedOut")) && "LEANCHAN".equals(m.get("subject"))) {
                continue;
            }
            assertThat(m.get("timedOut")).as(m.toString()).isEqualTo(false);
            assertThat(((Number) m.get("seconds")).doubleValue()).as(m.toString()).isPositive();
        }
        List<Map<String, Object>> waiters = CostAndScaleSections.lines(dir.resolve(Suite.WAITERS));
        assertThat(waiters).extracting(m -> m.get("subject")).contains("LEANCHAN", "ABQ", "LBQ");
        for (Map<String, Object> m : waiters) {
            assertThat(((Number) m.get("bytesPerWaiter")).doubleValue()).as(m.toString()).isPositive();
        }
        List<Map<String, Object>> inlining = CostAndScaleSections.lines(dir.resolve(Suite.INLINING));
        assertThat(inlining).extracting(m -> String.valueOf(m.get("method")))
                .anyMatch(s -> s.endsWith("::trySend")).anyMatch(s -> s.endsWith("::tryReceive"));

        Path doc = dir.resolve("benchmarks.md");
        Report.write(dir, doc);
        String md = Files.readString(doc);
        assertThat(md).contains("## Targets", "## 1. Throughput", "## 1b. Throughput, alternated rounds",
                "## 2. Throughput in bursts",
                "## 3. Latency", "## 4. Asynchronous", "## 5. Allocation", "JCTools MpscArrayQueue(1024)",
                "Agrona ManyToOneConcurrentArrayQueue(1024)", "| CPU |", "RingProbe",
                "## 6. Cost per operation", "## 7. One message in flight", "## 8. Blocking at scale",
                "Pending `sendAsync`", "`close()` with K waiting senders", "## 9. What one waiter costs", "## 10. Inlining",
                "## 11. Select over several channels", "## 12. Inside the frameworks",
                "| inside the frameworks, Netty: tasks through one event loop, 1 submitter: leanchan >= 0.8x");
        assertThat(dir.resolve("benchmarks-throughput.png")).isNotEmptyFile();
        assertThat(dir.resolve("benchmarks-latency.png")).isNotEmptyFile();
    }

    static void assertMoved(Report.Row r) {
        assertThat(r).isNotNull();
        assertThat(r.metric("pollsMade")).as(r.bench() + " " + r.subject() + " messages/us").isPositive();
        assertThat(r.metric("gc.alloc.rate.norm")).as("-prof gc ran").isNotNaN();
    }
}
