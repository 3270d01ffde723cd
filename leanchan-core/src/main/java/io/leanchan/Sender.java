package io.leanchan;

import io.leanchan.internal.CoreHooks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The sending side of a {@link Channel}. All methods are safe to call from any number of threads.
 *
 * <p>Every send either delivers its message into the channel or hands it back: a send that fails because
 * the channel is closed throws {@link ChannelClosedException} carrying the message; a send that gives up
 * (full, timed out, interrupted, cancelled) leaves the channel untouched and the message with the caller.
 *
 * <p><b>Two kinds of handle.</b> The shared {@link Channel#sender()} is the simple case, one line and no cost:
 * every caller gets the same handle, and its {@link #close()} closes the channel for everyone. A counted
 * handle from {@link Channel#openSender()} belongs to one producer: its {@code close()} ends the stream only
 * when it is the last open counted handle. Both kinds send the same way and allocate nothing per message.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread prior to sending a message happen-before actions
 * subsequent to the receipt of that message in another thread.
 *
 * @param <T> the type of messages
 */
public interface Sender<T> extends ChannelLifecycle {

    /**
     * Sends without waiting.
     *
     * @param message the message to send; not {@code null}
     * @return {@code true} if the message is now in the channel, {@code false} if the channel is full
     * @throws NullPointerException if {@code message} is null
     * @throws ChannelClosedException if the channel is closed (the exception carries the message)
     */
    boolean trySend(T message);

    /**
     * Sends, waiting while the channel is full. The waiting thread is parked (cheap on virtual threads).
     * A message that can be sent without waiting is sent even if the thread is interrupted.
     *
     * @param message the message to send; not {@code null}
     * @throws NullPointerException if {@code message} is null
     * @throws ChannelClosedException if the channel is or becomes closed before the message is delivered
     * @throws InterruptedException if interrupted while waiting; the message was not delivered
     */
    void send(T message) throws InterruptedException;

    /**
     * Sends, waiting at most {@code timeout} while the channel is full.
     *
     * @param message the message to send; not {@code null}
     * @param timeout how long to wait at most, in {@code unit}s; zero or negative does not wait (a
     *                {@link #trySend(Object)})
     * @param unit    the unit of {@code timeout}
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
     * Dependent actions may run in the thread that makes room (usually the receiver's), after the channel released
     * everything: they may call anything. A call on a full channel never blocks; a receive that makes room as the
     * future is linked either sees it waiting or is seen by it, so the future never stays pending with room.
     *
     * @param message the message to send; not {@code null}
     * @return a future of the delivery: already complete (normally, or exceptionally if the channel is closed)
     *         when the message could be placed without waiting
     * @throws NullPointerException if {@code message} is null
     */
    CompletableFuture<Void> sendAsync(T message);

    /**
     * On the shared {@link Channel#sender()}: closes the channel for everyone, the same as
     * {@link Channel#close()} and {@link Receiver#close()}. Messages already sent stay receivable; the receiver
     * then sees the end of the stream. Waiting and pending senders fail with {@link ChannelClosedException}.
     * Idempotent.
     *
     * <p>On a counted handle ({@link Channel#openSender()}): closes this handle, which refuses sends from now
     * on; the channel is closed as above only if this was the last open counted handle. Idempotent: a handle
     * counts once.
     */
    @Override
    void close();

    /**
     * {@code true} once the channel is closed; a counted handle ({@link Channel#openSender()}) is also closed
     * once its own {@link #close()} was called. A closed sender refuses every send.
     */
    @Override
    boolean isClosed();

    /**
     * A future that completes normally once the channel is closed, by anyone: the receiver closed it, someone
     * called {@link Channel#close()} or the shared sender's {@link #close()}, or the last counted handle was
     * closed ({@link #closedBy()} tells which). It never completes before the channel is closed, and never
     * exceptionally. Use it to stop producing work that nobody will receive (tokio's {@code Sender::closed()}):
     *
     * <pre>{@code
     * tx.closed().thenRun(producer::stop);
     * }</pre>
     *
     * <p>Every sender of one channel returns the same future (a counted handle's own {@code close()} does not
     * complete it; the channel's close does). It cannot be completed, cancelled or obtruded by its users:
     * {@code complete}, {@code completeExceptionally} and {@code cancel} return {@code false}, the
     * {@code obtrude} and {@code completeAsync} methods throw {@link UnsupportedOperationException}; derive a
     * future ({@code thenRun}, {@code orTimeout} on a {@code copy()}, ...) to add a timeout. Dependent actions
     * may run in the thread that closes the channel.
     *
     * <p><b>Cost:</b> the first call (on any sender of the channel) allocates the channel's 32-byte lifecycle
     * record; later calls allocate nothing. Safe from any thread.
     *
     * <p><b>Memory consistency effects:</b> actions in a thread prior to closing the channel happen-before
     * actions subsequent to the completion of this future, its dependent actions included.
     *
     * @return the channel's close future, shared by all its senders; read-only for its users
     * @throws UnsupportedOperationException if this sender is not backed by a leanchan channel
     */
    default CompletableFuture<Void> closed() {
        CoreHooks<T> h = CoreHooks.of(this);
        if (h == null) {
            throw new UnsupportedOperationException("closed() needs a channel made by Channel.bounded/unbounded");
        }
        return h.lifecycle();
    }
}
