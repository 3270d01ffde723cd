package io.leanchan.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** --compact-headers measures again in a child JVM with -XX:+UseCompactObjectHeaders (JDK 25 product flag). */
@EnabledForJreRange(min = JRE.JAVA_25)
class CompactHeadersTest {

    @Test
    void childJvmWithCompactHeadersShrinksNodes() {
        Lab.Result r = Lab.run("--compact-headers", "--subjects", "LinkedBlockingQueue,leanchan-bounded", "--msg-sizes", "24",
                "--capacities", "16", "--ops", "20000", "--aged-messages", "1000", "--format", "csv", "-q");
        assertThat(r.rc()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).endsWith(",object_headers");
        Map<String, String[]> rows = new HashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",", -1);
            rows.put(c[0] + "/" + c[c.length - 1], c);
        }
        assertThat(rows).containsKeys("LinkedBlockingQueue/default", "LinkedBlockingQueue/compact", "leanchan-bounded/compact");
        // A LinkedBlockingQueue node is a header and two references: 24 B with 12-byte headers, 16 B with 8-byte ones.
        String[] def = rows.get("LinkedBlockingQueue/default");
        String[] cmp = rows.get("LinkedBlockingQueue/compact");
        JvmInfo here = JvmInfo.current();
        long nodeHere = (here.objectHeader() + 2L * here.referenceSize() + 7) / 8 * 8;
        assertThat(Long.parseLong(def[4]) - Long.parseLong(def[3])).isEqualTo(16 * nodeHere);
        assertThat(Long.parseLong(cmp[4]) - Long.parseLong(cmp[3])).isEqualTo(16 * ((8 + 2L * here.referenceSize() + 7) / 8 * 8));
        Lab.Result text = Lab.run("--compact-headers", "--subjects", "ArrayBlockingQueue", "--msg-sizes", "8",
                "--capacities", "16", "--ops", "20000", "--aged-messages", "1000", "-q");
        assertThat(text.out()).contains("compact object headers on", "object header 8 B", "What compact headers change");
    }
}
