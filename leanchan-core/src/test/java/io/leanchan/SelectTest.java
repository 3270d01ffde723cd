package io.leanchan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Select (issue 12): exactly once, fairness, ways to wait, end of stream, memory, and Go's select tests in spirit. */
class SelectTest {

    @Test
    void selectsFromWhicheverChannelHasAMessageAndMapsIt() throws Exception {
        Channel<Integer> a = Channel.bounded(4);
        Channel<String> b = Channel.unbounded();
        Select<String> sel = new Select<String>().onReceive(a.receiver(), i -> "a" + i).onReceive(b.receiver(), s -> "b" + s);
        b.sender().trySend("x");
        assertThat(sel.select()).isEqualTo("bx");
        a.sender().trySend(1);
        assertThat(sel.select()).isEqualTo("a1");
        assertThat(sel.selectNow(() -> "none")).isEqualTo("none");
    }

    @Test
    @Timeout(10)
    void aWaitingSelectIsWokenBySendsOnAnyOfItsChannels() throws Exception {
        for (int which = 0; which < 3; which++) {
            List<Channel<Integer>> chs = List.of(Channel.bounded(1), Channel.bounded(16), Channel.unbounded());
            Select<Integer> sel = new Select<>();
            for (Channel<Integer> c : chs) {
                sel.onReceive(c.receiver(), x -> x);
            }
            int w = which;
            Thread t = new Thread(() -> {
                sleep(30);
                chs.get(w).sender().trySend(100 + w);
            });
            t.start();
            assertThat(sel.select()).isEqualTo(100 + w);
            t.join();
            // the waiting select unregistered: each channel can be used on its own again
            for (Channel<Integer> c : chs) {
                assertThat(c.receiver().tryReceive()).isNull();
                c.sender().trySend(1);
                assertThat(c.receiver().receive(1, TimeUnit.SECONDS)).isEqualTo(1);
            }
        }
    }

    @Test
    void aTimedSelectReturnsTheTimeoutResultAndConsumesNothing() throws Exception {
        Channel<Integer> a = Channel.bounded(2);
        Select<String> sel = new Select<String>().onReceive(a.receiver(), i -> "got " + i);
        long t0 = System.nanoTime();
        assertThat(sel.select(50, TimeUnit.MILLISECONDS, () -> "timeout")).isEqualTo("timeout");
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(45));
        a.sender().trySend(3);
        assertThat(sel.select(1, TimeUnit.SECONDS, () -> "timeout")).isEqualTo("got 3");
    }

    @Test
    void anInterruptedSelectThrowsAndConsumesNothing() throws Exception {
        Channel<Integer> a = Channel.bounded(2);
        Select<Integer> sel = new Select<Integer>().onReceive(a.receiver(), i -> i);
        Thread.currentThread().interrupt();
        assertThatThrownBy(sel::select).isInstanceOf(InterruptedException.class);
        a.sender().trySend(9);
        assertThat(a.receiver().tryReceive()).isEqualTo(9);
    }

    @Test
    void endOfStreamPerClauseAndForTheWholeSelect() throws Exception {
        Channel<Integer> data = Channel.bounded(4);
        Channel<Integer> control = Channel.bounded(4);
        Select<String> skipping = new Select<String>().onReceive(data.receiver(), i -> "d" + i)
                .onReceive(control.receiver(), i -> "c" + i);
        data.sender().trySend(1);
        data.close();
        assertThat(skipping.select()).isEqualTo("d1"); // messages sent before the close still come
        control.sender().trySend(2);
        assertThat(skipping.select()).isEqualTo("c2"); // the drained channel is skipped
        control.close();
        assertThatThrownBy(skipping::select).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> skipping.selectNow(() -> "x")).isInstanceOf(ChannelClosedException.class);
        assertThat(skipping.selectAsync()).isCompletedExceptionally();

        Channel<Integer> other = Channel.bounded(1);
        Select<String> reporting = new Select<String>().onReceive(other.receiver(), i -> "o" + i)
                .onReceiveOrClosed(data.receiver(), i -> "d" + i, () -> "data closed");
        assertThat(reporting.select()).isEqualTo("data closed");
    }

    @Test
    @Timeout(10)
    void aWaitingSelectSeesACloseOfOneOfItsChannels() throws Exception {
        Channel<Integer> a = Channel.bounded(2);
        Channel<Integer> b = Channel.bounded(2);
        Select<String> sel = new Select<String>().onReceive(a.receiver(), i -> "a")
                .onReceiveOrClosed(b.receiver(), i -> "b", () -> "b closed");
        Thread t = new Thread(() -> {
            sleep(30);
            b.close();
        });
        t.start();
        assertThat(sel.select()).isEqualTo("b closed");
        t.join();
    }

    @Test
    @Timeout(20)
    void asyncSelectCompletesOnASendAndCancellingConsumesNothing() throws Exception {
        Channel<Integer> a = Channel.bounded(2);
        Channel<Integer> b = Channel.bounded(2);
        Select<String> sel = new Select<String>().onReceive(a.receiver(), i -> "a" + i).onReceive(b.receiver(), i -> "b" + i);
        CompletableFuture<String> f = sel.selectAsync();
        assertThat(f).isNotDone();
        assertThatThrownBy(() -> a.receiver().tryReceive()).isInstanceOf(IllegalStateException.class);
        b.sender().trySend(5);
        assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("b5");

        CompletableFuture<String> g = sel.selectAsync();
        assertThat(g.cancel(false)).isTrue();
        assertThatThrownBy(g::join).isInstanceOf(CancellationException.class);
        a.sender().trySend(6);
        assertThat(a.receiver().tryReceive()).isEqualTo(6); // the cancelled select took nothing and let go
    }

    @Test
    void fairnessTwoAlwaysReadyChannelsEachWinAtLeast40PercentOf100000() throws Exception {
        Channel<Integer> a = Channel.unbounded();
        Channel<Integer> b = Channel.unbounded();
        Select<Integer> sel = new Select<Integer>().onReceive(a.receiver(), i -> 0).onReceive(b.receiver(), i -> 1);
        int[] wins = new int[2];
        int total = 100_000;
        for (int i = 0; i < 4; i++) {
            a.sender().trySend(i);
            b.sender().trySend(i);
        }
        for (int i = 0; i < total; i++) {
            int w = sel.select();
            wins[w]++;
            (w == 0 ? a : b).sender().trySend(i); // keep both always ready
        }
        System.out.printf("[select] fairness: %d / %d%n", wins[0], wins[1]);
        assertThat(wins[0]).isGreaterThanOrEqualTo(total * 4 / 10);
        assertThat(wins[1]).isGreaterThanOrEqualTo(total * 4 / 10);
    }

    @Test
    void aBlockingSelectMakesNoGarbageInSteadyState() throws Exception {
        Channel<Integer> a = Channel.bounded(16);
        Channel<Integer> b = Channel.bounded(16);
        Select<Integer> sel = new Select<Integer>().onReceive(a.receiver(), i -> i).onReceive(b.receiver(), i -> i);
        Integer m = 42;
        java.util.function.Supplier<Integer> none = () -> -1;
        for (int i = 0; i < 100_000; i++) { // warm-up
            a.sender().trySend(m);
            sel.select();
            b.sender().trySend(m);
            sel.selectNow(none);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        int rounds = 200_000;
        for (int i = 0; i < rounds; i++) {
            (i % 2 == 0 ? a : b).sender().trySend(m);
            sel.select();
            sel.selectNow(none);
        }
        double perSelect = (threads.getCurrentThreadAllocatedBytes() - before) / (2.0 * rounds);
        System.out.printf("[select] bytes allocated per select (select + selectNow): %.4f%n", perSelect);
        assertThat(perSelect).isLessThan(0.05);
    }

    @Test
    void aDuplicateChannelInTwoClausesIsAllowed() throws Exception {
        // Go's TestSelectDuplicateChannel: the same channel in two cases must not break waiting on it
        Channel<Integer> a = Channel.bounded(1);
        Channel<Integer> b = Channel.bounded(1);
        Select<String> sel = new Select<String>().onReceive(a.receiver(), i -> "first").onReceive(a.receiver(), i -> "second")
                .onReceive(b.receiver(), i -> "b");
        Thread t = new Thread(() -> {
            sleep(20);
            a.sender().trySend(1);
        });
        t.start();
        assertThat(sel.select()).isIn("first", "second");
        t.join();
        assertThat(sel.selectNow(() -> "none")).isEqualTo("none");
    }

    @Test
    @Timeout(60)
    void nonBlockingSelectRacingASendNeverLosesIt() throws Exception {
        // Go's TestNonblockSelectRace: a send racing a select with a default clause; the message is either
        // selected or still in the channel afterwards, never lost
        for (int i = 0; i < 2_000; i++) { // a fresh thread per round: 2,000 rounds
            Channel<Integer> a = Channel.bounded(1);
            Channel<Integer> b = Channel.bounded(1);
            Select<Integer> sel = new Select<Integer>().onReceive(a.receiver(), x -> x).onReceive(b.receiver(), x -> x);
            Thread t = new Thread(() -> a.sender().trySend(7));
            t.start();
            Integer got = sel.selectNow(() -> null);
            t.join();
            if (got == null) {
                assertThat(a.receiver().tryReceive()).as("round %d", i).isEqualTo(7);
            } else {
                assertThat(got).isEqualTo(7);
                assertThat(a.receiver().tryReceive()).isNull();
            }
        }
    }

    @ParameterizedTest(name = "{0} channels")
    @ValueSource(ints = {2, 4, 16})
    @Timeout(120)
    void ledgerStressKProducersOverNChannelsWithTimeoutsCancellationsAndCloses(int channels) throws Exception {
        // Go's TestSelectStress in spirit: producers on every channel, one selecting consumer that mixes
        // blocking, timed, non-blocking and async (sometimes cancelled) selects; every message exactly once and
        // in per-producer order per channel, then the channels close one by one and the select ends
        int producersPerChannel = 2;
        int perProducer = 3_000;
        List<Channel<Long>> chs = new ArrayList<>();
        Select<long[]> sel = new Select<>();
        for (int c = 0; c < channels; c++) {
            Channel<Long> ch = c % 3 == 0 ? Channel.bounded(1) : c % 3 == 1 ? Channel.bounded(16) : Channel.unbounded();
            chs.add(ch);
            final int id = c;
            sel.onReceive(ch.receiver(), m -> new long[] {id, m});
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> producers = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < producersPerChannel; p++) {
                Channel<Long> ch = chs.get(c);
                long pid = p;
                Thread t = new Thread(() -> {
                    try {
                        for (long i = 0; i < perProducer; i++) {
                            ch.sender().send((pid << 32) | i);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                producers.add(t);
                t.start();
            }
        }
        long[][] next = new long[channels][producersPerChannel];
        long total = (long) channels * producersPerChannel * perProducer;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (long got = 0; got < total; ) {
            long[] r;
            switch (rnd.nextInt(4)) {
                case 0:
                    r = sel.select();
                    break;
                case 1:
                    r = sel.select(rnd.nextInt(50), TimeUnit.MICROSECONDS, () -> null);
                    break;
                case 2:
                    r = sel.selectNow(() -> null);
                    break;
                default:
                    CompletableFuture<long[]> f = sel.selectAsync();
                    if (rnd.nextBoolean() && f.cancel(false)) {
                        r = null;
                    } else {
                        r = f.get(30, TimeUnit.SECONDS);
                    }
            }
            if (r == null) {
                continue;
            }
            int c = (int) r[0];
            int p = (int) (r[1] >>> 32);
            long seq = r[1] & 0xFFFF_FFFFL;
            assertThat(seq).as("channel %d producer %d", c, p).isEqualTo(next[c][p]);
            next[c][p]++;
            got++;
        }
        for (Thread t : producers) {
            t.join(10_000);
        }
        assertThat(failure.get()).isNull();
        for (Channel<Long> ch : chs) {
            assertThat(sel.selectNow(() -> null)).isNull();
            ch.close();
        }
        assertThatThrownBy(sel::select).isInstanceOf(ChannelClosedException.class);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
