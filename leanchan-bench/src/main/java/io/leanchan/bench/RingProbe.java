package io.leanchan.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A diagnostic, not a benchmark: runs the burst pattern of {@link BurstBench} (one producer, bursts of
 * {@code burst} messages, a consumer that drains to empty) on a leanchan channel and watches its ring through
 * reflection on the internal {@code buffer} field after every drain. It reports the bytes allocated per
 * message by both threads (ThreadMXBean) and how often the receiver was seen to have given the ring back,
 * with the ring length it had reached before: the mechanism behind leanchan's allocation in bursts.
 * Give-backs are counted when the consumer sees a zero-length ring after a drain, so the count is a lower
 * bound (a producer can regrow the ring before the consumer looks).
 *
 * <pre>java -cp benchmarks.jar io.leanchan.bench.RingProbe CAPACITY|unbounded BURST SECONDS OUT.jsonl</pre>
 */
public final class RingProbe {
    private RingProbe() {
    }

    static volatile long received;
    static volatile boolean stop;

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: RingProbe CAPACITY|unbounded BURST SECONDS OUT.jsonl");
            System.exit(2);
        }
        String line = run(args[0], Integer.parseInt(args[1]), Long.parseLong(args[2]));
        Files.writeString(Path.of(args[3]), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.out.println(line);
    }

    static String run(String capacity, int burst, long seconds) throws Exception {
        Channel<Object> ch = capacity.equals("unbounded") ? Channel.unbounded()
                : Channel.bounded(Integer.parseInt(capacity));
        Sender<Object> tx = ch.sender();
        Receiver<Object> rx = ch.receiver();
        Field buf = null;
        try {
            // the fields live in the channel's field-layout base classes: the first one up the hierarchy named so
            for (Class<?> c = ch.getClass(); c != null && buf == null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getName().equals("buffer")) {
                        buf = f;
                    }
                }
            }
            if (buf != null) {
                buf.setAccessible(true);
            }
        } catch (RuntimeException e) {
            buf = null; // the core changed: report allocation only
        }
        Field ring = buf;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Integer msg = 777;
        AtomicLong sent = new AtomicLong();
        long[] out = new long[4];
        List<Integer> peaks = new ArrayList<>();
        received = 0;
        stop = false;
        Thread producer = new Thread(() -> {
            long a0 = mx.getCurrentThreadAllocatedBytes();
            long bursts = 0;
            while (!stop) {
                int n = 0;
                while (n < burst && !stop) {
                    if (tx.trySend(msg)) {
                        n++;
                    }
                }
                long target = sent.addAndGet(n);
                bursts++;
                for (int spins = 0; received < target && !stop; spins++) {
                    if (spins < 100) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();
                    }
                }
            }
            out[0] = bursts;
            out[1] = mx.getCurrentThreadAllocatedBytes() - a0;
        }, "producer");
        Thread consumer = new Thread(() -> {
            long a0 = mx.getCurrentThreadAllocatedBytes();
            long total = 0;
            int peak = 0;
            Object last = null;
            while (!stop) {
                int n = 0;
                while (rx.tryReceive() != null) {
                    n++;
                }
                if (n > 0) {
                    total += n;
                    received = received + n;
                }
                if (ring != null) {
                    Object b;
                    try {
                        b = ring.get(ch);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                    if (b != last) {
                        last = b;
                        int len = b == null ? 0 : ((Object[]) b).length; // core v2: no ring is null
                        if (len == 0 && peak > 0) {
                            peaks.add(peak);
                            peak = 0;
                        } else {
                            peak = Math.max(peak, len);
                        }
                    }
                }
            }
            out[2] = total;
            out[3] = mx.getCurrentThreadAllocatedBytes() - a0;
        }, "consumer");
        long t0 = System.nanoTime();
        producer.start();
        consumer.start();
        Thread.sleep(seconds * 1000);
        stop = true;
        producer.join();
        consumer.join();
        double micros = (System.nanoTime() - t0) / 1e3;
        Collections.sort(peaks);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("capacity", capacity);
        m.put("burst", burst);
        m.put("seconds", seconds);
        m.put("messages", out[2]);
        m.put("bursts", out[0]);
        m.put("msgsPerUs", Math.round(out[2] / micros * 100) / 100.0);
        m.put("bytesPerMsg", out[2] == 0 ? null : Math.round((out[1] + out[3]) / (double) out[2] * 10_000) / 10_000.0);
        m.put("giveBacksSeen", ring == null ? null : peaks.size());
        m.put("medianRingAtGiveBack", peaks.isEmpty() ? null : peaks.get(peaks.size() / 2));
        m.put("maxRingAtGiveBack", peaks.isEmpty() ? null : peaks.get(peaks.size() - 1));
        return Json.write(m);
    }
}
