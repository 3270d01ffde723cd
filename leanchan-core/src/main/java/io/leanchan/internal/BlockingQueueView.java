package io.leanchan.internal;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;

import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;
import java.util.Spliterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The {@link BlockingQueue} view of {@link Channel#asBlockingQueue()} (its javadoc is the contract): producer
 * methods are sends, consumer methods receives, traversal and search unsupported. 24 bytes with compressed
 * oops, allocated by each {@code asBlockingQueue()} call; it keeps the shared sender and the receiver so that no
 * operation allocates.
 *
 * @param <T> the type of messages
 */
public final class BlockingQueueView<T> extends AbstractQueue<T> implements BlockingQueue<T> {
    /** The most any channel holds (see {@link Channel#bounded(int)}). */
    private static final int MAX_HELD = 1 << 30;

    /** The channel viewed. */
    private final Channel<T> ch;
    /** {@code ch}'s shared sender, read once by the constructor. */
    private final Sender<T> tx;
    /** {@code ch}'s receiver, read once by the constructor. */
    private final Receiver<T> rx;

    /**
     * A view of {@code ch}; it reads the channel's shared sender and receiver once, here.
     *
     * @param ch the channel to view
     * @throws NullPointerException if {@code ch} is null
     */
    public BlockingQueueView(Channel<T> ch) {
        this.ch = Objects.requireNonNull(ch, "channel");
        this.tx = ch.sender();
        this.rx = ch.receiver();
    }

    /**
     * The channel's hooks, else the receiver's.
     *
     * @param what the name of the calling method, for the exception's message
     * @return the hooks of {@code ch} or {@code rx}
     * @throws UnsupportedOperationException if neither has hooks
     */
    private CoreHooks<T> hooks(String what) {
        CoreHooks<T> h = CoreHooks.of(ch);
        return h != null ? h : ReceiverSupport.hooks(rx, what);
    }

    // ---- producer side: any thread

    @Override
    public boolean offer(T e) {
        Objects.requireNonNull(e, "element");
        return tx.trySend(e);
    }

    @Override
    public void put(T e) throws InterruptedException {
        Objects.requireNonNull(e, "element");
        tx.send(e);
    }

    @Override
    public boolean offer(T e, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(e, "element");
        Objects.requireNonNull(unit, "unit");
        return tx.send(e, timeout, unit);
    }

    // ---- consumer side: one thread at a time

    @Override
    public T poll() {
        return rx.tryReceive();
    }

    @Override
    public T take() throws InterruptedException {
        return rx.receive();
    }

    @Override
    public T poll(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return rx.receive(timeout, unit);
    }

    @Override
    public T peek() {
        return hooks("peek()").peek();
    }

    @Override
    public int drainTo(Collection<? super T> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super T> c, int maxElements) {
        Objects.requireNonNull(c, "collection");
        if (c == this || (c instanceof BlockingQueueView && ((BlockingQueueView<?>) c).ch == ch)) {
            throw new IllegalArgumentException("cannot drain a channel into itself");
        }
        if (maxElements <= 0) {
            return 0;
        }
        return rx.drainTo(c, maxElements); // takes each element only once c.add returned: nothing lost
    }

    // ---- anywhere

    @Override
    public int size() {
        return rx.size();
    }

    @Override
    public boolean isEmpty() {
        return rx.size() == 0;
    }

    @Override
    public int remainingCapacity() {
        int capacity = ch.capacity();
        if (capacity == Integer.MAX_VALUE) {
            return Integer.MAX_VALUE; // no intrinsic limit, as BlockingQueue says
        }
        return Math.max(0, Math.min(capacity, MAX_HELD) - rx.size());
    }

    // ---- traversal and search: not supported

    /**
     * The exception of a traversal or search method.
     *
     * @param what the name of the unsupported method, for the message
     * @return an UnsupportedOperationException naming {@code what}
     */
    private static UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(what + " is not supported by a channel's BlockingQueue view: "
                + "its storage belongs to its one consumer (see Channel.asBlockingQueue())");
    }

    @Override
    public Iterator<T> iterator() {
        throw unsupported("iterator()");
    }

    @Override
    public boolean contains(Object o) {
        throw unsupported("contains(Object)");
    }

    @Override
    public boolean containsAll(Collection<?> c) {
        throw unsupported("containsAll(Collection)");
    }

    @Override
    public boolean remove(Object o) {
        throw unsupported("remove(Object)");
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        throw unsupported("removeAll(Collection)");
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        throw unsupported("retainAll(Collection)");
    }

    @Override
    public boolean removeIf(Predicate<? super T> filter) {
        throw unsupported("removeIf(Predicate)");
    }

    @Override
    public Object[] toArray() {
        throw unsupported("toArray()");
    }

    @Override
    public <A> A[] toArray(A[] a) {
        throw unsupported("toArray(Object[])");
    }

    @Override
    public <A> A[] toArray(IntFunction<A[]> generator) {
        throw unsupported("toArray(IntFunction)");
    }

    @Override
    public void forEach(Consumer<? super T> action) {
        throw unsupported("forEach(Consumer)");
    }

    @Override
    public Spliterator<T> spliterator() {
        throw unsupported("spliterator()");
    }

    @Override
    public Stream<T> stream() {
        throw unsupported("stream()");
    }

    @Override
    public Stream<T> parallelStream() {
        throw unsupported("parallelStream()");
    }

    // ---- identity: views of one channel are one queue

    @Override
    public boolean equals(Object o) {
        return o instanceof BlockingQueueView && ((BlockingQueueView<?>) o).ch == ch;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(ch);
    }

    @Override
    public String toString() {
        return "BlockingQueue view of " + ch;
    }
}
