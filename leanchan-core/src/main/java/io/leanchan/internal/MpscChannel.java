package io.leanchan.internal;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;

/**
 * The one implementation behind {@link Channel#bounded(int)} and {@link Channel#unbounded()}: a
 * multi-producer single-consumer ring whose length follows what it holds. The channel object is its own
 * {@link Sender} and {@link Receiver}, so a channel with its two handles is one 64-byte object.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread prior to sending a message happen-before actions
 * subsequent to the receipt of that message in another thread.
 *
 * <h2>Implementation overview</h2>
 *
 * The algorithm is written down at the top of the class that implements each part, over one field-layout base,
 * as JCTools lays out its queues:
 * <ul>
 *   <li>{@link ChannelState}: the storage (a one-slot field, or a power-of-two ring that grows by doubling and
 *   is given back), the producer word P (index, PLOCK, CLOSED, RWAIT, SWAIT) and the consumer index C, every
 *   field's writers and the ordering of each access;</li>
 *   <li>{@link ChannelSend}: the one-CAS send, the grow that does not freeze the receiver, waking senders;</li>
 *   <li>{@link ChannelReceive}: the take inside a one-CAS claim, the switch, the give-back, waking the
 *   receiver, the one-receive-at-a-time claim;</li>
 *   <li>this class: the handles, the hooks of {@link io.leanchan.Select}, close, and the observers.</li>
 * </ul>
 *
 * @param <T> the type of the messages
 */
public final class MpscChannel<T> extends ChannelReceive<T> implements Channel<T> {

    /** The capacity of an unbounded channel. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    /**
     * A new channel with no storage: 64 bytes, whatever the capacity.
     *
     * @param capacity at least 1; {@link #UNBOUNDED} for an unbounded channel
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public MpscChannel(int capacity) {
        super(capacity);
    }

    @Override
    public Sender<T> sender() {
        return this;
    }

    @Override
    public Receiver<T> receiver() {
        return this;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public Lifecycle lifecycle() {
        Lifecycle mine = null;
        for (;;) {
            Object o = SW.getVolatile(this);
            Lifecycle l;
            if (o instanceof Lifecycle) {
                l = (Lifecycle) o;
            } else if (o instanceof SenderQueue) {
                SenderQueue q = (SenderQueue) o;
                l = q.lifecycle();
                if (l == null) {
                    l = q.publishLifecycle(mine != null ? mine : (mine = new Lifecycle()));
                    if (l == SenderQueue.SEALED) {
                        // being dropped: the dropper's CAS of sw comes next (no user code, no wait in between)
                        for (int spins = 0; SW.getVolatile(this) == q; spins++) {
                            Backoff.pause(spins);
                        }
                        continue;
                    }
                }
                if (SW.getVolatile(this) != q) {
                    mine = l; // the queue was dropped as we published: carry the record over
                    continue;
                }
            } else {
                l = mine != null ? mine : (mine = new Lifecycle());
                if (!SW.compareAndSet(this, null, l)) {
                    continue;
                }
            }
            if (isClosed()) {
                l.signalClosed(); // close() may have looked before the record was there
            }
            return l;
        }
    }

    /**
     * Registers {@code waiter} (the selecting Thread, or a {@link Waker}) as this channel's waiting receive,
     * as a parked {@code receive()} registers itself: rx = waiter, then RWAIT with a CAS that expects the
     * channel to be empty, so the next send wakes it. The caller must own the receive side (it has just
     * received or polled on this thread).
     *
     * @param waiter the selecting Thread (unparked by the next send) or a {@link Waker} (woken by it)
     * @return false (and nothing registered) if the channel is not empty, is closed, or is changing its storage:
     *     the caller looks at it again instead of waiting
     * @throws IllegalStateException if another receive is waiting on this channel
     */
    public boolean armWaiter(Object waiter) {
        if (!RX.compareAndSet(this, null, waiter)) {
            throw new IllegalStateException("another receive is waiting on this channel: one receive at a time");
        }
        long v = (long) P.getVolatile(this);
        if ((v & (PLOCK | CLOSED)) == 0 && (v >>> PSHIFT) == c && P.compareAndSet(this, v, v | RWAIT)) {
            if (!(waiter instanceof Thread) && !yieldReceiveState()) {
                // a pending async waiter holds the receive side (owner 0), unless another receive claimed meanwhile
                disarmWaiter(waiter);
                throw new IllegalStateException("another receive is in progress on this channel: one receive at a time");
            }
            return true;
        }
        RX.compareAndSet(this, waiter, null);
        return false;
    }

    /**
     * Undoes {@link #armWaiter}: RWAIT cleared first (while rx still names the waiter), then rx.
     *
     * @param waiter what {@link #armWaiter} registered; nothing happens if another waiter is registered now
     */
    public void disarmWaiter(Object waiter) {
        if (RX.getVolatile(this) == waiter) {
            clearRwait();
            RX.compareAndSet(this, waiter, null);
        }
    }

    @Override
    public void close() {
        Lifecycle l;
        Completions region = Completions.enter();
        try {
            l = closeIn();
        } finally {
            region.exit(); // the dependents of the futures this close settled run here, with nothing claimed
        }
        if (l != null) {
            l.signalClosed(); // last, outside the region (no user code runs inside one): closed()'s dependents
        }
    }

    /**
     * The body of {@link #close()}, inside its Completions region: closes, wakes the receiver, fails or retries
     * every waiting sender.
     *
     * @return the lifecycle record to signal, or null if there is none
     */
    private Lifecycle closeIn() {
        long v;
        for (int spins = 0; ; spins++) {
            v = (long) P.getVolatile(this);
            if ((v & CLOSED) != 0) {
                break;
            }
            if ((v & PLOCK) == 0 && P.compareAndSet(this, v, (v | CLOSED) & ~RWAIT)) {
                if ((v & RWAIT) != 0) {
                    wakeReceiver();
                }
                break;
            }
            backoff(spins);
        }
        Object o = SW.getVolatile(this);
        Lifecycle l = o instanceof Lifecycle ? (Lifecycle) o : null;
        if (o instanceof SenderQueue) {
            SenderQueue q = (SenderQueue) o;
            wakeAll(q);
            l = q.lifecycle();
        }
        return l;
    }

    @Override
    public boolean isClosed() {
        return ((long) P.getVolatile(this) & CLOSED) != 0;
    }

    @Override
    public boolean isDrained() {
        long v = (long) P.getVolatile(this);
        return (v & CLOSED) != 0 && (v >>> PSHIFT) <= (long) C.getVolatile(this);
    }

    @Override
    public int size() {
        for (;;) {
            long c1 = (long) C.getVolatile(this);
            long v = (long) P.getVolatile(this);
            long c2 = (long) C.getVolatile(this);
            if (c1 == c2) {
                long n = (v >>> PSHIFT) - c1;
                return (int) Math.max(0L, Math.min(n, Integer.MAX_VALUE));
            }
        }
    }

    @Override
    public String toString() {
        return "Channel[capacity=" + (capacity == UNBOUNDED ? "unbounded" : capacity) + ", size=" + size()
                + (isClosed() ? ", closed" : "") + "]";
    }
}
