package io.leanchan.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A hand-rolled latency harness for the blocking ping-pong (the JMH benchmarks give only the average): times
 * every round trip with {@link System#nanoTime()} into an HdrHistogram and appends one JSON line with the
 * percentiles to a file. Run one subject per JVM (as {@link Suite} does) so that nothing else has warmed up
 * or polluted the profile.
 *
 * <pre>java -cp benchmarks.jar io.leanchan.bench.LatencyHarness SUBJECT platform|virtual WARMUP_MS MEASURE_MS OUT.jsonl</pre>
 */
public final class LatencyHarness {
    private LatencyHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: LatencyHarness SUBJECT platform|virtual WARMUP_MS MEASURE_MS OUT.jsonl");
            System.exit(2);
        }
        BlockingSubject subject = BlockingSubject.valueOf(args[0]);
        boolean virtual = switch (args[1]) {
            case "platform" -> false;
            case "virtual" -> true;
            default -> throw new IllegalArgumentException("threads: platform or virtual, was " + args[1]);
        };
        long warmupNs = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
        long measureNs = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[3]));
        String line = run(subject, virtual, warmupNs, measureNs);
        Files.writeString(Path.of(args[4]), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.out.println(line);
    }

    static String run(BlockingSubject subject, boolean virtual, long warmupNs, long measureNs) throws Exception {
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        Throwable[] failure = new Throwable[1];
        try (PingPong pp = new PingPong(subject, virtual)) {
            Runnable body = () -> {
                try {
                    long end = System.nanoTime() + warmupNs;
                    while (System.nanoTime() < end) {
                        for (int k = 0; k < 100; k++) {
                            pp.roundTrip();
                        }
                    }
                    h.reset();
                    end = System.nanoTime() + measureNs;
                    for (long t0 = System.nanoTime(); t0 < end; ) {
                        pp.roundTrip();
                        long t1 = System.nanoTime();
                        h.recordValue(Math.min(t1 - t0, h.getHighestTrackableValue()));
                        t0 = t1;
                    }
                } catch (Throwable t) {
                    failure[0] = t;
                }
            };
            Thread t = (virtual ? Thread.ofVirtual() : Thread.ofPlatform()).name("ping").start(body);
            t.join();
        }
        if (failure[0] != null) {
            throw new IllegalStateException("ping-pong failed", failure[0]);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", subject.name());
        m.put("threads", virtual ? "virtual" : "platform");
        m.put("count", h.getTotalCount());
        m.put("mean", Math.round(h.getMean() * 10) / 10.0);
        m.put("p50", h.getValueAtPercentile(50));
        m.put("p90", h.getValueAtPercentile(90));
        m.put("p99", h.getValueAtPercentile(99));
        m.put("p999", h.getValueAtPercentile(99.9));
        m.put("max", h.getMaxValue());
        m.put("unit", "ns");
        return Json.write(m);
    }
}
