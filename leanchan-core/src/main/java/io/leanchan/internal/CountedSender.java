package io.leanchan.internal;

import io.leanchan.ChannelClosedException;
import io.leanchan.ClosedBy;
import io.leanchan.Sender;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A counted sender handle ({@link io.leanchan.Channel#openSender()}): sends go to the channel's shared sender;
 * {@link #close()} closes this handle and, if it was the last open one, the channel. 24 bytes with compressed
 * oops; nothing per message.
 *
 * @param <T> the type of messages
 */
public final class CountedSender<T> implements Sender<T> {
    /** Access to {@link #closed}, for the close's CAS. */
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(CountedSender.class, "closed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The channel's shared sender, which this handle's sends go to. */
    private final Sender<T> tx;
    /** The channel's lifecycle record, which counts this handle while it is open. */
    private final Lifecycle lc;
    /** 0 open, 1 closed (this handle). */
    @SuppressWarnings("unused") private volatile int closed;

    /**
     * A handle over {@code tx}; see {@link #open}.
     *
     * @param tx   the channel's shared sender
     * @param lc   the channel's lifecycle record
     * @param open whether {@code lc} counted this handle ({@code false}: it is born closed)
     */
    private CountedSender(Sender<T> tx, Lifecycle lc, boolean open) {
        this.tx = tx;
        this.lc = lc;
        this.closed = open ? 0 : 1;
    }

    /**
     * A new handle, counted; born closed if the last handle of this channel has already been closed.
     *
     * @param <T>    the type of messages
     * @param shared the channel's shared sender, which the handle's sends go to and whose close ends the stream
     * @param lc     the channel's lifecycle record, which counts the open handles
     * @return a new counted handle
     * @throws NullPointerException if {@code shared} is null
     * @throws IllegalStateException if {@link Integer#MAX_VALUE} handles are already open
     */
    public static <T> Sender<T> open(Sender<T> shared, Lifecycle lc) {
        Objects.requireNonNull(shared, "shared");
        return new CountedSender<>(shared, lc, lc.acquire());
    }

    /**
     * Whether this handle has been closed (the channel may still be open).
     *
     * @return {@code true} once this handle is closed
     */
    private boolean handleClosed() {
        return (int) CLOSED.getVolatile(this) != 0;
    }

    /**
     * The exception of a send through a closed handle.
     *
     * @param message the message that was not delivered, carried by the exception
     * @return a ChannelClosedException carrying {@code message}
     */
    private static ChannelClosedException handleClosedFor(Object message) {
        return new ChannelClosedException("this sender handle is closed; the message was not delivered", message);
    }

    @Override
    public boolean trySend(T message) {
        Objects.requireNonNull(message, "message");
        if (handleClosed()) {
            throw handleClosedFor(message);
        }
        return tx.trySend(message);
    }

    @Override
    public void send(T message) throws InterruptedException {
        Objects.requireNonNull(message, "message");
        if (handleClosed()) {
            throw handleClosedFor(message);
        }
        tx.send(message);
    }

    @Override
    public boolean send(T message, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(unit, "unit");
        if (handleClosed()) {
            throw handleClosedFor(message);
        }
        return tx.send(message, timeout, unit);
    }

    @Override
    public CompletableFuture<Void> sendAsync(T message) {
        Objects.requireNonNull(message, "message");
        if (handleClosed()) {
            return CompletableFuture.failedFuture(handleClosedFor(message));
        }
        return tx.sendAsync(message);
    }

    /**
     * Closes this handle (once: later calls do nothing). If it was the last open counted handle, closes the
     * channel, having first recorded that the senders ended the stream (unless the channel was already closed).
     */
    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, 0, 1)) {
            return;
        }
        if (lc.release()) {
            if (!tx.isClosed()) {
                lc.markEndedBySenders();
            }
            tx.close(); // the core completes lc (closed()) once the close is visible
        }
    }

    @Override
    public boolean isClosed() {
        return handleClosed() || tx.isClosed();
    }

    @Override
    public CompletableFuture<Void> closed() {
        return lc;
    }

    @Override
    public ClosedBy closedBy() {
        if (!tx.isClosed()) {
            return ClosedBy.NOBODY;
        }
        return lc.endedBySenders() ? ClosedBy.SENDERS : ClosedBy.CLOSE;
    }

    @Override
    public String toString() {
        return "counted sender" + (handleClosed() ? " (closed)" : "") + " of " + tx;
    }
}
