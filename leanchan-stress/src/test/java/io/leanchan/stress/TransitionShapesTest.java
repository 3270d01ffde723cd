package io.leanchan.stress;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jcstress tests build channels in given shapes (ring of a given length, about to grow, about to be given
 * back, kept by the retention policy, padded). This checks, single-threaded, that each setup really reaches the
 * shape the test is about, so that a race in jcstress exercises the intended transition.
 */
class TransitionShapesTest {

    static void burst(Channel<String> ch, int n) {
        for (int k = 0; k < n; k++) {
            assertThat(ch.sender().trySend("x" + k)).isTrue();
        }
        for (int k = 0; k < n; k++) {
            assertThat(ch.receiver().tryReceive()).isNotNull();
        }
    }

    @Test
    void ringGrowsTwoFourSevenEight() {
        Channel<String> ch = Channel.bounded(8);
        assertThat(Internals.ringLength(ch)).isZero();
        int[] expected = {2, 2, 4, 4, 7, 7, 7, 8};
        for (int k = 0; k < 8; k++) {
            ch.sender().trySend("p" + k);
            assertThat(Internals.ringLength(ch)).as("after %d sends", k + 1).isEqualTo(expected[k]);
        }
        assertThat(ch.sender().trySend("full")).isFalse();
    }

    @Test
    void firstBurstIsGivenBackOnTheNextEmptyReceive() {
        Channel<String> ch = Channel.bounded(16);
        burst(ch, 4);
        assertThat(Internals.ringLength(ch)).isEqualTo(4);
        assertThat(ch.receiver().tryReceive()).isNull();
        assertThat(Internals.ringLength(ch)).as("given back").isZero();
    }

    @Test
    void firstBurstIsGivenBackByAnEmptyDrainTo() {
        Channel<String> ch = Channel.unbounded();
        burst(ch, 4);
        assertThat(ch.receiver().drainTo(new java.util.ArrayList<>())).isZero();
        assertThat(Internals.ringLength(ch)).isZero();
    }

    @Test
    void repeatedBurstIsKept() {
        Channel<String> ch = Channel.bounded(16);
        Receiver<String> r = ch.receiver();
        burst(ch, 4);
        assertThat(r.tryReceive()).isNull();
        burst(ch, 5);
        assertThat(Internals.ringLength(ch)).isEqualTo(7);
        assertThat(r.tryReceive()).isNull();
        assertThat(Internals.ringLength(ch)).as("kept by the retention policy").isEqualTo(7);
    }

    @Test
    void spentCreditHalvesTheRing() {
        Channel<String> ch = Channel.bounded(64);
        Receiver<String> r = ch.receiver();
        int n = io.leanchan.stress.jcstress.RingTransitionsTest.towardsHalving(ch, r, -1);
        assertThat(n).as("single messages until the ring is halved").isPositive();
        Channel<String> at = Channel.bounded(64);
        io.leanchan.stress.jcstress.RingTransitionsTest.towardsHalving(at, at.receiver(), n);
        int before = Internals.ringLength(at);
        assertThat(before).isEqualTo(25);
        assertThat(at.receiver().tryReceive()).isNull(); // the jcstress test's consumer does this in the race
        assertThat(Internals.ringLength(at)).as("halved").isEqualTo(12);
    }

    @Test
    void paddedChannelGivesBackToo() {
        Channel<String> ch = Internals.inflate(Channel.bounded(16));
        assertThat(Internals.isPadded(ch)).isTrue();
        burst(ch, 4);
        assertThat(Internals.ringLength(ch)).isEqualTo(4);
        assertThat(ch.receiver().tryReceive()).isNull();
        assertThat(Internals.ringLength(ch)).isZero();
    }

    @Test
    void channelsPadThemselvesAfter65536Messages() {
        Channel<Integer> ch = Channel.bounded(4);
        for (int i = 0; i < 70_000; i++) {
            assertThat(ch.sender().trySend(i)).isTrue();
            assertThat(ch.receiver().tryReceive()).isEqualTo(i);
        }
        assertThat(Internals.isPadded(ch)).isTrue();
    }

    @Test
    void wrapSetupLeavesOneMessageInTheLastSlot() {
        Channel<String> ch = Channel.bounded(8);
        burst(ch, 0);
        for (int k = 0; k < 4; k++) {
            ch.sender().trySend("p" + k);
        }
        for (int k = 0; k < 3; k++) {
            ch.receiver().tryReceive();
        }
        assertThat(Internals.ringLength(ch)).isEqualTo(4);
        assertThat(ch.receiver().size()).isEqualTo(1);
    }
}
