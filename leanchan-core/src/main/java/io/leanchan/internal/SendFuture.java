package io.leanchan.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A pending {@code sendAsync}: a message waiting for room, linked into the channel's {@link SenderQueue}.
 *
 * <pre>
 * State. PENDING to CLAIMED by the thread that retries the send (the one that woke its node, or the
 * creating call); CLAIMED to DONE when the message is in the channel or the channel closed, or back to
 * PENDING (re-linked) when the room was taken by another sender. PENDING to DONE by cancel() or an outside
 * completion: the message is then never delivered.
 * Completion. DONE is set before the future completes, and a receiver that the delivery must wake is woken
 * only after that: no dependent action runs while this future, or a receive future, is CLAIMED.
 * </pre>
 */
final class SendFuture extends CompletableFuture<Void> {
    /** State: the message waits for room; the node may be linked in the sender queue. */
    static final int PENDING = 0;
    /** State: a thread is retrying the send. */
    static final int CLAIMED = 1;
    /** State: delivered, failed or withdrawn; final. */
    static final int DONE = 2;

    /** Access to {@link #state}, for its CASes. */
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SendFuture.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The channel the message is sent to. */
    final ChannelSend<?> ch;
    /** The message waiting to be sent. */
    final Object message;
    /** {@link #PENDING}, {@link #CLAIMED} or {@link #DONE}; see the class comment. */
    @SuppressWarnings("unused") private volatile int state;

    /**
     * A pending send of {@code message}; the caller links it into the sender queue.
     *
     * @param ch      the channel to send to
     * @param message the message to send
     */
    SendFuture(ChannelSend<?> ch, Object message) {
        this.ch = ch;
        this.message = message;
    }

    /**
     * PENDING to CLAIMED: the caller retries the send.
     *
     * @return {@code true} if the caller claimed it; {@code false} if it is claimed elsewhere or done
     */
    boolean claim() {
        return STATE.compareAndSet(this, PENDING, CLAIMED);
    }

    /** CLAIMED back to PENDING: the room was taken by another sender; the caller links it again. */
    void unclaim() {
        STATE.setVolatile(this, PENDING);
    }

    /** CLAIMED to DONE, before the claimer completes the future ({@link #succeed()} or {@link #fail}). */
    void settle() {
        STATE.setVolatile(this, DONE);
    }

    /** Completes the future after {@link #settle()}: the message is in the channel. Runs dependents. */
    void succeed() {
        super.complete(null);
    }

    /**
     * Completes the future exceptionally after {@link #settle()}: the message was not delivered. Runs dependents.
     *
     * @param ex the failure (closed channel, or an Error met while sending or relinking)
     */
    void fail(Throwable ex) {
        super.completeExceptionally(ex);
    }

    /**
     * The current state (a volatile read).
     *
     * @return {@link #PENDING}, {@link #CLAIMED} or {@link #DONE}
     */
    int state() {
        return state;
    }

    /**
     * Settles the future from outside (cancel, complete, completeExceptionally); the message is then never sent.
     *
     * @return {@code true} if this call moved it from PENDING to DONE; {@code false} once a retry or another
     *         settle has completed it
     */
    private boolean withdraw() {
        for (int spins = 0; ; ) {
            int s = state;
            if (s == PENDING) {
                if (STATE.compareAndSet(this, PENDING, DONE)) {
                    return true;
                }
            } else if (s == CLAIMED) {
                Backoff.pause(spins++); // a retry on another thread: bounded, no user code inside
            } else {
                while (!isDone()) {
                    Backoff.pause(spins++);
                }
                return false;
            }
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (withdraw()) {
            ch.pruneSenders(); // its node is dead now: unlink it if it is at the head
            return super.cancel(mayInterruptIfRunning);
        }
        return isCancelled();
    }

    @Override
    public boolean complete(Void value) {
        return withdraw() && super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        return withdraw() && super.completeExceptionally(ex);
    }

    @Override
    public void obtrudeValue(Void value) {
        throw new UnsupportedOperationException("a send future cannot be overwritten");
    }

    @Override
    public void obtrudeException(Throwable ex) {
        throw new UnsupportedOperationException("a send future cannot be overwritten");
    }

    @Override
    public CompletableFuture<Void> completeAsync(Supplier<? extends Void> supplier, Executor executor) {
        throw new UnsupportedOperationException("a send future is completed by the channel");
    }

    @Override
    public CompletableFuture<Void> completeAsync(Supplier<? extends Void> supplier) {
        throw new UnsupportedOperationException("a send future is completed by the channel");
    }
}
