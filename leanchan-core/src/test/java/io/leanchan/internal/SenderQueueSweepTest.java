package io.leanchan.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SenderQueue's sweep (unlinking dead nodes behind live ones, issue 9 / finding 6): it must never unlink a
 * live node (every node ends woken exactly once or cancelled, never both), and a queue that no wake visits must
 * stay bounded by its live nodes, not by the senders that gave up.
 */
class SenderQueueSweepTest {

    @Test
    void sendersThatGiveUpBehindALiveOneDoNotPileUp() {
        SenderQueue q = new SenderQueue();
        Object liveWaiter = new Object();
        SenderQueue.Node live = new SenderQueue.Node(liveWaiter);
        q.enqueue(live);
        for (int i = 0; i < 5_000; i++) {
            SenderQueue.Node n = new SenderQueue.Node(new Object());
            q.enqueue(n);
            assertTrue(n.cancel());
            q.prune();
            assertTrue(q.linked() <= 2 * SenderQueue.SWEEP_MIN + 2, "linked after " + i + " give-ups: " + q.linked());
        }
        assertEquals(SenderQueue.WAITING, live.state());
        assertTrue(q.wakeOldest() == liveWaiter, "the live node is still first in line");
    }

    @Test
    void aSweepUnderLinkCancelAndWakeLosesNoLiveNode() throws Exception {
        for (int round = 0; round < 20; round++) {
            SenderQueue q = new SenderQueue();
            int producers = 3;
            int perProducer = 20_000;
            Set<SenderQueue.Node> cancelled = ConcurrentHashMap.newKeySet();
            Map<Object, Integer> woken = Collections.synchronizedMap(new IdentityHashMap<>());
            Map<SenderQueue.Node, Object> waiterOf = Collections.synchronizedMap(new IdentityHashMap<>());
            List<SenderQueue.Node> all = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean producing = new AtomicBoolean(true);
            CountDownLatch done = new CountDownLatch(producers);
            List<Thread> ts = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                ts.add(new Thread(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < perProducer; i++) {
                        Object waiter = new Object();
                        SenderQueue.Node n = new SenderQueue.Node(waiter);
                        waiterOf.put(n, waiter);
                        all.add(n);
                        q.enqueue(n);
                        if (r.nextInt(10) < 7 && n.cancel()) {
                            cancelled.add(n);
                            q.prune();
                        }
                    }
                    done.countDown();
                }));
            }
            Thread waker = new Thread(() -> {
                while (producing.get()) {
                    Object n = q.wakeOldest();
                    if (n != null) {
                        woken.merge(n, 1, Integer::sum);
                    } else {
                        Thread.onSpinWait();
                    }
                }
            });
            ts.forEach(Thread::start);
            waker.start();
            done.await();
            producing.set(false);
            waker.join();
            for (Object n; (n = q.wakeOldest()) != null; ) {
                woken.merge(n, 1, Integer::sum);
            }
            assertEquals(producers * perProducer, all.size());
            for (SenderQueue.Node n : all) {
                int w = woken.getOrDefault(waiterOf.get(n), 0);
                boolean c = cancelled.contains(n);
                assertTrue(w <= 1, "a node woken twice");
                assertTrue(c != (w == 1), "round " + round + ": a node " + (c ? "cancelled and woken" : "neither cancelled nor woken (lost)"));
            }
            assertEquals(0, q.linked(), "drained");
        }
    }
}
