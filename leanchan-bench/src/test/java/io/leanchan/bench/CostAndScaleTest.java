package io.leanchan.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts of the cost and scale tools: their JSON lines, the medians with timeouts, the inlining log parser. */
class CostAndScaleTest {

    @Test
    void jsonLinesRoundTrip() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"quoted\"\\ line\n");
        m.put("i", 3);
        m.put("d", 0.25);
        m.put("b", true);
        m.put("nan", Double.NaN);
        Map<String, Object> back = Json.obj(Json.parse(Json.write(m)));
        assertThat(back).containsEntry("s", "a \"quoted\"\\ line\n").containsEntry("i", 3)
                .containsEntry("d", 0.25).containsEntry("b", true).containsEntry("nan", null);
    }

    static Map<String, Object> run(String subject, double seconds, boolean timedOut) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test", "senders");
        m.put("subject", subject);
        m.put("capacity", 1.0);
        m.put("threads", "virtual");
        m.put("n", 10_000.0);
        m.put("limit", 30.0);
        m.put("timedOut", timedOut);
        if (!timedOut) {
            m.put("seconds", seconds);
        }
        return m;
    }

    @Test
    void mediansCountATimeoutAsLongerThanAnyRun() {
        List<Map<String, Object>> rs = new ArrayList<>(List.of(run("ABQ", 1.0, false), run("ABQ", 3.0, false),
                run("ABQ", 2.0, false), run("LEANCHAN", 5.0, false), run("LEANCHAN", 0, true)));
        Map<String, CostAndScaleSections.Stat> st = CostAndScaleSections.medians(rs);
        assertThat(st.get("senders ABQ 1 virtual 10000").median()).isEqualTo(2.0);
        assertThat(st.get("senders LEANCHAN 1 virtual 10000").median()).isInfinite();
        assertThat(st.get("senders LEANCHAN 1 virtual 10000").text()).startsWith("> 30 s");
        String md = CostAndScaleSections.scale(rs);
        assertThat(md).contains("| virtual | 10,000 | 1 | > 30 s").contains("> 15.0x | **must MISSED**");
        List<Map<String, Object>> slowPeer = List.of(run("ABQ", 20.0, false), run("LEANCHAN", 0, true));
        assertThat(CostAndScaleSections.scale(slowPeer)).contains("> 1.5x | inconclusive");
        rs.add(run("LEANCHAN", 1.5, false));
        rs.add(run("LEANCHAN", 1.9, false));
        rs.add(run("LEANCHAN", 1.9, false));
        assertThat(st = CostAndScaleSections.medians(rs)).isNotNull();
        assertThat(st.get("senders LEANCHAN 1 virtual 10000").text()).isEqualTo("1.90 s (5 runs, 1.50 s to > 30 s; 1 timed out)");
        assertThat(CostAndScaleSections.scale(rs)).contains("0.95x | goal met");
        rs.add(run("LEANCHAN", 4.5, false));
        rs.add(run("LEANCHAN", 4.5, false));
        assertThat(CostAndScaleSections.scale(rs)).contains("2.25x | **must MISSED**");
    }

    @Test
    void inliningVerdictsFromC2Lines() {
        List<String> log = List.of(
                "    @ 9   io.leanchan.internal.MpscChannel::offer (338 bytes)   failed to inline: hot method too big",
                "    @ 25   io.leanchan.internal.MpscChannel::trySend (13 bytes)   inline (hot)   callee changed to "
                        + " io.leanchan.bench.InliningCheck::batches (76 bytes)    \\-> TypeProfile (1/1 counts) = x",
                "    @ 3   io.leanchan.internal.MpscChannel::hot (8 bytes)   inline (hot)",
                "    @ 5   io.leanchan.internal.MpscChannel::casC (30 bytes)   inline (hot)",
                "    @ 7   io.leanchan.internal.MpscChannel::casC (30 bytes)   low call site frequency",
                "    @ 8   io.leanchan.internal.MpscChannel::grow (90 bytes)   too big",
                "    @ 8   io.leanchan.internal.MpscChannel::grow (90 bytes)   inline (hot)",
                "    @ 1   io.leanchan.internal.MpscChannel::wake (40 bytes)   never executed",
                "    @ 1   io.leanchan.bench.InliningCheck::pairs (42 bytes)   inline (hot)");
        Map<String, InliningCheck.Verdict> v = InliningCheck.parse(log);
        assertThat(v).doesNotContainKey("io.leanchan.bench.InliningCheck::pairs");
        assertThat(v.get("io.leanchan.internal.MpscChannel::offer").verdict()).isEqualTo("NOT INLINED (hot, too big)");
        assertThat(InliningCheck.summary(v)).isEqualTo("verdict: hot call sites NOT inlined: MpscChannel::offer (338 bytes)");
        assertThat(v.get("io.leanchan.internal.MpscChannel::trySend").verdict()).isEqualTo("INLINED");
        assertThat(v.get("io.leanchan.internal.MpscChannel::trySend").detail()).isEqualTo("inline (hot) x1");
        assertThat(v.get("io.leanchan.internal.MpscChannel::casC").verdict()).isEqualTo("INLINED");
        assertThat(v.get("io.leanchan.internal.MpscChannel::grow").verdict()).isEqualTo("MIXED");
        assertThat(v.get("io.leanchan.internal.MpscChannel::wake").verdict()).isEqualTo("COLD");
        assertThat(v.get("io.leanchan.internal.MpscChannel::offer").bytes).isEqualTo(338);
    }
}
