package io.leanchan.reactor;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * while a fused subscriber that is being cancelled still polls it on another thread, with nothing ordering the two.
 * The channel reports every overlapping receive with an {@link IllegalStateException} (see
 * {@link io.leanchan.Receiver}'s "one receive at a time"), which the view's {@code clear()} would throw into the
 * emitter. (Before core finding 7 was fixed it did not detect two overlapping non-waiting receives at all, and such
 * a race could deliver an element twice and wedge the channel.) This queue therefore orders its receives itself
 * (below), so that Reactor's clear-while-polling never sees an exception; its {@link #offer} also answers
 * {@code false} on a closed channel instead of throwing. Everything else delegates to the channel.
 *
 * <h2>Single consumer, and the receive guard</h2>
 * {@link #offer} is safe from any number of threads. {@link #poll}, {@link #peek} and {@link #clear} (and
 * {@link #remove()} and {@link #element()}, which call them) are receives: one at a time, from any thread, as
 * Reactor's drain loops do them (its work-in-progress counter serialises them and gives the happens-before between
 * drain threads). {@link #size} and {@link #isEmpty} are snapshots that any thread may take, not receives; after
 * {@code isEmpty()} answered {@code false} the consumer's next {@code poll()} returns an element (which
 * {@code Flux.toIterable} relies on).
 *
 * <p>Each receive holds a guard, an {@code int} field that it sets from 0 to 1 with a compare-and-set on entry and
 * back to 0 with a release store on exit, so two receives never reach the channel at once. Used as above the guard
 * is always free (the previous receive's release store happens-before the next receive's compare-and-set, which
 * also carries the channel's consumer state from one receiving thread to the next). A receive that finds it held by
 * another thread, which happens only in the cancellation race above, does not wait and touches nothing:
 * {@code clear()} returns at once, leaving what remains to the guard's holder (or to the garbage collector, with
 * the cancelled sink); {@code poll()} and {@code peek()} return {@code null} as if the queue were empty (Reactor's
 * drain and discard loops stop on an empty poll, which is what they would do in that race anyway). The guard is
 * never held while user code runs (the channel runs none in a non-waiting receive). It is not reentrant and it
 * does not make two consumers a supported use: it keeps the race from corrupting the channel, no more.
 *
 * <p>What the guard costs: one compare-and-set and one release store per {@code poll()} or {@code peek()} (and one
 * of each per {@code clear()}, however many elements it discards); and 8 bytes: this object is 24 bytes on 64-bit
 * HotSpot with compressed oops (12-byte header, the channel reference, the guard; 16 without the guard), as large
 * as the {@link Channel#asBlockingQueue()} view. With compact object headers ({@code -XX:+UseCompactObjectHeaders})
 * it is 16 bytes either way, 8 less than the view (measured with JOL).
 *
 * <h2>Not supported</h2>
 * {@link #iterator()} (and so {@code contains}, {@code remove(Object)}, {@code toArray}) throws
 * {@link UnsupportedOperationException}: a channel can only be read by receiving.
 *
 * @param <E> the element type; {@code null} is not an element
 */
public final class LeanchanQueue<E> extends AbstractQueue<E> {
    private static final VarHandle RECEIVING;

    static {
        try {
            RECEIVING = MethodHandles.lookup().findVarHandle(LeanchanQueue.class, "receiving", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Channel<E> channel;
    /** The receive guard: 1 while a receive is in progress. Accessed only through {@link #RECEIVING}. */
    @SuppressWarnings("unused") // through RECEIVING
    private int receiving;

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

    /**
     * Consumer only: takes the next element. {@code null} if the queue is empty, or if another thread is inside a
     * receive at this moment (see the class comment: only in Reactor's cancellation race).
     */
    @Override
    public E poll() {
        if (!enterReceive()) {
            return null;
        }
        try {
            return channel.receiver().tryReceive();
        } finally {
            exitReceive();
        }
    }

    /**
     * Consumer only: the next element without taking it. {@code null} if the queue is empty, or if another thread
     * is inside a receive at this moment (as for {@link #poll}).
     */
    @Override
    public E peek() {
        if (!enterReceive()) {
            return null;
        }
        try {
            return channel.receiver().peek();
        } finally {
            exitReceive();
        }
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
     * Consumer only: discards every element (and lets the channel give its storage back), under one hold of the
     * receive guard. Reactor may call it from the emitting thread while a fused subscriber that is being cancelled
     * still polls on another thread: a clear that finds the guard held returns at once, discarding nothing, and
     * leaves the rest to the guard's holder (or to the garbage collector, with the cancelled sink) instead of
     * throwing or racing it. A poll that finds this clear in progress returns {@code null}.
     */
    @Override
    public void clear() {
        discardAll();
    }

    /** {@link #clear()}'s body; returns how many elements it discarded, -1 if it found the guard held (for tests). */
    long discardAll() {
        if (!enterReceive()) {
            return -1;
        }
        try {
            long n = 0;
            while (channel.receiver().tryReceive() != null) {
                n++;
            }
            return n;
        } finally {
            exitReceive();
        }
    }

    /**
     * Takes the receive guard: {@code true} if this thread now holds it, {@code false} (at once) if another receive
     * holds it. The compare-and-set reads the previous holder's release store in {@link #exitReceive()}, so that
     * receive happens-before this one. Package-private for tests, which hold it to stand for "another thread is
     * inside a receive".
     */
    boolean enterReceive() {
        return RECEIVING.compareAndSet(this, 0, 1);
    }

    /** Gives the receive guard back; only its holder calls it. */
    void exitReceive() {
        RECEIVING.setRelease(this, 0);
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
