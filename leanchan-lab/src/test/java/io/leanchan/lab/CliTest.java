package io.leanchan.lab;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Argument parsing: bad arguments give one line on stderr, nothing on stdout, exit code 2. */
class CliTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "--subjects nope",
            "--subjects leanchan-bounded,NoSuchQueue",
            "--msg-sizes abc",
            "--msg-sizes 8,x",
            "--capacities 0",
            "--capacities -5",
            "--capacities 1.5",
            "--msg-sizes 0",
            "--ops 0",
            "--format xml",
            "--chart chart.gif",
            "--unknown-option",
            "--subjects java.lang.String",
            "--subjects java.util.AbstractQueue",
            "--subjects com.example.NoSuchQueue",
            "--classpath /no/such/dir --subjects com.example.Q",
            "--idle-ms -1",
            "scenario",
            "scenario nope",
            "scenario many-channels --count 0",
            "scenario many-channels --capacity 0",
            "scenario per-connection --in-flight 65",
            "scenario per-connection --requests x",
            "scenario many-channels --subjects nope",
    })
    void badArgumentsGiveOneLineAndExitCode2(String args) {
        Lab.Result r = Lab.run(args.split(" "));
        assertThat(r.rc()).as(args).isEqualTo(2);
        assertThat(r.out()).as("stdout of " + args).isEmpty();
        List<String> lines = r.err().lines().toList();
        assertThat(lines).as("stderr of " + args).hasSize(1);
        assertThat(lines.get(0)).startsWith("leanchan-lab: ").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void unknownSubjectNamesTheKnownOnes() {
        Lab.Result r = Lab.run("--subjects", "nope");
        assertThat(r.err()).contains("unknown subject 'nope'").contains("leanchan-bounded").contains("Disruptor-RingBuffer");
    }

    @Test
    void helpStatesTheMethod() {
        Lab.Result r = Lab.run("--help");
        assertThat(r.rc()).isZero();
        assertThat(r.out()).contains("--format", "--subjects", "--msg-sizes", "--capacities", "--out", "--chart",
                "--compact-headers", "--jvm-flag", "--classpath", "Method:", "GraphLayout",
                "getCurrentThreadAllocatedBytes", "independent second instance", "heap_after_fill_with_messages",
                "heap_after_aged", "--aged-messages", "--aged-wait-ms",
                "heap_after_bursts_idle", "--idle-ms", "--no-baseline", "Tokio mpsc channels and memory");
        assertThat(Lab.run("scenario", "many-channels", "--help").out()).contains("--count", "10,000");
        assertThat(Lab.run("scenario", "per-connection", "--help").out()).contains("--requests", "8 KB");
    }

    @Test
    void listShowsEverySubjectAndHowItIsBuilt() {
        Lab.Result r = Lab.run("--list");
        assertThat(r.rc()).isZero();
        for (String s : Subjects.names()) {
            assertThat(r.out()).contains(s);
        }
        assertThat(r.out()).contains("MpscChunkedArrayQueue<>(1024)", "chunk of 128", "the consumer waits",
                "Receiver.receive(timeout)", "BlockingQueue.poll(timeout)", "withTimeoutOrNull", "selectOrClosedWithin");
    }

    @Test
    void aUserQueueClassIsMeasuredWithoutCode() {
        Lab.Result r = Lab.run("--subjects", "java.util.ArrayDeque,java.util.concurrent.ConcurrentLinkedDeque", "--no-baseline",
                "--msg-sizes", "24", "--capacities", "16", "--ops", "20000", "--aged-messages", "1000", "--format", "csv", "-q");
        assertThat(r.rc()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("java.util.ArrayDeque,24,16,");
        assertThat(lines.get(2)).startsWith("java.util.concurrent.ConcurrentLinkedDeque,24,16,");
        // ArrayDeque(16) preallocates its array: create = fill; ConcurrentLinkedDeque grows per message.
        String[] ad = lines.get(1).split(",");
        assertThat(ad[3]).isEqualTo(ad[4]);
        String[] cld = lines.get(2).split(",");
        assertThat(Long.parseLong(cld[4])).isGreaterThan(Long.parseLong(cld[3]));
    }

    @Test
    void jvmFlagsAreRemovedFromTheChildsArguments() {
        assertThat(LabMain.withoutJvmFlags(List.of("--jvm-flag", "-XX:-UseCompressedOops", "--format", "csv",
                "--jvm-flag=-Xmx1g", "-q"))).containsExactly("--format", "csv", "-q");
    }
}
