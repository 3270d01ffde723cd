package io.leanchan.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * One submitter's tasks (or messages) in a framework benchmark, and the wait that keeps their backlog bounded. The
 * submitter hands the same {@code BatchGate} (a {@link Runnable}) to the framework {@link #BATCH} times per
 * benchmark invocation; the framework's consumer thread runs it, which counts, and every {@link #BATCH}th run
 * publishes the count and wakes the submitter if it waits. Before each batch the submitter waits until at most one
 * earlier batch is still queued ({@link #awaitOutstanding(long)} with {@link #AHEAD}), so that it can never outrun
 * the consumer by more than two batches: the figure is the framework's steady throughput, not the growth of an
 * unbounded backlog, and the consumer always has the next batch queued while the submitter is parked.
 *
 * <p>Waiting parks (with a 1 ms safety net), never spins: on 2 cores a spinning submitter would take the core the
 * consumer needs. The submitter's {@code waiter} store and the consumer's {@code done} store are both volatile and
 * each reads the other's after its own, so a wake-up cannot be lost.
 */
final class BatchGate implements Runnable {
    /** Tasks per benchmark invocation (and per wake-up): JMH's {@code @OperationsPerInvocation}. */
    static final int BATCH = 1024;
    /**
     * How many of its tasks a submitter may leave queued when it starts the next batch: one batch, or
     * {@code -Dleanchan.bench.batchesAhead=N} batches (pass it to the forks: {@code -jvmArgsAppend
     * -Dleanchan.bench.batchesAhead=3}). More batches ahead cover a longer wake-up of the parked submitter, so the
     * consumer runs dry less often; the suite runs with one.
     */
    static final long AHEAD = BATCH * (long) Integer.getInteger("leanchan.bench.batchesAhead", 1);

    /** Runs so far: written by the consumer thread only. */
    private long ran;
    /** {@link #ran} as of the last completed batch, published to the submitter. */
    private volatile long done;
    /** The submitter while it waits, else null. */
    private volatile Thread waiter;
    /** Tasks handed to the framework: the submitter's own count. */
    long submitted;

    /** Consumer side: one task (message) done. */
    @Override
    public void run() {
        long r = ++ran;
        if ((r & (BATCH - 1)) == 0) {
            done = r;
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    /** Submitter side: waits until at most {@code outstanding} of its tasks are not yet done. */
    void awaitOutstanding(long outstanding) {
        long target = submitted - outstanding;
        if (done >= target) {
            return;
        }
        waiter = Thread.currentThread();
        while (done < target) {
            LockSupport.parkNanos(1_000_000L);
        }
        waiter = null;
    }

    /**
     * Submitter side, at the end of an iteration: waits until every task it handed over ran, so no backlog carries
     * into the next iteration, and checks that each ran exactly once.
     */
    void drain() {
        awaitOutstanding(0);
        if (done != submitted) {
            throw new IllegalStateException("submitted " + submitted + " tasks, " + done + " ran");
        }
    }
}
