package io.leanchan.internal;

/**
 * A pending {@code sendAsync}: a message waiting for room, linked into the channel's {@link SenderQueue}. Its
 * state machine is {@link ChannelFuture}'s.
 *
 * <pre>
 * PENDING to CLAIMED by the thread that retries the send (the waker that woke its node, close(), or the creating
 * call once it withdrew its own node); CLAIMED to DONE when the message is in the channel, or the channel is
 * closed, or an Error stopped the send (the message was then not delivered, and the failure says so); or back to
 * PENDING, linked again, when the room was taken by another sender. PENDING to WITHDRAWN from outside (cancel,
 * complete, orTimeout): the message is never delivered, and the dead node is unlinked.
 * No user code runs while it is CLAIMED: the completion, which runs the dependents, comes after DONE and after the
 * retrying thread released every claimed state (Completions); a receiver to wake is woken after the settle.
 * </pre>
 */
final class SendFuture extends ChannelFuture<Void> {
    /** The channel the message is sent to. */
    final ChannelSend<?> ch;
    /** The message waiting to be sent. */
    final Object message;

    /**
     * A pending send of {@code message}; the caller links it into the sender queue.
     *
     * @param ch      the channel to send to
     * @param message the message to send
     */
    SendFuture(ChannelSend<?> ch, Object message) {
        super(PENDING);
        this.ch = ch;
        this.message = message;
    }

    @Override
    void afterWithdraw() {
        ch.pruneSenders(); // its node is dead now: unlink it if it is at the head
    }
}
