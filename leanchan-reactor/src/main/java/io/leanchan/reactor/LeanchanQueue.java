package io.leanchan.reactor;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Objects;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * A {@link Queue} over a leanchan {@link Channel}, for the places in Reactor that take a user queue:
 * {@code Sinks.many().unicast().onBackpressureBuffer(Queue)}, {@code Flux.toIterable(int, Supplier)},
 * {@code ParallelFlux.from(Publisher, int, int, Supplier)} (see {@link LeanchanSinks} and {@link #supplier()}).
 * An idle queue holds no storage for elements, whatever its capacity; storage grows with what it holds and is given
 * back when the consumer drains it.
 *
 * <h2>Single consumer</h2>
 * {@link #offer} is safe from any number of threads. The consumer operations, {@link #poll}, {@link #peek} and
 * {@link #clear}, are receives: one at a time, from any thread, as Reactor's drain loops do them (its
 * work-in-progress counter serialises them and gives the happens-before between drain threads). An overlapping
 * receive is detected by the channel and throws {@link IllegalStateException}; {@link #clear} alone tolerates one
 * (see there). {@link #size} and {@link #isEmpty} are snapshots that any thread may take; for the consumer they are
 * exact, so an {@code isEmpty()} that answered {@code false} to the consumer is followed by a {@code poll()} that
 * returns an element (which {@code Flux.toIterable} relies on).
 *
 * <p>{@link #peek} (which Reactor's operators do not call) is emulated: it takes the next element out of the
 * channel and holds it aside for the next {@code poll}. While an element is held aside, a bounded queue accepts one
 * element more than its capacity.
 *
 * <h2>Not supported</h2>
 * {@link #iterator()} (and so {@code contains}, {@code remove(Object)}, {@code toArray}) throws
 * {@link UnsupportedOperationException}: a channel can only be read by receiving.
 *
 * @param <E> the element type; {@code null} is not an element
 */
public final class LeanchanQueue<E> extends AbstractQueue<E> {
    private final Sender<E> sender;
    private final Receiver<E> receiver;
    private final int capacity;
    /** The element taken by peek, for the next poll; only the consumer writes it. */
    private E held;

    private LeanchanQueue(Channel<E> channel) {
        this.sender = channel.sender();
        this.receiver = channel.receiver();
        this.capacity = channel.capacity();
    }

    /** A queue without a capacity limit (the JVM's largest array still bounds it: about 2^31 elements). */
    public static <E> LeanchanQueue<E> unbounded() {
        return new LeanchanQueue<>(Channel.unbounded());
    }

    /**
     * A queue that holds at most {@code capacity} elements: {@link #offer} returns {@code false} when it is full
     * (a unicast sink then answers {@code FAIL_OVERFLOW}). Creating it costs the same whatever the capacity.
     */
    public static <E> LeanchanQueue<E> bounded(int capacity) {
        return new LeanchanQueue<>(Channel.bounded(capacity));
    }

    /** A supplier of {@link #unbounded()} queues, for Reactor operators that take a {@code Supplier<Queue>}. */
    public static <E> Supplier<Queue<E>> supplier() {
        return LeanchanQueue::unbounded;
    }

    /** A supplier of {@link #bounded(int)} queues. */
    public static <E> Supplier<Queue<E>> supplier(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        return () -> bounded(capacity);
    }

    /** The capacity given at creation, or {@link Integer#MAX_VALUE} if unbounded. */
    public int capacity() {
        return capacity;
    }

    /** Adds the element if there is room; any thread. Never waits. */
    @Override
    public boolean offer(E e) {
        Objects.requireNonNull(e, "null is not an element");
        try {
            return sender.trySend(e);
        } catch (ChannelClosedException closed) {
            return false;
        }
    }

    /** Consumer only. */
    @Override
    public E poll() {
        E e = held;
        if (e != null) {
            held = null;
            return e;
        }
        return receiver.tryReceive();
    }

    /** Consumer only: takes the next element out of the channel and holds it aside (see the class comment). */
    @Override
    public E peek() {
        E e = held;
        if (e == null) {
            e = receiver.tryReceive();
            held = e;
        }
        return e;
    }

    /** Any thread; a snapshot, exact for the consumer (see the class comment). Not a receive. */
    @Override
    public boolean isEmpty() {
        return held == null && receiver.size() == 0;
    }

    /**
     * The number of elements, a snapshot: exact when called by the consumer; from another thread it may miss the
     * look-ahead element while the consumer moves it.
     */
    @Override
    public int size() {
        int n = receiver.size() + (held != null ? 1 : 0);
        return n < 0 ? Integer.MAX_VALUE : n;
    }

    /**
     * Consumer only: discards every element (and lets the channel give its storage back). Reactor may call it while
     * a fused subscriber that is being cancelled still polls; a clear that finds another receive in progress stops
     * there and leaves the rest to that receive's owner (or to the garbage collector, with the cancelled sink)
     * instead of throwing.
     */
    @Override
    public void clear() {
        held = null;
        try {
            while (receiver.tryReceive() != null) {
                // discard
            }
        } catch (IllegalStateException overlapping) {
            // another receive is in progress (see above)
        }
    }

    /** Not supported: a channel can only be read by receiving. */
    @Override
    public Iterator<E> iterator() {
        throw new UnsupportedOperationException("a leanchan queue can only be read by poll()");
    }

    @Override
    public String toString() {
        return "LeanchanQueue[size=" + size() + ", capacity=" + (capacity == Integer.MAX_VALUE ? "unbounded" : capacity)
                + "]";
    }
}
