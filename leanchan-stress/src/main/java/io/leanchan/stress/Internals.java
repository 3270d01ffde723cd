package io.leanchan.stress;

import io.leanchan.Channel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;

/**
 * Test-only access to the state of {@code io.leanchan.internal.MpscChannel}, so that the stress tests can put a
 * channel into a given shape (padded words) and report which shape a race went through (ring length).
 * Works on the class path only (the core's module does not export its internals), which is how every test in
 * this module runs. Nothing here changes the algorithm: {@link #inflate} calls the channel's own inflation.
 */
public final class Internals {
    private static final Class<?> IMPL;
    private static final VarHandle BUFFER;
    private static final VarHandle HOT;
    private static final MethodHandle TRY_INFLATE;

    static {
        try {
            IMPL = Class.forName("io.leanchan.internal.MpscChannel");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(IMPL, MethodHandles.lookup());
            BUFFER = l.findVarHandle(IMPL, "buffer", Object[].class);
            HOT = l.findVarHandle(IMPL, "hot", long[].class);
            Method m = IMPL.getDeclaredMethod("tryInflate");
            m.setAccessible(true);
            TRY_INFLATE = MethodHandles.lookup().unreflect(m);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Internals() {
    }

    /** The length of the channel's ring now (0: no storage, the shared empty array). */
    public static int ringLength(Channel<?> ch) {
        return ((Object[]) BUFFER.getVolatile(ch)).length;
    }

    /** True once the channel's two words live in the padded array. */
    public static boolean isPadded(Channel<?> ch) {
        return HOT.getVolatile(ch) != null;
    }

    /**
     * Moves the channel to padded words now, as contention on the producer word would (the channel's own
     * {@code tryInflate}). Call it while no other thread uses the channel.
     */
    public static <C extends Channel<?>> C inflate(C ch) {
        try {
            TRY_INFLATE.invoke(ch);
        } catch (Throwable t) {
            throw new IllegalStateException("could not inflate " + ch, t);
        }
        if (!isPadded(ch)) {
            throw new IllegalStateException("channel did not inflate: " + ch);
        }
        return ch;
    }

    /** A channel of the given capacity ({@code 0} for unbounded), padded if asked. */
    public static <T> Channel<T> channel(int capacity, boolean padded) {
        Channel<T> ch = capacity == 0 ? Channel.unbounded() : Channel.bounded(capacity);
        return padded ? inflate(ch) : ch;
    }
}
