package io.leanchan.reactor;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
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
 * <p>Why not {@link Channel#asBlockingQueue()}: Reactor can clear a unicast sink's buffer from the emitting thread
 * while a fused subscriber that is being cancelled still polls it; the channel reports an overlap with a
 * waiting receive with an {@link IllegalStateException}, which the view's {@code clear()} would throw into the
 * emitter. (An overlap of two non-waiting receives is not detected at all: see {@link Channel}'s guarantees. In
 * Reactor it can only happen in that cancellation race, where the elements are being discarded; a duplicate
 * discard, or a clear() or poll() that never returns, is the known risk.) This queue's {@link #clear} does not
 * (see there), its {@link #offer} answers {@code false} on a closed channel instead of throwing, and it is 8 bytes
 * smaller (one field). Everything else delegates to the channel.
 *
 * <h2>Single consumer</h2>
 * {@link #offer} is safe from any number of threads. {@link #poll}, {@link #peek} and {@link #clear} are receives:
 * one at a time, from any thread, as Reactor's drain loops do them (its work-in-progress counter serialises them and
 * gives the happens-before between drain threads). {@link #size} and {@link #isEmpty} are snapshots that any thread
 * may take; after {@code isEmpty()} answered {@code false} the consumer's next {@code poll()} returns an element
 * (which {@code Flux.toIterable} relies on).
 *
 * <h2>Not supported</h2>
 * {@link #iterator()} (and so {@code contains}, {@code remove(Object)}, {@code toArray}) throws
 * {@link UnsupportedOperationException}: a channel can only be read by receiving.
 *
 * @param <E> the element type; {@code null} is not an element
 */
public final class LeanchanQueue<E> extends AbstractQueue<E> {
    private final Channel<E> channel;

    private LeanchanQueue(Channel<E> channel) {
        this.channel = channel;
    }

    /** A queue without a capacity limit (the channel's largest ring still bounds it: 2^30 elements). */
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
        return channel.capacity();
    }

    /** Adds the element if there is room; any thread. Never waits. {@code false} if full or closed. */
    @Override
    public boolean offer(E e) {
        Objects.requireNonNull(e, "null is not an element");
        try {
            return channel.sender().trySend(e);
        } catch (ChannelClosedException closed) {
            return false;
        }
    }

    /** Consumer only. */
    @Override
    public E poll() {
        return channel.receiver().tryReceive();
    }

    /** Consumer only: the next element without taking it. */
    @Override
    public E peek() {
        return channel.receiver().peek();
    }

    /** Any thread; a snapshot. Not a receive. */
    @Override
    public boolean isEmpty() {
        return channel.receiver().isEmpty();
    }

    /** Any thread; a snapshot. */
    @Override
    public int size() {
        return channel.receiver().size();
    }

    /**
     * Consumer only: discards every element (and lets the channel give its storage back). Reactor may call it while
     * a fused subscriber that is being cancelled still polls; a clear that finds another receive in progress stops
     * there and leaves the rest to that receive's owner (or to the garbage collector, with the cancelled sink)
     * instead of throwing.
     */
    @Override
    public void clear() {
        try {
            while (channel.receiver().tryReceive() != null) {
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
        int capacity = channel.capacity();
        return "LeanchanQueue[size=" + size() + ", capacity=" + (capacity == Integer.MAX_VALUE ? "unbounded" : capacity)
                + "]";
    }
}
