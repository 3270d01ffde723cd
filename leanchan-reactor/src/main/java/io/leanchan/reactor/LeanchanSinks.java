package io.leanchan.reactor;

import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

/**
 * Unicast sinks that buffer in a leanchan channel instead of Reactor's default {@code SpscLinkedArrayQueue(256)}
 * (which allocates its first 256-slot array when the sink is created). Equivalent to
 * {@code Sinks.many().unicast().onBackpressureBuffer(LeanchanQueue.unbounded())}: the sink is Reactor's, only its
 * buffer changes (Reactor's serialisation of concurrent emissions, {@code FAIL_NON_SERIALIZED}, still applies).
 */
public final class LeanchanSinks {
    private LeanchanSinks() {
    }

    /** A unicast sink with an unbounded leanchan buffer. */
    public static <T> Sinks.Many<T> unicast() {
        return Sinks.many().unicast().onBackpressureBuffer(LeanchanQueue.unbounded());
    }

    /** A unicast sink whose buffer holds at most {@code capacity} elements: beyond, emissions fail with
     * {@code FAIL_OVERFLOW}. */
    public static <T> Sinks.Many<T> unicast(int capacity) {
        return Sinks.many().unicast().onBackpressureBuffer(LeanchanQueue.bounded(capacity));
    }

    /** A unicast sink with an unbounded leanchan buffer and a callback run on the first terminal signal or cancel. */
    public static <T> Sinks.Many<T> unicast(Disposable onTerminate) {
        return Sinks.many().unicast().onBackpressureBuffer(LeanchanQueue.unbounded(), onTerminate);
    }
}
