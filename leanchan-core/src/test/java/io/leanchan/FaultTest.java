package io.leanchan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults lose nothing and wedge nothing (issue 10): a sink that throws, an OutOfMemoryError while the ring
 * grows, dependent actions that throw or call back into the channel. Every test keeps a ledger.
 */
class FaultTest {

    static Channel<Integer> channel(int capacity) {
        return capacity == 0 ? Channel.unbounded() : Channel.bounded(capacity);
    }

    /** A collection whose k-th add throws (1-based). */
    static final class Refusing extends ArrayList<Integer> {
        private final int failAt;
        private int adds;

        Refusing(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public boolean add(Integer x) {
            if (++adds == failAt) {
                throw new IllegalStateException("sink refuses its add #" + failAt);
            }
            return super.add(x);
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 16, 1024, 0})
    void aSinkThatThrowsAtItsKthAddLosesNothing(int capacity) throws Exception {
        int n = capacity == 1 ? 1 : 12;
        for (int k = 1; k <= n; k++) {
            Channel<Integer> ch = channel(capacity);
            for (int i = 0; i < n; i++) {
                assertThat(ch.sender().trySend(i)).isTrue();
            }
            Refusing sink = new Refusing(k);
            final int failAt = k;
            assertThatThrownBy(() -> ch.receiver().drainTo(sink, n)).hasMessageContaining("#" + failAt);
            List<Integer> ledger = new ArrayList<>(sink);
            for (Integer x; (x = ch.receiver().tryReceive()) != null; ) {
                ledger.add(x);
            }
            // every message exactly once, in order: those before the refused one in the sink, the rest still here
            assertThat(ledger).as("k = %d", k).containsExactlyElementsOf(range(n));
            assertThat(sink).hasSize(k - 1);
            // and the channel goes on working
            assertThat(ch.sender().trySend(99)).isTrue();
            assertThat(ch.receiver().receive(1, TimeUnit.SECONDS)).isEqualTo(99);
        }
    }

    @Test
    void aSinkThatThrowsWhileSendersWaitLeavesThemWaitingForTheRoomNotLost() throws Exception {
        Channel<Integer> ch = Channel.bounded(2);
        ch.sender().trySend(0);
        ch.sender().trySend(1);
        CompletableFuture<Void> pending = ch.sender().sendAsync(2);
        assertThat(pending).isNotDone();
        assertThatThrownBy(() -> ch.receiver().drainTo(new Refusing(2), 5)).isInstanceOf(IllegalStateException.class);
        // one message moved before the sink refused the second: its slot went to the waiting send
        pending.get(5, TimeUnit.SECONDS);
        assertThat(List.of(ch.receiver().tryReceive(), ch.receiver().tryReceive())).containsExactly(1, 2);
    }

    static List<Integer> range(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }

    @Test
    @Timeout(120)
    void anOutOfMemoryErrorWhileTheRingGrowsLeavesTheChannelWhole() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Xmx48m", "-cp",
                System.getProperty("java.class.path"), OomProbe.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();
        System.out.println("[fault] " + out.trim());
        assertThat(out).contains("OK delivered=");
        assertThat(p.exitValue()).isZero();
    }

    @Test
    void aDependentThatThrowsDoesNotReachTheSenderOrBreakTheChannel() throws Exception {
        Channel<Integer> ch = Channel.bounded(4);
        CompletableFuture<Integer> r = ch.receiver().receiveAsync();
        CompletableFuture<Integer> after = r.thenApply(x -> {
            throw new IllegalStateException("user code fails");
        });
        assertThat(ch.sender().trySend(1)).isTrue(); // completes r on this thread: the failure stays in `after`
        assertThat(r.get()).isEqualTo(1);
        assertThat(after).isCompletedExceptionally();
        assertThat(ch.sender().trySend(2)).isTrue();
        assertThat(ch.receiver().tryReceive()).isEqualTo(2);
    }

    @Test
    @Timeout(30)
    void dependentsMayCallBackIntoTheChannelAndBothFutures() throws Exception {
        Channel<Integer> ch = Channel.bounded(1);
        AtomicReference<CompletableFuture<Integer>> next = new AtomicReference<>();
        AtomicInteger got = new AtomicInteger();
        // a chain of receives, each started from the dependent of the previous one, fed by sends that run them
        Runnable[] arm = new Runnable[1];
        arm[0] = () -> {
            CompletableFuture<Integer> f = ch.receiver().receiveAsync();
            next.set(f);
            f.thenAccept(x -> {
                got.incrementAndGet();
                if (x < 100) {
                    arm[0].run();
                }
            });
        };
        arm[0].run();
        for (int i = 1; i <= 100; i++) {
            ch.sender().send(i);
        }
        assertThat(got.get()).isEqualTo(100);
        // a pending send whose dependent cancels a pending receive of another channel, and closes this one
        Channel<Integer> other = Channel.bounded(1);
        CompletableFuture<Integer> pendingReceive = other.receiver().receiveAsync();
        ch.sender().trySend(7); // full again
        CompletableFuture<Void> pendingSend = ch.sender().sendAsync(8);
        CompletableFuture<Void> chain = pendingSend.thenRun(() -> {
            assertThat(pendingReceive.cancel(false)).isTrue();
            ch.close();
        });
        assertThat(ch.receiver().tryReceive()).isEqualTo(7); // makes room: the send completes, its dependent runs
        chain.get(5, TimeUnit.SECONDS);
        assertThat(pendingReceive).isCancelled();
        assertThat(ch.receiver().tryReceive()).isEqualTo(8);
        assertThat(ch.receiver().isDrained()).isTrue();
        assertThat(other.sender().trySend(1)).isTrue(); // the cancelled receive consumed nothing
        assertThat(other.receiver().tryReceive()).isEqualTo(1);
    }

    @Test
    @Timeout(30)
    void aReceiveCancelledByTheDependentOfTheSendItsTakeWokeDoesNotSpin() throws Exception {
        // issue 9's hang, both directions: a take that wakes a pending send whose dependent cancels the pending
        // receive future that made the take; and a send that completes a pending receive whose dependent
        // cancels that send's own pending future
        Channel<Integer> ch = Channel.bounded(1);
        CompletableFuture<Integer> r = ch.receiver().receiveAsync();
        CompletableFuture<Void> cancelR = r.thenRun(() -> r.cancel(false));
        ch.sender().trySend(1); // fulfils r on this thread; its dependent cancels r (already done: false)
        cancelR.get(5, TimeUnit.SECONDS);
        assertThat(r.get()).isEqualTo(1);

        ch.sender().trySend(2); // full
        CompletableFuture<Void> s = ch.sender().sendAsync(3);
        CompletableFuture<Integer> r2 = new CompletableFuture<>();
        s.thenRun(() -> r2.complete(ch.receiver().tryReceive()));
        CompletableFuture<Void> cancelS = s.thenRun(() -> s.cancel(false));
        assertThat(ch.receiver().tryReceive()).isEqualTo(2); // wakes s; its dependents receive 3 and cancel s
        cancelS.get(5, TimeUnit.SECONDS);
        assertThat(r2.get(5, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(s.isCancelled()).isFalse();
    }

    @Test
    @Timeout(30)
    void aTryReceiveOrDrainToFromAnotherThreadWhileOneIsParkedInReceiveIsReported() throws Exception {
        Channel<Integer> ch = Channel.bounded(4);
        CompletableFuture<Integer> parked = CompletableFuture.supplyAsync(() -> {
            try {
                return ch.receiver().receive(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!parkedReceiverVisible(ch) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThatThrownBy(() -> ch.receiver().tryReceive()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ch.receiver().drainTo(new ArrayList<>(), 4)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ch.receiver().peek()).isInstanceOf(IllegalStateException.class);
        ch.sender().trySend(5);
        assertThat(parked.get(10, TimeUnit.SECONDS)).isEqualTo(5);
    }

    /** True once a receive is parked: a tryReceive from here would be reported (probe with a copy of the rule). */
    private static boolean parkedReceiverVisible(Channel<Integer> ch) {
        try {
            Class<?> c = ch.getClass();
            while (!java.util.Arrays.stream(c.getDeclaredFields()).anyMatch(x -> x.getName().equals("rx"))) {
                c = c.getSuperclass(); // the fields live in the channel's field-layout base class
            }
            java.lang.reflect.Field f = c.getDeclaredField("rx");
            f.setAccessible(true);
            return f.get(ch) instanceof Thread;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
