package io.leanchan.internal;

import io.leanchan.Receiver;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * The iterator of {@link Receiver#iterator()}: with {@link CoreHooks}, {@code hasNext()} waits without taking
 * ({@code awaitAvailable}); without them it takes the next message ahead and holds it until {@code next()}.
 *
 * @param <T> the type of messages
 */
public final class ReceiverIterator<T> implements Iterator<T> {
    /** The receiver iterated over. */
    private final Receiver<T> rx;
    /** {@code rx}'s hooks, or null: then hasNext() takes ahead. */
    private final CoreHooks<T> hooks;
    /** The message taken ahead by hasNext() (only without hooks). */
    private T ahead;

    /**
     * An iterator that receives from {@code rx}.
     *
     * @param rx    the receiver to iterate over
     * @param hooks {@code rx}'s hooks ({@link CoreHooks#of(Object)}), or {@code null} if it has none: then
     *              {@code hasNext()} takes the next message ahead
     * @throws NullPointerException if {@code rx} is null
     */
    public ReceiverIterator(Receiver<T> rx, CoreHooks<T> hooks) {
        this.rx = Objects.requireNonNull(rx, "rx");
        this.hooks = hooks;
    }

    @Override
    public boolean hasNext() {
        if (ahead != null) {
            return true;
        }
        try {
            if (hooks != null) {
                return hooks.awaitAvailable(-1L);
            }
            ahead = rx.receiveOrNull();
            return ahead != null;
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public T next() {
        for (;;) {
            T e = ahead;
            if (e != null) {
                ahead = null;
                return e;
            }
            if (!hasNext()) {
                throw new NoSuchElementException("end of stream: the channel is closed and drained");
            }
            if (ahead == null && (e = rx.tryReceive()) != null) {
                return e;
            }
        }
    }

    /**
     * Restores the interrupt status and wraps the interrupt for an iterator method, which cannot throw it.
     *
     * @param e the interrupt caught while waiting
     * @return a CancellationException whose cause is {@code e}
     */
    static CancellationException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        CancellationException c = new CancellationException("interrupted while waiting for the next message");
        c.initCause(e);
        return c;
    }

    /**
     * The spliterator of {@link Receiver#spliterator()}: receives on each advance, never splits.
     *
     * @param <T> the type of messages
     * @param rx  the receiver to traverse
     * @return a new {@code ORDERED}, {@code NONNULL} spliterator of unknown size whose {@code tryAdvance} waits
     *         for the next message ({@code receiveOrNull()}) and returns {@code false} at the end of the stream
     * @throws NullPointerException if {@code rx} is null
     */
    public static <T> Spliterator<T> spliterator(Receiver<T> rx) {
        Objects.requireNonNull(rx, "rx");
        return new Spliterator<T>() {
            @Override
            public boolean tryAdvance(Consumer<? super T> action) {
                Objects.requireNonNull(action, "action");
                T e;
                try {
                    e = rx.receiveOrNull();
                } catch (InterruptedException ie) {
                    throw interrupted(ie);
                }
                if (e == null) {
                    return false;
                }
                action.accept(e);
                return true;
            }

            @Override
            public Spliterator<T> trySplit() {
                return null;
            }

            @Override
            public long estimateSize() {
                return Long.MAX_VALUE;
            }

            @Override
            public int characteristics() {
                return ORDERED | NONNULL;
            }
        };
    }
}
