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
    static final int PENDING = 0;
    static final int CLAIMED = 1;
    static final int DONE = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SendFuture.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final MpscChannel<?> ch;
    final Object message;
    @SuppressWarnings("unused") private volatile int state;

    SendFuture(MpscChannel<?> ch, Object message) {
        this.ch = ch;
        this.message = message;
    }

    boolean claim() {
        return STATE.compareAndSet(this, PENDING, CLAIMED);
    }

    void unclaim() {
        STATE.setVolatile(this, PENDING);
    }

    void settle() {
        STATE.setVolatile(this, DONE);
    }

    void succeed() {
        super.complete(null);
    }

    void fail(Throwable ex) {
        super.completeExceptionally(ex);
    }

    int state() {
        return state;
    }

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
