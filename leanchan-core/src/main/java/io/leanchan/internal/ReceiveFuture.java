package io.leanchan.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A pending {@code receiveAsync}. While pending it is the channel's receiver (the receive-state field holds
 * it) and the channel's RWAIT flag asks the next sender to fulfil it.
 *
 * <pre>
 * State. PENDING to CLAIMED (by whoever fulfils: a sender that saw RWAIT, close(), or the creating call)
 * and back to PENDING if nothing was there; PENDING to DONE by cancel() or an outside completion.
 * Whoever holds CLAIMED is the channel's one receiver and takes one message for the future.
 * Completion. The taker sets DONE and releases the receive state BEFORE completing the future, so that
 * the future's dependent actions, which run inside complete(), find no claimed state held anywhere: they
 * may receive again, cancel this or any other future, send or close.
 * </pre>
 *
 * @param <T> the type of messages
 */
final class ReceiveFuture<T> extends CompletableFuture<T> {
    /** State: waiting for a message; the channel's RWAIT flag points senders at it. */
    static final int PENDING = 0;
    /** State: a thread is taking a message for it (or found none and will unclaim). */
    static final int CLAIMED = 1;
    /** State: settled, by a take or from outside; final. */
    static final int DONE = 2;

    /** Access to {@link #state}, for its CASes. */
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ReceiveFuture.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The channel whose receive state holds this future while it is pending. */
    private final ChannelReceive<T> ch;
    /** {@link #PENDING}, {@link #CLAIMED} or {@link #DONE}; see the class comment. */
    @SuppressWarnings("unused") private volatile int state;

    /**
     * A pending receive on {@code ch}; the caller installs it as the channel's receive state.
     *
     * @param ch the channel to receive from
     */
    ReceiveFuture(ChannelReceive<T> ch) {
        this.ch = ch;
    }

    /**
     * PENDING to CLAIMED: the caller becomes the one receiver and takes a message for this future.
     *
     * @return {@code true} if the caller claimed it; {@code false} if another thread holds it or it is done
     */
    boolean claim() {
        return STATE.compareAndSet(this, PENDING, CLAIMED);
    }

    /** CLAIMED back to PENDING: the claimer found no message; the future waits on. */
    void unclaim() {
        STATE.setVolatile(this, PENDING);
    }

    /**
     * Called by the taker while CLAIMED: settle, release the receive state, then run dependents.
     *
     * @param value the message taken for this future
     */
    void deliver(T value) {
        STATE.setVolatile(this, DONE);
        ch.releaseReceiveState(this);
        super.complete(value);
    }

    /**
     * Called by the claimer while CLAIMED (the stream ended): settle, release the receive state, then complete
     * exceptionally, running dependents.
     *
     * @param ex the failure to complete with
     */
    void fail(Throwable ex) {
        STATE.setVolatile(this, DONE);
        ch.releaseReceiveState(this);
        super.completeExceptionally(ex);
    }
    /**
     * Settles the future from outside (cancel, complete, completeExceptionally); false if already taken.
     *
     * @return {@code true} if this call moved it from PENDING to DONE and released the receive state;
     *         {@code false} once a take or another settle has completed it
     */

    private boolean withdraw() {
        for (int spins = 0; ; ) {
            int s = state;
            if (s == PENDING) {
                if (STATE.compareAndSet(this, PENDING, DONE)) {
                    ch.releaseReceiveState(this);
                    return true;
                }
            } else if (s == CLAIMED) {
                // a take is in progress on another thread (never on this one: no user code runs while
                // CLAIMED); it ends within a bounded number of steps (which may include a backoff: see Backoff)
                Backoff.pause(spins++);
            } else {
                // DONE: the result is being written without user code in between; cancel() promises isDone()
                while (!isDone()) {
                    Backoff.pause(spins++);
                }
                return false;
            }
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return withdraw() ? super.cancel(mayInterruptIfRunning) : isCancelled();
    }

    @Override
    public boolean complete(T value) {
        return withdraw() && super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        return withdraw() && super.completeExceptionally(ex);
    }

    @Override
    public void obtrudeValue(T value) {
        throw new UnsupportedOperationException("a receive future cannot be overwritten");
    }

    @Override
    public void obtrudeException(Throwable ex) {
        throw new UnsupportedOperationException("a receive future cannot be overwritten");
    }

    @Override
    public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
        throw new UnsupportedOperationException("a receive future is completed by the channel");
    }

    @Override
    public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
        throw new UnsupportedOperationException("a receive future is completed by the channel");
    }
}
