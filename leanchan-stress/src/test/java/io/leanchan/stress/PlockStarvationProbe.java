package io.leanchan.stress;

import io.leanchan.Channel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Child-JVM probe for core v2 findings 10 and 11: virtual-thread senders on fresh channels (so that rings grow all
 * the time) with a platform sender among them, a virtual-thread receiver. Exits 0 if everyone finishes; if the
 * channel wedges (finding 10: a grower holding PLOCK unmounted by its Thread.yield while the carriers are taken by
 * virtual threads spinning on PLOCK without yielding) a watchdog prints the stacks and exits 3.
 *
 * <p>A platform monitor also measures the longest time the receiver took nothing while the senders ran (finding
 * 11: the receiver, a virtual thread sleeping in the core's backoff while it waits for PLOCK, is not mounted again
 * while the senders yield-spin on the full channel; the channel makes no progress until they stop) and prints it.
 * With {@code strict}, a stall of {@link #STALL_MILLIS} or more exits 4.
 * Args: seconds (default 5), then optionally {@code strict}.
 */
public final class PlockStarvationProbe {
    /** The longest the receiver may take nothing while the senders run, in strict mode. */
    static final long STALL_MILLIS = 2_000;

    private PlockStarvationProbe() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
        boolean strict = args.length > 1 && args[1].equals("strict");
        AtomicReference<Channel<Integer>> current = new AtomicReference<>(Channel.bounded(4096));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        AtomicLong got = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        // the receiver first: a virtual thread started after busy ones may wait long for a carrier (JDK scheduler)
        ts.add(Thread.ofVirtual().start(() -> {
            List<Integer> sink = new ArrayList<>();
            int n = 0;
            while (!stop.get()) {
                Channel<Integer> ch = current.get();
                sink.clear();
                n += ch.receiver().drainTo(sink, 256);
                got.addAndGet(sink.size());
                if (sink.isEmpty()) {
                    Thread.yield();
                }
                if (n >= 4096) {
                    n = 0;
                    current.set(Channel.bounded(4096)); // a fresh channel: grows again from the inline field
                }
            }
        }));
        for (int p = 0; p < 8; p++) {
            Runnable task = () -> {
                for (int i = 0; !stop.get(); i++) {
                    if (current.get().sender().trySend(i)) {
                        sent.incrementAndGet();
                    } else {
                        Thread.yield(); // full: let the receiver run (a well-behaved virtual thread never spins)
                    }
                    if ((i & 63) == 0) {
                        Thread.yield();
                    }
                }
            };
            ts.add(p == 0 ? Thread.ofPlatform().start(task) : Thread.ofVirtual().start(task));
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds + 15));
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("PlockStarvationProbe: wedged (sent " + sent + ", received " + got + "); stacks:");
            Thread.getAllStackTraces().forEach((t, st) -> {
                System.err.println("  " + t.getName() + " " + t.getState());
                for (int k = 0; k < Math.min(8, st.length); k++) {
                    System.err.println("      at " + st[k]);
                }
            });
            Runtime.getRuntime().halt(3);
        });
        watchdog.setDaemon(true);
        watchdog.start();
        // finding 11: the longest window in which the receiver took nothing (sampled every 10 ms while running)
        AtomicLong longestStall = new AtomicLong();
        AtomicLong stallStart = new AtomicLong();
        long t0 = System.nanoTime();
        Thread monitor = Thread.ofPlatform().daemon().start(() -> {
            long last = got.get();
            long since = System.nanoTime();
            while (!stop.get()) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
                long now = System.nanoTime();
                long g = got.get();
                if (g != last) {
                    last = g;
                    since = now;
                } else if (!stop.get() && now - since > longestStall.get()) {
                    longestStall.set(now - since);
                    stallStart.set(since);
                }
            }
        });
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        stop.set(true);
        monitor.join();
        for (Thread t : ts) {
            t.join();
        }
        long stallMs = TimeUnit.NANOSECONDS.toMillis(longestStall.get());
        System.out.println("PlockStarvationProbe: finished, " + sent + " sent, " + got + " received; longest stall of the "
                + "receiver " + stallMs + " ms" + (stallMs > 0 ? " (from " + TimeUnit.NANOSECONDS.toMillis(stallStart.get() - t0)
                + " ms into the run)" : ""));
        System.exit(strict && stallMs >= STALL_MILLIS ? 4 : 0);
    }
}
