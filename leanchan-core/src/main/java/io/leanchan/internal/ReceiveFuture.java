package io.leanchan.internal;

/**
 * A pending {@code receiveAsync}. While pending it is the channel's receiver (the receive-state field holds
 * it) and the channel's RWAIT flag asks the next sender to fulfil it. Its state machine is {@link ChannelFuture}'s.
 *
 * <pre>
 * PENDING to CLAIMED by whoever fulfils it (a sender that saw RWAIT, close(), or the creating call), and back to
 * PENDING if nothing was there; whoever holds CLAIMED is the channel's one receiver and takes one message for the
 * future. CLAIMED to DONE once taken (or at the end of the stream), after the receive state is released
 * (afterSettle), so that the dependents find no receive state held. PENDING to WITHDRAWN from outside (cancel,
 * complete, orTimeout): nothing consumed, the receive state released.
 * No user code runs while it is CLAIMED: the completion comes after DONE, once the fulfilling thread holds no
 * claimed state (Completions).
 * </pre>
 *
 * @param <T> the type of messages
 */
final class ReceiveFuture<T> extends ChannelFuture<T> {
    /** The channel whose receive state holds this future while it is pending. */
    private final ChannelReceive<T> ch;

    /**
     * A pending receive on {@code ch}; the caller installs it as the channel's receive state.
     *
     * @param ch the channel to receive from
     */
    ReceiveFuture(ChannelReceive<T> ch) {
        super(PENDING);
        this.ch = ch;
    }

    @Override
    void afterSettle() {
        ch.releaseReceiveState(this);
    }

    @Override
    void afterWithdraw() {
        ch.releaseReceiveState(this);
    }
}
