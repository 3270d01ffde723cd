package io.leanchan;

import io.leanchan.internal.MpscChannel;

/**
 * A multi-producer, single-consumer channel whose memory follows its load.
 *
 * <p>A channel is created empty and holds no storage for messages: {@code bounded(1024)} costs the same
 * few dozen bytes as {@code bounded(1)}. Storage grows with what the channel holds (to at most about
 * 5 bytes per held message with compressed oops) and is given back when the consumer drains it, unless the
 * channel shows a repeating burst pattern, in which case the storage is kept for the next burst (see
 * {@link Receiver} for the exact policy). A channel makes no garbage per message in steady state.
 *
 * <p>Messages are sent through the {@link #sender()} (any number of threads) and received through the
 * {@link #receiver()} (one receive at a time). Messages from one sender thread are received in the order
 * they were sent; messages from different threads are interleaved in the order their sends took effect.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread prior to sending a message happen-before
 * actions subsequent to the receipt of that message in another thread, as for
 * {@link java.util.concurrent.BlockingQueue}.
 *
 * <h2>Closing</h2>
 * Either side may close the channel ({@link Sender#close()}, {@link Receiver#close()}); both are
 * idempotent. Once closed, every send fails fast with a {@link ChannelClosedException} that hands the
 * message back ({@link ChannelClosedException#undelivered()}), and waiting or pending senders fail the
 * same way. The receiver still gets every message that was sent before the close, then an end-of-stream
 * signal: {@link Receiver#receive()} throws {@link ChannelClosedException}, {@link Receiver#tryReceive()}
 * returns {@code null} and {@link Receiver#isDrained()} becomes {@code true}.
 *
 * @param <T> the type of messages; {@code null} is not a message
 */
public interface Channel<T> {

    /**
     * Creates a channel that holds at most {@code capacity} messages. Nothing is allocated for messages up
     * front, so {@code bounded(Integer.MAX_VALUE)} is as cheap to create as {@code bounded(1)}.
     * The JVM's largest array bounds what any channel can hold: about {@code Integer.MAX_VALUE - 8}.
     *
     * @param capacity the most messages the channel holds; at least 1
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    static <T> Channel<T> bounded(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        return new MpscChannel<>(capacity);
    }

    /**
     * Creates a channel without a capacity limit: sends never wait. The JVM's largest array still bounds
     * what it can hold (about {@code Integer.MAX_VALUE - 8} messages); beyond that {@code trySend} returns
     * {@code false} and {@code send} waits, as for a bounded channel.
     */
    static <T> Channel<T> unbounded() {
        return new MpscChannel<>(MpscChannel.UNBOUNDED);
    }

    /** The sending side. Safe for any number of threads; every call returns an equivalent handle. */
    Sender<T> sender();

    /** The receiving side. Every call returns an equivalent handle; one receive may run at a time. */
    Receiver<T> receiver();

    /** The capacity given at creation, or {@link Integer#MAX_VALUE} for an unbounded channel. */
    int capacity();
}
