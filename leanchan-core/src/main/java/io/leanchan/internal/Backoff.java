package io.leanchan.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * How a thread waits for another thread's short step: a claimed slot being written, PLOCK held for a grow or a
 * switch, a future's CLAIMED state. Spin, then yield, then, on a virtual thread only, sleep a little.
 *
 * <pre>
 * Why a virtual thread must not only yield. Thread.yield of a virtual thread whose carrier has nothing else
 * queued resubmits it to the scheduler's shared (external) queue, and a ForkJoinPool worker runs its own local
 * queue first. If the thread that holds the step yields that way (a grower waiting for a slot that a sender
 * claimed before the lock) while the others spin-yield on it (each of their yields requeues them locally, so the
 * local queues never drain), the holder never gets a carrier again: a livelock, seen with 1,000 virtual senders
 * on bounded(1024), about 1 run in 3 from a fresh JVM (the grower starved holding PLOCK, 999 senders yielding on
 * it, the receiver spinning). A sleep takes the waiter off the queues, so the holder runs.
 *
 * Permits. A virtual thread's sleep never loses a LockSupport permit: it leaves one set, so the caller's next
 * park may return at once, which every park loop in this package tolerates (each re-checks its condition). A
 * platform thread keeps yielding (the OS scheduler is fair to a preempted holder), so its permit is untouched.
 * On Java 17 there are no virtual threads and this is spin-then-yield.
 *
 * Interrupts. The sleep is not an interruption point: the interrupt status is cleared for the sleep and set
 * again after it (also if the sleep was interrupted), so callers see it as before.
 * </pre>
 */
public final class Backoff {

    /** Busy spins ({@link Thread#onSpinWait()}) before the first yield. */
    static final int SPINS = 64;
    /** Yields before a virtual thread starts to sleep. */
    static final int YIELDS = 16;
    /** The longest sleep of one step, in nanoseconds. */
    static final long MAX_SLEEP_NANOS = 100_000L;

    /** {@code Thread::isVirtual} (Java 21+), or null on Java 17. */
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private Backoff() {
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** Whether {@code t} is a virtual thread (never, before Java 21). */
    static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * One step of waiting for another thread.
     *
     * @param spins how many steps this wait has taken before (0 for the first)
     */
    public static void pause(int spins) {
        if (spins < SPINS) {
            Thread.onSpinWait();
            return;
        }
        Thread me = Thread.currentThread();
        if (spins < SPINS + YIELDS || !isVirtual(me)) {
            Thread.yield();
            return;
        }
        long nanos = Math.min(1_000L << Math.min(spins - SPINS - YIELDS, 20), MAX_SLEEP_NANOS);
        boolean interrupted = Thread.interrupted();
        try {
            Thread.sleep(0L, (int) nanos);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                me.interrupt();
            }
        }
    }
}
