package io.leanchan.internal;

import io.leanchan.Receiver;

import java.util.Collection;
import java.util.Objects;
import java.util.function.Consumer;

/** The bodies of {@link Receiver}'s batch default methods, built on {@link CoreHooks}. Not API. */
public final class ReceiverSupport {
    private ReceiverSupport() {
    }

    /** The hooks behind {@code side}, or UnsupportedOperationException naming {@code what}. */
    public static <T> CoreHooks<T> hooks(Object side, String what) {
        CoreHooks<T> h = CoreHooks.of(side);
        if (h == null) {
            throw new UnsupportedOperationException(what + " needs a channel made by Channel.bounded/unbounded");
        }
        return h;
    }

    /** receiveMany: wait (negative nanos: no limit) for one message, then move up to max without waiting. */
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


    /** drain(consumer, limit): hand over, then take. */
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

    /** Takes the head, which a peek by this consumer has just returned as {@code e}. */
    private static <T> void take(Receiver<T> rx, T e) {
        T taken = rx.tryReceive();
        if (taken != e) {
            // Only another consumer (a misuse: overlapping receives) can have moved the head.
            throw new IllegalStateException("the head of the channel changed between peek and receive: "
                    + "another receive ran on this channel (a channel has one receiver at a time)");
        }
    }
}
