package io.leanchan.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * What a unicast sink costs with Reactor's default buffer and with leanchan's, measured with JOL (retained bytes
 * per sink over 200 sinks, so that shared objects are amortised; the elements are one shared object) and
 * ThreadMXBean (bytes allocated per element through a subscribed sink). Printed as {@code [footprint]} lines;
 * docs/integrations.md quotes a run.
 */
class SinkFootprintTest {
    static final int SINKS = 200;
    static final int BURST = 64;
    static final Object ELEMENT = new Object();

    static Map<String, Supplier<Sinks.Many<Object>>> subjects() {
        Map<String, Supplier<Sinks.Many<Object>>> m = new LinkedHashMap<>();
        m.put("reactor onBackpressureBuffer() (SpscLinkedArrayQueue)", () -> Sinks.many().unicast().onBackpressureBuffer());
        m.put("leanchan LeanchanSinks.unicast()", LeanchanSinks::unicast);
        m.put("leanchan LeanchanSinks.unicast(256)", () -> LeanchanSinks.unicast(256));
        return m;
    }

    static double perSink(Supplier<Object> make) {
        Object[] all = new Object[SINKS];
        long empty = GraphLayout.parseInstance((Object) all).totalSize();
        for (int i = 0; i < SINKS; i++) {
            all[i] = make.get();
        }
        return (GraphLayout.parseInstance((Object) all).totalSize() - empty) / (double) SINKS;
    }

    static Sinks.Many<Object> subscribed(Supplier<Sinks.Many<Object>> make) {
        Sinks.Many<Object> sink = make.get();
        sink.asFlux().subscribe(v -> { });
        return sink;
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void sinkFootprint() {
        assumeTrue(VM.current().addressSize() == 8 && VM.current().objectHeaderSize() == 12,
                "figures are for 64-bit HotSpot with compressed oops");
        System.out.println("[footprint] | unicast sink | idle, no subscriber (B) | idle, subscribed (B) | subscribed, "
                + "after a drained burst of " + BURST + " (B) | queue alone, idle (B) | allocated per element (B) |");
        Map<String, double[]> results = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<Sinks.Many<Object>>> s : subjects().entrySet()) {
            Supplier<Sinks.Many<Object>> make = s.getValue();
            double idle = perSink(make::get);
            double subscribedIdle = perSink(() -> subscribed(make));
            double afterBurst = perSink(() -> {
                Sinks.Many<Object> sink = subscribed(make);
                for (int i = 0; i < BURST; i++) {
                    sink.tryEmitNext(ELEMENT);
                }
                return sink;
            });
            double queue = s.getKey().startsWith("reactor") ? perSink(() -> Queues.unbounded().get())
                    : perSink(s.getKey().endsWith("(256)") ? () -> LeanchanQueue.bounded(256) : LeanchanQueue::unbounded);
            Sinks.Many<Object> sink = subscribed(make);
            for (int i = 0; i < 200_000; i++) {
                sink.tryEmitNext(ELEMENT);
            }
            int n = 300_000;
            long before = allocatedBytes();
            for (int i = 0; i < n; i++) {
                sink.tryEmitNext(ELEMENT);
            }
            double alloc = (allocatedBytes() - before) / (double) n;
            results.put(s.getKey(), new double[] {idle, subscribedIdle, afterBurst, queue, alloc});
            System.out.printf("[footprint] | %s | %.0f | %.0f | %.0f | %.0f | %.2f |%n", s.getKey(), idle, subscribedIdle,
                    afterBurst, queue, alloc);
        }
        double[] reactor = results.get("reactor onBackpressureBuffer() (SpscLinkedArrayQueue)");
        double[] lean = results.get("leanchan LeanchanSinks.unicast()");
        assertThat(lean[0]).isLessThan(reactor[0]);
        assertThat(lean[2]).isLessThan(reactor[2]);
    }
}
