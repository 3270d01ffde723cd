package io.leanchan.lab;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The method read on subjects whose cost is known by construction. */
class MethodExactnessTest {

    static Subject named(String name) {
        return Subjects.resolve(name, MethodExactnessTest.class.getClassLoader());
    }

    static long align(long v) {
        long a = Jol.vm().objectAlignment();
        return (v + a - 1) / a * a;
    }

    @Test
    void arrayBlockingQueueCreateFillAndDrainAreEqual() {
        Measurer.Heap h = Measurer.heap(named("ArrayBlockingQueue"), 24, 1024);
        assertThat(h.held()).isEqualTo(1024);
        assertThat(h.fill()).isEqualTo(h.create());
        assertThat(h.drain()).isEqualTo(h.create());
        // The fill's messages are exactly the difference between the with-messages column and the fill column.
        assertThat(h.fillWithMessages() - h.fill()).isEqualTo(1024L * 24);
        // And the create figure is JOL's own total for a fresh queue (ABQ reaches no shared object when idle).
        assertThat(h.create()).isEqualTo(GraphLayout.parseInstance(new ArrayBlockingQueue<>(1024)).totalSize());
    }

    @Test
    void linkedBlockingQueueGrowsByOneNodePerMessage() {
        JvmInfo jvm = JvmInfo.current();
        long node = align(jvm.objectHeader() + 2L * jvm.referenceSize()); // item, next: 24 B with compressed oops
        for (int cap : new int[]{1, 16, 1024}) {
            Measurer.Heap h = Measurer.heap(named("LinkedBlockingQueue"), 24, cap);
            assertThat(h.fill() - h.create()).as("capacity %d", cap).isEqualTo(cap * node);
            assertThat(h.drain()).isEqualTo(h.create());
        }
        if (jvm.referenceSize() == 4 && jvm.objectHeader() == 12) {
            assertThat(node).isEqualTo(24);
        }
    }

    @Test
    void aSubjectThatAllocatesKBytesPerMessageReadsK() {
        Measurer m = new Measurer(60_000);
        for (int words : new int[]{0, 4, 13}) {
            long k = Jol.vm().sizeOf(new long[words]); // 16, 48, 120 with 16-byte array headers
            Subject s = Subjects.queue("alloc-" + words, true, c -> new TestQueues.AllocatingRing(c, words), c -> "test");
            assertThat(m.steadyAllocPerMessage(s, 16, 24)).as("steady, %d words", words).isCloseTo(k, within(0.05));
            assertThat(m.burstAllocPerMessage(s, 16, 24)).as("burst, %d words", words).isCloseTo(k, within(0.05));
        }
        Subject none = Subjects.queue("alloc-none", true, c -> new TestQueues.AllocatingRing(c, -1), c -> "test");
        assertThat(m.steadyAllocPerMessage(none, 16, 24)).isCloseTo(0, within(0.05));
        assertThat(m.burstAllocPerMessage(none, 16, 24)).isCloseTo(0, within(0.05));
        assertThat(m.maxOverheadBytes()).isLessThan(4096);
    }

    @Test
    void objectsSharedByEveryInstanceAreExcluded() {
        Subject s = Subjects.queue("sentinel", true, TestQueues.SentinelQueue::new, c -> "test");
        Measurer.Heap h = Measurer.heap(s, 24, 8);
        TestQueues.SentinelQueue fresh = new TestQueues.SentinelQueue(8);
        long own = Jol.vm().sizeOf(fresh) + Jol.vm().sizeOf(fresh.slots) + Jol.vm().sizeOf(fresh.own);
        long sentinel = Jol.vm().sizeOf(TestQueues.SentinelQueue.SENTINEL);
        assertThat(h.create()).isEqualTo(own);
        assertThat(h.fill()).isEqualTo(own);
        // JOL alone counts the sentinel too: that is what the exclusion removes.
        assertThat(GraphLayout.parseInstance(fresh).totalSize()).isEqualTo(own + sentinel);
    }

    @Test
    void leanchanObjectsSharedByEveryChannelAreExcludedAndCountedByJolAlone() {
        // Whatever the core shares between channels (a static empty ring, a sentinel), JOL alone counts it and the
        // lab does not: the difference is exactly JOL's size of what two fresh channels have in common.
        for (String name : new String[]{"leanchan-bounded", "leanchan-unbounded"}) {
            Subject s = named(name);
            Subject.Instance x = s.create(1024);
            Subject.Instance y = s.create(1024);
            long jolX = GraphLayout.parseInstance(x.roots()).totalSize();
            long jolY = GraphLayout.parseInstance(y.roots()).totalSize();
            Object[] both = new Object[x.roots().length + y.roots().length];
            System.arraycopy(x.roots(), 0, both, 0, x.roots().length);
            System.arraycopy(y.roots(), 0, both, x.roots().length, y.roots().length);
            long shared = jolX + jolY - GraphLayout.parseInstance(both).totalSize();
            Measurer.Heap h = Measurer.heap(s, 24, 1024);
            assertThat(jolX - h.create()).as(name + ": JOL's total minus the lab's figure").isEqualTo(shared);
        }
    }

    @Test
    void walkerAgreesWithJolGraphLayout() {
        for (Subject s : Subjects.builtIn()) {
            Subject.Instance x = s.create(16);
            for (Object m : Messages.make(24, 8)) {
                x.offer(m);
            }
            assertThat(HeapWalker.walk(x.roots()).totalSize()).as(s.name())
                    .isEqualTo(GraphLayout.parseInstance(x.roots()).totalSize());
        }
        LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
        q.add(new byte[10]);
        assertThat(HeapWalker.walk(q).totalSize()).isEqualTo(GraphLayout.parseInstance(q).totalSize());
    }

    @Test
    void messagesAreOneObjectOfMsgSizeBytes() {
        int[][] expected = {{1, 16}, {8, 16}, {16, 16}, {24, 24}, {25, 32}, {128, 128}, {250, 256}, {1024, 1024}};
        for (int[] e : expected) {
            assertThat(Messages.objectSize(e[0])).as("msg_size %d", e[0]).isEqualTo(e[1]);
            Object[] msgs = Messages.make(e[0], 3);
            assertThat(msgs).hasSize(3).doesNotContainNull();
            for (Object m : msgs) {
                assertThat(Jol.vm().sizeOf(m)).isEqualTo(e[1]);
            }
            assertThat(msgs[0]).isNotSameAs(msgs[1]);
        }
    }

    @Test
    void leanchanFiguresAreSane() {
        Measurer m = new Measurer(200_000);
        Subject bounded = named("leanchan-bounded");
        Measurer.Heap h = Measurer.heap(bounded, 24, 1024);
        assertThat(h.create()).isLessThanOrEqualTo(96);
        assertThat(h.held()).isEqualTo(1024);
        // One reference per held message plus one array header: ~4 B per message with compressed oops.
        long ref = JvmInfo.current().referenceSize();
        assertThat(h.fill()).isLessThanOrEqualTo(h.create() + align(Jol.vm().sizeOf(new Object[0]) + 1024 * ref));
        assertThat(h.fillWithMessages() - h.fill()).isEqualTo(1024 * 24);
        assertThat(h.drain()).as("memory given back after a drain").isLessThanOrEqualTo(96);
        assertThat(m.steadyAllocPerMessage(bounded, 1024, 24)).as("steady garbage").isLessThan(0.5);
        assertThat(m.burstAllocPerMessage(bounded, 1024, 24)).as("burst garbage").isLessThan(0.5);

        Measurer.Heap u = Measurer.heap(named("leanchan-unbounded"), 24, 1024);
        assertThat(u.create()).isLessThanOrEqualTo(96);
        assertThat(u.drain()).isLessThanOrEqualTo(96);
    }

    @Test
    void agedFigureIsTheChannelAfterItsLifeAndItsConsumersWait() throws Exception {
        // Default method: 1,000,000 messages one at a time, then a 200 ms wait by the consumer.
        Measurer m = new Measurer(20_000);
        assertThat(m.agedMessages()).isEqualTo(1_000_000);
        assertThat(m.agedWaitMillis()).isEqualTo(200);
        long stats = Jol.vm().sizeOf(new long[6]);
        long spare = Jol.vm().sizeOf(new Object[8]);

        // A BlockingQueue: the lab waits in poll(timeout), which drops the spare; the statistics block stays.
        Subject blocking = Subjects.queue("aging-blocking", true, TestQueues.AgingQueue::new, c -> "test");
        assertThat(blocking.waits()).isEqualTo("BlockingQueue.poll(timeout)");
        long create = Measurer.heap(blocking, 24, 16).create();
        List<String> notes = new ArrayList<>();
        long t0 = System.nanoTime();
        assertThat(m.aged(blocking, 16, 24, notes)).isEqualTo(create + stats - spare);
        assertThat(System.nanoTime() - t0).as("two waits of 200 ms").isGreaterThanOrEqualTo(400_000_000L);
        assertThat(notes).isEmpty();

        // No BlockingQueue: the lab polls, the spare stays.
        Subject ring = Subjects.queue("aging-ring", true, TestQueues.AgingRing::new, c -> "test");
        assertThat(ring.waits()).contains("cannot wait");
        long ringCreate = Measurer.heap(ring, 24, 16).create();
        assertThat(m.aged(ring, 16, 24, notes)).isEqualTo(ringCreate + stats);

        // Fewer messages than the age: nothing added, and the wait is the one asked for.
        Measurer young = new Measurer(20_000, TestQueues.AGE - 1, 3);
        assertThat(young.aged(blocking, 16, 24, notes)).isEqualTo(create - spare);
        TestQueues.AgingQueue q = new TestQueues.AgingQueue(4);
        new Subjects.QueueInstance(q).pollWaiting(3);
        assertThat(q.waitedMillis).isEqualTo(3);
    }

    @Test
    void everyWaitingSubjectWaitsAndReturnsNullOnAnEmptyChannel() throws Exception {
        for (Subject s : Subjects.builtIn()) {
            if (s.waits().contains("cannot wait")) {
                continue;
            }
            Subject.Instance x = s.create(16);
            long t0 = System.nanoTime();
            assertThat(x.pollWaiting(30)).as(s.name()).isNull();
            assertThat(System.nanoTime() - t0).as(s.name() + " waited").isGreaterThanOrEqualTo(25_000_000L);
            Object m = Messages.make(8, 1)[0];
            assertThat(x.offer(m)).isTrue();
            assertThat(x.pollWaiting(30)).as(s.name() + " returns a held message").isSameAs(m);
        }
        assertThat(Subjects.builtIn().stream().filter(s -> !s.waits().contains("cannot wait")).map(Subject::name))
                .contains("leanchan-bounded", "leanchan-unbounded", "ArrayBlockingQueue", "LinkedBlockingQueue",
                        "LinkedTransferQueue", "kotlinx-Channel", "Jox-Channel", "Jox-Channel-unlimited");
    }

    @Test
    void agedColumnIsInTheGridOncePerSubjectAndCapacity() {
        Subject ring = Subjects.queue("aging-ring", true, TestQueues.AgingRing::new, c -> "test");
        GridReport r = GridReport.measure(List.of(ring), List.of(8, 128), List.of(16), new Measurer(20_000, 70_000, 1),
                Progress.none());
        long stats = Jol.vm().sizeOf(new long[6]);
        for (Row x : r.rows) {
            assertThat(x.ok()).as(x.failure()).isTrue();
            assertThat(x.heapAfterAged()).as("msg_size %d", x.msgSize()).isEqualTo(x.heapAfterCreate() + stats);
        }
    }

    @Test
    void burstsThenIdleIsThreeBurstsPolledUntilEmptyThenNoCall() {
        // The test ring counts by construction: 3 fills to capacity, 3 polls that found it empty (one a burst), no
        // timed poll, and a history of long[3]: create + long[3] bytes after the bursts.
        Subject s = Subjects.queue("burst-ring", true, TestQueues.BurstRing::new, c -> "test");
        assertThat(s.waits()).isEqualTo("BlockingQueue.poll(timeout)");
        TestQueues.BurstRing.MADE.clear();
        Measurer m = new Measurer(20_000, 1000, 1, 300);
        Measurer.Left x = Measurer.leave(s, 16, 8);
        assertThat(TestQueues.BurstRing.MADE).hasSize(2);
        TestQueues.BurstRing q = (TestQueues.BurstRing) ((Subjects.QueueInstance) x.instance()).q;
        assertThat(q.fills).isEqualTo(Measurer.IDLE_BURSTS).isEqualTo(3);
        assertThat(q.emptyPolls).isEqualTo(3);
        assertThat(q.timedPolls).isZero();
        assertThat(q.size()).isZero();
        long last = q.lastCallNanos;
        List<String> notes = new ArrayList<>();
        Object figure = m.idleFigure(x, notes);
        long after = System.nanoTime();
        assertThat(figure).isEqualTo(Measurer.heap(s, 8, 16).create() + Jol.vm().sizeOf(new long[3]));
        assertThat(notes).isEmpty();
        assertThat(q.lastCallNanos).as("no call while idle or measured").isEqualTo(last);
        assertThat(after - last).as("measured no sooner than 300 ms after the last call").isGreaterThanOrEqualTo(300_000_000L);
        // A subject that cannot hold a burst is a failure of the column, not of the run.
        Subject refusing = Subjects.queue("refusing", true, c -> new java.util.concurrent.SynchronousQueue<>(), c -> "test");
        assertThat(m.idleFigure(Measurer.leave(refusing, 4, 8), notes)).isEqualTo("IllegalStateException: burst 1 held only 0 of 4 messages");
    }

    @Test
    void burstsThenIdleColumnBurstsEverySubjectThenWaitsOnceForAll() {
        // Three subjects x two capacities: the column's 12 instances (two per cell) are made and burst first, then
        // measured after the idle time, and only then does the rest of the grid make its instances. So the first
        // instance of the rest is made at least the idle time after the last call on the column's first instance,
        // and after every call on the column's instances: one wait for the whole grid, not one per subject.
        List<Subject> subjects = new ArrayList<>();
        for (String n : new String[]{"burst-a", "burst-b", "burst-c"}) {
            subjects.add(Subjects.queue(n, true, TestQueues.BurstRing::new, c -> "test"));
        }
        TestQueues.BurstRing.MADE.clear();
        GridReport r = GridReport.measure(subjects, List.of(8, 128), List.of(4, 16), new Measurer(20_000, 1000, 1, 300),
                Progress.none());
        List<TestQueues.BurstRing> made = new ArrayList<>(TestQueues.BurstRing.MADE);
        List<TestQueues.BurstRing> column = made.subList(0, 12);
        TestQueues.BurstRing firstOfTheRest = made.get(12);
        long lastColumnCall = 0;
        for (TestQueues.BurstRing q : column) {
            assertThat(q.fills).isEqualTo(3);
            assertThat(q.emptyPolls).isEqualTo(3);
            assertThat(q.timedPolls).as("a consumer that only polls").isZero();
            lastColumnCall = Math.max(lastColumnCall, q.lastCallNanos);
        }
        assertThat(firstOfTheRest.madeNanos).isGreaterThan(lastColumnCall);
        assertThat(firstOfTheRest.madeNanos - column.get(0).lastCallNanos).isGreaterThanOrEqualTo(300_000_000L);
        assertThat(r.idleMillis).isEqualTo(300);
        assertThat(r.rows).hasSize(12);
        for (Row x : r.rows) {
            assertThat(x.ok()).as(x.failure()).isTrue();
            assertThat(x.heapAfterBurstsIdle()).as(x.subject() + " " + x.capacity())
                    .isEqualTo(x.heapAfterCreate() + Jol.vm().sizeOf(new long[3]));
        }
    }

    @Test
    void leanchanIsBackToItsIdleSizeAfterBurstsByAConsumerThatOnlyPolls() throws Exception {
        // Issue 25's must: bounded(1024) and unbounded() after 3 bursts of 1,024 drained with tryReceive only, then
        // 1 s with no call: <= 64 B. The lab's figure is taken at 1 s; the reclaimer gives the ring back 400 to 450 ms
        // after the last message, so beside CPU hogs the assertion waits up to a deadline instead (time printed).
        Measurer m = new Measurer(20_000);
        assertThat(m.idleMillis()).isEqualTo(Measurer.IDLE_MILLIS); // 1 s published; 3 s in these tests (the pom)
        for (String name : new String[]{"leanchan-bounded", "leanchan-unbounded"}) {
            Subject s = named(name);
            long create = Measurer.heap(s, 8, 1024).create();
            Measurer.Left x = Measurer.leave(s, 1024, 8);
            long kept = x.bytesNow();
            long last = x.lastCallNanos;
            if (System.nanoTime() - last < 200_000_000L) {
                // the case issue 25 is about: a repeated burst keeps the ring on credit, and no call will come
                assertThat(kept).as(name + " right after the bursts").isGreaterThan(create + 1024L * JvmInfo.current().referenceSize());
            }
            Object atOneSecond = m.idleFigure(x, null);
            assertThat(atOneSecond).isInstanceOf(Long.class);
            long now = (Long) atOneSecond;
            long deadline = last + 6_000_000_000L;
            while (now > 64 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                now = x.bytesNow();
            }
            System.out.printf("%s: %d B new, %d B right after 3 bursts of 1,024 polled, %d B at 1 s with no call,"
                    + " %d B %d ms after the last call%n", name, create, kept, (Long) atOneSecond, now,
                    (System.nanoTime() - last) / 1_000_000);
            assertThat(now).as(name + " after 3 bursts polled and idle").isLessThanOrEqualTo(64).isEqualTo(create);
        }
    }

    @Test
    void allocationIsTheTotalOverTheWholeRunNotTheBestWindow() {
        // 60,000 measured messages in 3 windows after a 200,000-message warm-up: the ring allocates 16,000 B once,
        // at message 230,000, in the middle window. The smallest window would say 0; the run's total says 0.27.
        Measurer m = new Measurer(60_000);
        int words = (int) ((16_000 - Jol.vm().sizeOf(new long[0])) / 8);
        long oneOff = Jol.vm().sizeOf(new long[words]);
        assertThat(oneOff).isEqualTo(16_000);
        long at = Measurer.WARM_UP_MESSAGES + 30_000;
        Subject s = Subjects.queue("one-off", true, c -> new TestQueues.OneOffRing(c, at, words), c -> "test");
        assertThat(m.steadyAllocPerMessage(s, 16, 24)).isCloseTo(Measurer.round(oneOff / 60_000.0), within(0.011));
        assertThat(m.burstAllocPerMessage(s, 16, 24)).isCloseTo(Measurer.round(oneOff / 60_000.0), within(0.011));
        // And an allocation before the measured run (in the warm-up) is not counted.
        Subject early = Subjects.queue("early", true, c -> new TestQueues.OneOffRing(c, 1_000, words), c -> "test");
        assertThat(m.steadyAllocPerMessage(early, 16, 24)).isCloseTo(0, within(0.011));
    }
}
