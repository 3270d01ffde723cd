package io.leanchan;

import io.leanchan.internal.CoreHooks;
import io.leanchan.internal.Lifecycle;

/**
 * What a {@link Channel}, its {@link Sender} and its {@link Receiver} have in common: one lifecycle. A channel
 * is open until it is closed, once, for everyone; {@link #close()} on any of the three closes it, and
 * {@link #isClosed()} and {@link #closedBy()} report the same state on all three (a counted sender handle from
 * {@link Channel#openSender()} adds its own closed state on top, see there).
 *
 * <p><b>Memory consistency effects:</b> actions in a thread prior to closing the channel happen-before actions
 * in another thread subsequent to observing it closed: {@link #isClosed()} returning {@code true}, a
 * {@link ChannelClosedException}, or the completion of {@link Sender#closed()}.
 */
public interface ChannelLifecycle extends AutoCloseable {

    /**
     * Closes the channel for everyone. Sends fail fast from now on with a {@link ChannelClosedException} that
     * hands the message back; waiting and pending senders fail the same way; the receiver still gets every
     * message sent before the close, then the end of the stream. Idempotent.
     */
    @Override
    void close();

    /**
     * Whether the channel is closed (for a counted sender handle: or that handle is). Safe from any thread.
     *
     * @return {@code true} once the channel is closed (for a counted sender handle: or once that handle is
     *         closed); it never becomes {@code false} again
     */
    boolean isClosed();

    /**
     * Why the channel is closed: {@link ClosedBy#NOBODY} while it is open, {@link ClosedBy#SENDERS} if it was
     * closed by the close of the last counted sender handle ({@link Channel#openSender()}), {@link ClosedBy#CLOSE}
     * if {@code close()} was called on the channel, its receiver or its shared sender. When a {@code close()}
     * and the close of the last counted handle race, either may be reported, and the answer does not change
     * afterwards. Safe from any thread; allocates nothing while the channel is open.
     *
     * @return {@link ClosedBy#NOBODY}, {@link ClosedBy#SENDERS} or {@link ClosedBy#CLOSE}, as above
     * @throws UnsupportedOperationException if this object is not backed by a leanchan channel
     */
    default ClosedBy closedBy() {
        if (!isClosed()) {
            return ClosedBy.NOBODY;
        }
        CoreHooks<?> h = CoreHooks.of(this);
        if (h == null) {
            throw new UnsupportedOperationException("closedBy() needs a channel made by Channel.bounded/unbounded");
        }
        Lifecycle lc = h.lifecycle();
        return lc.endedBySenders() ? ClosedBy.SENDERS : ClosedBy.CLOSE;
    }
}
