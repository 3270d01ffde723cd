package io.leanchan;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 4 producers x 200,000 messages (-Dstress.perProducer) through capacities 1, 16, 1024 and unbounded: every message received exactly
 * once, each producer's messages in order (the JDK's OfferDrainToLoops in spirit). Messages are longs that
 * encode (producer, sequence), so a lost, duplicated or reordered message is caught at the receiver.
 * Each mode mixes send flavours so that blocking, timed, non-blocking and async sends all race.
 */
class MultiProducerStressTest {
    static final int PRODUCERS = 4;
    /**
     * Messages per producer: 200,000 in bin/test, sized to finish well inside the timeout beside a CPU hog (two busy
     * processes per core, where 1,000,000 through bounded(1) with blocking sends took over 240 s);
     * {@code -Dstress.perProducer} runs it longer.
     */
    static final int PER_PRODUCER = Integer.getInteger("stress.perProducer", 200_000);

    static Channel<Long> channel(int capacity) {
        return capacity == 0 ? Channel.unbounded() : Channel.bounded(capacity);
    }

    @ParameterizedTest(name = "capacity {0} ({1})")
    @CsvSource({"1, blocking", "16, mixed", "1024, trySend", "0, mixed"})
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyMessageExactlyOnceAndInOrderPerProducer(int capacity, String mode) throws Exception {
        Channel<Long> ch = channel(capacity);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            final long id = p;
            Thread t = new Thread(() -> {
                try {
                    Sender<Long> s = ch.sender();
                    for (long i = 0; i < PER_PRODUCER; i++) {
                        Long m = (id << 32) | i;
                        int flavour = mode.equals("mixed") ? (int) ((i + id) & 3) : mode.equals("blocking") ? 0 : 2;
                        switch (flavour) {
                            case 0:
                                s.send(m);
                                break;
                            case 1:
                                while (!s.send(m, 1, TimeUnit.MILLISECONDS)) {
                                    Thread.yield();
                                }
                                break;
                            case 2:
                                while (!s.trySend(m)) {
                                    Thread.yield(); // 5 threads on as few as 2 cores: let the receiver run
                                }
                                break;
                            default:
                                CompletableFuture<Void> f = s.sendAsync(m);
                                f.get(60, TimeUnit.SECONDS);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "producer-" + p);
            producers.add(t);
            t.start();
        }
        long[] next = new long[PRODUCERS];
        Receiver<Long> r = ch.receiver();
        long total = (long) PRODUCERS * PER_PRODUCER;
        long t0 = System.nanoTime();
        List<Long> batch = new ArrayList<>(256);
        for (long k = 0; k < total; ) {
            if (failure.get() != null) {
                throw new AssertionError("producer failed", failure.get());
            }
            long m;
            if ((k & 7) == 7) { // a batch now and then
                batch.clear();
                if (r.drainTo(batch, 256) == 0) {
                    continue;
                }
                for (long x : batch) {
                    check(next, x, k++);
                }
                continue;
            }
            Long x = (k & 1) == 0 ? r.receive() : r.receive(10, TimeUnit.SECONDS);
            assertThat(x).as("message %d of %d", k, total).isNotNull();
            m = x;
            check(next, m, k++);
        }
        for (Thread t : producers) {
            t.join(30_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(r.tryReceive()).isNull();
        for (long n : next) {
            assertThat(n).isEqualTo(PER_PRODUCER);
        }
        System.out.printf("[stress] capacity %d (%s): %d messages in %d ms%n", capacity, mode, total,
                (System.nanoTime() - t0) / 1_000_000);
    }

    private static void check(long[] next, long m, long k) {
        int p = (int) (m >>> 32);
        long seq = m & 0xFFFF_FFFFL;
        if (p < 0 || p >= next.length || seq != next[p]) {
            throw new AssertionError("message " + k + ": producer " + p + " sequence " + seq
                    + " but expected " + (p >= 0 && p < next.length ? next[p] : -1) + " (lost, duplicated or reordered)");
        }
        next[p]++;
    }
}
