package io.leanchan;

import io.leanchan.internal.CoreHooks;
import org.junit.jupiter.api.Named;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

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

    /** True if the channel's core implements {@link CoreHooks}. */
    static boolean hooked(Channel<?> ch) {
        return CoreHooks.of(ch) != null && CoreHooks.of(ch.receiver()) != null;
    }

    /** Fails unless the core implements {@link CoreHooks} (peek, awaitAvailable, lifecycle): core v2 does. */
    static void requireHooks(Channel<?> ch) {
        assertThat(hooked(ch)).as("the core implements CoreHooks").isTrue();
    }

    /** Fails unless the core is v2: one object is the channel, its sender and receiver (close completes closed()). */
    static void requireCoreV2(Channel<?> ch) {
        // Not assertThat(receiver): a receiver is an Iterable, and a failing assertion would print it by iterating.
        assertThat(ch.receiver() == (Object) ch).as("receiver() is the channel (core v2)").isTrue();
    }

    /** A stall report: the channel and the stacks of the test's worker threads (daemon threads it started). */
    static String stallReport(Object channel) {
        StringBuilder b = new StringBuilder("stalled: ").append(channel);
        for (java.util.Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey() instanceof Worker) {
                b.append('\n').append(e.getKey().getName()).append(' ').append(e.getKey().getState());
                for (StackTraceElement f : e.getValue()) {
                    b.append("\n    at ").append(f);
                }
            }
        }
        return b.toString();
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
