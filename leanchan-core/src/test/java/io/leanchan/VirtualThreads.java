package io.leanchan;

import java.lang.reflect.Method;

/** Virtual threads on JDK 21+, reached reflectively because the core's tests also compile and run on 17. */
final class VirtualThreads {
    private static final Method OF_VIRTUAL;
    private static final Method START;

    static {
        Method of = null;
        Method start = null;
        try {
            of = Thread.class.getMethod("ofVirtual");
            start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        } catch (ReflectiveOperationException e) {
            // JDK 17: no virtual threads
        }
        OF_VIRTUAL = of;
        START = start;
    }

    private VirtualThreads() {
    }

    static boolean available() {
        return OF_VIRTUAL != null;
    }

    static Thread start(Runnable task) {
        try {
            return (Thread) START.invoke(OF_VIRTUAL.invoke(null), task);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
