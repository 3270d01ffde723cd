package io.leanchan;

import java.util.concurrent.TimeUnit;

/**
 * Run by {@link FaultTest} in a child JVM with a small heap: an unbounded channel grows until the JVM cannot
 * allocate its next ring. The messages are cached Integers (no allocation per message), so the ring is what
 * runs out. Afterwards the channel must still hold exactly what was delivered, in order, and work normally.
 * Prints "OK delivered=N" and exits 0, or prints what broke and exits 1.
 */
public final class OomProbe {
    private OomProbe() {
    }

    public static void main(String[] args) throws Exception {
        Channel<Integer> ch = Channel.unbounded();
        long delivered = 0;
        Throwable oom = null;
        try {
            while (true) {
                if (!ch.sender().trySend(Integer.valueOf((int) (delivered % 100)))) {
                    fail("trySend returned false on an unbounded channel at " + delivered);
                }
                delivered++;
            }
        } catch (OutOfMemoryError e) {
            oom = e;
        }
        if (ch.receiver().size() != delivered) {
            fail("size " + ch.receiver().size() + " but delivered " + delivered + " (" + oom + ")");
        }
        // the channel still works while nearly full: a ring that fits is there
        for (long k = 0; k < delivered; k++) {
            Integer x = ch.receiver().tryReceive();
            if (x == null || x != (int) (k % 100)) {
                fail("message " + k + " of " + delivered + " was " + x);
            }
        }
        if (ch.receiver().tryReceive() != null) {
            fail("a message beyond those delivered");
        }
        for (int i = 0; i < 10_000; i++) {
            ch.sender().send(i % 100);
        }
        for (int i = 0; i < 10_000; i++) {
            if (ch.receiver().receive(1, TimeUnit.SECONDS) != i % 100) {
                fail("after the OOM, message " + i);
            }
        }
        ch.close();
        if (!ch.receiver().isDrained()) {
            fail("not drained after close");
        }
        System.out.println("OK delivered=" + delivered + " error=" + oom.getMessage());
    }

    private static void fail(String why) {
        System.out.println("FAIL " + why);
        System.exit(1);
    }
}
