package io.leanchan;

import org.openjdk.jol.info.GraphLayout;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * JOL-based measurement of what a channel retains, with the method of issue 2: the object graph reachable
 * from the channel, its sender and its receiver, minus the messages, minus objects every channel shares.
 *
 * <p>Shared objects are found by identity without relying on addresses (a GC may move objects between two
 * parses): {@code shared = size(A) + size(B) - size(A and B together)} for an independent second channel B.
 */
final class Footprint {
    private Footprint() {
    }

    static long size(Object... roots) {
        return roots.length == 0 ? 0 : GraphLayout.parseInstance(roots).totalSize();
    }

    static Object[] roots(Channel<?> ch, Receiver<?> r) {
        return new Object[] {ch, ch.sender(), r};
    }

    /** Bytes retained by the channel, excluding {@code messages} (distinct leaf objects it holds). */
    static long retained(Channel<?> ch, Receiver<?> r, Object... messages) {
        Object[] mine = roots(ch, r);
        // The other channel has just grown (two messages: its one-slot field gave way to a ring), so it also
        // reaches the static objects a channel may point at in that state; they are shared, not its cost.
        Channel<Object> other = Channel.bounded(4);
        Object[] twoMessages = {new Object(), new Object()};
        other.sender().trySend(twoMessages[0]);
        other.sender().trySend(twoMessages[1]);
        Object[] theirs = roots(other, other.receiver());
        long mineSize = size(mine);
        long shared = mineSize + size(theirs) - size(concat(mine, theirs));
        return mineSize - shared - size(messages);
    }

    static Object[] concat(Object[] a, Object[] b) {
        Object[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes allocated so far by the current thread (what JMH's gc.alloc.rate.norm is made of). */
    static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** A 24-byte message: 12-byte header + long + int with compressed class pointers. */
    static final class Msg {
        final long a;
        final int b;

        Msg(long a, int b) {
            this.a = a;
            this.b = b;
        }
    }

    static Msg[] messages(int n) {
        Msg[] m = new Msg[n];
        for (int i = 0; i < n; i++) {
            m[i] = new Msg(i, i);
        }
        return m;
    }
}
