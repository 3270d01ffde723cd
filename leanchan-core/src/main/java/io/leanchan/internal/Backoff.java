package io.leanchan.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * How a thread waits for another thread's short step. Two kinds of wait, because on a virtual thread giving up
 * the carrier is safe for one and a livelock for the other.
 *
 * <pre>
 * pause: waiting for a thread that holds PLOCK (a grow, a switch, a give-back, a close) or a future's CLAIMED
 *   state. Spin, then Thread.yield(). The holder may be between steps of its own (a grower waiting for a slot),
 *   so the waiter lets others run.
 * awaitStore: waiting for a store that a thread has already committed to make: a sender that won the claim
 *   CAS for message k and has not yet written its slot (grow's copy, the receiver's settle, a future's take).
 *   That sender is running (nothing between its CAS and its store can unmount a virtual thread or block a
 *   platform one; only the OS can preempt its carrier, and the OS resumes it), so a virtual waiter spins
 *   without yielding; a platform waiter yields after a while (an OS yield, which helps a preempted writer).
 *
 * Why a virtual thread must not yield while it holds PLOCK (finding 10, docs/stress.md). Thread.yield of a
 * virtual thread whose carrier has nothing else queued resubmits it to the scheduler's shared (external) queue,
 * and a ForkJoinPool worker runs its own local queue first. A grower holding PLOCK that yielded that way in its
 * copy loop, while 999 senders yield-spun on PLOCK (each yield requeues them locally, so the local queues never
 * drain), never got a carrier again: 1,000 virtual senders on bounded(1024) hung in about 1 run in 3. The
 * holder's only wait is awaitStore, which never yields on a virtual thread.
 *
 * Why no wait sleeps (finding 11). Sleeping (or parkNanos) instead of yielding also avoided that livelock, but a
 * virtual thread woken by a timer goes through the same external queue: senders that poll a full channel with
 * trySend and Thread.yield() kept the carriers' local queues busy and a sleeping receiver was not mounted again
 * for seconds. A yield keeps the waiter in the local queues, where the yielders' FIFO turn comes round.
 * </pre>
 */
public final class Backoff {

    /** Busy spins ({@link Thread#onSpinWait()}) before the first yield. */
    static final int SPINS = 64;

    /** {@code Thread::isVirtual} (Java 21+), or null on Java 17. */
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    /** Not instantiable: static methods only. */
    private Backoff() {
    }

    /**
     * Looks up {@code Thread::isVirtual}.
     *
     * @return the handle, or null where the method does not exist (Java 17)
     */
    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /**
     * Whether {@code t} is a virtual thread (never, before Java 21).
     *
     * @param t a thread
     * @return true if {@code t} is virtual
     */
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
     * One step of waiting for a thread that holds PLOCK or a CLAIMED state: spin, then yield.
     *
     * @param spins how many steps this wait has taken before (0 for the first)
     */
    public static void pause(int spins) {
        if (spins < SPINS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /**
     * One step of waiting for a store that a running thread has committed to (a claimed slot): spin; a platform
     * thread yields after a while, a virtual thread never gives up its carrier (see above).
     *
     * @param spins how many steps this wait has taken before (0 for the first)
     */
    public static void awaitStore(int spins) {
        if (spins < SPINS || isVirtual(Thread.currentThread())) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }
}
