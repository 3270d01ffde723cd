package io.leanchan.lab;

/**
 * Something the lab measures: a way to make fresh instances of one queue or channel configuration.
 *
 * <p>The lab only ever uses an instance from one thread; {@link Instance#offer} and {@link Instance#poll} are
 * the non-blocking send and receive of the subject (trySend/tryReceive, offer/poll, tryNext/publish), and
 * {@link Instance#pollWaiting} is how its consumer waits for a message, where it can.
 */
public interface Subject {

    /** The name the lab prints and accepts in {@code --subjects}. */
    String name();

    /** Whether the subject has a capacity limit. For an unbounded subject "capacity" is how many messages a fill puts in. */
    boolean bounded();

    /** How an instance for {@code capacity} is built, in words a user can reproduce (constructor and sizing choices). */
    String config(int capacity);

    /**
     * How the consumer waits on an empty instance in the aged measurement, in words ("receive(timeout)",
     * "BlockingQueue.poll(timeout)"), or a sentence saying that it cannot wait and is polled instead.
     */
    default String waits() {
        return "cannot wait: poll()";
    }

    /** A new, independent instance. */
    Instance create(int capacity);

    /** One live queue or channel. */
    interface Instance {
        /** The objects that make up the instance as its user holds it (for leanchan: channel, sender, receiver). */
        Object[] roots();

        /** Non-blocking send; false if full. */
        boolean offer(Object message);

        /** Non-blocking receive; null if empty. */
        Object poll();

        /**
         * Receives the way the subject's consumer waits: at most {@code millis} ms while the instance is empty; null
         * if nothing came. A subject that cannot wait polls once (the default).
         */
        default Object pollWaiting(long millis) throws InterruptedException {
            return poll();
        }
    }
}
