package io.leanchan.lab;

import java.io.PrintStream;

/** Progress lines on stderr, only once a run has taken longer than a couple of seconds. */
public final class Progress {
    private static final long QUIET_NANOS = 2_000_000_000L;
    private final PrintStream err;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastPrint;
    private boolean printed;

    public Progress(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    public static Progress none() {
        return new Progress(System.err, false);
    }

    public void step(int i, int total, String what) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - start < QUIET_NANOS || now - lastPrint < 1_000_000_000L) {
            return;
        }
        lastPrint = now;
        printed = true;
        err.printf("leanchan-lab: [%d/%d] %s (%.0f s)%n", i, total, what, (now - start) / 1e9);
    }

    public void done(String what) {
        if (enabled && printed) {
            err.printf("leanchan-lab: done, %s in %.1f s%n", what, (System.nanoTime() - start) / 1e9);
        }
    }
}
