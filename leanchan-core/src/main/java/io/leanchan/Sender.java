package io.leanchan;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The sending side of a {@link Channel}. All methods are safe to call from any number of threads.
 *
 * <p>Every send either delivers its message into the channel or hands it back: a send that fails because
 * the channel is closed throws {@link ChannelClosedException} carrying the message; a send that gives up
 * (full, timed out, interrupted, cancelled) leaves the channel untouched and the message with the caller.
 *
 * @param <T> the type of messages
 */
public interface Sender<T> extends AutoCloseable {

    /**
     * Sends without waiting.
     *
     * @return {@code true} if the message is now in the channel, {@code false} if the channel is full
     * @throws NullPointerException if {@code message} is null
     * @throws ChannelClosedException if the channel is closed (the exception carries the message)
     */
    boolean trySend(T message);

    /**
     * Sends, waiting while the channel is full. The waiting thread is parked (cheap on virtual threads).
     * A message that can be sent without waiting is sent even if the thread is interrupted.
     *
     * @throws NullPointerException if {@code message} is null
     * @throws ChannelClosedException if the channel is or becomes closed before the message is delivered
     * @throws InterruptedException if interrupted while waiting; the message was not delivered
     */
    void send(T message) throws InterruptedException;

    /**
     * Sends, waiting at most {@code timeout} while the channel is full.
     *
     * @return {@code true} if delivered, {@code false} if the time ran out (the message was not delivered)
     * @throws NullPointerException if {@code message} or {@code unit} is null
     * @throws ChannelClosedException if the channel is or becomes closed before the message is delivered
     * @throws InterruptedException if interrupted while waiting; the message was not delivered
     */
    boolean send(T message, long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Sends asynchronously. The future completes normally once the message is in the channel, or
     * exceptionally with {@link ChannelClosedException} (carrying the message) if the channel closes first.
     * Cancelling the future before it completes withdraws the message: it is never delivered.
     * Dependent actions may run in the thread that makes room (usually the receiver's).
     *
     * @throws NullPointerException if {@code message} is null
     */
    CompletableFuture<Void> sendAsync(T message);

    /**
     * Closes the channel for sending. Messages already sent stay receivable; the receiver then sees the end
     * of the stream. Waiting and pending senders fail with {@link ChannelClosedException}. Idempotent.
     */
    @Override
    void close();

    /** {@code true} once either side has closed the channel. */
    boolean isClosed();
}
