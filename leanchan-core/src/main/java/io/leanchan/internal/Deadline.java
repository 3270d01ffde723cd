package io.leanchan.internal;

/**
 * The clock of a waiting send, receive or select: where its time ends, and before each look, the interrupt
 * check and the time left. One place for the three waits, so they treat a zero timeout, a negative one
 * (forever) and an interrupt alike.
 */
public final class Deadline {
    /** Not instantiable: static methods only. */
    private Deadline() {
    }

    /**
     * Where a wait that starts now ends.
     *
     * @param nanos the timeout; negative to wait forever, 0 not to wait
     * @return the {@link System#nanoTime()} at which it ends, or 0 if {@code nanos} is not positive
     */
    public static long of(long nanos) {
        return nanos > 0 ? System.nanoTime() + nanos : 0L;
    }

    /**
     * The interrupt check of a wait, then its time left.
     *
     * @param nanos    the timeout the wait was given
     * @param deadline {@link #of(long)} of it
     * @return -1 if the wait has no time limit ({@code nanos} negative); otherwise the nanoseconds left, at most
     *     0 once the time is up (always 0 for a zero timeout)
     * @throws InterruptedException if the thread was interrupted (the status is cleared)
     */
    public static long left(long nanos, long deadline) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (nanos < 0) {
            return -1L;
        }
        return nanos == 0 ? 0 : deadline - System.nanoTime();
    }
}
