package io.leanchan.internal;

import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.Sender;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

/**
 * A {@link Receiver} as a {@link Flow.Publisher} with one subscriber ({@code io.leanchan.Flows.publisher}); its
 * behaviour is documented there. Built on the receiver's public API only.
 *
 * <pre>
 * Publisher. subscribed: 0 until the first subscribe, then 1 (a CAS; whoever wins gets the real subscription, every
 * later subscriber a no-op subscription and onError(IllegalStateException)). Nothing else: the publisher keeps no
 * reference to its subscriber.
 *
 * Subscription: a WIP drain loop (the standard serializer). Every event (request, cancel, the completion of the
 * pending receive, the end of onSubscribe) records itself in a field and then calls signal(), which adds 1 to wip; the
 * caller that moves wip from 0 owns the loop (runs drain(), or hands it to the executor) and keeps looping until it
 * subtracts every increment it saw ("missed"). So exactly one thread at a time runs the loop, each run happens-after
 * the previous run's end (the wip read-modify-writes are in one total order), and a signal arriving during a run is
 * never lost: the owner sees the higher wip and loops again. A request(n) made from inside onNext only adds to wip and
 * returns: recursion is bounded to one level (rule 3.3).
 *
 * Fields and their writers:
 *   wip        getAndAdd by signal() (any thread) and by the owner at the end of a pass; never decreases below 0.
 *   requested  the cumulative demand, capped at Long.MAX_VALUE (unbounded): CAS by request(n) (any thread); read by
 *              the owner (volatile).
 *   cancelled  set to true (volatile write) by cancel(), by a throwing subscriber (owner), never reset.
 *   badRequest the IllegalArgumentException of the first request(n &lt;= 0): CAS from null (any thread); read by the
 *              owner, who signals it with onError.
 *   pending    the armed receiveAsync, or null: written and read by the owner only (plain; the wip order publishes
 *              it from one owner to the next). Its completion's dependent action is this subscription
 *              (accept: signal()), which may run in any thread: the sender's that fulfilled it, the owner's own (an
 *              already complete future, or one whose cancel finds it settled and finishes it).
 *   emitted, subscriber, done
 *              owner only (plain). done is final; subscriber is cleared when done, so that a cancelled subscription
 *              holds no reference to it (rule 3.13).
 *
 * The loop (drain), while not done:
 *   1. cancelled or badRequest: withdraw the pending receive (future.cancel(false)). If the cancel fails, the send
 *      that fulfilled it took the message out of the channel for a demand the subscriber made: it is delivered
 *      (onNext), then the loop stops (done, subscriber cleared; onError(badRequest) if that was the cause).
 *   2. A pending receive: not complete yet, return (its completion signals). Complete: a message is delivered; the
 *      end of the stream (ChannelClosedException) is onComplete; any other failure onError.
 *   3. No demand left (emitted == requested): if the channel is closed and drained, onComplete; else return. The
 *      channel's close signals the loop too (Sender.closed(), watched from the start), so a close that comes when
 *      no demand is left still ends the stream.
 *   4. tryReceive(): a message is delivered and the loop goes on; null arms receiveAsync() (pending) and the loop
 *      goes on at 2. A receive that throws (another receive in progress on the channel) is onError.
 * So a message leaves the channel only while demand is outstanding and no cancel has been seen, and every message
 * that left it is given to onNext. Signals run only inside the loop, in which the adapter holds nothing that
 * another thread waits for (wip is not a lock: nobody waits on it) and the channel holds no claim (tryReceive and
 * receiveAsync return, and completions run, outside the channel's claims).
 * </pre>
 *
 * @param <T> the type of messages
 */
public final class ReceiverPublisher<T> implements Flow.Publisher<T> {
    /** Access to {@link #subscribed}. */
    private static final VarHandle SUBSCRIBED;

    static {
        try {
            SUBSCRIBED = MethodHandles.lookup().findVarHandle(ReceiverPublisher.class, "subscribed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The channel's receiving side. */
    private final Receiver<T> receiver;
    /** Where the loop runs, or null for the calling threads. */
    private final Executor executor;
    /** 0 until the first subscribe claims the publisher (CAS to 1). */
    @SuppressWarnings("unused") private volatile int subscribed;

    /**
     * A publisher over {@code receiver}.
     *
     * @param receiver the receiving side
     * @param executor where the signals run, or null for the threads that request and send
     */
    public ReceiverPublisher(Receiver<T> receiver, Executor executor) {
        this.receiver = receiver;
        this.executor = executor;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber"); // rule 1.9
        if (!SUBSCRIBED.compareAndSet(this, 0, 1)) {
            subscriber.onSubscribe(Rejected.INSTANCE);
            subscriber.onError(new IllegalStateException(
                    "this publisher has a subscriber already: a channel has one receiver, so its publisher has one"
                            + " subscriber, once"));
            return;
        }
        new ReceiverSubscription<>(receiver, subscriber, executor).start();
    }

    /** The subscription of a rejected subscriber: does nothing (rules 3.6, 3.7). */
    private enum Rejected implements Flow.Subscription {
        /** The one instance. */
        INSTANCE;

        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
    }

    /**
     * The one subscription of a {@link ReceiverPublisher}: the drain loop described in the class comment there.
     *
     * @param <T> the type of messages
     */
    static final class ReceiverSubscription<T>
            implements Flow.Subscription, BiConsumer<Object, Throwable>, Runnable {
        /** Access to {@link #wip}. */
        private static final VarHandle WIP;
        /** Access to {@link #requested}. */
        private static final VarHandle REQUESTED;
        /** Access to {@link #badRequest}. */
        private static final VarHandle BAD_REQUEST;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                WIP = l.findVarHandle(ReceiverSubscription.class, "wip", int.class);
                REQUESTED = l.findVarHandle(ReceiverSubscription.class, "requested", long.class);
                BAD_REQUEST = l.findVarHandle(ReceiverSubscription.class, "badRequest",
                        IllegalArgumentException.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** The channel's receiving side. */
        private final Receiver<T> receiver;
        /** Where the loop runs, or null. */
        private final Executor executor;
        /** Signals not yet seen by the loop's owner; 1 while onSubscribe runs (the loop is held). */
        @SuppressWarnings("unused") private volatile int wip;
        /** The cumulative demand; {@link Long#MAX_VALUE} is unbounded. */
        private volatile long requested;
        /** Set once by {@link #cancel()} or by a throwing subscriber. */
        private volatile boolean cancelled;
        /** The failure of the first {@code request(n <= 0)}, or null. */
        @SuppressWarnings("unused") private volatile IllegalArgumentException badRequest;
        /** The subscriber; owner only; null once done. */
        private Flow.Subscriber<? super T> subscriber;
        /** The armed receive, or null; owner only. */
        private CompletableFuture<T> pending;
        /** Messages delivered; owner only. */
        private long emitted;
        /** No signal any more; owner only. */
        private boolean done;

        /**
         * A subscription that holds its loop (wip = 1) until {@link #start()} has run {@code onSubscribe}.
         *
         * @param receiver   the receiving side
         * @param subscriber the subscriber
         * @param executor   where the loop runs, or null
         */
        ReceiverSubscription(Receiver<T> receiver, Flow.Subscriber<? super T> subscriber, Executor executor) {
            this.receiver = receiver;
            this.subscriber = subscriber;
            this.executor = executor;
            WIP.set(this, 1);
        }

        /**
         * Calls {@code onSubscribe} while holding the loop, so that no other signal can overlap it (a request from
         * inside {@code onSubscribe} is served after it returns), then runs the loop.
         */
        void start() {
            watchClose();
            try {
                subscriber.onSubscribe(this);
            } catch (Throwable t) {
                cancelled = true; // rule 2.13: a throwing onSubscribe cancels; the loop withdraws and clears
                runLoop();
                throw t;
            }
            runLoop();
        }

        /**
         * Makes the channel's close signal the loop, so that a close that comes when no demand is left (nothing else
         * would call the loop) still ends in {@code onComplete} once the channel is drained. Registered while the loop
         * is held (before {@code onSubscribe}): a channel closed already signals at once, which the held loop sees.
         * A receiver that is not a channel's own (no {@link Sender#closed()}) completes at the next request instead.
         */
        private void watchClose() {
            if (receiver instanceof Sender) {
                try {
                    ((Sender<?>) receiver).closed().whenComplete(this);
                } catch (UnsupportedOperationException e) {
                    // not a channel made by Channel.bounded/unbounded: see above
                }
            }
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                BAD_REQUEST.compareAndSet(this, null, new IllegalArgumentException(
                        "rule 3.9: request(n) needs n > 0, got " + n));
            } else {
                for (;;) {
                    long r = requested;
                    long next = r + n;
                    if (next < 0) {
                        next = Long.MAX_VALUE; // rule 3.17: capped, unbounded from then on
                    }
                    if (r == Long.MAX_VALUE || REQUESTED.compareAndSet(this, r, next)) {
                        break;
                    }
                }
            }
            signal();
        }

        @Override
        public void cancel() {
            cancelled = true;
            signal();
        }

        /**
         * The pending receive completed, or the channel closed (any thread): the loop looks again.
         *
         * @param value   ignored (the loop reads the future)
         * @param failure ignored
         */
        @Override
        public void accept(Object value, Throwable failure) {
            signal();
        }

        /** Runs the loop in the executor: the caller owns it. */
        @Override
        public void run() {
            drain();
        }

        /** Records one signal; the caller that finds the loop idle owns it and runs it. */
        private void signal() {
            if ((int) WIP.getAndAdd(this, 1) == 0) {
                runLoop();
            }
        }

        /** Runs the owned loop here, or hands it to the executor (here after all if it refuses). */
        private void runLoop() {
            if (executor == null) {
                drain();
                return;
            }
            try {
                executor.execute(this);
            } catch (RejectedExecutionException e) {
                drain();
            }
        }

        /** The loop (class comment): one pass per batch of signals until none is missed. Owner only. */
        private void drain() {
            int missed = 1;
            for (;;) {
                if (!done) {
                    pass();
                }
                missed = (int) WIP.getAndAdd(this, -missed) - missed;
                if (missed == 0) {
                    return;
                }
            }
        }

        /** One pass of the loop: delivers while demand, messages and no stop allow. Owner only. */
        private void pass() {
            Flow.Subscriber<? super T> s = subscriber;
            for (;;) {
                IllegalArgumentException bad = badRequest;
                if (cancelled || bad != null) {
                    stop(s, bad);
                    return;
                }
                CompletableFuture<T> f = pending;
                if (f != null) {
                    if (!f.isDone()) {
                        return; // its completion signals
                    }
                    pending = null;
                    T m;
                    try {
                        m = f.join();
                    } catch (CompletionException | CancellationException e) {
                        Throwable cause = e instanceof CompletionException && e.getCause() != null
                                ? e.getCause() : e;
                        finish(s, cause);
                        return;
                    }
                    deliver(s, m);
                    continue;
                }
                if (emitted == requested) {
                    if (receiver.isDrained()) {
                        finish(s, null);
                    }
                    return;
                }
                T m;
                try {
                    m = receiver.tryReceive();
                    if (m == null) {
                        pending = f = receiver.receiveAsync();
                        f.whenComplete(this); // may call accept at once: wip goes up, the loop goes on
                        continue;
                    }
                } catch (RuntimeException e) { // another receive is in progress on this channel
                    finish(s, e);
                    return;
                }
                deliver(s, m);
            }
        }

        /**
         * Gives {@code m} to {@code onNext}; a throwing subscriber cancels the subscription (rule 2.13) and the
         * exception propagates.
         *
         * @param s the subscriber
         * @param m the message, already out of the channel
         */
        private void deliver(Flow.Subscriber<? super T> s, T m) {
            emitted++;
            try {
                s.onNext(m);
            } catch (Throwable t) {
                cancelled = true;
                stop(s, null);
                throw t;
            }
        }

        /**
         * Cancel or a bad request: withdraws the pending receive (a message it already took is delivered), then
         * stops, signalling {@code onError(bad)} if there is one.
         *
         * @param s   the subscriber
         * @param bad the failure to signal, or null for a cancel
         */
        private void stop(Flow.Subscriber<? super T> s, IllegalArgumentException bad) {
            CompletableFuture<T> f = pending;
            pending = null;
            done = true;
            subscriber = null;
            if (f != null && !f.cancel(false) && !f.isCompletedExceptionally()) {
                s.onNext(f.join()); // fulfilled before the withdrawal: the message left the channel; not lost
            }
            if (bad != null && !cancelled) {
                s.onError(bad);
            }
        }

        /**
         * The end: {@code onComplete} at the end of the stream, else {@code onError}.
         *
         * @param s       the subscriber
         * @param failure null or a {@link ChannelClosedException} for the end of the stream, else the failure
         */
        private void finish(Flow.Subscriber<? super T> s, Throwable failure) {
            done = true;
            subscriber = null;
            if (failure == null || failure instanceof ChannelClosedException) {
                s.onComplete();
            } else if (!(failure instanceof CancellationException)) {
                s.onError(failure);
            }
        }
    }
}
