package io.leanchan;

/**
 * Thrown by a send on a closed channel (carrying the message that was not delivered), and by a receive at
 * the end of the stream (closed and drained; {@link #undelivered()} is then {@code null}).
 */
public class ChannelClosedException extends IllegalStateException {
    /** Version 1 of the serialized form. */
    private static final long serialVersionUID = 1L;

    /**
     * The message a failed send hands back, or {@code null} for an end-of-stream signal. Transient: a message
     * need not be serializable, so a deserialized exception reports {@code null}.
     */
    private final transient Object undelivered;

    /**
     * Creates the exception.
     *
     * @param message     the detail message, as for {@link IllegalStateException#IllegalStateException(String)}
     * @param undelivered the message a failed send hands back to its caller, or {@code null} for an end-of-stream
     *                    signal
     */
    public ChannelClosedException(String message, Object undelivered) {
        super(message);
        this.undelivered = undelivered;
    }

    /**
     * The message a failed send hands back to its caller.
     *
     * @return the message that was not delivered; {@code null} for an end-of-stream signal (and after
     *         deserialization, the field being transient)
     */
    public Object undelivered() {
        return undelivered;
    }

    /**
     * The undelivered message, cast to the caller's message type: {@code e.<Request>undeliveredAs()}. The cast
     * is unchecked; a wrong type argument fails with a {@link ClassCastException} where the result is used.
     *
     * @param <T> the type of messages of the channel that threw this exception
     * @return {@link #undelivered()}, as a {@code T}
     */
    @SuppressWarnings("unchecked")
    public <T> T undeliveredAs() {
        return (T) undelivered;
    }
}
