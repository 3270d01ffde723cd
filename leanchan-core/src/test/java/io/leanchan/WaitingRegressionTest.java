package io.leanchan;

import io.leanchan.FeatureSupport.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One deterministic regression test per defect of issue 24 that a single thread can force, each written before its
 * fix and seen to fail on the core at c6c8994 (the racy ones are covered by the controlled-scheduling suite in
 * leanchan-stress and by {@link LivenessLoopsTest}). The core's tests run with the timed re-checks off
 * ({@code -Dio.leanchan.timedRechecks=false}, set in leanchan-core's pom), so none of this rests on timing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitingRegressionTest {

    /**
     * Defect 6: a send future's dependents ran inside a claimed receive. The room comes from drainTo; its empty
     * look after the take woke the pending sender inside the drain's claim, so a dependent that receives failed
     * with IllegalStateException ("another receive is in progress").
     */
    @Test
    void sendDependentReceivesWhenDrainToMakesRoom() {
        Channel<String> ch = Channel.bounded(1);
        assertThat(ch.sender().trySend("m1")).isTrue();
        CompletableFuture<Void> f = ch.sender().sendAsync("m2");
        assertThat(f).isNotDone();
        CompletableFuture<String> dependent = f.thenApply(v -> ch.receiver().tryReceive());
        List<String> sink = new ArrayList<>();
        assertThat(ch.receiver().drainTo(sink, 10)).isEqualTo(1);
        assertThat(sink).containsExactly("m1");
        assertThat(f).isCompleted();
        assertThat(dependent.join()).isEqualTo("m2"); // threw IllegalStateException inside the claim before the fix
    }

    /** Beside defect 6: a send future's dependent that peeks, the room coming from tryReceive (after its release). */
    @Test
    void sendDependentReceivesWhenRoomComesBeforePeek() {
        Channel<String> ch = Channel.bounded(1);
        assertThat(ch.sender().trySend("m1")).isTrue();
        CompletableFuture<Void> f = ch.sender().sendAsync("m2");
        CompletableFuture<String> dependent = f.thenApply(v -> ch.receiver().peek());
        assertThat(ch.receiver().tryReceive()).isEqualTo("m1");
        assertThat(dependent.join()).isEqualTo("m2");
        assertThat(ch.receiver().tryReceive()).isEqualTo("m2");
    }

    /**
     * Defect 4 (the deterministic half): a clause function that cancels its own select future spun for ever, waiting
     * for the very completion it was part of.
     */
    @Test
    void clauseFunctionCancelsItsOwnSelectFuture() throws Exception {
        Channel<String> a = Channel.bounded(4);
        AtomicReference<CompletableFuture<String>> self = new AtomicReference<>();
        AtomicReference<Boolean> cancelled = new AtomicReference<>();
        CompletableFuture<String> sel = new Select<String>()
                .onReceive(a.receiver(), m -> {
                    cancelled.set(self.get().cancel(false));
                    return m + "!";
                })
                .selectAsync();
        self.set(sel);
        assertThat(sel).isNotDone();
        Worker sender = Worker.start("sender", () -> a.sender().send("x"));
        sender.finish(); // hung in the clause function before the fix
        assertThat(sel.get(10, TimeUnit.SECONDS)).isEqualTo("x!");
        assertThat(cancelled.get()).isFalse();
    }

    /**
     * Defect 7: after close failed a pending sendAsync, its message stayed reachable from the channel (sw, the
     * queue, its dummy node, the future) until the receiver's next receive.
     */
    @Test
    void handedBackMessageIsUnreachableAfterClose() throws Exception {
        Channel<Object> ch = Channel.bounded(1);
        assertThat(ch.sender().trySend("m1")).isTrue();
        WeakReference<Object> ref = sendAsyncAndForget(ch);
        ch.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ref.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(ref.get()).as("the handed-back message, still reachable from the channel").isNull();
        assertThat(ch.receiver().tryReceive()).isEqualTo("m1"); // the channel is still usable: the stream ends after m1
    }

    /**
     * Sends a fresh message with sendAsync and keeps nothing of it but a weak reference.
     *
     * @param ch a full channel
     * @return a weak reference to the message
     */
    private static WeakReference<Object> sendAsyncAndForget(Channel<Object> ch) {
        Object m = new byte[1024];
        CompletableFuture<Void> f = ch.sender().sendAsync(m);
        assertThat(f).isNotDone();
        return new WeakReference<>(m);
    }

    /**
     * Defect 8: with clauses (empty, empty, a, b), a and b always holding messages, a ready clause placed after
     * empty ones took their turns (8 selects gave 1 1 1 2 1 1 1 2). Round robin after the selected clause alternates.
     */
    @Test
    void selectAlternatesBetweenReadyClausesPlacedAfterEmptyOnes() {
        Channel<Integer> e1 = Channel.bounded(1);
        Channel<Integer> e2 = Channel.bounded(1);
        Channel<Integer> a = Channel.bounded(4);
        Channel<Integer> b = Channel.bounded(4);
        Select<Integer> sel = new Select<Integer>()
                .onReceive(e1.receiver(), m -> 0)
                .onReceive(e2.receiver(), m -> 0)
                .onReceive(a.receiver(), m -> 1)
                .onReceive(b.receiver(), m -> 2);
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            a.sender().trySend(i);
            b.sender().trySend(i);
            seen.append(sel.selectNow(() -> -1));
        }
        assertThat(seen.toString()).isIn("12121212", "21212121");
    }

    /**
     * Defect 8, Go's TestSelectFairness ported: two always-ready channels among others, 10,000 selects; Go allows
     * each 5,000 +- 500.
     */
    @Test
    void selectFairnessAsGoTestsIt() {
        Channel<Integer> c1 = Channel.bounded(1);
        Channel<Integer> c2 = Channel.bounded(1);
        Channel<Integer> c3 = Channel.bounded(1);
        Channel<Integer> c4 = Channel.bounded(1);
        Select<Integer> sel = new Select<Integer>()
                .onReceive(c3.receiver(), m -> 3)
                .onReceive(c1.receiver(), m -> 1)
                .onReceive(c4.receiver(), m -> 4)
                .onReceive(c2.receiver(), m -> 2);
        int[] count = new int[5];
        for (int i = 0; i < 10_000; i++) {
            c1.sender().trySend(i);
            c2.sender().trySend(i);
            count[sel.selectNow(() -> 0)]++;
        }
        assertThat(count[1]).isBetween(4_500, 5_500);
        assertThat(count[2]).isBetween(4_500, 5_500);
    }

    /**
     * Defect 9: selectAsync spun for ever when an onReceive clause's channel was closed and drained while another
     * clause's channel was open and empty (the drained channel was counted as ready, and nothing was there).
     */
    @Test
    void selectAsyncWithADrainedClauseWaitsForTheOpenOne() throws Exception {
        Channel<String> a = Channel.bounded(1);
        Channel<String> b = Channel.bounded(1);
        a.close();
        AtomicReference<CompletableFuture<String>> f = new AtomicReference<>();
        Worker w = Worker.start("select", () -> f.set(new Select<String>()
                .onReceive(a.receiver(), m -> "a" + m)
                .onReceive(b.receiver(), m -> "b" + m)
                .selectAsync()));
        w.finish(); // never returned before the fix
        assertThat(f.get()).isNotDone();
        assertThat(b.sender().trySend("x")).isTrue();
        assertThat(f.get().get(10, TimeUnit.SECONDS)).isEqualTo("bx");
    }

    /** Defect 9, the other form: with a selectAsync pending on (p, q), p.close() did not return until q received. */
    @Test
    void closingOneChannelOfAPendingSelectReturns() throws Exception {
        Channel<String> p = Channel.bounded(1);
        Channel<String> q = Channel.bounded(1);
        CompletableFuture<String> f = new Select<String>()
                .onReceive(p.receiver(), m -> "p" + m)
                .onReceive(q.receiver(), m -> "q" + m)
                .selectAsync();
        Worker w = Worker.start("close", p::close);
        w.finish(); // spun inside close before the fix
        assertThat(f).isNotDone();
        assertThat(q.sender().trySend("y")).isTrue();
        assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("qy");
    }

    /** A select future's clause function that throws completes the future exceptionally; the channel stays usable. */
    @Test
    void throwingClauseFunctionOfAnAsyncSelect() throws Exception {
        Channel<String> a = Channel.bounded(2);
        CompletableFuture<String> f = new Select<String>()
                .onReceive(a.receiver(), m -> {
                    throw new IllegalArgumentException("boom " + m);
                })
                .selectAsync();
        assertThat(a.sender().trySend("x")).isTrue();
        assertThat(f).isCompletedExceptionally();
        assertThat(a.sender().trySend("y")).isTrue();
        assertThat(a.receiver().tryReceive()).isEqualTo("y");
    }
}
