package io.leanchan.internal;

import io.leanchan.Receiver;

import java.util.Collection;
import java.util.Objects;
import java.util.function.Consumer;

/** The bodies of {@link Receiver}'s batch default methods, built on {@link CoreHooks}. Not API. */
public final class ReceiverSupport {
    /** Not instantiable: static methods only. */
    private ReceiverSupport() {
    }

    /**
     * The hooks behind {@code side}, or UnsupportedOperationException naming {@code what}.
     *
     * @param <T>  the type of messages
     * @param side the channel, sender or receiver whose hooks are needed
     * @param what the name of the calling method, for the exception's message
     * @return the hooks of {@code side}
     * @throws UnsupportedOperationException if {@code side} is not backed by a leanchan channel
     */
    public static <T> CoreHooks<T> hooks(Object side, String what) {
        CoreHooks<T> h = CoreHooks.of(side);
        if (h == null) {
            throw new UnsupportedOperationException(what + " needs a channel made by Channel.bounded/unbounded");
        }
        return h;
    }

    /**
     * receiveMany: wait (negative nanos: no limit) for one message, then move up to max without waiting.
     *
     * @param <T>   the type of messages
     * @param rx    the receiver to take from
     * @param sink  where the messages go, each taken from the channel only once {@code sink.add} returned
     * @param max   the most messages to move; 0 returns 0 at once
     * @param nanos the longest wait for the first message: negative for no limit, 0 for none
     * @return the number of messages moved: 0 only on timeout, at the end of the stream, or if {@code max} is 0
     * @throws NullPointerException if {@code sink} is null
     * @throws IllegalArgumentException if {@code max < 0}
     * @throws UnsupportedOperationException if {@code rx} is not backed by a leanchan channel
     * @throws IllegalStateException if another receive is in progress or waiting
     * @throws InterruptedException if interrupted while waiting; nothing was consumed
     */
    public static <T> int receiveMany(Receiver<T> rx, Collection<? super T> sink, int max, long nanos)
            throws InterruptedException {
        Objects.requireNonNull(sink, "sink");
        if (max < 0) {
            throw new IllegalArgumentException("maxMessages must not be negative, was " + max);
        }
        CoreHooks<T> h = hooks(rx, "receiveMany");
        if (max == 0) {
            return 0;
        }
        for (;;) {
            if (!h.awaitAvailable(nanos)) {
                return 0;
            }
            int n = rx.drainTo(sink, max); // takes each message only once sink.add returned
            if (n > 0 || nanos >= 0) {
                return n; // untimed, 0 must mean the end of the stream: never return it for a message gone missing
            }
        }
    }


    /**
     * drain(consumer, limit): hand over, then take.
     *
     * @param <T>      the type of messages
     * @param rx       the receiver to take from
     * @param consumer receives each message before it is taken from the channel
     * @param limit    the most messages to hand over
     * @return the number of messages the consumer accepted
     * @throws NullPointerException if {@code consumer} is null
     * @throws IllegalArgumentException if {@code limit < 0}
     * @throws UnsupportedOperationException if {@code rx} is not backed by a leanchan channel
     * @throws IllegalStateException if another receive is in progress, or the head changed between the peek
     *                               and the take (an overlapping receive)
     */
    public static <T> int drain(Receiver<T> rx, Consumer<? super T> consumer, int limit) {
        Objects.requireNonNull(consumer, "consumer");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, was " + limit);
        }
        CoreHooks<T> h = hooks(rx, "drain");
        int n = 0;
        while (n < limit) {
            T e = h.peek();
            if (e == null) {
                break;
            }
            consumer.accept(e);
            take(rx, e);
            n++;
        }
        return n;
    }

    /**
     * Takes the head, which a peek by this consumer has just returned as {@code e}.
     *
     * @param <T> the type of messages
     * @param rx  the receiver to take from
     * @param e   the message the peek returned
     * @throws IllegalStateException if the head taken is not {@code e} (another receive ran meanwhile)
     */
    private static <T> void take(Receiver<T> rx, T e) {
        T taken = rx.tryReceive();
        if (taken != e) {
            // Only another consumer (a misuse: overlapping receives) can have moved the head.
            throw new IllegalStateException("the head of the channel changed between peek and receive: "
                    + "another receive ran on this channel (a channel has one receiver at a time)");
        }
    }
}
