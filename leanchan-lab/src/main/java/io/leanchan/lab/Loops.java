package io.leanchan.lab;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;

/**
 * The allocation-measuring loops. {@link #isolated()} defines a fresh hidden copy of this class, so that each
 * subject is measured by loop code whose JIT profile has seen only that subject (and the zero-allocation ring):
 * the result does not depend on which subjects ran before, and the calls into the subject are inlined as a
 * single-subject caller (like a JMH benchmark) would inline them.
 */
public final class Loops implements LoopRunner {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static byte[] bytes;

    public Loops() {
    }

    /** A new copy of these loops, with its own JIT profile. */
    public static LoopRunner isolated() {
        try {
            synchronized (Loops.class) {
                if (bytes == null) {
                    try (InputStream in = Loops.class.getResourceAsStream("Loops.class")) {
                        if (in == null) {
                            return new Loops();
                        }
                        bytes = in.readAllBytes();
                    }
                }
            }
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (LoopRunner) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (IOException e) {
            return new Loops();
        } catch (Throwable t) {
            throw new IllegalStateException("cannot define a copy of the measuring loops", t);
        }
    }

    @Override
    public long steady(Subject.Instance x, Object[] msgs, int n) {
        int mask = msgs.length - 1;
        long t0 = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            if (!x.offer(msgs[i & mask]) || x.poll() == null) {
                throw new IllegalStateException("one message in flight: send or receive failed");
            }
        }
        return THREADS.getCurrentThreadAllocatedBytes() - t0;
    }

    @Override
    public long burst(Subject.Instance x, Object[] msgs, int rounds) {
        long t0 = THREADS.getCurrentThreadAllocatedBytes();
        for (int r = 0; r < rounds; r++) {
            for (Object m : msgs) {
                if (!x.offer(m)) {
                    throw new IllegalStateException("burst: the subject refused a message before its capacity");
                }
            }
            int got = 0;
            while (x.poll() != null) {
                got++;
            }
            if (got != msgs.length) {
                throw new IllegalStateException("burst: drained " + got + " of " + msgs.length);
            }
        }
        return THREADS.getCurrentThreadAllocatedBytes() - t0;
    }
}
