package io.leanchan.bench;

/** The blocking shape of the latency subjects: {@code put} waits while full, {@code take} while empty. */
public interface BlockingPipe {
    void put(Object m) throws InterruptedException;

    Object take() throws InterruptedException;

    /** Releases a thread blocked in {@link #take()} at the end of a run (close or interrupt). */
    default void close() {
    }
}
