package io.leanchan;

/**
 * Thrown by a send on a closed channel (carrying the message that was not delivered), and by a receive at
 * the end of the stream (closed and drained; {@link #undelivered()} is then {@code null}).
 */
public class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient Object undelivered;

    public ChannelClosedException(String message, Object undelivered) {
        super(message);
        this.undelivered = undelivered;
    }

    /** The message a failed send hands back to its caller; {@code null} for an end-of-stream signal. */
    public Object undelivered() {
        return undelivered;
    }

    /** The undelivered message, cast to the caller's message type. */
    @SuppressWarnings("unchecked")
    public <T> T undeliveredAs() {
        return (T) undelivered;
    }
}
