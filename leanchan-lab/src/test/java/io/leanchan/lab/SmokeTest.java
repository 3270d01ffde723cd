package io.leanchan.lab;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The default grid, every subject, through the command line (fewer messages per allocation figure than the default). */
class SmokeTest {

    @Test
    void defaultGridForEverySubjectAsCsv() {
        Lab.Result r = Lab.run("--format", "csv", "--ops", "30000", "--aged-messages", "100000", "--aged-wait-ms", "20");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("Exception");
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("subject,msg_size,capacity,heap_after_create,heap_after_fill")
                .contains(",heap_after_aged,heap_after_bursts_idle,").endsWith(",failed");
        List<String> subjects = Subjects.names();
        assertThat(subjects).hasSize(18).contains("Jox-Channel", "Jox-Channel-unlimited", "MpscUnpaddedArrayQueue",
                "MpscUnboundedXaddArrayQueue");
        assertThat(lines).hasSize(1 + subjects.size() * 9);
        Set<String> cells = new HashSet<>();
        java.util.Map<String, Long> bursts = new java.util.HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",", -1);
            assertThat(c).hasSize(12);
            assertThat(c[11]).as("failed, " + line).isEmpty();
            assertThat(Long.parseLong(c[7])).as("heap_after_aged, " + line).isPositive();
            assertThat(Long.parseLong(c[8])).as("heap_after_bursts_idle, " + line).isPositive();
            cells.add(c[0] + "/" + c[1] + "/" + c[2]);
            long create = Long.parseLong(c[3]);
            long fill = Long.parseLong(c[4]);
            long withMessages = Long.parseLong(c[5]);
            assertThat(create).as(line).isPositive();
            assertThat(fill).as(line).isGreaterThanOrEqualTo(create);
            long msg = Messages.objectSize(Integer.parseInt(c[1]));
            assertThat(withMessages - fill).as(line).isEqualTo(msg * Integer.parseInt(c[2]));
            assertThat(Double.parseDouble(c[9])).as(line).isGreaterThanOrEqualTo(0);
            if (c[2].equals("1024")) {
                bursts.put(c[0], Long.parseLong(c[8]));
            }
        }
        // Issue 25: after 3 bursts of 1,024 drained by a consumer that only polls, then 1 s with no call, leanchan is
        // back to its idle size (the reclaimer acts 400 to 450 ms after the last message); a peer that keeps its
        // storage for good keeps it (JCTools' unbounded queue its 1,024-slot chunk, ArrayBlockingQueue its array)
        assertThat(bursts.get("leanchan-bounded")).isLessThanOrEqualTo(64);
        assertThat(bursts.get("leanchan-unbounded")).isLessThanOrEqualTo(64);
        assertThat(bursts.get("MpscUnboundedArrayQueue")).isGreaterThan(1024L * JvmInfo.current().referenceSize());
        assertThat(bursts.get("ArrayBlockingQueue")).isGreaterThan(1024L * JvmInfo.current().referenceSize());
        for (String s : subjects) {
            for (int m : new int[]{8, 128, 1024}) {
                for (int cap : new int[]{1, 16, 1024}) {
                    assertThat(cells).contains(s + "/" + m + "/" + cap);
                }
            }
        }
    }

    @Test
    void textOutputHasTheTableTheSeedAndAVerdict() {
        Lab.Result r = Lab.run("--subjects", "leanchan-bounded,MpscArrayQueue,kotlinx-Channel,Disruptor-RingBuffer",
                "--ops", "20000", "--aged-messages", "1000", "-q");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).contains("heap_after_create", "heap_after_aged", "heap_after_bursts_idle", "alloc_per_msg_burst",
                "tokio heap_after_create (QUOTED)", "33312", "Verdict (computed from the table):\n  - Smallest new (capacity 1,024");
        assertThat(r.err()).isEmpty();
    }
}
