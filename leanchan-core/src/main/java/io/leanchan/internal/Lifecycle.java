package io.leanchan.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A channel's lifecycle record, created on demand by {@link CoreHooks#lifecycle()}: the future returned by
 * {@link io.leanchan.Sender#closed()} (completed by the core through {@link #signalClosed()} when the channel
 * closes; nobody else can complete it) and the count of open counted sender handles
 * ({@link io.leanchan.Channel#openSender()}). 32 bytes with compressed oops.
 */
public final class Lifecycle extends CompletableFuture<Void> {
    /** Access to {@link #senders}, for its CASes. */
    private static final VarHandle SENDERS;

    static {
        try {
            SENDERS = MethodHandles.lookup().findVarHandle(Lifecycle.class, "senders", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Counted handles: 0 none opened yet, n > 0 open, {@link #ENDED} once the last one has been closed. */
    @SuppressWarnings("unused") private volatile int senders;
    /** Set by the close of the last counted handle, before it closes the channel. */
    private volatile boolean endedBySenders;

    /** The value of {@link #senders} once the last counted handle has been closed, for good. */
    private static final int ENDED = -1;

    /** For the core only: create it in {@link CoreHooks#lifecycle()}. */
    public Lifecycle() {
    }

    /**
     * Called by the core once the channel is closed (see {@link CoreHooks#lifecycle()}). Idempotent; runs the
     * dependent actions of {@code closed()} in the calling thread.
     */
    void signalClosed() {
        super.complete(null);
    }

    /**
     * Whether the stream was ended by the close of the last counted handle (read-only; for closedBy()).
     *
     * @return {@code true} if the last counted handle's close recorded it, before it closed the channel
     */
    public boolean endedBySenders() {
        return endedBySenders;
    }

    /**
     * Counts a new handle; false if the last handle has already been closed (the count stays at zero).
     *
     * @return {@code true} if the handle was counted
     * @throws IllegalStateException if {@code Integer.MAX_VALUE} handles are open
     */
    boolean acquire() {
        for (;;) {
            int n = (int) SENDERS.getVolatile(this);
            if (n == ENDED) {
                return false;
            }
            if (n == Integer.MAX_VALUE) {
                throw new IllegalStateException("too many open sender handles");
            }
            if (SENDERS.compareAndSet(this, n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * Uncounts a handle; true if it was the last one (the count is then ENDED for good).
     *
     * @return {@code true} if the count went from 1 to {@link #ENDED}
     * @throws IllegalStateException if no handle is counted
     */
    boolean release() {
        for (;;) {
            int n = (int) SENDERS.getVolatile(this);
            if (n <= 0) {
                throw new IllegalStateException("sender handle count underflow: " + n);
            }
            if (SENDERS.compareAndSet(this, n, n == 1 ? ENDED : n - 1)) {
                return n == 1;
            }
        }
    }

    /** Records that the close of the last counted handle ends the stream; called before it closes the channel. */
    void markEndedBySenders() {
        endedBySenders = true;
    }

    /**
     * Open counted handles (for toString and tests of the internals); 0 once ended.
     *
     * @return the number of open counted handles
     */
    int openSenders() {
        return Math.max(0, (int) SENDERS.getVolatile(this));
    }

    // ---- shared: nobody but the core completes it

    /** Refused: returns {@code false}. The future completes when the channel closes. */
    @Override
    public boolean complete(Void value) {
        return false;
    }

    /** Refused: returns {@code false}. */
    @Override
    public boolean completeExceptionally(Throwable ex) {
        return false;
    }

    /** Refused: returns {@code false}; the future is shared by every sender of the channel. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return false;
    }

    @Override
    public void obtrudeValue(Void value) {
        throw new UnsupportedOperationException("closed() is completed by the channel's close");
    }

    @Override
    public void obtrudeException(Throwable ex) {
        throw new UnsupportedOperationException("closed() is completed by the channel's close");
    }

    @Override
    public CompletableFuture<Void> completeAsync(Supplier<? extends Void> supplier, Executor executor) {
        throw new UnsupportedOperationException("closed() is completed by the channel's close");
    }

    @Override
    public CompletableFuture<Void> completeAsync(Supplier<? extends Void> supplier) {
        throw new UnsupportedOperationException("closed() is completed by the channel's close");
    }

    @Override
    public String toString() {
        return "closed() of a channel: " + (isDone() ? "closed" : "open") + ", " + openSenders()
                + " counted sender handle(s) open";
    }
}
