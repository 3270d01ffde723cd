package io.leanchan.stress;

import io.leanchan.Channel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Child-JVM probe for core v2 finding 10: virtual-thread senders on fresh channels (so that rings grow all the
 * time) with a platform sender among them, a virtual-thread receiver. Exits 0 if everyone finishes; if the
 * channel wedges (a grower holding PLOCK unmounted by its Thread.yield while the carriers are taken by virtual
 * threads spinning on PLOCK without yielding) a watchdog prints the stacks and exits 3.
 * Args: seconds (default 5).
 */
public final class PlockStarvationProbe {
    private PlockStarvationProbe() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
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
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        stop.set(true);
        for (Thread t : ts) {
            t.join();
        }
        System.out.println("PlockStarvationProbe: finished, " + sent + " sent, " + got + " received");
        System.exit(0);
    }
}
