package io.leanchan.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The retention policy alone ({@link Retention}), driven the way the receiver drives it: one call per empty
 * poll, at the consumer index of that poll.
 */
class RetentionTest {
    static final int RING = 1024;

    /** The receiver's model: the state and the consumer index, with give-backs counted. */
    static final class Receiver {
        int state;
        long c;
        int ring = RING;
        int giveBacks;

        /** One empty poll after {@code messages} more messages were taken. */
        void emptyPoll(int messages) {
            c += messages;
            if (ring == 0) {
                return; // no ring: nothing to decide
            }
            if (Retention.shouldGiveBack(state, c, ring)) {
                c++; // a give-back burns one index
                state = Retention.gaveBack(c);
                giveBacks++;
                ring = 0;
            } else {
                state = Retention.kept(state, c, ring);
            }
        }

        /** A burst that makes the ring grow again. */
        void regrow(int messages) {
            ring = RING;
            emptyPoll(messages);
        }
    }

    @Test
    void theFirstBurstGivesTheRingBackAndLaterBurstsKeepIt() {
        Receiver r = new Receiver();
        r.emptyPoll(RING);
        assertThat(r.giveBacks).isEqualTo(1);
        for (int i = 0; i < 100; i++) {
            r.regrow(RING);
            assertThat(r.ring).isEqualTo(RING);
        }
        assertThat(r.giveBacks).isEqualTo(1);
        assertThat(r.state & Retention.CREDIT_MASK).isEqualTo(15);
    }

    @Test
    void steadyTrafficKeepsTheRing() {
        Receiver r = new Receiver();
        r.emptyPoll(RING);
        r.regrow(RING);
        // a few messages per empty poll, for a long time: a quarter of the ring per 1,024 empty polls and more
        for (int i = 0; i < 1_000_000; i++) {
            r.emptyPoll(i % 3);
        }
        assertThat(r.ring).isEqualTo(RING);
        assertThat(r.giveBacks).isEqualTo(1);
    }

    @Test
    void aTrickleGivesTheRingBackAfterItsCredit() {
        Receiver r = new Receiver();
        r.emptyPoll(RING);
        r.regrow(RING);
        r.regrow(RING);
        r.regrow(RING);
        r.regrow(RING); // 16 credits earned, 15 kept
        int polls = 0;
        while (r.ring != 0) {
            r.emptyPoll(polls % 64 == 0 ? 1 : 0);
            polls++;
            assertThat(polls).isLessThanOrEqualTo(16 * 1024 + 1);
        }
        assertThat(polls).isGreaterThan(15 * 1024);
        assertThat(r.giveBacks).isEqualTo(2);
    }

    @Test
    void anIdleChannelPolledBySpinningGivesItsRingBack() {
        Receiver r = new Receiver();
        r.emptyPoll(RING);
        r.regrow(RING);
        int polls = 0;
        while (r.ring != 0) {
            r.emptyPoll(0);
            polls++;
        }
        assertThat(polls).isEqualTo(5 * 1024); // 4 credits, then the fifth quiet check gives back
    }

    @Test
    void aFailedGiveBackIsTriedAgainAtTheNextEmptyPoll() {
        int s = 0;
        assertThat(Retention.shouldGiveBack(s, RING, RING)).isTrue();
        int after = Retention.kept(s, RING, RING); // a sender claimed meanwhile: the give-back failed
        assertThat(Retention.shouldGiveBack(after, RING, RING)).isTrue();
    }

    @Test
    void hugeRingsAreBusyAtTwoToTheFifteenMessages() {
        int ring = 1 << 30;
        int s = Retention.gaveBack(0);
        assertThat(Retention.busy(s, Retention.MAX_BUSY - 1, ring)).isFalse();
        assertThat(Retention.busy(s, Retention.MAX_BUSY, ring)).isTrue();
        assertThat(Retention.kept(s, Retention.MAX_BUSY, ring) & Retention.CREDIT_MASK)
                .isEqualTo(Retention.CREDIT_PER_BURST);
    }

    @Test
    void aWaitingReceiverLingersOnlyOnCreditOrWhenBusy() {
        assertThat(Retention.keepWhileWaiting(0, RING, RING)).isFalse(); // never shrank
        int shrunk = Retention.gaveBack(0);
        assertThat(Retention.keepWhileWaiting(shrunk, 10, RING)).isFalse();
        assertThat(Retention.keepWhileWaiting(shrunk, RING, RING)).isTrue();
        assertThat(Retention.keepWhileWaiting(Retention.kept(shrunk, RING, RING), RING, RING)).isTrue();
    }

    @Test
    void theInlinedCountingCaseAgreesWithTheFullCheck() {
        java.util.Random rnd = new java.util.Random(8);
        for (int i = 0; i < 1_000_000; i++) {
            int s = rnd.nextInt();
            long c = rnd.nextLong() >>> 1;
            int ring = 2 << rnd.nextInt(30);
            if (Retention.onlyCounts(s, c, ring)) {
                assertThat(Retention.shouldGiveBack(s, c, ring)).isFalse();
                assertThat(Retention.kept(s, c, ring)).isEqualTo(s + Retention.COUNT_STEP);
            } else {
                assertThat(Retention.shouldGiveBack(s, c, ring) || Retention.kept(s, c, ring) != s + Retention.COUNT_STEP)
                        .isTrue();
            }
        }
    }
}
