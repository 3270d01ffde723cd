package io.leanchan.stress;

import io.leanchan.Channel;
import io.leanchan.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression tests for the core v2 findings still open (docs/stress.md, "Findings on core v2": 6 behind a live
 * waiter, 7, 11). They fail on the core at baea3bc, so they run only when asked:
 * {@code mvn -pl leanchan-stress test -Dtest=CoreV2BugsTest -Dstress.coreBugs=true}. When one is fixed, move its
 * test to CoreBugsTest (always run), as was done for 6 (at the head of the queue), 9 and 10.
 */
@EnabledIfSystemProperty(named = "stress.coreBugs", matches = "true")
class CoreV2BugsTest {

    /**
     * Finding 7: two threads calling tryReceive at the same time (misuse, but the contract says it is reported, and
     * issue 8 forbids silent corruption). Thread A passes the owner check and reads C = k and message k; thread B
     * takes over (CAS on owner: no waiting receive, so it always succeeds), takes k, k+1, k+2 (C = k+3); A clears
     * slot k and release-stores C = k+1: C goes backwards. A returns k (a duplicate); slots k+1, k+2 are empty with
     * P's index past them, so every later take spins in settle ("claimed but not yet published") forever and the
     * senders see the channel full forever. Bounded here (two producers, 3 s): the receivers must drain within 10 s.
     */
    @Test
    void twoThreadsTryReceivingAtOnceNeitherWedgeNorDuplicate() throws Exception {
        Channel<Integer> ch = Channel.bounded(64);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean producing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.ConcurrentHashMap<Integer, Boolean> got = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger dups = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch producers = new java.util.concurrent.CountDownLatch(2);
        Thread[] ps = new Thread[2];
        for (int p = 0; p < 2; p++) {
            ps[p] = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        int i = next.getAndIncrement();
                        while (!ch.sender().trySend(i)) {
                            if (System.nanoTime() > deadline + TimeUnit.SECONDS.toNanos(10)) {
                                return; // wedged: the receivers' check reports it
                            }
                            Thread.onSpinWait();
                        }
                        sent.incrementAndGet();
                    }
                } finally {
                    producers.countDown();
                }
            });
        }
        Thread.ofPlatform().daemon().start(() -> {
            try {
                producers.await();
            } catch (InterruptedException e) {
                return;
            }
            producing.set(false);
        });
        Thread producer = ps[1];
        Thread[] rs = new Thread[2];
        for (int k = 0; k < 2; k++) {
            rs[k] = Thread.ofPlatform().daemon().start(() -> {
                for (;;) {
                    try {
                        Integer m = ch.receiver().tryReceive();
                        if (m == null) {
                            if (!producing.get() && ch.receiver().size() == 0) {
                                return;
                            }
                            continue;
                        }
                        if (got.put(m, Boolean.TRUE) != null) {
                            dups.incrementAndGet();
                        }
                    } catch (IllegalStateException reported) {
                        // overlap reported: fine
                    }
                }
            });
        }
        ps[0].join(15_000);
        producer.join(15_000);
        for (Thread t : rs) {
            t.join(10_000);
        }
        boolean wedged = ps[0].isAlive() || producer.isAlive() || rs[0].isAlive() || rs[1].isAlive();
        assertThat(wedged).as("core v2 finding 7: channel wedged after two concurrent tryReceive threads (%d sent, %d"
                + " received, %d duplicates, size() = %d)", sent.get(), got.size(), dups.get(), ch.receiver().size()).isFalse();
        assertThat(dups.get()).as("duplicates").isZero();
        assertThat(got.size()).as("received = sent").isEqualTo(sent.get());
    }
}
