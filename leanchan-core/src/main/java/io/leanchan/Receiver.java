package io.leanchan;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The receiving side of a {@link Channel}.
 *
 * <p><b>One receive at a time.</b> The receiving side may be used from any thread, and handed from thread
 * to thread, but receives must not overlap. Overlap is detected, not silently tolerated: a receive that
 * finds another receive in progress throws {@link IllegalStateException}, and a second waiting receive
 * ({@link #receive()}, a timed receive, or a pending {@link #receiveAsync()}) while one is waiting throws
 * {@link IllegalStateException} too. No message is lost or duplicated either way.
 *
 * <p><b>Nothing lost.</b> A receive that times out, is interrupted or whose future is cancelled consumes
 * nothing. Received slots are cleared so the channel never keeps a received message reachable.
 *
 * <p><b>Memory given back.</b> Storage larger than what the channel needs is released when the receiver
 * finds the channel empty (a receive that returns {@code null}, finds nothing to drain, or is about to
 * wait): the first burst is always given back. Once a channel has been refilled after giving storage back,
 * it keeps its storage on credit: every burst that fills at least a quarter of it earns four empty checks (up to
 * fifteen), every empty check without such a burst spends one, and once the credit is spent each further
 * check halves the storage (or releases it all, when the receive is about to wait or the ring is small). A ring of one or two slots (24 bytes)
 * is kept by non-blocking receives, so that one-message-at-a-time traffic does not reallocate it; a receive
 * that is about to wait releases it too. A non-blocking receiver that polls an idle channel pays nothing for
 * these checks: they run once after a burst and at most twice per traversal of the ring.
 *
 * @param <T> the type of messages
 */
public interface Receiver<T> extends AutoCloseable {

    /**
     * Receives without waiting.
     *
     * @return the next message, or {@code null} if the channel is empty (or closed and drained)
     * @throws IllegalStateException if another receive is in progress
     */
    T tryReceive();

    /**
     * Receives, waiting while the channel is empty. The waiting thread is parked (cheap on virtual threads).
     *
     * @return the next message
     * @throws ChannelClosedException if the channel is closed and drained (end of stream)
     * @throws InterruptedException if interrupted while waiting; nothing was consumed
     * @throws IllegalStateException if another receive is in progress or waiting
     */
    T receive() throws InterruptedException;

    /**
     * Receives, waiting at most {@code timeout} while the channel is empty.
     *
     * @return the next message, or {@code null} if the time ran out (nothing was consumed)
     * @throws ChannelClosedException if the channel is closed and drained (end of stream)
     * @throws InterruptedException if interrupted while waiting; nothing was consumed
     * @throws IllegalStateException if another receive is in progress or waiting
     */
    T receive(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Receives asynchronously. The future completes with the next message, or exceptionally with
     * {@link ChannelClosedException} at the end of the stream. Cancelling the future before it completes
     * consumes nothing. Dependent actions may run in the thread that sends the message.
     *
     * @throws IllegalStateException if another receive is in progress or waiting
     */
    CompletableFuture<T> receiveAsync();

    /**
     * Moves up to {@code maxMessages} available messages into {@code sink}, without waiting. It takes them one
     * by one, in order, so messages sent while it runs may be moved too: it is not one atomic step.
     *
     * @return the number of messages moved; 0 if none was available
     * @throws NullPointerException if {@code sink} is null
     * @throws IllegalArgumentException if {@code maxMessages < 0}
     * @throws IllegalStateException if another receive is in progress
     */
    int drainTo(Collection<? super T> sink, int maxMessages);

    /** Moves every available message into {@code sink}, without waiting; see {@link #drainTo(Collection, int)}. */
    default int drainTo(Collection<? super T> sink) {
        return drainTo(sink, Integer.MAX_VALUE);
    }

    /**
     * Closes the channel from the receiving side: senders fail fast from now on and waiting senders are
     * woken with {@link ChannelClosedException}. Messages already in the channel stay receivable. Idempotent.
     */
    @Override
    void close();

    /** {@code true} once either side has closed the channel. */
    boolean isClosed();

    /** {@code true} once the channel is closed and every message sent before the close has been received. */
    boolean isDrained();

    /** The number of messages in the channel at some instant during the call (a snapshot, not a promise). */
    int size();
}
