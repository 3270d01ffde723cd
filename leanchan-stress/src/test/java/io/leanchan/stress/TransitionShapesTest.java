package io.leanchan.stress;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jcstress tests build channels in given shapes (inline one-slot field, a ring of a given length, about to
 * grow, about to be given back, kept by the retention policy). This checks, single-threaded, that each setup
 * really reaches the shape the test is about in core v2, so that a race in jcstress exercises the intended
 * transition. Core v2 has no padding: there is no padded shape to check any more.
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
    void storageGrowsInlineTwoFourEight() {
        Channel<String> ch = Channel.bounded(8);
        assertThat(Internals.isInline(ch)).isTrue();
        int[] expected = {0, 2, 4, 4, 8, 8, 8, 8};
        for (int k = 0; k < 8; k++) {
            ch.sender().trySend("p" + k);
            assertThat(Internals.ringLength(ch)).as("after %d sends", k + 1).isEqualTo(expected[k]);
            if (k == 0) {
                assertThat(Internals.inline(ch)).as("the first message lives in the channel object").isEqualTo("p0");
            }
        }
        assertThat(ch.sender().trySend("full")).isFalse();
        assertThat(Internals.inline(ch)).as("the inline field is emptied by the grow").isNull();
    }

    @Test
    void aGrowMovesTheReceiversRingAndTheReceiverSwitchesAndCleans() {
        Channel<String> ch = Channel.unbounded();
        ch.sender().trySend("a");
        ch.sender().trySend("b"); // inline -> ring of 2
        assertThat(Internals.isMoved(ch)).as("rbuf is MOVED after a grow").isTrue();
        assertThat(Internals.hasPending(ch)).as("copy start recorded").isTrue();
        assertThat(ch.receiver().tryReceive()).isEqualTo("a");
        assertThat(Internals.isMoved(ch)).isFalse();
        assertThat(Internals.hasPending(ch)).as("stale range cleaned at the switch").isFalse();
        assertThat(Internals.receiverRingLength(ch)).isEqualTo(2);
        ch.sender().trySend("c");
        ch.sender().trySend("d"); // ring of 2 holding b c: grows to 4
        assertThat(Internals.ringLength(ch)).isEqualTo(4);
        assertThat(Internals.receiverRingLength(ch)).as("MOVED").isEqualTo(-1);
        assertThat(ch.receiver().tryReceive()).isEqualTo("b");
        assertThat(ch.receiver().tryReceive()).isEqualTo("c");
        assertThat(ch.receiver().tryReceive()).isEqualTo("d");
        assertThat(Internals.receiverRingLength(ch)).isEqualTo(4);
    }

    @Test
    void capacityThreeUsesARingOfFourButHoldsThree() {
        Channel<String> ch = Channel.bounded(3);
        for (int k = 0; k < 3; k++) {
            assertThat(ch.sender().trySend("p" + k)).isTrue();
        }
        assertThat(ch.sender().trySend("p3")).isFalse();
        assertThat(Internals.ringLength(ch)).isEqualTo(4);
    }

    @Test
    void firstBurstIsGivenBackOnTheNextEmptyReceive() {
        Channel<String> ch = Channel.bounded(16);
        burst(ch, 4);
        assertThat(Internals.ringLength(ch)).isEqualTo(4);
        long before = Internals.producerIndex(ch);
        assertThat(ch.receiver().tryReceive()).isNull();
        assertThat(Internals.ringLength(ch)).as("given back").isZero();
        assertThat(Internals.receiverRingLength(ch)).isZero();
        assertThat(Internals.producerIndex(ch)).as("the give-back burns an index").isEqualTo(before + 1);
        assertThat(ch.receiver().size()).isZero();
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
        assertThat(Internals.ringLength(ch)).isEqualTo(8);
        assertThat(r.tryReceive()).isNull();
        assertThat(Internals.ringLength(ch)).as("kept by the retention policy").isEqualTo(8);
    }

    @Test
    void oneMessageAtATimeNeverAllocatesARing() {
        Channel<Integer> ch = Channel.bounded(4);
        for (int i = 0; i < 70_000; i++) {
            assertThat(ch.sender().trySend(i)).isTrue();
            assertThat(ch.receiver().tryReceive()).isEqualTo(i);
        }
        assertThat(Internals.isInline(ch)).as("no ring, no padding after 70,000 messages").isTrue();
    }

    @Test
    void wrapSetupLeavesOneMessageInTheLastSlot() {
        Channel<String> ch = Channel.bounded(8);
        for (int k = 0; k < 4; k++) {
            ch.sender().trySend("p" + k);
        }
        for (int k = 0; k < 3; k++) {
            ch.receiver().tryReceive();
        }
        assertThat(Internals.ringLength(ch)).isEqualTo(4);
        assertThat(ch.receiver().size()).isEqualTo(1);
    }

    @Test
    void growToTheCapLeavesPendingUntilTheReceiverSwitches() {
        // the setup of CoreV2Test.HelpSwitch, single-threaded: ring of 2 full, a1 grows it to 4 (the cap). Here the
        // receiver switches before it takes (it sees MOVED); only a receiver that takes from the old ring during
        // the race advances C past the copy start, and then the fourth message needs the sender's helpSwitch
        Channel<String> ch = Channel.bounded(4);
        ch.sender().trySend("p0");
        ch.sender().trySend("p1");
        assertThat(Internals.ringLength(ch)).isEqualTo(2);
        ch.receiver().tryReceive(); // switch to the ring of 2 (p0 out)
        ch.sender().trySend("p2");
        assertThat(Internals.ringLength(ch)).isEqualTo(2);
        assertThat(Internals.hasPending(ch)).isFalse();
        assertThat(ch.sender().trySend("a1")).isTrue(); // grow 2 -> 4
        assertThat(Internals.ringLength(ch)).isEqualTo(4);
        assertThat(Internals.hasPending(ch)).isTrue();
        assertThat(ch.sender().trySend("a2")).isTrue();
        assertThat(ch.sender().trySend("a3")).as("full: 4 held").isFalse();
        assertThat(ch.receiver().tryReceive()).isEqualTo("p1");
        assertThat(ch.sender().trySend("a3")).isTrue();
        assertThat(Check0.drain(ch.receiver())).isEqualTo("p2 a1 a2 a3");
    }

    @Test
    void linkBehindCancelledSetupLeavesOnlyACancelledNodeLinked() throws Exception {
        // the setup of CoreV2Test.LinkBehindCancelledVsTake (finding 8): full, a pending sendAsync ahead of a
        // timed-out send, then the take that delivers the future. A timed-out send alone unlinks its node at once
        // (core c2562c4), so it takes a live node ahead to keep the cancelled one linked
        Channel<String> alone = Channel.bounded(1);
        alone.sender().trySend("p");
        assertThat(alone.sender().send("gone", 1, java.util.concurrent.TimeUnit.NANOSECONDS)).isFalse();
        assertThat(Internals.linkedWaiters(alone)).as("a timed-out send alone leaves nothing linked").containsExactly(0, 0);

        Channel<String> ch = Channel.bounded(1);
        ch.sender().trySend("p");
        java.util.concurrent.CompletableFuture<Void> q = ch.sender().sendAsync("q");
        assertThat(ch.sender().send("gone", 1, java.util.concurrent.TimeUnit.NANOSECONDS)).isFalse();
        assertThat(Internals.linkedWaiters(ch)).as("q live, gone cancelled behind it").containsExactly(2, 1);
        assertThat(ch.receiver().tryReceive()).isEqualTo("p");
        assertThat(q).isCompleted();
        assertThat(Internals.linkedWaiters(ch)).as("only the cancelled node left").containsExactly(1, 1);
        assertThat(ch.sender().trySend("x")).as("full again with q").isFalse();
        assertThat(Check0.drain(ch.receiver())).isEqualTo("q");
        new io.leanchan.stress.jcstress.CoreV2Test.LinkBehindCancelledVsTake(); // its own check of the shape
    }

    /** Like the jcstress Check.drain. */
    static final class Check0 {
        static String drain(Receiver<String> r) {
            StringBuilder sb = new StringBuilder();
            for (String m; (m = r.tryReceive()) != null; ) {
                sb.append(sb.length() == 0 ? "" : " ").append(m);
            }
            return sb.toString();
        }
    }
}
