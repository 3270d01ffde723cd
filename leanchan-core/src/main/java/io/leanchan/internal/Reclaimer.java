package io.leanchan.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Gives idle channels' rings back when nobody calls them (issue 25): one shared daemon thread, started lazily,
 * that visits only the channels that hold a ring.
 *
 * <pre>
 * Why. The receiver gives its ring back when it finds the channel empty and the retention policy says so; a
 * waiting receive lingers 2 ms and gives it back. A consumer that only polls keeps the ring on credit after a
 * repeated burst, and one that stops calling (a Pekko mailbox, a Netty loop with nothing to do, a Reactor sink
 * whose subscriber has what it asked for) never gets to decide. Something has to act on time.
 *
 * Registry. A sender that grows a channel from the one-slot field to its first ring (under PLOCK, once per ring
 * life) registers the channel after releasing PLOCK: one Entry (a WeakReference to the channel, 40 bytes with
 * compressed oops) pushed on a lock-free stack. The channel keeps no reference to its entry, so it stays 64 bytes,
 * and a channel nobody references is collected as usual (its entry is dropped at the next visit). A channel that
 * regrows a ring before its old entry was dropped may be listed twice for one pass: harmless.
 *
 * The daemon ("leanchan-reclaimer") takes the stack into its own list and visits every entry each PERIOD
 * (50 ms). A visit (ChannelReceive.reclaim) looks without any claim first: no ring, the entry goes; traffic since
 * the last visit (C moved) or messages held, it stays. Empty and quiet for QUIET_VISITS visits in a row (400 ms),
 * with no receive waiting or pending: it claims the receive state with the RECLAIM mark (a CAS of owner from the idle id to id | BUSY |
 * RECLAIM), gives the ring back exactly as the receiver would (PLOCK, only if P's index equals C), and releases.
 * A receive that meets the mark waits for the release (a few steps with no user code) instead of failing: the
 * reclaimer never makes a concurrent receive fail, and never waits for one (a busy channel is visited again next
 * period). So a channel that goes idle returns to its idle size 400 to 450 ms after its last message, whatever its
 * consumer does; a channel in use is never touched.
 *
 * The thread exits after IDLE_PASSES passes with nothing listed and is started again by the next registration
 * (state: 0 stopped, 1 running; the exiting thread looks at the stack once more after it stops).
 *
 * Cost. Threads: one daemon while any channel holds a ring, none otherwise. Memory: one 40-byte entry per channel
 * that holds a ring, not reachable from the channel. Hot paths: nothing (registration is on the grow from the
 * one-slot field; the receive side reads the RECLAIM mark only where a claim already failed). CPU: one visit per
 * listed channel per period (a few volatile reads).
 *
 * Fields. TOP (the stack): CAS by registering senders, getAndSet by the daemon. STATE: CAS. The daemon's list and
 * each Entry's lastC and quiet fields are confined to the daemon thread.
 * </pre>
 */
final class Reclaimer implements Runnable {
    /** How often the daemon visits each listed channel. */
    static final long PERIOD_NANOS = 50_000_000L;
    /**
     * Visits in a row that must find a channel empty and quiet (C unchanged) before its ring is given back: 8, so a
     * ring goes 400 to 450 ms after the channel's last message. Long enough that a burst pattern with pauses of a
     * few hundred milliseconds keeps its ring (the retention policy's job), short enough for issue 25's 1 s.
     */
    static final int QUIET_VISITS = 8;
    /** Passes with nothing listed before the daemon exits. */
    static final int IDLE_PASSES = 20;

    /** A listed channel: weakly referenced, with what the daemon saw at its last visit. */
    static final class Entry extends WeakReference<ChannelState<?>> {
        /** The next entry on the registration stack. */
        Entry next;
        /** The consumer index at the last visit; -1 before the first. */
        long lastC = -1;
        /** Visits in a row that found the channel empty with C at lastC. */
        int quiet;

        /**
         * An entry for {@code ch}.
         *
         * @param ch the channel that just grew its first ring
         */
        Entry(ChannelState<?> ch) {
            super(ch);
        }
    }

    /** Access to {@link #top}. */
    private static final VarHandle TOP;
    /** Access to {@link #state}. */
    private static final VarHandle STATE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TOP = l.findStaticVarHandle(Reclaimer.class, "top", Entry.class);
            STATE = l.findStaticVarHandle(Reclaimer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Registrations not yet taken by the daemon (a Treiber stack). */
    @SuppressWarnings("unused") private static volatile Entry top;
    /** 0: no daemon; 1: a daemon runs (or is starting). */
    @SuppressWarnings("unused") private static volatile int state;

    /** The daemon's own list of entries. */
    private final ArrayList<Entry> listed = new ArrayList<>();

    /** Only the daemon's instance. */
    private Reclaimer() {
    }

    /**
     * Lists a channel that has just grown its first ring, and starts the daemon if none runs. Allocates one entry;
     * never throws (a channel that cannot be listed keeps the retention policy alone).
     *
     * @param ch the channel
     */
    static void register(ChannelState<?> ch) {
        try {
            Entry e = new Entry(ch);
            for (;;) {
                Entry t = top;
                e.next = t;
                if (TOP.compareAndSet(t, e)) {
                    break;
                }
            }
            if (state == 0 && STATE.compareAndSet(0, 1)) {
                start();
            }
        } catch (Throwable t) {
            // an OutOfMemoryError, or no thread could be started: the channel keeps the retention policy alone
        }
    }

    /** Starts the daemon (the caller set state to 1). */
    private static void start() {
        try {
            Thread t = new Thread(new Reclaimer(), "leanchan-reclaimer");
            t.setDaemon(true);
            t.setContextClassLoader(null); // keeps no application's class loader alive
            t.start();
        } catch (Throwable e) {
            STATE.setVolatile(0); // the next registration tries again
            throw e;
        }
    }

    @Override
    public void run() {
        int idle = 0;
        for (;;) {
            LockSupport.parkNanos(this, PERIOD_NANOS);
            take();
            if (listed.isEmpty()) {
                if (++idle < IDLE_PASSES) {
                    continue;
                }
                STATE.setVolatile(0);
                // a registration between our take and the stop found state 1 and started nobody: look once more
                if (top == null || !STATE.compareAndSet(0, 1)) {
                    return;
                }
                idle = 0;
                continue;
            }
            idle = 0;
            pass();
        }
    }

    /** Moves the registration stack into the daemon's list. */
    private void take() {
        for (Entry e = (Entry) TOP.getAndSet((Entry) null); e != null; ) {
            Entry n = e.next;
            e.next = null;
            listed.add(e);
            e = n;
        }
    }

    /** Visits every listed channel once, dropping the entries whose channel is gone or holds no ring. */
    private void pass() {
        int kept = 0;
        for (int i = 0, n = listed.size(); i < n; i++) {
            Entry e = listed.get(i);
            ChannelState<?> ch = e.get();
            boolean keep;
            try {
                keep = ch != null && ch.reclaim(e);
            } catch (Throwable t) {
                keep = true; // never let one channel stop the daemon; it is visited again
            }
            if (keep) {
                listed.set(kept++, e);
            }
        }
        for (int i = listed.size() - 1; i >= kept; i--) {
            listed.remove(i);
        }
    }
}
