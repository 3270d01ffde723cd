package io.leanchan;

import io.leanchan.internal.Backoff;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progress on virtual threads when many of them wait on one another (see {@code Backoff}).
 *
 * <ul>
 * <li>Finding 10: with spin-then-yield everywhere, a virtual thread that holds a step (a grower holding the storage
 * lock, waiting for a claimed slot) and yields while its carrier's local queue is empty goes to the scheduler's
 * shared queue, and never runs again while the waiters keep requeueing themselves locally with their own yields
 * (a hang of 1 in 3 runs of 1,000 virtual senders into {@code bounded(1024)}).
 * {@link #aHolderWaitingForAStoreIsNotStarvedByAThousandYieldingWaiters} fails when {@code Backoff.awaitStore}
 * yields on a virtual thread.</li>
 * <li>Finding 11: a waiter that sleeps instead of yielding is woken by a timer, through the same shared queue, and
 * is not mounted again while other virtual threads yield in a loop (a producer that polls a full channel).
 * {@link #aPausingVirtualThreadNeverSleeps} fails when {@code Backoff.pause} sleeps.</li>
 * </ul>
 */
class VirtualThreadProgressTest {

    private static volatile boolean released;

    @BeforeEach
    void jdk21() {
        Assumptions.assumeTrue(VirtualThreads.available(), "virtual threads need JDK 21+");
    }

    @Test
    void aHolderWaitingForAStoreIsNotStarvedByAThousandYieldingWaiters() throws Exception {
        for (int run = 0; run < 3; run++) {
            released = false;
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> waiters = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                waiters.add(VirtualThreads.start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int s = 0; !released; s++) {
                        Backoff.pause(s);
                    }
                }));
            }
            CountDownLatch holderDone = new CountDownLatch(1);
            VirtualThreads.start(() -> {
                // waits 200 steps, as a grower holding the lock waits for a slot being written
                for (int s = 0; s < 200; s++) {
                    Backoff.awaitStore(s);
                }
                released = true;
                holderDone.countDown();
            });
            go.countDown();
            assertTrue(finished(holderDone, waiters), "run " + run + ": the holder was starved by 1,000 waiting virtual threads");
        }
    }

    /**
     * Finding 11 end to end (a virtual receiver starved for seconds by senders that yield in a loop) is the strict
     * PLOCK probe in leanchan-stress's CoreBugsTest; a unit test of it cannot be exact, because the JDK's scheduler
     * can starve any virtual thread that lands in its shared queue while others yield in a loop, a yielding one too
     * (rarely: this test failed once in about a dozen runs when it asserted that). What is exact is the property
     * the fix rests on: a pausing virtual thread never sleeps or parks, so it is never woken by a timer. A sampler
     * watches the thread's state through 200,000 pause steps: it must never be TIMED_WAITING or WAITING.
     */
    @Test
    void aPausingVirtualThreadNeverSleeps() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread waiter = VirtualThreads.start(() -> {
            for (int s = 0; s < 200_000; s++) {
                Backoff.pause(s); // a receiver waiting for the storage lock
            }
            running.set(false);
        });
        int samples = 0;
        int blocked = 0;
        while (running.get() && samples < 10_000_000) {
            Thread.State st = waiter.getState();
            if (st == Thread.State.TIMED_WAITING || st == Thread.State.WAITING) {
                blocked++;
            }
            samples++;
        }
        assertEquals(0, blocked, "samples (of " + samples + ") in which the pausing thread slept or parked");
        waiter.join(30_000);
        assertFalse(waiter.isAlive(), "the pausing thread finished");
    }

    /** Waits up to 30 s for {@code done}, then releases the other threads and joins them; whether it was done. */
    private static boolean finished(CountDownLatch done, List<Thread> others) throws InterruptedException {
        boolean ok = done.await(30, TimeUnit.SECONDS);
        released = true;
        for (Thread t : others) {
            t.join(10_000);
        }
        return ok;
    }

    @Test
    void aThousandVirtualSendersIntoBounded1024AllArrive() throws Exception {
        for (int run = 0; run < 5; run++) {
            Channel<Integer> ch = Channel.bounded(1024);
            Integer msg = 777; // one shared message object, as in the benchmark that hung
            CountDownLatch gate = new CountDownLatch(1);
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < 1000; s++) {
                senders.add(VirtualThreads.start(() -> {
                    try {
                        gate.await();
                        for (int j = 0; j < 5; j++) {
                            ch.sender().send(msg);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            AtomicLong got = new AtomicLong();
            gate.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.get() < 5000 && System.nanoTime() < deadline) {
                if (ch.receiver().receive(100, TimeUnit.MILLISECONDS) != null) {
                    got.incrementAndGet();
                }
            }
            assertEquals(5000, got.get(), "run " + run + ": messages received within 30 s");
            for (Thread t : senders) {
                t.join(10_000);
                assertFalse(t.isAlive(), "a sender is still running");
            }
            assertEquals(null, ch.receiver().tryReceive());
        }
    }
}
