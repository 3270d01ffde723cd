package io.leanchan.lab;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenarios pekko-mailboxes, reactor-sinks and netty-event-loops at small counts: they run in the real frameworks, every format
 * parses, and the figures that hold by construction hold.
 */
class FrameworkScenarioTest {

    static double d(String[] row, int column) {
        return Double.parseDouble(row[column]);
    }

    @Test
    void pekkoMailboxesMeasuresEveryMailboxInARealActorSystem() {
        Lab.Result r = Lab.run("scenario", "pekko-mailboxes", "--actors", "200", "--rounds", "50", "--burst", "8",
                "--format", "csv", "-q");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).isEqualTo(String.join(",", PekkoScenario.COLUMNS));
        Map<String, String[]> m = ScenarioTest.rows(r.out());
        assertThat(m).containsOnlyKeys("pekko-default", "pekko-single-consumer", "pekko-bounded", "leanchan-unbounded",
                "leanchan-bounded");
        for (String[] c : m.values()) {
            assertThat(c[1]).isEqualTo("200");
            assertThat(c).as(c[0] + " measured").hasSize(PekkoScenario.COLUMNS.size() - 1); // the failed cell is empty
            // queue inside mailbox inside actor; shares are shares
            assertThat(d(c, 2)).as(c[0]).isPositive().isLessThan(d(c, 3));
            assertThat(d(c, 3)).as(c[0]).isLessThan(d(c, 4));
            assertThat(d(c, 5)).as(c[0]).isBetween(0.0, 100.0);
            assertThat(d(c, 8)).as(c[0]).isBetween(0.0, 100.0);
            // the mailbox holding 8 envelopes (24 B each, not shared) is larger than idle by at least those
            assertThat(d(c, 7) - d(c, 3)).as(c[0]).isGreaterThanOrEqualTo(8 * 24);
            // every message carries Pekko's 24-byte Envelope
            assertThat(d(c, 6)).as(c[0]).isGreaterThanOrEqualTo(23.0);
        }
        String[] lean = m.get("leanchan-unbounded");
        String[] leanBounded = m.get("leanchan-bounded");
        String[] def = m.get("pekko-default");
        String[] bounded = m.get("pekko-bounded");
        // a LinkedBlockingQueue (two locks, two conditions, a node) against a channel and a one-field queue
        assertThat(d(leanBounded, 2)).isLessThan(d(bounded, 2));
        assertThat(d(leanBounded, 3)).isLessThan(d(bounded, 3));
        // held: a 24-byte node per message on Pekko's queues, a ring slot on leanchan's
        assertThat(d(lean, 7)).isLessThan(d(def, 7));
        assertThat(d(leanBounded, 7)).isLessThan(d(bounded, 7));
        // no node per message: 24 B less per message than the ConcurrentLinkedQueue's
        assertThat(d(lean, 6)).isLessThan(d(def, 6) - 12);
        // the mailbox run polled the channel empty after the burst: the first ring is given back
        assertThat(d(lean, 9)).isEqualTo(d(lean, 3));
        assertThat(d(leanBounded, 9)).isEqualTo(d(leanBounded, 3));
        // issue 25: after 3 bursts (the second keeps the ring on credit) and the idle time with no message (1 s
        // published; 3 s in these tests, leanchan.lab.idleMillis in the pom, as CI runs beside CPU hogs), the reclaimer has
        // given the ring back although the mailbox never polled again: the queue is back to its idle size
        assertThat(d(lean, 10)).isEqualTo(d(lean, 2));
        assertThat(d(leanBounded, 10)).isEqualTo(d(leanBounded, 2));
        // (the whole actor against the default's depends on where the ConcurrentLinkedQueue's lagging head stands
        // after bursts of 8; leanchan-pekko's IdleAfterBurstsTest asserts it at issue 25's bursts of 16)
        assertThat(d(lean, 11)).isLessThan(d(lean, 4) + 1);
    }

    @Test
    void reactorSinksMeasuresDefaultAndLeanchanBuffers() {
        Lab.Result r = Lab.run("scenario", "reactor-sinks", "--sinks", "100", "--format", "csv", "-q");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).isEqualTo(String.join(",", ReactorScenario.COLUMNS));
        Map<String, String[]> m = ScenarioTest.rows(r.out());
        assertThat(m).containsOnlyKeys("reactor-default", "reactor-unbounded-8", "leanchan-unbounded", "leanchan-bounded");
        String[] reactor = m.get("reactor-default");
        // Reactor's SpscLinkedArrayQueue(256) allocates its 256-slot array with the sink: 64 fit in it
        assertThat(d(reactor, 3)).isEqualTo(d(reactor, 2));
        assertThat(d(reactor, 4)).isEqualTo(d(reactor, 2));
        assertThat(d(reactor, 2)).isGreaterThan(Jol.vm().sizeOf(new Object[256]));
        for (String lean : List.of("leanchan-unbounded", "leanchan-bounded")) {
            String[] c = m.get(lean);
            assertThat(c).as(lean + " measured").hasSize(ReactorScenario.COLUMNS.size() - 1);
            assertThat(d(c, 2)).as(lean).isLessThan(d(reactor, 2));
            assertThat(d(c, 3)).as(lean).isGreaterThan(d(c, 2)); // a ring for the 64 held
            assertThat(d(c, 5)).as(lean).isEqualTo(d(c, 2)); // given back once the receiver finds it empty
            assertThat(Long.parseLong(c[6])).isEqualTo(Math.round(d(c, 2) * 100));
            // issue 25: 3 bursts, the last two requested exactly (no empty poll), then the idle time: back to idle
            assertThat(d(c, 8)).as(lean).isEqualTo(d(c, 2));
            assertThat(d(c, 8)).as(lean).isLessThanOrEqualTo(d(m.get("reactor-unbounded-8"), 8));
        }
        assertThat(d(reactor, 8)).isEqualTo(d(reactor, 2));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFormatOfBothScenariosParses() {
        for (String[] sc : new String[][]{{"pekko-mailboxes", "--actors", "40", "--rounds", "2", "--burst", "4",
                "--subjects", "pekko-default,leanchan-unbounded"}, {"reactor-sinks", "--sinks", "20"},
                {"netty-event-loops", "--loops", "2", "--tasks", "100"}}) {
            String name = sc[0];
            String[] base = new String[sc.length + 1];
            base[0] = "scenario";
            System.arraycopy(sc, 0, base, 1, sc.length);
            Lab.Result json = Lab.run(concat(base, "--format", "json", "-q"));
            assertThat(json.rc()).as(json.err()).isZero();
            Map<String, Object> m = (Map<String, Object>) Json.parse(json.out());
            assertThat(m.get("scenario")).isEqualTo(name);
            List<Map<String, Object>> rows = (List<Map<String, Object>>) m.get("rows");
            assertThat(rows).hasSize(name.equals("reactor-sinks") ? 4 : 2);
            for (Map<String, Object> row : rows) {
                assertThat(row.get("failed")).isNull();
                assertThat(row.get((String) ((List<Object>) m.get("columns")).get(2))).isInstanceOf(Number.class);
            }
            assertThat((Map<String, Object>) m.get("libraries")).containsKeys("pekko-actor", "reactor-core", "netty-transport");
            assertThat(((Map<String, Object>) m.get("libraries")).get("pekko-actor")).isEqualTo("1.2.1");

            Lab.Result md = Lab.run(concat(base, "--format", "markdown", "-q"));
            assertThat(md.rc()).as(md.err()).isZero();
            assertThat(md.out()).startsWith("## Scenario " + name + ":").contains("| subject | ", "|---");
            long tableRows = md.out().lines().filter(l -> l.startsWith("| ") && !l.startsWith("| subject")).count();
            assertThat(tableRows).isEqualTo(rows.size());

            Lab.Result text = Lab.run(concat(base, "-q"));
            assertThat(text.rc()).as(text.err()).isZero();
            assertThat(text.out()).startsWith("leanchan footprint lab, scenario " + name).contains("Verdict:", "JVM: ");

            Lab.Result csv = Lab.run(concat(base, "--format", "csv", "-q"));
            assertThat(csv.rc()).as(csv.err()).isZero();
            assertThat(csv.out().lines().count()).isEqualTo(rows.size() + 1);
        }
    }

    @Test
    void nettyEventLoopsMeasuresBothTaskQueuesOfRealLoops() {
        Lab.Result r = Lab.run("scenario", "netty-event-loops", "--loops", "4", "--tasks", "2000", "--format", "csv", "-q");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).isEqualTo(String.join(",", NettyScenario.COLUMNS));
        Map<String, String[]> m = ScenarioTest.rows(r.out());
        assertThat(m).containsOnlyKeys("netty-default", "leanchan");
        String[] netty = m.get("netty-default");
        String[] lean = m.get("leanchan");
        for (String[] c : m.values()) {
            assertThat(c).as(c[0] + " measured").hasSize(NettyScenario.COLUMNS.size() - 1);
            assertThat(c[1]).isEqualTo("4");
            assertThat(c[2]).isEqualTo("2000");
        }
        // JCTools allocates its first 1,024-slot chunk with each queue, and keeps it
        assertThat(d(netty, 3)).isGreaterThan(2 * Jol.vm().sizeOf(new Object[1024]));
        assertThat(d(netty, 6)).isEqualTo(d(netty, 3));
        // leanchan: no storage new; after 3 bursts and 1 s with nothing to do, back to that (issue 25). The stages in
        // between are not asserted: whether a ring is kept right after a burst depends on how the loop's runs polled
        // the queue and on when the reclaimer last visited, which is timing
        assertThat(d(lean, 3)).isLessThan(200);
        assertThat(d(lean, 6)).isEqualTo(d(lean, 3));
    }

    @Test
    void badArgumentsAreUsageErrors() {
        Lab.Result unknown = Lab.run("scenario", "pekko-mailboxes", "--subjects", "ArrayBlockingQueue", "-q");
        assertThat(unknown.rc()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown subject 'ArrayBlockingQueue'", "pekko-default");
        Lab.Result burst = Lab.run("scenario", "pekko-mailboxes", "--burst", "1001");
        assertThat(burst.rc()).isEqualTo(2);
        assertThat(burst.err()).contains("--burst");
        Lab.Result sinks = Lab.run("scenario", "reactor-sinks", "--sinks", "0");
        assertThat(sinks.rc()).isEqualTo(2);
        Lab.Result progress = Lab.run("scenario", "reactor-sinks", "--sinks", "10", "--subjects", "leanchan-bounded",
                "--format", "csv");
        assertThat(progress.rc()).as(progress.err()).isZero();
        assertThat(progress.out().lines().count()).isEqualTo(2);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
