package io.leanchan;

/**
 * Why a channel is closed, as told by {@link ChannelLifecycle#closedBy()}.
 *
 * <p>A channel has one close for everyone: {@link Channel#close()}, {@link Sender#close()} on the shared
 * {@link Channel#sender()} and {@link Receiver#close()} are the same operation, so the channel cannot tell
 * which of those was called. What it can tell is whether the stream ended because every producer finished
 * (the last handle opened by {@link Channel#openSender()} was closed) or because someone closed it.
 */
public enum ClosedBy {
    /** The channel is open. */
    NOBODY,
    /**
     * The last counted sender handle ({@link Channel#openSender()}) was closed: every producer that owned a
     * handle has finished, and the stream ends once the receiver has taken what they sent.
     */
    SENDERS,
    /**
     * {@code close()} was called on the channel, on its receiver or on its shared sender: the channel is
     * closed for everyone. For a producer this usually means that nobody will receive further work.
     */
    CLOSE
}
