package io.leanchan.netty;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Objects;

/**
 * A task queue for a Netty event loop over a leanchan {@link Channel}: any thread offers, the event loop polls.
 * It replaces Netty's JCTools {@code MpscUnboundedArrayQueue} (whose first 1,024-slot chunk is allocated with the
 * loop); an idle leanchan queue holds no storage for tasks, and gives back what a burst of tasks made it grow.
 *
 * <h2>Single consumer</h2>
 * {@link #offer} and {@link #size} are safe from any thread. {@link #poll}, {@link #peek} and {@link #isEmpty} are
 * for the event loop (Netty asserts {@code inEventLoop()} around them); the loop may change threads (Netty 4.2's
 * suspension), Netty's state transitions give the happens-before. An overlapping poll is detected by the channel
 * ({@link IllegalStateException}). {@link #peek} is emulated by taking the next task out of the channel and holding
 * it aside for the next {@link #poll}; while one is held, a bounded queue accepts one task more than its capacity.
 *
 * <h2>Not supported</h2>
 * {@link #remove(Object)} and {@link #iterator()} throw {@link UnsupportedOperationException}, as JCTools' queues
 * do; Netty expects it (a task submitted while the loop shuts down cannot be withdrawn and is run or logged at
 * termination).
 */
public final class LeanchanTaskQueue extends AbstractQueue<Runnable> {
    private final Sender<Runnable> sender;
    private final Receiver<Runnable> receiver;
    private final int capacity;
    /** The task taken by peek, for the next poll; only the event loop writes it. */
    private Runnable held;

    private LeanchanTaskQueue(Channel<Runnable> channel) {
        this.sender = channel.sender();
        this.receiver = channel.receiver();
        this.capacity = channel.capacity();
    }

    /** A queue without a capacity limit (the JVM's largest array still bounds it). */
    public static LeanchanTaskQueue unbounded() {
        return new LeanchanTaskQueue(Channel.unbounded());
    }

    /** A queue of at most {@code capacity} tasks; {@link Integer#MAX_VALUE} means unbounded, as in Netty. */
    public static LeanchanTaskQueue of(int capacity) {
        return capacity == Integer.MAX_VALUE ? unbounded() : new LeanchanTaskQueue(Channel.bounded(capacity));
    }

    /** The capacity given at creation, or {@link Integer#MAX_VALUE} if unbounded. */
    public int capacity() {
        return capacity;
    }

    @Override
    public boolean offer(Runnable task) {
        Objects.requireNonNull(task, "task");
        try {
            return sender.trySend(task);
        } catch (ChannelClosedException closed) {
            return false;
        }
    }

    /** Event loop only. */
    @Override
    public Runnable poll() {
        Runnable t = held;
        if (t != null) {
            held = null;
            return t;
        }
        return receiver.tryReceive();
    }

    /** Event loop only: takes the next task out of the channel and holds it aside for the next poll. */
    @Override
    public Runnable peek() {
        Runnable t = held;
        if (t == null) {
            t = receiver.tryReceive();
            held = t;
        }
        return t;
    }

    /** A snapshot; exact for the event loop. Not a receive. */
    @Override
    public boolean isEmpty() {
        return held == null && receiver.size() == 0;
    }

    /** A snapshot from any thread ({@code pendingTasks()}); exact for the event loop. */
    @Override
    public int size() {
        int n = receiver.size() + (held != null ? 1 : 0);
        return n < 0 ? Integer.MAX_VALUE : n;
    }

    /** Not supported (see the class comment). */
    @Override
    public boolean remove(Object task) {
        throw new UnsupportedOperationException("a leanchan task queue cannot withdraw a task");
    }

    /** Not supported: a channel can only be read by receiving. */
    @Override
    public Iterator<Runnable> iterator() {
        throw new UnsupportedOperationException("a leanchan task queue can only be read by poll()");
    }

    @Override
    public String toString() {
        return "LeanchanTaskQueue[size=" + size() + ", capacity="
                + (capacity == Integer.MAX_VALUE ? "unbounded" : capacity) + "]";
    }
}
