package io.leanchan.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The one home of the state machine of the futures the channel completes: a pending {@code sendAsync}
 * ({@link SendFuture}), a pending {@code receiveAsync} ({@link ReceiveFuture}) and a pending async select
 * ({@link SelectFuture}).
 *
 * <pre>
 * State. PENDING: waiting; a wake or a withdrawal may claim it.
 *   PENDING to CLAIMED (claim): by the thread that acts for it (a waker, close, the creating call); the claimer
 *     runs a bounded number of steps with no user code (see "No user code inside a claim").
 *   CLAIMED to PENDING (unclaim): nothing to do after all; it waits on.
 *   CLAIMED to DONE (settle): the claimer records the outcome, runs afterSettle() (for a receive future: release
 *     the channel's receive state), then sets DONE (a volatile write that publishes both), and hands the future
 *     to Completions, which completes it at once, or when the claimer's thread leaves the region in which it
 *     holds another claimed state. So whoever sees DONE may finish the future: everything it held is released.
 *   PENDING to WITHDRAWN (withdraw): cancel(), complete(), completeExceptionally() or orTimeout() from outside;
 *     afterWithdraw() runs (unlink, unregister, release) and the caller completes the CompletableFuture with its
 *     own value. DONE and WITHDRAWN are final.
 *
 * A withdrawal that finds CLAIMED waits (Backoff.pause): the claimer's steps are bounded and contain no user
 * code, on any thread, so it cannot be waiting for the withdrawer. A withdrawal that finds DONE does not wait
 * for the settler to complete the future: it finishes the future itself from the recorded outcome (finish() is
 * idempotent and runs finishing code once), so Future.cancel's promise (isDone() once it returns) holds even when
 * the settler's completion is queued behind the caller on the caller's own thread. The one exception: the
 * finishing code of a select (its clause function) cancelling its own future returns false without waiting, as
 * that future is being completed by the very call that asks.
 *
 * No user code inside a claim. Dependent actions and clause functions run only in finish(), which runs only
 * after the state is DONE, the receive state is released, and (through Completions) the running thread holds
 * no claimed state. They may call anything: send, receive, cancel this or any future, close.
 *
 * Fields. state: CAS (claim, withdraw), volatile writes (unclaim, settle). outcome: written by the settler
 * before its volatile write of DONE, read after a volatile read of DONE. finisher: CAS once from null by the
 * thread that runs finish(); read by a withdrawal that finds it set (is it my own thread?).
 * </pre>
 *
 * @param <V> the type of the future's value
 */
public abstract class ChannelFuture<V> extends CompletableFuture<V> {
    /** State: waiting; a wake or a withdrawal may claim it. */
    static final int PENDING = 0;
    /** State: a thread acts for it (bounded, no user code). */
    static final int CLAIMED = 1;
    /** State: settled by its claimer; final. */
    static final int DONE = 2;
    /** State: withdrawn from outside; final. Its withdrawer completes it. */
    static final int WITHDRAWN = 3;

    /** Access to {@link #state}. */
    private static final VarHandle STATE;
    /** Access to {@link #finisher}. */
    private static final VarHandle FINISHER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(ChannelFuture.class, "state", int.class);
            FINISHER = l.findVarHandle(ChannelFuture.class, "finisher", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@link #PENDING}, {@link #CLAIMED}, {@link #DONE} or {@link #WITHDRAWN}. */
    @SuppressWarnings("unused") private volatile int state;
    /** The settled value; published by the volatile write of DONE. */
    private Object outcome;
    /** The settled failure, or null; published by the volatile write of DONE. */
    private Throwable failure;
    /** The thread that runs {@link #finish()}: set once. */
    @SuppressWarnings("unused") private volatile Thread finisher;

    /**
     * A future in the given state.
     *
     * @param initial {@link #PENDING}, or {@link #CLAIMED} for a creator that acts for it before publishing it
     */
    ChannelFuture(int initial) {
        STATE.set(this, initial);
    }

    /**
     * The state (a volatile read).
     *
     * @return {@link #PENDING}, {@link #CLAIMED}, {@link #DONE} or {@link #WITHDRAWN}
     */
    final int phase() {
        return state;
    }

    /**
     * Whether the future's fate is decided: settled or withdrawn (nobody will act for it any more).
     *
     * @return {@code true} once the state is {@link #DONE} or {@link #WITHDRAWN}
     */
    final boolean decided() {
        return state >= DONE;
    }

    /**
     * PENDING to CLAIMED.
     *
     * @return {@code true} if the caller now acts for this future
     */
    final boolean claim() {
        return STATE.compareAndSet(this, PENDING, CLAIMED);
    }

    /** CLAIMED back to PENDING: nothing to do after all. Only the claimer calls it. */
    final void unclaim() {
        STATE.setVolatile(this, PENDING);
    }

    /**
     * CLAIMED to DONE with an outcome ({@link #afterSettle()} first); then the completion (now, or once the calling
     * thread holds no claimed state: {@link Completions}). Only the claimer calls it.
     *
     * @param value   the value, if {@code failure} is null
     * @param failure the failure, or null
     */
    final void settle(Object value, Throwable failure) {
        this.outcome = value;
        this.failure = failure;
        afterSettle();
        STATE.setVolatile(this, DONE);
        Completions.complete(this);
    }

    /** Runs in a settle while still CLAIMED, before DONE and the completion: no user code. */
    void afterSettle() {
    }

    /** Runs after a withdrawal moved PENDING to DONE: no user code (unlink, unregister, release). */
    abstract void afterWithdraw();

    /**
     * The value the future completes with, computed from the settled outcome; may run user code (a select's clause
     * function), which may throw.
     *
     * @param value the settled value
     * @return the future's value
     */
    @SuppressWarnings("unchecked")
    V result(Object value) {
        return (V) value;
    }

    /**
     * Completes the future from its settled outcome, once (the first caller runs it; others return). Never throws:
     * what {@link #result} throws completes the future exceptionally.
     */
    final void finish() {
        Thread me = Thread.currentThread();
        if (!FINISHER.compareAndSet(this, null, me)) {
            return;
        }
        Throwable t = failure;
        if (t != null) {
            super.completeExceptionally(t);
            return;
        }
        V v;
        try {
            v = result(outcome);
        } catch (Throwable e) {
            super.completeExceptionally(e);
            return;
        }
        super.complete(v);
    }

    /**
     * Moves the future from PENDING to WITHDRAWN from outside, or, if it was settled, makes sure it is complete.
     *
     * @return {@code true} if this call withdrew it (the caller completes it); {@code false} if it was settled
     *     (it is then complete, unless its own finishing code is the caller)
     */
    private boolean withdraw() {
        for (int spins = 0; ; ) {
            int s = state;
            if (s == PENDING) {
                if (STATE.compareAndSet(this, PENDING, WITHDRAWN)) {
                    afterWithdraw();
                    return true;
                }
            } else if (s == CLAIMED) {
                Backoff.pause(spins++); // a claimer's bounded steps, no user code anywhere: see the class comment
            } else {
                if (s == DONE) {
                    finish(); // settled: complete it from its outcome (idempotent) rather than wait for the settler
                }
                while (!isDone() && finisher != Thread.currentThread()) {
                    Backoff.pause(spins++); // another thread finishes it (or withdrew it): no user code until done
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
    public boolean complete(V value) {
        return withdraw() && super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        if (ex == null) {
            throw new NullPointerException();
        }
        return withdraw() && super.completeExceptionally(ex);
    }

    @Override
    public void obtrudeValue(V value) {
        throw new UnsupportedOperationException("a channel's future cannot be overwritten");
    }

    @Override
    public void obtrudeException(Throwable ex) {
        throw new UnsupportedOperationException("a channel's future cannot be overwritten");
    }

    @Override
    public CompletableFuture<V> completeAsync(Supplier<? extends V> supplier, Executor executor) {
        throw new UnsupportedOperationException("a channel's future is completed by the channel");
    }

    @Override
    public CompletableFuture<V> completeAsync(Supplier<? extends V> supplier) {
        throw new UnsupportedOperationException("a channel's future is completed by the channel");
    }
}
