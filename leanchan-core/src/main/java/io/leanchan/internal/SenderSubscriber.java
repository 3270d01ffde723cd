package io.leanchan.internal;

import io.leanchan.ChannelClosedException;
import io.leanchan.Sender;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.function.BiConsumer;

/**
 * A {@link Flow.Subscriber} that feeds a {@link Sender} with backpressure ({@code io.leanchan.Flows.subscriber});
 * its behaviour is documented there. Built on the sender's public API only.
 *
 * <pre>
 * A WIP drain loop, as in ReceiverPublisher: every event (onSubscribe, onNext, onComplete, onError, a send
 * completing, the channel closing) records itself and calls signal(); the caller that moves wip from 0 owns the loop
 * and runs it until it has seen every signal. So sends, and every call on the upstream subscription (request,
 * cancel), are made by one thread at a time, in the wip order (rule 2.7: request and cancel are serial), and never
 * from inside this subscriber's onComplete or onError (rule 2.3): those set done first, and the owner calls the
 * upstream only while done is false.
 *
 * Fields and their writers:
 *   wip        getAndAdd by signal() and by the owner; the fast path of onNext CASes it from 0 to 1.
 *   upstream   CAS from null by the first onSubscribe (a second one is cancelled: rule 2.5); read by the owner.
 *   queue      messages received and not yet given to the channel, in order: offered by onNext (the upstream's
 *              thread; rule 1.3 makes onNext serial), polled by the owner (ConcurrentLinkedQueue: one producer, one
 *              consumer at a time). Never more than a window: the upstream sends only what was requested.
 *   done       set (volatile) by onComplete or onError after their last onNext; read by the owner before it polls,
 *              so that an empty queue with done seen means nothing more will come.
 *   channelClosed
 *              set (volatile) by the completion of sender.closed() (any thread, the closer's).
 *   inFlight, landed, started, finished
 *              owner only (plain; the wip order publishes them from one owner to the next). inFlight is the
 *              sendAsync of the message at the head, while the channel is full; landed counts messages that reached
 *              the channel since the last request; finished is final.
 *
 * The loop (pass), while not finished:
 *   1. First pass: request(window).
 *   2. The channel closed (flag, or a send that failed with ChannelClosedException): cancel the upstream (unless
 *      done) and discard the queue; finished.
 *   3. inFlight pending: return (its completion signals). Completed: one more landed.
 *   4. Read done, then poll. Empty: if done, close the sender; finished. Else return.
 *   5. trySend: landed; full: sendAsync becomes inFlight, the messages behind it wait in the queue.
 *   landed: every limit (3/4 of the window) landed messages, request that many (unless done).
 * onNext's fast path: with the loop idle, nothing queued and nothing in flight, it takes the loop (CAS 0 to 1) and
 * sends at once, without queueing. The loop holds nothing another thread waits for, and the channel's calls return
 * (or complete later) outside the channel's claims: the upstream's code (request, cancel) and the channel's
 * dependents run in no lock of this class.
 * </pre>
 *
 * @param <T> the type of messages
 */
public final class SenderSubscriber<T> implements Flow.Subscriber<T>, BiConsumer<Object, Throwable> {
    /** Access to {@link #wip}. */
    private static final VarHandle WIP;
    /** Access to {@link #upstream}. */
    private static final VarHandle UPSTREAM;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WIP = l.findVarHandle(SenderSubscriber.class, "wip", int.class);
            UPSTREAM = l.findVarHandle(SenderSubscriber.class, "upstream", Flow.Subscription.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The sending side fed. */
    private final Sender<T> sender;
    /** The most messages requested and not yet in the channel. */
    private final int window;
    /** How many landed messages make the next request: three quarters of the window, at least 1. */
    private final int limit;
    /** Messages received and not yet given to the channel. */
    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    /** Signals not yet seen by the loop's owner. */
    @SuppressWarnings("unused") private volatile int wip;
    /** The upstream subscription, once subscribed. */
    private volatile Flow.Subscription upstream;
    /** The upstream ended (onComplete or onError). */
    private volatile boolean done;
    /** The channel was closed (by anyone). */
    private volatile boolean channelClosed;
    /** The send of the head message while the channel was full, or null; owner only. */
    private CompletableFuture<Void> inFlight;
    /** Messages that reached the channel since the last request; owner only. */
    private int landed;
    /** The first request was made; owner only. */
    private boolean started;
    /** Nothing more to do: the sender was closed or the channel closed; owner only. */
    private boolean finished;

    /**
     * A subscriber feeding {@code sender}.
     *
     * @param sender the sending side
     * @param window the most messages requested and not yet in the channel; at least 1
     */
    public SenderSubscriber(Sender<T> sender, int window) {
        this.sender = sender;
        this.window = window;
        this.limit = Math.max(1, window - (window >> 2));
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        Objects.requireNonNull(subscription, "subscription"); // rule 2.13
        if (!UPSTREAM.compareAndSet(this, null, subscription)) {
            subscription.cancel(); // rule 2.5
            return;
        }
        CompletableFuture<Void> closed = null;
        try {
            closed = sender.closed();
        } catch (UnsupportedOperationException notLeanchan) {
            // not a leanchan channel's sender: its close is seen at the next send
        }
        if (closed != null) {
            closed.whenComplete((v, e) -> {
                channelClosed = true;
                signal();
            });
        }
        signal();
    }

    @Override
    public void onNext(T message) {
        Objects.requireNonNull(message, "message"); // rule 2.13
        if (wip == 0 && WIP.compareAndSet(this, 0, 1)) {
            if (finished) {
                // the channel is gone: a late message after our cancel (rule 2.8), discarded
            } else if (inFlight == null && queue.isEmpty()) {
                send(message);
            } else {
                queue.offer(message);
            }
            drain();
            return;
        }
        queue.offer(message);
        signal();
    }

    @Override
    public void onError(Throwable failure) {
        Objects.requireNonNull(failure, "failure"); // rule 2.13
        done = true;
        signal();
    }

    @Override
    public void onComplete() {
        done = true;
        signal();
    }

    /**
     * A send completed (any thread): the loop looks again.
     *
     * @param value   ignored
     * @param failure ignored (the loop reads the future)
     */
    @Override
    public void accept(Object value, Throwable failure) {
        signal();
    }

    /** Records one signal; the caller that finds the loop idle owns it and runs it. */
    private void signal() {
        if ((int) WIP.getAndAdd(this, 1) == 0) {
            drain();
        }
    }

    /** The loop: one pass per batch of signals until none is missed. Owner only. */
    private void drain() {
        int missed = 1;
        for (;;) {
            if (finished) {
                queue.clear(); // late messages after our cancel (rule 2.8)
            } else {
                pass();
            }
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
            if (missed == 0) {
                return;
            }
        }
    }

    /** One pass of the loop (class comment). Owner only. */
    private void pass() {
        Flow.Subscription up = upstream;
        if (up == null) {
            return; // not subscribed yet (a close seen before onSubscribe finished)
        }
        if (!started) {
            started = true;
            if (!channelClosed && !done) {
                up.request(window);
            }
        }
        for (;;) {
            if (finished) {
                return;
            }
            if (channelClosed) {
                gone(up);
                return;
            }
            CompletableFuture<Void> f = inFlight;
            if (f != null) {
                if (!f.isDone()) {
                    return; // its completion signals
                }
                inFlight = null;
                if (f.isCompletedExceptionally()) {
                    gone(up); // ChannelClosedException: the message was refused
                    return;
                }
                landed(up);
                continue;
            }
            boolean d = done;
            T m = queue.poll();
            if (m == null) {
                if (d) {
                    finished = true;
                    sender.close();
                }
                return;
            }
            send(m);
        }
    }

    /**
     * Gives {@code m} to the channel: at once, or through {@link Sender#sendAsync} when full. Owner only, with
     * nothing in flight.
     *
     * @param m the message
     */
    private void send(T m) {
        Flow.Subscription up = upstream;
        try {
            if (sender.trySend(m)) {
                landed(up);
                return;
            }
        } catch (ChannelClosedException e) {
            gone(up);
            return;
        }
        CompletableFuture<Void> f = sender.sendAsync(m);
        inFlight = f;
        f.whenComplete(this); // may call accept at once: wip goes up, the loop looks again
    }

    /**
     * One more message reached the channel: every {@link #limit} of them, request as many again.
     *
     * @param up the upstream subscription
     */
    private void landed(Flow.Subscription up) {
        if (++landed >= limit) {
            int n = landed;
            landed = 0;
            if (!done) {
                up.request(n);
            }
        }
    }

    /**
     * The channel closed before the upstream ended: cancel it (unless it ended) and discard what is held.
     *
     * @param up the upstream subscription
     */
    private void gone(Flow.Subscription up) {
        finished = true;
        queue.clear();
        if (!done) {
            up.cancel();
        }
    }
}
