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
 */
final class ReceiveFuture<T> extends CompletableFuture<T> {
    static final int PENDING = 0;
    static final int CLAIMED = 1;
    static final int DONE = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ReceiveFuture.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MpscChannel<T> ch;
    @SuppressWarnings("unused") private volatile int state;

    ReceiveFuture(MpscChannel<T> ch) {
        this.ch = ch;
    }

    boolean claim() {
        return STATE.compareAndSet(this, PENDING, CLAIMED);
    }

    void unclaim() {
        STATE.setVolatile(this, PENDING);
    }

    /** Called by the taker while CLAIMED: settle, release the receive state, then run dependents. */
    void deliver(T value) {
        STATE.setVolatile(this, DONE);
        ch.releaseReceiveState(this);
        super.complete(value);
    }

    void fail(Throwable ex) {
        STATE.setVolatile(this, DONE);
        ch.releaseReceiveState(this);
        super.completeExceptionally(ex);
    }

    /** Settles the future from outside (cancel, complete, completeExceptionally); false if already taken. */
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
