package io.leanchan.bench;

/**
 * The one non-blocking shape every throughput subject is measured through: {@code offer} from any number of
 * producer threads, {@code poll} from one consumer thread. Each JMH fork creates one subject only, so the
 * calls through this interface are monomorphic and inline.
 */
public interface Pipe {
    /** @return false if full */
    boolean offer(Object m);

    /** @return the next message, or null if empty */
    Object poll();
}
