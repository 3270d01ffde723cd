package io.leanchan;

import io.leanchan.internal.CoreHooks;
import org.junit.jupiter.api.Named;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared by the tests of issue 11's features (BlockingQueue view, iteration, batches, sender lifecycle). */
final class FeatureSupport {
    private FeatureSupport() {
    }

    /** The capacities the issue asks for: 1, 2, 16, 1024 and unbounded. */
    static Stream<Named<Supplier<Channel<Integer>>>> channels() {
        return Stream.of(
                Named.of("bounded(1)", () -> Channel.bounded(1)),
                Named.of("bounded(2)", () -> Channel.bounded(2)),
                Named.of("bounded(16)", () -> Channel.bounded(16)),
                Named.of("bounded(1024)", () -> Channel.bounded(1024)),
                Named.of("unbounded()", Channel::unbounded));
    }

    static Stream<Named<Supplier<Channel<Integer>>>> boundedChannels() {
        return channels().filter(n -> n.getPayload().get().capacity() != Integer.MAX_VALUE);
    }

    /** True if the channel's core implements {@link CoreHooks} (core v2; the old core does not). */
    static boolean hooked(Channel<?> ch) {
        return CoreHooks.of(ch) != null && CoreHooks.of(ch.receiver()) != null;
    }

    /**
     * Skips a test that needs {@link CoreHooks} on a core without them (the old core, before the core v2 swap).
     * Core v2 (the channel is its own receiver) must have them: there the test runs, and fails if they are missing.
     */
    static void assumeHooks(Channel<?> ch) {
        if (ch.receiver() == (Object) ch) {
            return; // core v2: run, whatever it implements
        }
        assumeTrue(hooked(ch), "needs CoreHooks in the core (core v2)");
    }

    /**
     * Skips a test that needs the core to complete {@link Sender#closed()} on close: the old core (whose receiver is
     * a separate view) cannot; core v2 must.
     */
    static void assumeCloseSignalled(Channel<?> ch) {
        assumeTrue(ch.receiver() == (Object) ch, "needs core v2: close() completes Sender.closed()");
    }

    static void awaitWaiting(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("thread never parked: " + t.getState());
            }
            if (!t.isAlive()) {
                return;
            }
            Thread.sleep(1);
        }
    }

    /** Runs {@code body} in a daemon thread, recording what it throws. */
    static final class Worker extends Thread {
        private final ThrowingRunnable body;
        volatile Throwable failure;

        interface ThrowingRunnable {
            void run() throws Exception;
        }

        Worker(String name, ThrowingRunnable body) {
            super(name);
            this.body = body;
            setDaemon(true);
        }

        static Worker start(String name, ThrowingRunnable body) {
            Worker w = new Worker(name, body);
            w.start();
            return w;
        }

        @Override
        public void run() {
            try {
                body.run();
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** Joins (at most 20 s) and rethrows what the body threw. */
        void finish() throws InterruptedException {
            join(TimeUnit.SECONDS.toMillis(20));
            if (isAlive()) {
                throw new AssertionError(getName() + " did not finish");
            }
            if (failure != null) {
                throw new AssertionError(getName() + " failed", failure);
            }
        }
    }
}
