package io.leanchan;

import io.leanchan.FeatureSupport.Worker;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our own versions of the JDK's {@code java/util/concurrent/BlockingQueue} loop tests, sized to run in a few seconds
 * on two busy cores: {@code MultipleProducersSingleConsumerLoops} (producers {@code put}, one consumer {@code take}s,
 * checksums must agree) and {@code OfferDrainToLoops} (producers {@code offer}, timed and not, while the consumer
 * alternates {@code drainTo} with random limits and polls; every element arrives once, in each producer's order).
 * The JDK's versions also run a second consumer or an iterating scanner; a channel has one consumer and no
 * iterator, so ours do not.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlockingQueueLoopsTest {

    /** The JDK's LoopHelpers.compute: some work per element, and a value to checksum. */
    static int compute(int x) {
        x ^= x << 6;
        x ^= x >>> 21;
        x ^= x << 7;
        return x;
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void multipleProducersSingleConsumerLoops(Supplier<Channel<Integer>> make) throws Exception {
        for (int producers : new int[] {1, 2, 4}) {
            Channel<Integer> ch = make.get();
            BlockingQueue<Integer> q = ch.asBlockingQueue();
            int iters = ch.capacity() <= 2 ? 1_500 : 6_000;
            CyclicBarrier barrier = new CyclicBarrier(producers + 1);
            AtomicLong produced = new AtomicLong();
            List<Worker> ws = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int seed = 17 + p * 1_000_003;
                ws.add(Worker.start("producer-" + p, () -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    long sum = 0;
                    int v = seed;
                    for (int i = 0; i < iters; i++) {
                        v = compute(v);
                        sum += v;
                        q.put(v);
                    }
                    produced.addAndGet(sum);
                }));
            }
            barrier.await(10, TimeUnit.SECONDS);
            long consumed = 0;
            for (int i = 0; i < producers * iters; i++) {
                Integer e = q.poll(10, TimeUnit.SECONDS); // take(), with a stall report instead of a hang
                if (e == null) {
                    throw new AssertionError(producers + " producers, element " + i + ": nothing for 10 s; "
                            + FeatureSupport.stallReport(q));
                }
                consumed += e;
            }
            for (Worker w : ws) {
                w.finish();
            }
            assertThat(consumed).as("%d producers", producers).isEqualTo(produced.get());
            assertThat(q.poll()).isNull();
        }
    }

    @ParameterizedTest
    @MethodSource("io.leanchan.FeatureSupport#channels")
    void offerDrainToLoops(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        int producers = 2;
        int each = ch.capacity() <= 2 ? 3_000 : 15_000;
        List<Worker> ws = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            ws.add(Worker.start("offerer-" + p, () -> {
                Random rnd = new Random(id);
                for (int i = 0; i < each; ) {
                    Integer e = id * each + i;
                    boolean ok = rnd.nextBoolean() ? q.offer(e) : q.offer(e, rnd.nextInt(50), TimeUnit.MICROSECONDS);
                    if (ok) {
                        i++;
                    } else {
                        Thread.yield();
                    }
                }
            }));
        }
        Random rnd = new Random(42);
        int[] next = new int[producers];
        List<Integer> batch = new ArrayList<>();
        int received = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received < producers * each) {
            assertThat(System.nanoTime()).as("received %d", received).isLessThan(deadline);
            batch.clear();
            switch (rnd.nextInt(4)) {
                case 0:
                    q.drainTo(batch);
                    break;
                case 1:
                    q.drainTo(batch, rnd.nextInt(5) - 1); // includes the limits -1 and 0
                    break;
                case 2: {
                    Integer e = q.poll();
                    if (e != null) {
                        batch.add(e);
                    }
                    break;
                }
                default: {
                    Integer e = q.poll(100, TimeUnit.MICROSECONDS);
                    if (e != null) {
                        batch.add(e);
                    }
                }
            }
            for (Integer e : batch) {
                int id = e / each;
                assertThat(e % each).as("offerer %d", id).isEqualTo(next[id]);
                next[id]++;
            }
            received += batch.size();
        }
        for (Worker w : ws) {
            w.finish();
        }
        assertThat(q.isEmpty()).isTrue();
    }
}
