package io.leanchan.stress;

import io.leanchan.Channel;
import io.leanchan.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression tests for core v2 findings (docs/stress.md, "Findings", 6). They fail on core v2 at 22f8eb4, so
 * they run only when asked: {@code mvn -pl leanchan-stress test -Dtest=CoreV2BugsTest -Dstress.coreBugs=true}.
 * Remove the condition once the core is fixed.
 */
@EnabledIfSystemProperty(named = "stress.coreBugs", matches = "true")
class CoreV2BugsTest {

    /**
     * Finding 6: a sender that gives up (timeout, interrupt, a zero timeout, a cancelled sendAsync) leaves its
     * SenderQueue node linked (CANCELLED) until the next take dequeues it. While the receiver takes nothing the
     * queue grows by one node per give-up, without bound: a producer retrying timed sends on a stalled consumer
     * grows the channel forever, and a cancelled sendAsync keeps its (handed back) message reachable.
     */
    @Test
    void cancelledWaitersAreNotKeptWhileNoTakeHappens() throws Exception {
        Channel<Object> ch = Channel.bounded(1);
        Sender<Object> s = ch.sender();
        assertThat(s.trySend("full")).isTrue();
        for (int i = 0; i < 10_000; i++) {
            assertThat(s.send("m" + i, 0, TimeUnit.NANOSECONDS)).isFalse(); // a zero timeout: links a node
        }
        for (int i = 0; i < 1_000; i++) {
            assertThat(s.send("t" + i, 1, TimeUnit.MICROSECONDS)).isFalse();
        }
        for (int i = 0; i < 1_000; i++) {
            CompletableFuture<Void> f = s.sendAsync("f" + i);
            assertThat(f.cancel(false)).isTrue();
        }
        int[] linked = Internals.linkedWaiters(ch);
        assertThat(linked[0])
                .as("core v2 finding 6: SenderQueue nodes kept by 12,000 senders that gave up (%d cancelled)", linked[1])
                .isLessThanOrEqualTo(64);
    }

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

    /**
     * Finding 10 (found by the soak, which hung in mvn verify): a virtual thread that grows the ring holds PLOCK
     * while it waits for a claimed slot (grow's copy loop, backoff: Thread.yield after 64 spins). Thread.yield
     * unmounts it. Senders that find PLOCK set spin in offer/offerSlow with Thread.onSpinWait only (no yield): as
     * many virtual threads as carriers spinning there keep the grower from ever being mounted again. PLOCK is never
     * released; every send, the receiver's switch (lockP) and close() spin forever. Run in a child JVM with two
     * carriers, killed by a watchdog.
     */
    @Test
    void virtualThreadsSpinningOnPlockDoNotStarveTheGrower() throws Exception {
        String cp = CoreBugsTest.location(Channel.class) + java.io.File.pathSeparator
                + CoreBugsTest.location(PlockStarvationProbe.class);
        int failures = 0;
        for (int run = 0; run < 3; run++) {
            Process p = new ProcessBuilder(java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djdk.virtualThreadScheduler.parallelism=2", "-cp", cp, PlockStarvationProbe.class.getName(), "5")
                    .inheritIO().start();
            boolean exited = p.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (!exited || p.exitValue() != 0) {
                failures++;
            }
        }
        assertThat(failures).as("core v2 finding 10: runs of 3 in which the channel wedged (exit 3)").isZero();
    }
}
