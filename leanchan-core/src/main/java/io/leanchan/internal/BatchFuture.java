package io.leanchan.internal;

import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The future of {@link Receiver#receiveManyAsync(int)}: a pending {@code receiveAsync()} for the first message,
 * then a non-blocking {@code drainTo} for the rest, in the thread that completes the first. Completing or
 * cancelling it from outside first withdraws the pending receive, so a batch future that was not completed
 * with a batch consumed nothing.
 *
 * @param <T> the type of messages
 */
public final class BatchFuture<T> extends CompletableFuture<List<T>> {
    /** The receiver the batch is taken from. */
    private final Receiver<T> rx;
    /** The most messages in the batch (at least 1). */
    private final int max;
    /** Allocated up front, so that taking the first message into it cannot fail for want of memory. */
    private final List<T> batch;
    /** The pending receive of the first message; set by start() right after it is started. */
    private CompletableFuture<T> first;
    /** Set once the batch is complete (drained), before it is delivered: whoever sees it may deliver it. */
    private volatile boolean decided;

    /**
     * A batch future not yet started; see {@link #start}.
     *
     * @param rx  the receiver to take the batch from
     * @param max the most messages in the batch
     */
    private BatchFuture(Receiver<T> rx, int max) {
        this.rx = rx;
        this.max = max;
        this.batch = new ArrayList<>(Math.min(max, 16));
    }

    /**
     * Starts the batch receive (max >= 1).
     *
     * @param <T> the type of messages
     * @param rx  the receiver to take the batch from
     * @param max the most messages in the batch; at least 1 (the caller checks)
     * @return the batch future: a list of 1 to {@code max} messages, or an empty list at the end of the stream
     * @throws IllegalStateException if another receive is in progress or waiting (nothing was started)
     */
    public static <T> CompletableFuture<List<T>> start(Receiver<T> rx, int max) {
        BatchFuture<T> f = new BatchFuture<>(rx, max);
        CompletableFuture<T> first = rx.receiveAsync(); // throws IllegalStateException on overlap, nothing started
        f.first = first;
        first.whenComplete(f::onFirst);
        return f;
    }

    /**
     * Completes this future when the first receive completes: with the batch (the first message plus what
     * drainTo moves), with an empty list at the end of the stream, or exceptionally; nothing if it was withdrawn.
     *
     * @param e  the first message, if the receive succeeded
     * @param ex the receive's failure, or null
     */
    private void onFirst(T e, Throwable ex) {
        if (ex != null) {
            Throwable cause = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            if (cause instanceof CancellationException) {
                return; // withdrawn by withdraw(): the withdrawing call settles this future
            }
            if (cause instanceof ChannelClosedException) {
                super.complete(Collections.emptyList()); // end of stream
            } else {
                super.completeExceptionally(cause);
            }
            return;
        }
        batch.add(e); // within the initial capacity: allocates nothing
        // The drain may settle send futures (their senders get room). Their dependents run only once the batch is
        // decided: one that cancels or completes this batch then completes it with the batch itself instead of
        // waiting for this thread (issue 24, defect 5). No user code runs inside the region.
        Completions region = Completions.enter();
        try {
            if (max > 1) {
                try {
                    rx.drainTo(batch, max - 1); // takes each message only once it is in the batch
                } catch (Throwable t) {
                    // An overlapping receive (misuse) or a failed allocation while growing the list: the message being
                    // added stays in the channel; what was moved is in the batch, which is delivered.
                }
            }
            decided = true;
        } finally {
            region.exit();
        }
        super.complete(batch);
    }

    /**
     * Withdraws the pending first receive; false if it already completed (the batch is on its way or done).
     *
     * @return {@code true} if the pending receive was cancelled; {@code false} once this future is done
     */
    private boolean withdraw() {
        CompletableFuture<T> f = first;
        if (f != null && f.cancel(false)) {
            return true;
        }
        // Too late: a message was taken (or the stream ended) and this future is being completed. Future.cancel
        // promises isDone() once it returns: a decided batch is delivered here (the first to complete it wins);
        // otherwise the drain is under way on another thread, with no user code, and this waits for it.
        for (int spins = 0; !isDone(); spins++) {
            if (decided) {
                super.complete(batch);
            } else {
                Backoff.pause(spins);
            }
        }
        return false;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (isDone()) {
            return isCancelled();
        }
        return withdraw() ? super.cancel(mayInterruptIfRunning) : isCancelled();
    }

    @Override
    public boolean complete(List<T> value) {
        return !isDone() && withdraw() && super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        if (ex == null) {
            throw new NullPointerException();
        }
        return !isDone() && withdraw() && super.completeExceptionally(ex);
    }

    @Override
    public void obtrudeValue(List<T> value) {
        throw new UnsupportedOperationException("a receive future cannot be overwritten");
    }

    @Override
    public void obtrudeException(Throwable ex) {
        throw new UnsupportedOperationException("a receive future cannot be overwritten");
    }

    @Override
    public CompletableFuture<List<T>> completeAsync(Supplier<? extends List<T>> supplier, Executor executor) {
        throw new UnsupportedOperationException("a receive future is completed by the channel");
    }

    @Override
    public CompletableFuture<List<T>> completeAsync(Supplier<? extends List<T>> supplier) {
        throw new UnsupportedOperationException("a receive future is completed by the channel");
    }
}
