package io.leanchan;

import io.leanchan.Footprint.Msg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static io.leanchan.Footprint.allocated;
import static io.leanchan.Footprint.messages;
import static io.leanchan.Footprint.retained;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The memory table of issue 8 (core v2), asserted with JOL on HotSpot 64-bit with compressed oops (C = 1024,
 * messages of 24 bytes). Every figure is printed, so the test log is also the measurement record. "Has
 * waited": a timed receive found the channel empty and waited (200 ms).
 *
 * <pre>
 * figure        must           measured  what
 * F0            <= 64          64        bytes after bounded(C) / unbounded()
 * S1            <= 64          64        bytes per channel, 10,000 bounded(16) each holding one message
 * F0-aged       <= F0          64        after 1,000,000 messages one at a time, once the receiver has waited
 * S1-aged       <= S1          64        S1 for channels that first carried 70,000 messages each and waited
 * F0-contended  <= F0          64        after 2 producers x 200,000 with the receiver draining, and a wait
 * F1            <= 4.5         4.02      extra bytes per held message when full
 * Fn            <= F0 + 4 nextPow2(n) + 16   holding n messages, every n in 1..C (rings double)
 * F2            <= F0          64        after fill and drain, once the receiver finds it empty
 * A1            < 0.01         0         bytes allocated per message, one in flight, 1M messages
 * A2            <= 1           0.08      bytes allocated per message, 200 fill-to-C / drain bursts
 * F0-idle       <= 64          64        after 3 bursts of C polled empty (never waiting), then 1 s with no call
 *                                        (issue 25: the reclaimer gives the kept ring back 400-450 ms after the
 *                                        last message; the time is printed)
 * </pre>
 */
class FootprintTest {
    static final int C = 1024;

    @BeforeAll
    static void hotspotWithCompressedOops() {
        // The table is defined for this layout; elsewhere the numbers differ and the test does not apply.
        assumeTrue(VM.current().addressSize() == 8 && VM.current().objectHeaderSize() == 12
                        && VM.current().sizeOf(new Msg(0, 0)) == 24,
                "needs 64-bit HotSpot with compressed oops and 12-byte headers: " + VM.current().details());
    }

    static Channel<Msg> make(String kind) {
        return kind.equals("bounded") ? Channel.bounded(C) : Channel.unbounded();
    }

    static void report(String what, Object value) {
        System.out.println("[footprint] " + what + " = " + value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bounded", "unbounded"})
    void f0CreatingAChannelCostsAtMost64Bytes(String kind) {
        Channel<Msg> ch = make(kind);
        long f0 = retained(ch, ch.receiver());
        report(kind + " F0", f0);
        assertThat(f0).isLessThanOrEqualTo(64); // must; the goal is 48
    }

    @Test
    void f0IsIndependentOfCapacity() {
        Channel<Msg> one = Channel.bounded(1);
        Channel<Msg> huge = Channel.bounded(Integer.MAX_VALUE);
        assertThat(retained(huge, huge.receiver())).isEqualTo(retained(one, one.receiver()));
    }

    /**
     * The one-slot field and the producers' word P sit at the two ends of the 64-byte object (ChannelState,
     * "Layout"): a pair costs about 1.7 ns more when they share a cache line, and at 44 bytes apart they do so for
     * two of the eight addresses an object can have modulo 64, not four.
     */
    @Test
    void theOneSlotFieldAndPAreAsFarApartAsTheObjectAllows() {
        ClassLayout layout = ClassLayout.parseInstance(Channel.bounded(C));
        long one = offset(layout, "one");
        long p = offset(layout, "p");
        report("layout: offset of one / p", one + " / " + p);
        assertThat(layout.instanceSize()).isEqualTo(64);
        assertThat(one).isEqualTo(12);
        assertThat(p).isEqualTo(56);
    }

    static long offset(ClassLayout layout, String field) {
        return layout.fields().stream().filter(f -> f.name().equals(field)).findFirst()
                .orElseThrow(() -> new AssertionError("no field " + field + " in " + layout.toPrintable()))
                .offset();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bounded", "unbounded"})
    void f1AndFnHoldingNMessagesCostsAboutOneReference(String kind) {
        Channel<Msg> ch = make(kind);
        Receiver<Msg> r = ch.receiver();
        long f0 = retained(ch, r);
        Msg[] msgs = messages(C);
        long worstSlack = Long.MIN_VALUE;
        int worstN = 0;
        for (int n = 1; n <= C; n++) {
            assertThat(ch.sender().trySend(msgs[n - 1])).isTrue();
            long fn = retained(ch, r, java.util.Arrays.copyOf(msgs, n, Object[].class));
            // rings double: holding n messages costs at most one ring of the next power of two (4 bytes a
            // slot, a 16-byte array header), so at most about 8 bytes per message just past a doubling
            long bound = f0 + 4L * Integer.highestOneBit(2 * n - 1) + 16;
            assertThat(fn).as("bytes holding %d messages", n).isLessThanOrEqualTo(bound);
            if (fn - (f0 + 4L * n) > worstSlack) {
                worstSlack = fn - (f0 + 4L * n);
                worstN = n;
            }
        }
        long full = retained(ch, r, (Object[]) msgs);
        double f1 = (full - f0) / (double) C;
        report(kind + " F(C) bytes when full", full);
        report(kind + " F1 bytes per held message", f1);
        report(kind + " Fn worst bytes above F0 + 4n", worstSlack + " at n=" + worstN);
        assertThat(f1).isLessThanOrEqualTo(4.5); // goal; the must is 5
    }

    @ParameterizedTest
    @ValueSource(strings = {"bounded", "unbounded"})
    void f2DrainingGivesTheStorageBack(String kind) {
        Channel<Msg> ch = make(kind);
        Receiver<Msg> r = ch.receiver();
        long f0 = retained(ch, r);
        for (Msg m : messages(C)) {
            assertThat(ch.sender().trySend(m)).isTrue();
        }
        int received = 0;
        while (r.tryReceive() != null) {
            received++;
        }
        assertThat(received).isEqualTo(C);
        long f2 = retained(ch, r);
        report(kind + " F2", f2);
        assertThat(f2).isLessThanOrEqualTo(f0); // goal; the must is 128
    }

    @ParameterizedTest
    @ValueSource(strings = {"bounded", "unbounded"})
    void a1OneInFlightAllocatesNothing(String kind) {
        Channel<Msg> ch = make(kind);
        Sender<Msg> s = ch.sender();
        Receiver<Msg> r = ch.receiver();
        Msg m = new Msg(1, 1);
        int n = 1_000_000;
        for (int i = 0; i < 200_000; i++) { // warm-up: JIT, and the channel reaches its steady shape
            s.trySend(m);
            r.tryReceive();
        }
        long overhead = allocated();
        overhead = allocated() - overhead;
        long before = allocated();
        for (int i = 0; i < n; i++) {
            s.trySend(m);
            if (r.tryReceive() != m) {
                throw new AssertionError("lost message at " + i);
            }
        }
        double perMsg = (allocated() - before - overhead) / (double) n;
        report(kind + " A1 bytes/msg", perMsg);
        assertThat(perMsg).isLessThan(0.01);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bounded", "unbounded"})
    void a2RepeatedBurstsKeepTheirStorage(String kind) {
        Channel<Msg> ch = make(kind);
        Sender<Msg> s = ch.sender();
        Receiver<Msg> r = ch.receiver();
        Msg[] msgs = messages(C);
        int bursts = 200;
        long before = allocated();
        for (int b = 0; b < bursts; b++) {
            for (Msg m : msgs) {
                s.trySend(m);
            }
            int got = 0;
            while (r.tryReceive() != null) {
                got++;
            }
            if (got != C) {
                throw new AssertionError("burst " + b + " received " + got);
            }
        }
        double perMsg = (allocated() - before) / (double) (bursts * C);
        report(kind + " A2 bytes/msg over " + bursts + " bursts from a new channel", perMsg);
        assertThat(perMsg).isLessThanOrEqualTo(1.0); // goal; the must is 4
    }

    @Test
    void s1TenThousandTinyChannelsHoldingOneMessageEach() {
        int n = 10_000;
        List<Object> roots = new ArrayList<>(3 * n);
        List<Object> held = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Channel<Msg> ch = Channel.bounded(16);
            Msg m = new Msg(i, i);
            ch.sender().trySend(m);
            roots.add(ch);
            roots.add(ch.sender());
            roots.add(ch.receiver());
            held.add(m);
        }
        long total = GraphLayout.parseInstance(roots.toArray()).totalSize()
                - GraphLayout.parseInstance(held.toArray()).totalSize();
        double perChannel = total / (double) n;
        report("S1 bytes per channel", perChannel);
        assertThat(perChannel).isLessThanOrEqualTo(64); // must; goal 48
    }

    /** The receiver waits on the empty channel (the "has waited" of the table). */
    static void waitOnce(Receiver<Msg> r, long millis) throws InterruptedException {
        assertThat(r.receive(millis, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bounded", "unbounded"})
    void f0AgedAChannelThatCarriedAMillionMessagesIsAsSmallAsANewOne(String kind) throws Exception {
        Channel<Msg> ch = make(kind);
        Receiver<Msg> r = ch.receiver();
        long f0 = retained(ch, r);
        Msg m = new Msg(0, 0);
        for (int i = 0; i < 1_000_000; i++) {
            ch.sender().trySend(m);
            if (r.tryReceive() != m) {
                throw new AssertionError("lost at " + i);
            }
        }
        long aged = retained(ch, r);
        waitOnce(r, 200);
        long agedWaited = retained(ch, r);
        report(kind + " F0-aged (1M one at a time) before / after a wait", aged + " / " + agedWaited);
        assertThat(agedWaited).isLessThanOrEqualTo(f0);
        // with bursts in its past too
        Msg[] burst = messages(C);
        for (int b = 0; b < 3; b++) {
            for (Msg x : burst) {
                ch.sender().trySend(x);
            }
            while (r.tryReceive() != null) {
                // drain
            }
        }
        long keptForBursts = retained(ch, r);
        waitOnce(r, 200);
        long afterWait = retained(ch, r);
        report(kind + " after 3 bursts: kept for the next burst / after a wait", keptForBursts + " / " + afterWait);
        assertThat(afterWait).isLessThanOrEqualTo(f0);
    }

    @Test
    void s1AgedChannelsThatCarriedManyMessagesCostWhatNewOnesCost() throws Exception {
        // 1,000 channels stand for the 10,000 of S1: the layout is deterministic, the figure is per channel
        int n = 1_000;
        List<Object> roots = new ArrayList<>(n);
        List<Object> held = new ArrayList<>(n);
        Msg m = new Msg(0, 0);
        for (int i = 0; i < n; i++) {
            Channel<Msg> ch = Channel.bounded(16);
            for (int k = 0; k < 70_000; k++) {
                ch.sender().trySend(m);
                ch.receiver().tryReceive();
            }
            waitOnce(ch.receiver(), 1);
            Msg mine = new Msg(i, i);
            ch.sender().trySend(mine);
            roots.add(ch);
            held.add(mine);
        }
        double perChannel = (GraphLayout.parseInstance(roots.toArray()).totalSize()
                - GraphLayout.parseInstance(held.toArray()).totalSize()) / (double) n;
        report("S1-aged bytes per channel (70,000 messages each, then one held)", perChannel);
        assertThat(perChannel).isLessThanOrEqualTo(64);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bounded", "unbounded"})
    void f0ContendedTwoProducersThenAWaitLeaveANewChannelsFootprint(String kind) throws Exception {
        Channel<Msg> ch = make(kind);
        Receiver<Msg> r = ch.receiver();
        long f0 = retained(ch, r);
        Msg m = new Msg(0, 0);
        int each = 200_000;
        Thread[] producers = new Thread[2];
        for (int p = 0; p < 2; p++) {
            producers[p] = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    while (!ch.sender().trySend(m)) {
                        Thread.onSpinWait();
                    }
                }
            });
            producers[p].start();
        }
        int got = 0;
        while (got < 2 * each) {
            if (r.tryReceive() != null) {
                got++;
            }
        }
        for (Thread t : producers) {
            t.join();
        }
        long drained = retained(ch, r);
        waitOnce(r, 200);
        long waited = retained(ch, r);
        report(kind + " F0-contended drained / after a 200 ms wait", drained + " / " + waited);
        assertThat(waited).isLessThanOrEqualTo(f0);
    }

    /**
     * Issue 25: after 3 bursts of C with a consumer that only polls (never waits), then no call at all, the channel
     * returns to its idle size (the reclaimer, io.leanchan.internal.Reclaimer) within 1 s of its last message (must);
     * the figure printed is the time it took.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bounded", "unbounded"})
    void f0IdleAfterRepeatedBurstsWithAPollingConsumerAndNoCall(String kind) throws Exception {
        Channel<Msg> ch = make(kind);
        Receiver<Msg> r = ch.receiver();
        Msg[] msgs = messages(C);
        long afterBurst = 0;
        for (int b = 0; b < 3; b++) {
            for (Msg m : msgs) {
                assertThat(ch.sender().trySend(m)).isTrue();
            }
            int got = 0;
            while (r.tryReceive() != null) {
                got++;
            }
            assertThat(got).isEqualTo(C);
            afterBurst = retained(ch, r);
        }
        report(kind + " after 3 bursts, polled empty (ring kept on credit)", afterBurst);
        assertThat(afterBurst).as("the retention policy keeps a repeated burst's ring").isGreaterThan(64);
        long last = System.nanoTime();
        long idle;
        long took;
        do {
            Thread.sleep(20);
            idle = retained(ch, r);
            took = (System.nanoTime() - last) / 1_000_000;
        } while (idle > 64 && took < 1_000);
        Thread.sleep(Math.max(0, 1_000 - took));
        long after1s = retained(ch, r);
        report(kind + " after 3 bursts + 1 s with no call", after1s);
        report(kind + " ms from the last message to the idle size, no call", took);
        assertThat(after1s).isLessThanOrEqualTo(64);
        assertThat(took).isLessThanOrEqualTo(1_000);
        // still a channel: the next burst regrows and drains as before
        for (Msg m : msgs) {
            assertThat(ch.sender().trySend(m)).isTrue();
        }
        int got = 0;
        while (r.tryReceive() != null) {
            got++;
        }
        assertThat(got).isEqualTo(C);
    }

    @Test
    void ifTheStorageIsKeptItIsReleasedAfterQuietChecks() {
        Channel<Msg> ch = Channel.unbounded();
        Receiver<Msg> r = ch.receiver();
        Msg[] msgs = messages(C);
        Supplier<Long> fill = () -> {
            for (Msg m : msgs) {
                ch.sender().trySend(m);
            }
            long n = 0;
            while (r.tryReceive() != null) {
                n++;
            }
            return n;
        };
        fill.get(); // first burst: given back
        long afterFirst = retained(ch, r);
        fill.get(); // second burst: a repeating pattern, kept
        long afterSecond = retained(ch, r);
        report("after first burst", afterFirst);
        report("after second burst (kept for the next)", afterSecond);
        assertThat(afterFirst).isLessThanOrEqualTo(64);
        assertThat(afterSecond).isGreaterThan(4096);
        // Steady traffic that the receiver keeps up with: a message per empty poll. The ring carries far more
        // than a quarter of its length per 1,024 empty polls, so it is kept, not given back and regrown.
        Msg m = new Msg(0, 0);
        for (int i = 0; i < 12 * C; i++) {
            ch.sender().trySend(m);
            r.tryReceive();
            r.tryReceive(); // an empty poll
        }
        long afterSteady = retained(ch, r);
        report("after steady traffic (kept)", afterSteady);
        assertThat(afterSteady).isGreaterThan(4096);
        // A trickle: a message per 64 empty polls, 16 per 1,024, under a quarter of the ring. Each 1,024th
        // empty poll is a quiet check that spends a credit; with none left the ring goes.
        for (int i = 0; i < 2 * C; i++) {
            ch.sender().trySend(m);
            r.tryReceive();
            for (int j = 0; j < 64; j++) {
                r.tryReceive();
            }
        }
        long afterQuiet = retained(ch, r);
        report("after quiet traffic", afterQuiet);
        assertThat(afterQuiet).isLessThanOrEqualTo(64);
    }
}
