package io.leanchan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Flows}: the receiver as a publisher (ledger, demand, cancel, one subscriber, end of stream, executor) and
 * the subscriber that feeds a sender (backpressure into a bounded(1) channel, completion, failure, a closed
 * channel). The Reactive Streams TCK runs on both in leanchan-flow-tck.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowsTest {

    /** A subscriber that records everything and requests nothing unless told. */
    static class Recorder<T> implements Flow.Subscriber<T> {
        final List<T> items = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> end = new CompletableFuture<>();
        final AtomicInteger completions = new AtomicInteger();
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        volatile Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(T item) {
            threads.add(Thread.currentThread());
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            end.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            completions.incrementAndGet();
            end.complete(null);
        }
    }

    @Test
    void ledgerEveryMessageOnceInOrderUnderRandomDemand() throws Exception {
        int producers = 2;
        int perProducer = 20_000;
        Channel<Long> ch = Channel.bounded(16);
        List<Long> got = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> end = new CompletableFuture<>();
        AtomicReference<Flow.Subscription> sub = new AtomicReference<>();
        AtomicLong outstanding = new AtomicLong();
        Flows.publisher(ch.receiver()).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                sub.set(s);
                outstanding.addAndGet(3);
                s.request(3);
            }

            @Override
            public void onNext(Long item) {
                got.add(item);
                assertThat(outstanding.decrementAndGet()).isGreaterThanOrEqualTo(0); // never more than demanded
                if (ThreadLocalRandom.current().nextInt(4) == 0) {
                    long n = 1 + ThreadLocalRandom.current().nextInt(8);
                    outstanding.addAndGet(n);
                    sub.get().request(n); // from inside onNext: trampolined
                }
            }

            @Override
            public void onError(Throwable t) {
                end.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                end.complete(null);
            }
        });
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long base = (long) p << 32;
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        ch.sender().send(base + i);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
        }
        // Demand from another thread too, concurrently with the producers' completions.
        Thread requester = new Thread(() -> {
            while (!end.isDone()) {
                outstanding.addAndGet(2);
                sub.get().request(2);
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        requester.start();
        for (Thread t : threads) {
            t.join();
        }
        ch.close();
        end.get(30, TimeUnit.SECONDS);
        requester.join();
        assertThat(got).hasSize(producers * perProducer);
        long[] next = new long[producers];
        for (long m : got) {
            int p = (int) (m >>> 32);
            assertThat(m & 0xffff_ffffL).as("producer %d's order", p).isEqualTo(next[p]++);
        }
        assertThat(ch.receiver().isDrained()).isTrue();
    }

    @Test
    void takesNoMoreThanDemanded() {
        Channel<Integer> ch = Channel.unbounded();
        for (int i = 0; i < 10; i++) {
            ch.sender().trySend(i);
        }
        Recorder<Integer> r = new Recorder<>();
        Flows.publisher(ch.receiver()).subscribe(r);
        assertThat(r.items).isEmpty();
        r.subscription.request(3);
        assertThat(r.items).containsExactly(0, 1, 2);
        assertThat(ch.receiver().size()).isEqualTo(7);
        r.subscription.request(2);
        assertThat(r.items).containsExactly(0, 1, 2, 3, 4);
        assertThat(ch.receiver().size()).isEqualTo(5);
    }

    @Test
    void cancelFromOnNextConsumesNothingMoreAndLeavesTheReceiverUsable() {
        Channel<Integer> ch = Channel.unbounded();
        for (int i = 0; i < 10; i++) {
            ch.sender().trySend(i);
        }
        List<Integer> got = new ArrayList<>();
        Flows.publisher(ch.receiver()).subscribe(new Flow.Subscriber<>() {
            Flow.Subscription s;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Integer item) {
                got.add(item);
                if (item == 2) {
                    s.cancel();
                }
            }

            @Override
            public void onError(Throwable t) {
                throw new AssertionError(t);
            }

            @Override
            public void onComplete() {
                throw new AssertionError("no completion after cancel");
            }
        });
        assertThat(got).containsExactly(0, 1, 2);
        assertThat(ch.isClosed()).as("cancel does not close the channel").isFalse();
        assertThat(ch.receiver().tryReceive()).isEqualTo(3); // nothing more consumed; the receiver is free
        assertThat(ch.receiver().size()).isEqualTo(6);
    }

    @Test
    void cancelWithdrawsThePendingReceive() throws Exception {
        Channel<Integer> ch = Channel.bounded(4);
        Recorder<Integer> r = new Recorder<>();
        Flows.publisher(ch.receiver()).subscribe(r);
        r.subscription.request(5); // empty channel: a receiveAsync is armed
        r.subscription.cancel();   // from this thread, while nothing is being delivered: withdrawn
        r.subscription.cancel();   // rule 3.7: no-op
        r.subscription.request(1); // rule 3.6: no-op
        assertThat(ch.sender().trySend(42)).isTrue();
        assertThat(ch.receiver().tryReceive()).isEqualTo(42); // the withdrawn receive consumed nothing
        assertThat(r.items).isEmpty();
        assertThat(r.end).isNotDone();
    }

    @Test
    void secondSubscriberIsRejectedAndTheFirstGoesOn() throws Exception {
        Channel<Integer> ch = Channel.unbounded();
        Flow.Publisher<Integer> pub = Flows.publisher(ch.receiver());
        Recorder<Integer> first = new Recorder<>();
        pub.subscribe(first);
        Recorder<Integer> second = new Recorder<>();
        pub.subscribe(second);
        assertThat(second.subscription).as("onSubscribe before onError (rule 1.9)").isNotNull();
        assertThat(second.end).isCompletedExceptionally();
        assertThatThrownBy(() -> second.end.join()).hasCauseInstanceOf(IllegalStateException.class);
        second.subscription.request(1); // a no-op subscription
        ch.sender().trySend(1);
        first.subscription.request(1);
        assertThat(first.items).containsExactly(1);
        assertThat(second.items).isEmpty();
        first.subscription.cancel();
        Recorder<Integer> third = new Recorder<>();
        pub.subscribe(third); // one subscriber, once: also after a cancel
        assertThat(third.end).isCompletedExceptionally();
        assertThatThrownBy(() -> pub.subscribe(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void completionAfterCloseWithAndWithoutDemand() throws Exception {
        Channel<Integer> ch = Channel.bounded(8);
        Recorder<Integer> r = new Recorder<>();
        Flows.publisher(ch.receiver()).subscribe(r);
        r.subscription.request(5);
        ch.sender().send(1);
        ch.sender().send(2);
        ch.close(); // completes the pending receive exceptionally: the end of the stream
        r.end.get(10, TimeUnit.SECONDS);
        assertThat(r.items).containsExactly(1, 2);
        assertThat(r.completions.get()).isEqualTo(1);

        Channel<Integer> drained = Channel.unbounded();
        drained.close();
        Recorder<Integer> r2 = new Recorder<>();
        Flows.publisher(drained.receiver()).subscribe(r2);
        assertThat(r2.end).as("closed and drained: onComplete without demand").isDone();
        assertThat(r2.completions.get()).isEqualTo(1);
    }

    @Test
    void badRequestSignalsIllegalArgumentException() {
        Channel<Integer> ch = Channel.unbounded();
        ch.sender().trySend(1);
        Recorder<Integer> r = new Recorder<>();
        Flows.publisher(ch.receiver()).subscribe(r);
        r.subscription.request(0);
        assertThatThrownBy(() -> r.end.join()).hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(ch.receiver().tryReceive()).isEqualTo(1);
    }

    /**
     * A close that comes after the last demanded message was delivered still ends the stream: nothing else will call
     * the publisher (no demand is left), so the close itself must. It hung before the publisher watched the close
     * (seen as a 10 s time-out of executorRunsTheSignals in a CI run beside CPU hogs, where the loop ran between the
     * sends and the close).
     */
    @Test
    void closeAfterTheDemandIsMetCompletes() throws Exception {
        Channel<Integer> ch = Channel.unbounded();
        Recorder<Integer> r = new Recorder<>();
        Flows.publisher(ch.receiver()).subscribe(r);
        r.subscription.request(2);
        ch.sender().send(1);
        ch.sender().send(2);
        assertThat(r.items).containsExactly(1, 2); // delivered in the sending thread: no demand is left
        assertThat(r.end).isNotDone();
        ch.close();
        r.end.get(10, TimeUnit.SECONDS);
        assertThat(r.completions.get()).isEqualTo(1);
    }

    @Test
    void executorRunsTheSignals() throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> new Thread(r, "flow-signals"));
        try {
            Channel<Integer> ch = Channel.unbounded();
            Recorder<Integer> r = new Recorder<>();
            Flows.publisher(ch.receiver(), ex).subscribe(r);
            r.subscription.request(3);
            for (int i = 0; i < 3; i++) {
                ch.sender().send(i);
            }
            ch.close();
            r.end.get(10, TimeUnit.SECONDS);
            assertThat(r.items).containsExactly(0, 1, 2);
            assertThat(r.threads).allMatch(t -> t.getName().equals("flow-signals"));
        } finally {
            ex.shutdownNow();
        }
    }

    /** A range publisher that emits synchronously from request() and records the demand. */
    static final class Range implements Flow.Publisher<Integer> {
        final int count;
        final AtomicLong requested = new AtomicLong();
        volatile boolean cancelled;
        int emitted;

        Range(int count) {
            this.count = count;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Integer> s) {
            AtomicInteger wip = new AtomicInteger();
            AtomicLong demand = new AtomicLong();
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requested.addAndGet(n);
                    demand.addAndGet(n);
                    if (wip.getAndIncrement() != 0) {
                        return;
                    }
                    do {
                        while (!cancelled && demand.get() > 0 && emitted < count) {
                            demand.decrementAndGet();
                            s.onNext(emitted++);
                        }
                        if (!cancelled && emitted == count) {
                            cancelled = true;
                            s.onComplete();
                        }
                    } while (wip.decrementAndGet() != 0);
                }

                @Override
                public void cancel() {
                    cancelled = true;
                }
            });
        }
    }

    @Test
    void subscriberBackpressureIntoABoundedOneChannel() {
        int window = 4;
        Channel<Integer> ch = Channel.bounded(1);
        Range up = new Range(1_000);
        up.subscribe(Flows.subscriber(ch.sender(), window));
        // Nobody receives: one message in the channel, the rest of the window held; no more is requested.
        assertThat(up.requested.get()).isEqualTo(window);
        assertThat(ch.receiver().size()).isEqualTo(1);
        List<Integer> got = new ArrayList<>();
        Integer m;
        // Every completion runs on this thread (the one that makes room), so the ledger is exact at each step.
        while ((m = ch.receiver().tryReceive()) != null) {
            got.add(m);
            long inChannel = got.size() + ch.receiver().size();
            assertThat(up.requested.get() - inChannel).as("requested and not yet in the channel")
                    .isLessThanOrEqualTo(window);
        }
        assertThat(got).hasSize(1_000);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo(i);
        }
        assertThat(ch.isClosed()).as("onComplete closes the sender").isTrue();
        assertThat(ch.receiver().isDrained()).isTrue();
    }

    @Test
    void subscriberClosesTheSenderOnErrorAfterWhatCameBefore() {
        Channel<Integer> ch = Channel.unbounded();
        Flow.Subscriber<Integer> sub = Flows.subscriber(ch.sender(), 8);
        AtomicLong requested = new AtomicLong();
        sub.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                requested.addAndGet(n);
            }

            @Override
            public void cancel() {
            }
        });
        assertThat(requested.get()).isEqualTo(8);
        sub.onNext(1);
        sub.onNext(2);
        sub.onError(new RuntimeException("upstream failed"));
        assertThat(ch.isClosed()).isTrue();
        assertThat(ch.receiver().tryReceive()).isEqualTo(1);
        assertThat(ch.receiver().tryReceive()).isEqualTo(2);
        assertThat(ch.receiver().isDrained()).isTrue();
    }

    @Test
    void subscriberCancelsTheUpstreamWhenTheChannelCloses() {
        Channel<Integer> ch = Channel.bounded(2);
        Flow.Subscriber<Integer> sub = Flows.subscriber(ch.sender());
        AtomicInteger cancels = new AtomicInteger();
        Flow.Subscription s = new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
                cancels.incrementAndGet();
            }
        };
        sub.onSubscribe(s);
        sub.onNext(1);
        ch.receiver().close(); // the receiver gives up: the upstream is told at once, through Sender.closed()
        assertThat(cancels.get()).isEqualTo(1);
        sub.onNext(2); // rule 2.8: a late message after cancel is accepted and discarded
        Flow.Subscription another = new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
                cancels.incrementAndGet();
            }
        };
        sub.onSubscribe(another); // rule 2.5
        assertThat(cancels.get()).isEqualTo(2);
        assertThatThrownBy(() -> Flows.subscriber(ch.sender(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void publisherToSubscriberThroughTwoChannels() throws Exception {
        Channel<Integer> a = Channel.bounded(4);
        Channel<Integer> b = Channel.bounded(2);
        Flows.publisher(a.receiver()).subscribe(Flows.subscriber(b.sender(), 3));
        CountDownLatch done = new CountDownLatch(1);
        List<Integer> got = new ArrayList<>();
        Thread consumer = new Thread(() -> {
            for (Integer m : b.receiver()) {
                got.add(m);
            }
            done.countDown();
        });
        consumer.start();
        for (int i = 0; i < 5_000; i++) {
            a.sender().send(i);
        }
        a.close();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(got).hasSize(5_000);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo(i);
        }
    }
}
