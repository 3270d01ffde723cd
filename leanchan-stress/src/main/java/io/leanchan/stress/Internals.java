package io.leanchan.stress;

import io.leanchan.Channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Test-only read access to the state of {@code io.leanchan.internal.MpscChannel} (core v2), so that the stress
 * tests can check that a setup reaches the storage shape a race is about, and report which shape a race went
 * through. Works on the class path only (the core's module does not export its internals), which is how every test
 * in this module runs. Nothing here writes to the channel.
 *
 * <p>The v2 storage: no ring at all ({@code buffer == null}, the channel's own field {@code one} is a ring of one
 * slot), or a power-of-two ring {@code buffer}; the receiver's ring {@code rbuf} is the same ring, the sentinel
 * {@code MOVED} after a grow until the receiver switches, or null; {@code pending} (nonzero) marks a grow whose
 * stale-copy range the receiver has not cleaned yet. There is no padding in v2.
 */
public final class Internals {
    private static final Class<?> IMPL;
    private static final VarHandle BUFFER;
    private static final VarHandle RBUF;
    private static final VarHandle PENDING;
    private static final VarHandle ONE;
    private static final VarHandle P;
    private static final Object[] MOVED;
    private static final VarHandle SW;
    private static final VarHandle RX;
    private static final Class<?> QUEUE;
    private static final VarHandle HEAD;
    private static final VarHandle NEXT;
    private static final VarHandle NODE_STATE;

    static {
        try {
            IMPL = Class.forName("io.leanchan.internal.MpscChannel");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(IMPL, MethodHandles.lookup());
            BUFFER = l.findVarHandle(IMPL, "buffer", Object[].class);
            RBUF = l.findVarHandle(IMPL, "rbuf", Object[].class);
            PENDING = l.findVarHandle(IMPL, "pending", int.class);
            ONE = l.findVarHandle(IMPL, "one", Object.class);
            P = l.findVarHandle(IMPL, "p", long.class);
            MOVED = (Object[]) l.findStaticVarHandle(IMPL, "MOVED", Object[].class).get();
            SW = l.findVarHandle(IMPL, "sw", Object.class);
            RX = l.findVarHandle(IMPL, "rx", Object.class);
            QUEUE = Class.forName("io.leanchan.internal.SenderQueue");
            Class<?> node = Class.forName("io.leanchan.internal.SenderQueue$Node");
            MethodHandles.Lookup q = MethodHandles.privateLookupIn(QUEUE, MethodHandles.lookup());
            HEAD = q.findVarHandle(QUEUE, "head", node);
            MethodHandles.Lookup n = MethodHandles.privateLookupIn(node, MethodHandles.lookup());
            NEXT = n.findVarHandle(node, "next", node);
            NODE_STATE = n.findVarHandle(node, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Internals() {
    }

    /** The length of the channel's newest ring ({@code buffer}); 0 when there is none (the inline one-slot field). */
    public static int ringLength(Channel<?> ch) {
        Object[] b = (Object[]) BUFFER.getVolatile(ch);
        return b == null ? 0 : b.length;
    }

    /** True while the channel has no ring: its one message (if any) is in the inline field {@code one}. */
    public static boolean isInline(Channel<?> ch) {
        return BUFFER.getVolatile(ch) == null;
    }

    /** The inline field {@code one} (null when empty or when a ring is in use). */
    public static Object inline(Channel<?> ch) {
        return ONE.getVolatile(ch);
    }

    /**
     * The receiver's ring {@code rbuf}: its length, 0 for none (inline), -1 for the MOVED sentinel (a grow
     * happened and the receiver has not switched yet).
     */
    public static int receiverRingLength(Channel<?> ch) {
        Object[] b = (Object[]) RBUF.getVolatile(ch);
        return b == null ? 0 : b == MOVED ? -1 : b.length;
    }

    /** True if rbuf is the MOVED sentinel: a grow is published and the receiver has not switched. */
    public static boolean isMoved(Channel<?> ch) {
        return RBUF.getVolatile(ch) == MOVED;
    }

    /** True if {@code pending} is set: the stale-copy range of the last grow is not cleaned yet. */
    public static boolean hasPending(Channel<?> ch) {
        return (int) PENDING.getVolatile(ch) != 0;
    }

    /** The producer index (the next message number to be claimed): burnt numbers count. */
    public static long producerIndex(Channel<?> ch) {
        return (long) P.getVolatile(ch) >>> 4;
    }

    /**
     * The nodes linked in the channel's SenderQueue now: {@code [all, cancelled]} (a cancelled node stays linked
     * until a dequeue skips it); {@code [0, 0]} when the channel has no queue. Call it while the channel is quiet.
     */
    public static int[] linkedWaiters(Channel<?> ch) {
        Object o = SW.getVolatile(ch);
        int all = 0;
        int cancelled = 0;
        if (QUEUE.isInstance(o)) {
            for (Object nd = NEXT.getVolatile(HEAD.getVolatile(o)); nd != null; nd = NEXT.getVolatile(nd)) {
                all++;
                if ((int) NODE_STATE.getVolatile(nd) == 2) {
                    cancelled++;
                }
            }
        }
        return new int[] {all, cancelled};
    }

    /** The receive-state field {@code rx}: null, a parked Thread or a pending ReceiveFuture. */
    public static Object receiveWaiter(Channel<?> ch) {
        return RX.getVolatile(ch);
    }

    /** A short description of the storage shape, for messages: "inline", "ring 4", "ring 4 moved pending". */
    public static String shape(Channel<?> ch) {
        int len = ringLength(ch);
        return (len == 0 ? "inline" : "ring " + len) + (isMoved(ch) ? " moved" : "") + (hasPending(ch) ? " pending" : "");
    }

    /** A channel of the given capacity ({@code 0} for unbounded). */
    public static <T> Channel<T> channel(int capacity) {
        return capacity == 0 ? Channel.unbounded() : Channel.bounded(capacity);
    }
}
