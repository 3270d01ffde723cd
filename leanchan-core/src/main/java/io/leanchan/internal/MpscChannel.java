package io.leanchan.internal;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.Sender;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one implementation behind {@link Channel#bounded(int)} and {@link Channel#unbounded()}: a
 * multi-producer single-consumer ring whose length follows what it holds. The channel object is its own
 * {@link Sender} and {@link Receiver}, so a channel with its two handles is one 64-byte object.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread prior to sending a message happen-before actions
 * subsequent to the receipt of that message in another thread.
 *
 * <h2>Implementation overview</h2>
 *
 * <pre>
 * Storage. Message number k (counting from 0 over the channel's life) lives in slot k &amp; (L - 1) of a ring
 * of L slots, L a power of two. With no ring (buffer == null, the state of a new channel) the channel
 * object's own field `one` is a ring of one slot: a channel that carries one message at a time never
 * allocates storage. A ring grows by doubling (never past nextPow2(capacity), at most 2^30 slots), by a
 * sender that finds it full; it is given back by the receiver when it finds the channel empty and the
 * retention policy ({@link Retention}) says so.
 *
 * The producer word P = index &lt;&lt; 4 | SWAIT | RWAIT | CLOSED | PLOCK
 *   index : the next message number to be claimed by a sender
 *   PLOCK : held by whoever changes the storage (a growing sender; the receiver when it switches to a new
 *           ring or gives its ring back) or by close() for one CAS; never on the fast paths
 *   CLOSED: set once, by close()
 *   RWAIT : the receiver is parked (or a receiveAsync is pending): the sender whose claim clears it wakes it
 *   SWAIT : senders may be waiting in the SenderQueue for room
 * The consumer index C: the next message number to be received. Written only by the receiver.
 *
 * Field writers and orderings.
 *   P: CAS by senders (claim; set SWAIT), by the receiver (set RWAIT; lock for a switch or a give-back), by
 *     close(); release-stores by the lock holder (unlock). While PLOCK is set nobody else writes P.
 *   C: release-stores by the receiver only, after it cleared the slot (so a sender that sees C > k may
 *     reuse slot k); read with acquire by senders (room) and by observers (size, isDrained).
 *   buffer (the newest ring), pending, rbuf: written only under PLOCK, published by the release of P.
 *     Senders read buffer and pending after an acquire of P: a sender whose claim CAS succeeds from the
 *     value v used the buffer and pending that were current at v (every storage change moves P's index:
 *     a grow claims one, a give-back burns one, and a switch restores P unchanged but changes nothing a
 *     sender reads).
 *   rbuf (the receiver's ring, MOVED after a grow): read by the receiver (opaque).
 *   slots and `one`: written by the sender that claimed the index (release), read by the receiver
 *     (acquire), cleared by the receiver (plain, ordered before its release of C).
 *   owner: the id of the thread allowed the receive fast path; CAS by a thread that takes over, 0 while a
 *     receiveAsync is pending. rx: null, the parked receiving Thread, or the pending ReceiveFuture (CAS).
 *     An idle channel references no Thread.
 *   sw: null, the Lifecycle record alone, or the SenderQueue (carrying the record); CAS by senders
 *     (create), by lifecycle() (publish), and by the receiver (replace an empty queue by its record).
 *   rstate: receiver-private (the retention policy).
 *
 * Send (fast path, 1 CAS). Read P (acquire); locked or closed: slow path. Read buffer, C (acquire) and
 * pending. Room: index - base &lt; L and index - C &lt; capacity, where base = C, or the consumer index
 * that the last grow started copying from while the receiver has not switched yet (see Grow). CAS P from v
 * to v + 1 (clearing RWAIT), release-store the message into its slot, and if v had RWAIT, wake the
 * receiver. No other shared field is read or written.
 *
 * Take (fast path, no atomic). If rx is the current thread: read C and rbuf (plain, both receiver-owned
 * in effect), read the slot (acquire); a message: clear the slot, release-store C + 1, and read P (opaque)
 * for SWAIT. An empty slot: read P; its index equal to C means empty; otherwise a sender has claimed C:
 * either it is still writing (spin: bounded by the sender's few instructions) or the message is in a newer
 * ring (buffer != rbuf, or rbuf == MOVED): switch.
 *
 * Grow (a sender, holding PLOCK, finding the ring full and the capacity not reached). The new ring is
 * allocated under the lock, so a sender that loses the race to grow allocates nothing; an OutOfMemoryError
 * (there or anywhere in the grow) restores P as it was, and nothing had been published. Read a = C. Copy messages
 * [a, index) into the new ring at their message numbers, waiting for each claimed slot to be published or
 * consumed (a slot is null and a &lt;= k &lt; C: consumed). The receiver is NOT frozen: it may go on taking
 * from the old ring while the copy runs, so the new ring may hold copies of messages that it then takes
 * from the old one: the stale range [a, C at the switch). Write the sender's own message, set
 * pending = a (low 31 bits, tagged), rbuf = MOVED (so the old ring is unreachable from the channel at once:
 * a full channel holds one ring), publish buffer, release P with index + 1.
 * Why senders respect `pending`: a stale copy of message j sits in the slot of message j + L. Until the
 * receiver has cleared the stale range, senders count room from a (index - a &lt; L), so no sender writes
 * message j + L for j &gt;= a, and no real message can be overwritten by the receiver's clearing.
 *
 * Switch (the receiver, finding rbuf == MOVED or buffer != rbuf). Take PLOCK (a CAS on a rare path), clear
 * the stale slots [a, C) of the new ring, set pending = 0 and rbuf = buffer, restore P unchanged.
 *
 * Give back (the receiver, finding the channel empty, if Retention says so). CAS P to PLOCK only if its
 * index equals C (nothing claimed, so nothing is being written), point buffer and rbuf at null (the
 * one-slot field), release C + 1 and then P with index + 1: the burnt number makes every stale claim CAS
 * fail, and C is written first so that an observer never sees a phantom message.
 *
 * Waking the receiver. The receiver sets RWAIT with a CAS that expects P's index to equal C (the channel
 * is still empty at that instant), then parks. A sender's claim CAS clears RWAIT, so exactly one sender
 * sees it and wakes the receiver (unpark, or fulfil the pending future) after publishing its message.
 * Both sides are CASes on P: no Dekker pair of plain accesses, no lost wake-up.
 *
 * Waking senders. A sender that finds the channel full links a node into the SenderQueue (lock-free FIFO),
 * sets SWAIT (CAS on P), tries again and parks. After each take the receiver reads P; SWAIT set: wake the
 * oldest node. The receiver's read of P follows its release of C without a fence (the fast path has
 * none), so a sender that links itself just as the receiver takes may miss that take's room and the
 * receiver may miss its SWAIT (store-buffer reordering). Every later take sees SWAIT; the receiver also
 * checks with a fence whenever it finds the channel empty and before it parks; and every sender, once linked,
 * parks first for at most SENDER_RECHECK_NANOS and looks at the room again, so the race costs at most 50 us.
 *
 * One receiver. owner == the current thread's id lets a receive take the fast path. Another thread takes over
 * with a CAS (a handover: the previous owner's receives happened-before, as the single-consumer contract
 * requires). A thread parked in a receive, and a pending receiveAsync, hold the receive state: every other
 * receive attempt fails with IllegalStateException (exactly; a CAS decides it). A takeover between two
 * threads that make non-waiting receives at the same time without any ordering (misuse) is NOT detected:
 * the owner's take is plain loads and stores (read C and the slot, clear the slot, release C + 1), so a
 * thread that took over can read the same C and slot before the displaced owner's stores are visible (the
 * message is delivered twice), and the displaced owner's late store of C can move C backwards over the new
 * owner's takes (their slots are empty below P's index: every later take waits for a publication that never
 * comes). Telling a mid-take owner from an idle one needs a StoreLoad fence or an atomic on the owner's side,
 * i.e. on every take, which is what this design leaves out (docs/stress.md, finding 7).
 *
 * Index range. P keeps 60 bits of index: 2^60 messages over a channel's life.
 * </pre>
 *
 * @param <T> the type of the messages
 */
public final class MpscChannel<T> implements Channel<T>, Sender<T>, Receiver<T>, CoreHooks<T> {

    /** The capacity of an unbounded channel. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;
    /** The longest ring: the largest power of two an array can have. */
    static final int MAX_RING = 1 << 30;
    /** The receiver's ring after a grow moved it: one slot, always empty, so the fast path finds nothing. */
    static final Object[] MOVED = new Object[1];

    /** P's lock bit: held by whoever changes the storage, or by close() for one CAS. */
    static final long PLOCK = 1L;
    /** P's closed bit: set once, by close(). */
    static final long CLOSED = 2L;
    /** P's receiver-waiting bit: the sender whose claim clears it wakes the receiver. */
    static final long RWAIT = 4L;
    /** P's senders-waiting bit: senders may be linked in the SenderQueue. */
    static final long SWAIT = 8L;
    /** Position of the index in P. */
    static final int PSHIFT = 4;
    /** One index step in P: a claim adds it. */
    static final long PSTEP = 1L << PSHIFT;

    /** A waiting sender's first re-check of the room (see "Waking senders"); later ones back off 4x each. */
    static final long SENDER_RECHECK_NANOS = 50_000L;
    /** Polls before parking: a party that keeps up answers within a few hundred nanoseconds. */
    static final int SPINS = 32;

    /** Result of {@link #offer}: delivered, nobody to wake. */
    static final int OK = 0;
    /** Result of {@link #offer}: delivered, and the caller must wake the receiver (its claim cleared RWAIT). */
    static final int WAKE = 1;
    /** Result of {@link #offer}: no room; nothing was delivered. */
    static final int FULL = 2;
    /** Result of offerSlow: look again (P changed, or PLOCK was held). */
    private static final int RETRY = 3;

    /** Access to {@link #p}: acquire reads, claim and flag CASes, release by the lock holder. */
    private static final VarHandle P;
    /** Access to {@link #c}: acquire reads, release-stores by the receiver. */
    private static final VarHandle C;
    /** Access to {@link #buffer}: published with release under PLOCK. */
    private static final VarHandle BUF;
    /** Access to {@link #rbuf}: opaque reads by the receiver. */
    private static final VarHandle RBUF;
    /** Access to {@link #one}: release-stores by senders, acquire reads by the receiver and a grower. */
    private static final VarHandle ONE;
    /** Access to {@link #rx}, for its CASes. */
    private static final VarHandle RX;
    /** Access to {@link #owner}, for the takeover CAS. */
    private static final VarHandle OWNER;
    /** Access to {@link #sw}, for its CASes. */
    private static final VarHandle SW;
    /** Access to ring slots: release-stores by senders, acquire reads by the receiver and a grower. */
    private static final VarHandle OA = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            P = l.findVarHandle(MpscChannel.class, "p", long.class);
            C = l.findVarHandle(MpscChannel.class, "c", long.class);
            BUF = l.findVarHandle(MpscChannel.class, "buffer", Object[].class);
            RBUF = l.findVarHandle(MpscChannel.class, "rbuf", Object[].class);
            ONE = l.findVarHandle(MpscChannel.class, "one", Object.class);
            RX = l.findVarHandle(MpscChannel.class, "rx", Object.class);
            OWNER = l.findVarHandle(MpscChannel.class, "owner", int.class);
            SW = l.findVarHandle(MpscChannel.class, "sw", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Layout (compressed oops): 12-byte header, 4 ints, 2 longs, 5 references = 64 bytes.
    /** The most messages the channel holds; {@link #UNBOUNDED} for an unbounded channel. */
    private final int capacity;
    /** The receiving thread's id (low 32 bits), 0 for none: the one that may take the fast path. */
    @SuppressWarnings("unused") private int owner;
    /** 0, or (low 31 bits of the copy start a) &lt;&lt; 1 | 1 while the receiver has not switched. */
    @SuppressWarnings("unused") private int pending;
    /** Receiver-private retention state ({@link Retention}). */
    private int rstate;
    /** The producer word P: index &lt;&lt; 4 | SWAIT | RWAIT | CLOSED | PLOCK. */
    @SuppressWarnings("unused") private long p;
    /** The consumer index C: the next message number to be received. */
    @SuppressWarnings("unused") private long c;
    /** The newest ring, or null for the one-slot field {@link #one}. */
    @SuppressWarnings("unused") private Object[] buffer;
    /** The receiver's ring: {@link #buffer} as of its last switch, or {@link #MOVED} after a grow. */
    @SuppressWarnings("unused") private Object[] rbuf;
    /** The one-slot ring used while {@link #buffer} is null. */
    @SuppressWarnings("unused") private Object one;
    /** null, the parked receiving Thread, or the pending ReceiveFuture. */
    @SuppressWarnings("unused") private Object rx;
    /** null, the Lifecycle record alone, or the SenderQueue (carrying the record). */
    @SuppressWarnings("unused") private Object sw;

    /**
     * A new channel with no storage: 64 bytes, whatever the capacity.
     *
     * @param capacity at least 1; {@link #UNBOUNDED} for an unbounded channel
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public MpscChannel(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    // =====================================================================================================
    // Channel

    @Override
    public Sender<T> sender() {
        return this;
    }

    @Override
    public Receiver<T> receiver() {
        return this;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    /**
     * The longest ring this channel may use.
     *
     * @return nextPow2(capacity), at most {@link #MAX_RING}
     */
    private int ringCap() {
        int cap = capacity;
        return cap >= MAX_RING ? MAX_RING : cap == 1 ? 1 : Integer.highestOneBit(cap - 1) << 1;
    }

    /**
     * The most messages the channel may hold: the capacity, bounded by the longest ring.
     *
     * @return min(capacity, {@link #MAX_RING})
     */
    private long holdCap() {
        return Math.min(capacity, MAX_RING);
    }

    /**
     * Where senders count room from (see "Send" and "Grow").
     *
     * @param c    the consumer index
     * @param pend the {@link #pending} field
     * @return {@code c}, or the copy start a of the last grow while the receiver has not switched
     */
    private static long base(long c, int pend) {
        return pend == 0 ? c : c - ((c - (pend >>> 1)) & 0x7FFF_FFFFL);
    }

    /**
     * One step of waiting for a thread that holds PLOCK or a CLAIMED state (see {@link Backoff}).
     *
     * @param spins the steps waited so far
     */
    private static void backoff(int spins) {
        Backoff.pause(spins);
    }

    // =====================================================================================================
    // Sending

    @Override
    public boolean trySend(T message) {
        Objects.requireNonNull(message, "message");
        int r = offer(message);
        if (r == WAKE) {
            wakeReceiver();
        }
        return r != FULL;
    }

    /**
     * Sends if there is room.
     *
     * @param m the message, not null
     * @return OK, WAKE (delivered, and the caller must {@link #wakeReceiver()}), or FULL
     * @throws ChannelClosedException if closed (carrying {@code m})
     */
    int offer(Object m) {
        for (int spins = 0; ; spins++) {
            long v = (long) P.getAcquire(this);
            if ((v & (PLOCK | CLOSED)) == 0) {
                long i = v >>> PSHIFT;
                Object[] b = buffer;
                long cc = (long) C.getAcquire(this);
                int len = b == null ? 1 : b.length;
                if (i - base(cc, pending) < len && i - cc < capacity) {
                    if (P.compareAndSet(this, v, (v + PSTEP) & ~RWAIT)) {
                        if (b == null) {
                            ONE.setRelease(this, m);
                        } else {
                            OA.setRelease(b, (int) i & (len - 1), m);
                        }
                        return (v & RWAIT) == 0 ? OK : WAKE;
                    }
                    continue;
                }
            }
            int r = offerSlow(m, v, spins);
            if (r != RETRY) {
                return r;
            }
        }
    }

    /**
     * The send's slow path, for a P value the fast path could not claim from: waits out PLOCK, fails on
     * CLOSED, grows the ring, or helps the receiver's switch.
     *
     * @param m     the message, not null
     * @param v     the value of P the fast path read
     * @param spins how often this send has looked already: a send that keeps finding PLOCK yields its thread,
     *     so that the holder (which may be a virtual thread sharing the carriers) gets to run
     * @return OK or WAKE (delivered by a grow), FULL, or RETRY (read P again)
     * @throws ChannelClosedException if closed (carrying {@code m})
     */
    private int offerSlow(Object m, long v, int spins) {
        if ((v & PLOCK) != 0) {
            backoff(spins);
            return RETRY;
        }
        if ((v & CLOSED) != 0) {
            throw closedForSend(m);
        }
        long i = v >>> PSHIFT;
        Object[] b = buffer;
        long cc = (long) C.getAcquire(this);
        if (i - cc >= holdCap()) {
            return FULL;
        }
        int len = b == null ? 1 : b.length;
        int pend = pending;
        if (i - base(cc, pend) < len) {
            return RETRY; // the receiver moved on since the fast path looked
        }
        if (len >= ringCap()) {
            // Full by the stale-copy rule only: the receiver has not switched since the last grow. Clear the
            // consumed part of the stale range on its behalf (under PLOCK, as the receiver would).
            if (pend == 0) {
                return FULL;
            }
            helpSwitch(v);
            return RETRY;
        }
        if (!P.compareAndSet(this, v, v | PLOCK)) {
            return RETRY;
        }
        boolean done = false;
        try {
            // Allocated under the lock, so that a sender that loses the race to grow allocates nothing; an
            // OutOfMemoryError here (or anywhere in grow) restores P below: the channel is as it was.
            grow(b, new Object[Math.max(2, len << 1)], i, m);
            done = true;
        } finally {
            if (done) {
                P.setRelease(this, ((i + 1) << PSHIFT) | (v & SWAIT));
            } else {
                P.setRelease(this, v); // nothing was published: the channel is as it was
            }
        }
        return (v & RWAIT) == 0 ? OK : WAKE;
    }

    /**
     * Under PLOCK: copy [C, i) from {@code b} (or the one-slot field) into {@code nb}, add m at i, publish.
     *
     * @param b  the current ring, or null for the one-slot field
     * @param nb the new ring, twice as long
     * @param i  the index this sender claims for {@code m}
     * @param m  the grower's own message
     */
    private void grow(Object[] b, Object[] nb, long i, Object m) {
        long a = (long) C.getAcquire(this);
        int nmask = nb.length - 1;
        for (long k = a; k < i; k++) {
            Object e;
            for (int spins = 0; ; spins++) {
                e = b == null ? ONE.getAcquire(this) : OA.getAcquire(b, (int) k & (b.length - 1));
                if (e != null || k < (long) C.getAcquire(this)) {
                    break; // published, or consumed meanwhile (then its copy is dropped: e may be stale, see below)
                }
                Backoff.awaitStore(spins); // claimed before our lock, still being written
            }
            if (k < (long) C.getAcquire(this)) {
                e = null; // consumed: no copy
            }
            nb[(int) k & nmask] = e;
        }
        nb[(int) i & nmask] = m;
        pending = ((int) a << 1) | 1;
        rbuf = MOVED;
        BUF.setRelease(this, nb);
        if (b == null) {
            ONE.setRelease(this, null); // copied (or consumed): the one-slot field holds nothing from now on
        }
    }

    /**
     * A sender's help when only the stale range blocks it: take PLOCK and clear what was consumed.
     *
     * @param v the value of P to lock from (restored unchanged afterwards)
     * @return {@code false} if P had changed and the lock was not taken
     */
    private boolean helpSwitch(long v) {
        if (!P.compareAndSet(this, v, v | PLOCK)) {
            return false;
        }
        try {
            int pend = pending;
            Object[] b = buffer;
            if (pend != 0 && b != null) {
                long cc = (long) C.getAcquire(this);
                long a = base(cc, pend);
                for (long k = a; k < cc; k++) {
                    b[(int) k & (b.length - 1)] = null;
                }
                pending = ((int) cc << 1) | 1;
            }
        } finally {
            P.setRelease(this, v);
        }
        return true;
    }

    @Override
    public void send(T message) throws InterruptedException {
        Objects.requireNonNull(message, "message");
        awaitSend(message, -1L);
    }

    @Override
    public boolean send(T message, long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(unit, "unit");
        return awaitSend(message, Math.max(0L, unit.toNanos(timeout)));
    }

    /**
     * Wakes the receiver if {@code r} says so.
     *
     * @param r the result of {@link #offer}
     * @return {@code true} unless {@code r} is FULL
     */
    private boolean delivered(int r) {
        if (r == WAKE) {
            wakeReceiver();
        }
        return r != FULL;
    }

    /**
     * A blocking send: offers, spins, then links a node into the SenderQueue and parks until woken with room,
     * the timeout, or an interrupt.
     *
     * @param m     the message, not null
     * @param nanos the timeout; negative to wait forever
     * @return {@code true} if delivered; {@code false} if the timeout elapsed first
     * @throws InterruptedException if interrupted while waiting (the message was not delivered)
     * @throws ChannelClosedException if closed (carrying {@code m})
     */
    private boolean awaitSend(Object m, long nanos) throws InterruptedException {
        if (delivered(offer(m))) {
            return true;
        }
        if (nanos == 0) {
            return false; // a zero timeout never waits, so it links nothing
        }
        for (int k = 0; k < SPINS; k++) {
            Thread.onSpinWait();
            if (delivered(offer(m))) {
                return true;
            }
        }
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0L;
        Thread me = Thread.currentThread();
        SenderQueue.Node node = null;
        long slice = SENDER_RECHECK_NANOS;
        boolean sent = false;
        try {
            for (;;) {
                if (node == null) {
                    node = link(new SenderQueue.Node(me));
                    slice = SENDER_RECHECK_NANOS;
                }
                if (delivered(offer(m))) {
                    sent = true;
                    return true;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long wait = -1L;
                if (nanos >= 0) {
                    wait = nanos == 0 ? 0 : deadline - System.nanoTime();
                    if (wait <= 0) {
                        return false;
                    }
                }
                // Every newly linked node parks first for at most SENDER_RECHECK_NANOS and looks at the room again:
                // the one race the fence-free take leaves open (see "Waking senders") happens at link time, and
                // this covers it whatever is ahead in the queue (cancelled nodes included).
                if (slice > 0) {
                    LockSupport.parkNanos(this, wait < 0 ? slice : Math.min(wait, slice));
                    slice = 0; // one re-check per linked node; then the take's wake-up
                } else if (wait < 0) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, wait);
                }
                if (node.state() == SenderQueue.WOKEN) {
                    node = null; // the wake is spent whether or not the room is still there
                    if (delivered(offer(m))) {
                        sent = true;
                        return true;
                    }
                }
            }
        } finally {
            if (node != null) {
                if (node.cancel()) {
                    pruneSenders(); // O(1) amortised: cancelled nodes at the head go at once
                } else if (!sent) {
                    wakeSenders(); // woken but leaving without the room: pass it on
                }
            }
        }
    }

    /** Unlinks the cancelled (or settled-future) nodes at the head of the sender queue, if there is one. */
    void pruneSenders() {
        SenderQueue q = senderQueue();
        if (q != null) {
            q.prune();
        }
    }

    /**
     * Links a waiting sender and sets SWAIT. Returns the node that is linked: {@code n}, or a fresh node for
     * the same waiter if the queue was dropped while {@code n} went in (a node is linked once in its life).
     *
     * @param n a new node for the waiting sender
     * @return the node now linked (or already woken by the dropper of a queue)
     */
    private SenderQueue.Node link(SenderQueue.Node n) {
        Object w = n.waiter;
        for (;;) {
            SenderQueue q = queue();
            q.enqueue(n);
            setSwait();
            if (SW.getVolatile(this) == q) {
                return n;
            }
            // the queue was dropped while we linked: whoever dropped it wakes every node it still held
            if (!n.cancel()) {
                return n; // woken by the dropper: the caller retries the send, as after any wake
            }
            n = new SenderQueue.Node(w);
        }
    }

    /** Sets SWAIT in P (waiting out PLOCK); nothing if it is set already or the channel is closed. */
    private void setSwait() {
        for (int spins = 0; ; spins++) {
            long v = (long) P.getVolatile(this);
            if ((v & SWAIT) != 0 || (v & CLOSED) != 0 && (v & PLOCK) == 0) {
                return;
            }
            if ((v & PLOCK) == 0 && P.compareAndSet(this, v, v | SWAIT)) {
                return;
            }
            backoff(spins);
        }
    }

    @Override
    public CompletableFuture<Void> sendAsync(T message) {
        Objects.requireNonNull(message, "message");
        try {
            if (delivered(offer(message))) {
                return Sent.SENT;
            }
        } catch (ChannelClosedException e) {
            return CompletableFuture.failedFuture(e);
        }
        SendFuture f = new SendFuture(this, message);
        park(f);
        return f;
    }

    /**
     * Links a pending send and tries once more (room may have been made before SWAIT was seen).
     *
     * @param f the pending send, PENDING
     */
    private void park(SendFuture f) {
        for (;;) {
            SenderQueue.Node n = link(new SenderQueue.Node(f));
            if (!roomNow()) {
                return; // a take will wake the node
            }
            if (!n.cancel()) {
                return; // already woken: the waker retries it
            }
            if (!retry(f)) {
                return; // delivered, failed, or cancelled
            }
        }
    }

    /**
     * Whether a send could proceed now: room below the hold capacity, or closed (the retry then fails it).
     *
     * @return {@code true} if closed or P's index is less than {@link #holdCap()} ahead of C
     */
    private boolean roomNow() {
        long v = (long) P.getVolatile(this);
        long cc = (long) C.getVolatile(this);
        return (v & CLOSED) != 0 || (v >>> PSHIFT) - cc < holdCap();
    }

    /**
     * Retries a pending send. No dependent action runs while f is CLAIMED: the future is settled first and
     * completed after, and a receiver to wake is woken last.
     *
     * @param f the pending send; nothing happens unless this call claims it
     * @return true if it must be linked again (the room was taken by another sender)
     */
    private boolean retry(SendFuture f) {
        if (!f.claim()) {
            return false;
        }
        int r;
        try {
            r = offer(f.message);
        } catch (Throwable t) {
            // closed (the exception carries the message), or an Error such as an OutOfMemoryError while the
            // ring grew: either way the message was not delivered, and the future says so
            f.settle();
            f.fail(t);
            return false;
        }
        if (r == FULL) {
            f.unclaim();
            return true;
        }
        f.settle();
        f.succeed();
        if (r == WAKE) {
            wakeReceiver();
        }
        return false;
    }

    /** Wakes the oldest waiting sender (called after a take saw SWAIT). */
    void wakeSenders() {
        for (;;) {
            SenderQueue q = senderQueue();
            SenderQueue.Node n = q == null ? null : q.wakeOldest();
            if (n == null) {
                clearSwait(q);
                return;
            }
            if (n.waiter instanceof SendFuture) {
                SendFuture f = (SendFuture) n.waiter;
                if (f.state() != SendFuture.PENDING) {
                    continue; // cancelled future: skip it, the room goes to the next
                }
                if (retry(f)) {
                    relinkOrFail(f);
                }
            }
            return;
        }
    }

    /**
     * The queue looked empty: clear SWAIT, drop the queue, and make sure no node was linked meanwhile.
     *
     * @param q the current sender queue, or null if there is none
     */
    private void clearSwait(SenderQueue q) {
        for (int spins = 0; ; spins++) {
            long v = (long) P.getVolatile(this);
            if ((v & SWAIT) == 0) {
                break;
            }
            if ((v & PLOCK) == 0 && P.compareAndSet(this, v, v & ~SWAIT)) {
                break;
            }
            backoff(spins);
        }
        if (q != null && q.isEmpty() && SW.compareAndSet(this, q, q.lifecycle())) {
            wakeAll(q); // nodes linked between isEmpty and the drop: they retry and link into a new queue
        } else if (q != null && !q.isEmpty()) {
            setSwait();
        }
    }

    /**
     * Wakes every node of a dropped queue; its pending sends retry, and link into a new queue if still full.
     *
     * @param q the queue just dropped
     */
    private void wakeAll(SenderQueue q) {
        for (SenderQueue.Node n; (n = q.wakeOldest()) != null; ) {
            if (n.waiter instanceof SendFuture) {
                SendFuture f = (SendFuture) n.waiter;
                if (retry(f)) {
                    relinkOrFail(f);
                }
            }
        }
    }

    /**
     * Links a pending send again; if even that fails (an Error allocating its node) the future fails.
     *
     * @param f the pending send, PENDING again after a failed retry
     */
    private void relinkOrFail(SendFuture f) {
        try {
            park(f);
        } catch (Throwable t) {
            if (f.claim()) {
                f.settle();
                f.fail(t);
            }
        }
    }

    // =====================================================================================================
    // Receiving

    @Override
    @SuppressWarnings("unchecked")
    public T tryReceive() {
        return (T) poll();
    }

    /**
     * The receiver's non-blocking take: the fast path when the calling thread owns the receive state.
     *
     * @return the next message, or null if the channel is empty
     * @throws IllegalStateException if another receive holds the receive state
     */
    Object poll() {
        if ((int) OWNER.getOpaque(this) != id(Thread.currentThread())) {
            acquireReceiveState();
        }
        for (;;) {
            long k = c;
            Object[] b = (Object[]) RBUF.getOpaque(this);
            Object e;
            if (b == null) {
                e = ONE.getAcquire(this);
                if (e != null) {
                    ONE.set(this, null);
                    C.setRelease(this, k + 1);
                    afterTake();
                    return e;
                }
            } else {
                int s = (int) k & (b.length - 1);
                e = OA.getAcquire(b, s);
                if (e != null) {
                    OA.set(b, s, null);
                    C.setRelease(this, k + 1);
                    afterTake();
                    return e;
                }
            }
            if (!settle(k, b, true)) {
                return null;
            }
        }
    }

    /** {@inheritDoc} Consumer side, like {@link #tryReceive()}; consumes nothing. */
    @Override
    @SuppressWarnings("unchecked")
    public T peek() {
        if ((int) OWNER.getOpaque(this) != id(Thread.currentThread())) {
            acquireReceiveState();
        }
        for (;;) {
            long k = c;
            Object[] b = (Object[]) RBUF.getOpaque(this);
            Object e = b == null ? ONE.getAcquire(this) : OA.getAcquire(b, (int) k & (b.length - 1));
            if (e != null) {
                return (T) e;
            }
            if (!settle(k, b, true)) {
                return null;
            }
        }
    }

    @Override
    public boolean awaitAvailable(long nanos) throws InterruptedException {
        Object e = await(nanos < 0 ? -1L : nanos, false);
        return e != null && e != END;
    }

    @Override
    public Lifecycle lifecycle() {
        Lifecycle mine = null;
        for (;;) {
            Object o = SW.getVolatile(this);
            Lifecycle l;
            if (o instanceof Lifecycle) {
                l = (Lifecycle) o;
            } else if (o instanceof SenderQueue) {
                SenderQueue q = (SenderQueue) o;
                l = q.lifecycle();
                if (l == null) {
                    l = q.publishLifecycle(mine != null ? mine : (mine = new Lifecycle()));
                }
                if (SW.getVolatile(this) != q) {
                    mine = l; // the queue was dropped as we published: carry the record over
                    continue;
                }
            } else {
                l = mine != null ? mine : (mine = new Lifecycle());
                if (!SW.compareAndSet(this, null, l)) {
                    continue;
                }
            }
            if (isClosed()) {
                l.signalClosed(); // close() may have looked before the record was there
            }
            return l;
        }
    }

    /**
     * The sw field: null, the {@link Lifecycle} alone, or the {@link SenderQueue} (which then carries the
     * lifecycle). A queue that is found empty is replaced by its lifecycle (or null).
     *
     * @return the sender queue, or null if sw holds none
     */
    private SenderQueue senderQueue() {
        Object o = SW.getAcquire(this);
        return o instanceof SenderQueue ? (SenderQueue) o : null;
    }

    /**
     * The sender queue, created if there is none (carrying over the lifecycle if there is one).
     *
     * @return the queue in sw, never null
     */
    private SenderQueue queue() {
        for (;;) {
            Object o = SW.getAcquire(this);
            if (o instanceof SenderQueue) {
                return (SenderQueue) o;
            }
            SenderQueue nq = new SenderQueue();
            if (o != null) {
                nq.publishLifecycle((Lifecycle) o);
            }
            if (SW.compareAndSet(this, o, nq)) {
                return nq;
            }
        }
    }

    /**
     * After a take: wake the oldest waiting sender if SWAIT is set. The taken message has left the channel
     * already, so nothing here may throw past the caller: a failure to wake (an Error such as a
     * StackOverflowError deep in a call) leaves SWAIT set, and the next take, the receiver's next empty check
     * or the sender's own re-check makes up for it.
     */
    private void afterTake() {
        if (((long) P.getOpaque(this) & SWAIT) != 0) {
            try {
                wakeSenders();
            } catch (Throwable t) {
                // deliberately not rethrown: see above (wakeSenders itself fails futures it cannot complete)
            }
        }
    }

    /**
     * The slot of message {@code k} in {@code b} was empty. Returns false if the channel is empty (after the
     * retention check when {@code check}), true if the caller should look again (a switch was made, or a
     * claimed message is being written).
     *
     * @param k     the consumer index
     * @param b     the receiver's ring as read with {@code k}, or null for the one-slot field
     * @param check whether an empty channel runs the retention check ({@link #onEmpty})
     * @return {@code false} if the channel is empty; {@code true} if the caller should look again
     */
    private boolean settle(long k, Object[] b, boolean check) {
        for (int spins = 0; ; spins++) {
            long v = (long) P.getVolatile(this);
            if (b == MOVED || BUF.getAcquire(this) != b) {
                switchRing();
                return true;
            }
            if ((v >>> PSHIFT) == k) {
                if (check) {
                    onEmpty(k, b);
                }
                if (SW.getOpaque(this) instanceof SenderQueue) {
                    // the fenced check that catches a SWAIT missed by a take (see "Waking senders")
                    VarHandle.fullFence();
                    if (((long) P.getVolatile(this) & SWAIT) != 0) {
                        wakeSenders();
                    }
                }
                return false;
            }
            // claimed but not yet published
            Object e = b == null ? ONE.getAcquire(this) : OA.getAcquire(b, (int) k & (b.length - 1));
            if (e != null) {
                return true;
            }
            Backoff.awaitStore(spins);
        }
    }

    /** Under PLOCK: adopt the newest ring, clearing the stale copies [pending, C) (see "Switch"). */
    private void switchRing() {
        long v = lockP();
        try {
            Object[] nb = buffer;
            int pend = pending;
            if (pend != 0 && nb != null) {
                long k = c;
                int mask = nb.length - 1;
                for (long j = base(k, pend); j < k; j++) {
                    nb[(int) j & mask] = null;
                }
            }
            pending = 0;
            rbuf = nb;
        } finally {
            P.setRelease(this, v);
        }
    }

    /**
     * Takes PLOCK (spinning while someone else holds it); returns the unlocked value to restore.
     *
     * @return the value of P before the lock
     */
    private long lockP() {
        for (int spins = 0; ; spins++) {
            long v = (long) P.getVolatile(this);
            if ((v & PLOCK) == 0 && P.compareAndSet(this, v, v | PLOCK)) {
                return v;
            }
            backoff(spins);
        }
    }

    /**
     * The receiver found the channel empty at index k with ring b: the retention check.
     *
     * @param k the consumer index, equal to P's index
     * @param b the receiver's ring, or null (nothing to give back)
     */
    private void onEmpty(long k, Object[] b) {
        if (b == null) {
            return;
        }
        int s = rstate;
        int len = b.length;
        rstate = Retention.shouldGiveBack(s, k, len) && giveBack(k) ? Retention.gaveBack(k + 1)
                : Retention.kept(s, k, len);
    }

    /**
     * Gives the ring back if nothing is claimed beyond k (see "Give back").
     *
     * @param k the consumer index, which P's index must equal
     * @return {@code true} if the ring was given back (C and P's index then moved to k + 1)
     */
    private boolean giveBack(long k) {
        long v = (long) P.getVolatile(this);
        if ((v & PLOCK) != 0 || (v >>> PSHIFT) != k || !P.compareAndSet(this, v, v | PLOCK)) {
            return false;
        }
        buffer = null;
        rbuf = null;
        pending = 0;
        one = null;
        C.setRelease(this, k + 1);
        P.setRelease(this, ((k + 1) << PSHIFT) | (v & (CLOSED | RWAIT | SWAIT)));
        return true;
    }

    /**
     * A thread's identity for {@link #owner}: the low 32 bits of its id, never 0.
     *
     * @param t the thread
     * @return the low 32 bits of {@code t}'s id, or {@code Integer.MIN_VALUE} in place of 0
     */
    @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs Java 19; the same final field
    static int id(Thread t) {
        int id = (int) t.getId();
        return id == 0 ? Integer.MIN_VALUE : id;
    }

    /**
     * Makes the calling thread the owner of the receive state, or reports an overlapping receive.
     *
     * @throws IllegalStateException if a receive is waiting or a receiveAsync is pending
     */
    private void acquireReceiveState() {
        int me = id(Thread.currentThread());
        for (;;) {
            int o = (int) OWNER.getVolatile(this);
            if (o == me) {
                return;
            }
            checkNoWaitingReceive();
            if (OWNER.compareAndSet(this, o, me)) {
                try {
                    checkNoWaitingReceive(); // a receive that started waiting as we took over
                } catch (IllegalStateException e) {
                    OWNER.compareAndSet(this, me, o);
                    throw e;
                }
                return;
            }
        }
    }

    /**
     * Fails if another receive holds the receive state: rx set, or RWAIT armed.
     *
     * @throws IllegalStateException if a receiveAsync is pending or a receive is waiting
     */
    private void checkNoWaitingReceive() {
        Object w = RX.getVolatile(this);
        if (w instanceof ReceiveFuture) {
            throw new IllegalStateException("a receiveAsync is pending on this channel: one receive at a time");
        }
        if (w != null || ((long) P.getVolatile(this) & RWAIT) != 0) {
            throw new IllegalStateException("another receive is waiting on this channel: one receive at a time");
        }
    }

    /**
     * Called by a settled ReceiveFuture: it no longer holds the receive state. RWAIT (armed for the future)
     * is cleared first, while rx still names the future, so no receive that starts waiting later can lose it.
     *
     * @param f the settled future; nothing happens unless rx still names it
     */
    void releaseReceiveState(ReceiveFuture<?> f) {
        if (RX.getVolatile(this) == f) {
            clearRwait();
            RX.compareAndSet(this, f, null);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T receive() throws InterruptedException {
        return (T) awaitReceive(-1L);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T receive(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return (T) awaitReceive(Math.max(0L, unit.toNanos(timeout)));
    }

    /**
     * The blocking receive behind {@code receive()} and {@code receive(timeout, unit)}.
     *
     * @param nanos the timeout; negative to wait forever
     * @return the message taken, or null on timeout
     * @throws InterruptedException if interrupted while waiting
     * @throws ChannelClosedException at the end of the stream (closed and drained)
     */
    Object awaitReceive(long nanos) throws InterruptedException {
        Object e = await(nanos, true);
        if (e == END) {
            throw endOfStream();
        }
        return e;
    }

    /** Returned by {@link #await} at the end of the stream. */
    private static final Object END = new Object();

    /**
     * One non-blocking look: {@link #poll()} or {@link #peek()}.
     *
     * @param take whether to take the message
     * @return the head message, or null if the channel is empty
     */
    private Object next(boolean take) {
        return take ? poll() : peek();
    }

    /**
     * The waiting receive: the next message (taken if {@code take}, else left in the channel), null on
     * timeout, {@link #END} at the end of the stream.
     *
     * @param nanos the timeout; negative to wait forever, 0 not to wait
     * @param take  whether to take the message or leave it in the channel
     * @return the message, null on timeout, or {@link #END}
     * @throws InterruptedException if interrupted while waiting
     * @throws IllegalStateException if another receive holds the receive state
     */
    private Object await(long nanos, boolean take) throws InterruptedException {
        Object e = next(take);
        if (e != null) {
            return e;
        }
        for (int k = 0; k < SPINS && nanos != 0; k++) {
            Thread.onSpinWait();
            if ((e = next(take)) != null) {
                return e;
            }
        }
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0L;
        Thread me = Thread.currentThread();
        int busy = 0; // steps spent waiting for a storage change (PLOCK) by another thread
        for (;;) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long wait = -1L;
            if (nanos >= 0) {
                wait = nanos == 0 ? 0 : deadline - System.nanoTime();
                if (wait <= 0) {
                    return isDrained() ? END : null; // the end of the stream is not a time-out, even for 0 ns
                }
            }
            long v = (long) P.getVolatile(this);
            long k = c;
            if ((v & PLOCK) != 0 || (v >>> PSHIFT) != k) {
                if ((e = next(take)) != null) {
                    return e;
                }
                backoff(busy++);
                continue;
            }
            busy = 0;
            if ((v & CLOSED) != 0) {
                releaseStorage(k);
                return END;
            }
            Object[] b = (Object[]) RBUF.getOpaque(this);
            boolean linger = false;
            if (b == MOVED) {
                switchRing();
                continue;
            }
            if (b != null) {
                if (Retention.keepWhileWaiting(rstate, k, b.length)) {
                    linger = true;
                } else {
                    if (giveBack(k)) {
                        rstate = Retention.gaveBack(k + 1);
                    }
                    continue;
                }
            }
            if ((v & SWAIT) != 0) {
                wakeSenders(); // room exists now: make sure the oldest waiting sender knows
            }
            if (!RX.compareAndSet(this, null, me)) {
                throw new IllegalStateException("another receive is waiting on this channel: one receive at a time");
            }
            if (!P.compareAndSet(this, v, v | RWAIT)) {
                RX.compareAndSet(this, me, null);
                continue; // a claim or a flag changed P: look again
            }
            if ((int) OWNER.getVolatile(this) != id(me)) {
                clearRwait();
                RX.compareAndSet(this, me, null);
                throw new IllegalStateException("another thread took over the receive state while this one was waiting");
            }
            long park = linger ? (wait < 0 ? Retention.LINGER_NANOS : Math.min(wait, Retention.LINGER_NANOS)) : wait;
            if (park < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, park);
            }
            clearRwait();
            RX.compareAndSet(this, me, null); // a parked receiver only is referenced: no Thread kept by an idle channel
            if ((e = next(take)) != null) {
                return e;
            }
            if (linger) {
                long k2 = c;
                if (giveBack(k2)) {
                    rstate = Retention.gaveBack(k2 + 1);
                }
            }
        }
    }

    /** Clears RWAIT in P (waiting out PLOCK); nothing if it is clear already. */
    private void clearRwait() {
        for (int spins = 0; ; spins++) {
            long v = (long) P.getVolatile(this);
            if ((v & RWAIT) == 0) {
                return;
            }
            if ((v & PLOCK) == 0 && P.compareAndSet(this, v, v & ~RWAIT)) {
                return;
            }
            backoff(spins);
        }
    }

    /**
     * At the end of the stream: give the ring back whatever the policy says.
     *
     * @param k the consumer index, equal to P's index (closed and drained)
     */
    private void releaseStorage(long k) {
        if (RBUF.getOpaque(this) != null) {
            giveBack(k);
        }
    }

    /** Wakes the parked receiver or fulfils the pending receive future (a sender cleared RWAIT). */
    void wakeReceiver() {
        Object w = RX.getAcquire(this);
        if (w instanceof ReceiveFuture) {
            @SuppressWarnings("unchecked")
            ReceiveFuture<T> f = (ReceiveFuture<T>) w;
            fulfil(f);
        } else if (w instanceof Thread) {
            LockSupport.unpark((Thread) w);
        } else if (w instanceof Waker) {
            ((Waker) w).wake();
        }
    }

    // =====================================================================================================
    // Waiting on several channels (io.leanchan.Select)

    /**
     * Registers {@code waiter} (the selecting Thread, or a {@link Waker}) as this channel's waiting receive,
     * as a parked {@code receive()} registers itself: rx = waiter, then RWAIT with a CAS that expects the
     * channel to be empty, so the next send wakes it. The caller must own the receive side (it has just
     * received or polled on this thread).
     *
     * @param waiter the selecting Thread (unparked by the next send) or a {@link Waker} (woken by it)
     * @return false (and nothing registered) if the channel is not empty, is closed, or is changing its storage:
     *     the caller looks at it again instead of waiting
     * @throws IllegalStateException if another receive is waiting on this channel
     */
    public boolean armWaiter(Object waiter) {
        if (!RX.compareAndSet(this, null, waiter)) {
            throw new IllegalStateException("another receive is waiting on this channel: one receive at a time");
        }
        long v = (long) P.getVolatile(this);
        if ((v & (PLOCK | CLOSED)) == 0 && (v >>> PSHIFT) == c && P.compareAndSet(this, v, v | RWAIT)) {
            if (!(waiter instanceof Thread)) {
                OWNER.setVolatile(this, 0); // a pending async waiter holds the receive side: no fast path for anyone
            }
            return true;
        }
        RX.compareAndSet(this, waiter, null);
        return false;
    }

    /**
     * Undoes {@link #armWaiter}: RWAIT cleared first (while rx still names the waiter), then rx.
     *
     * @param waiter what {@link #armWaiter} registered; nothing happens if another waiter is registered now
     */
    public void disarmWaiter(Object waiter) {
        if (RX.getVolatile(this) == waiter) {
            clearRwait();
            RX.compareAndSet(this, waiter, null);
        }
    }

    @Override
    public CompletableFuture<T> receiveAsync() {
        @SuppressWarnings("unchecked")
        T e = (T) poll();
        if (e != null) {
            return CompletableFuture.completedFuture(e);
        }
        if (isDrained()) {
            return CompletableFuture.failedFuture(endOfStream());
        }
        ReceiveFuture<T> f = new ReceiveFuture<>(this);
        if (!RX.compareAndSet(this, null, f)) {
            throw new IllegalStateException("another receive is waiting on this channel: one receive at a time");
        }
        OWNER.setVolatile(this, 0); // the future holds the receive state now: no fast path for anyone
        fulfil(f);
        return f;
    }

    /**
     * Takes a message for a pending future if one is there, else arms RWAIT so that the next sender calls
     * this again. The future's dependents run after it is settled and the receive state released.
     *
     * @param f the pending receive future; nothing happens unless this call claims it
     */
    private void fulfil(ReceiveFuture<T> f) {
        for (int spins = 0; ; ) {
            if (!f.claim()) {
                return;
            }
            Object e;
            boolean wake;
            try {
                e = takeFor();
                wake = e != null && ((long) P.getOpaque(this) & SWAIT) != 0;
            } catch (Throwable t) {
                f.unclaim();
                throw t;
            }
            if (e != null) {
                @SuppressWarnings("unchecked")
                T m = (T) e;
                f.deliver(m);
                if (wake) {
                    wakeSenders();
                }
                return;
            }
            long v = (long) P.getVolatile(this);
            if ((v & CLOSED) != 0 && (v >>> PSHIFT) == c) {
                releaseStorage(c);
                f.fail(endOfStream());
                return;
            }
            // Arm RWAIT while still CLAIMED, so that no cancel can release the receive state in between and
            // leave RWAIT armed for nobody; then PENDING. A sender whose claim cleared RWAIT before that found
            // the future CLAIMED and did nothing, so look once more: RWAIT gone means claim again.
            if ((v & PLOCK) != 0 || (v >>> PSHIFT) != c || !P.compareAndSet(this, v, v | RWAIT)) {
                f.unclaim();
                backoff(spins++); // a message came in meanwhile, or the storage is changing: claim again
                continue;
            }
            f.unclaim();
            if (((long) P.getVolatile(this) & RWAIT) != 0) {
                return; // armed: the next sender fulfils (or a cancel clears it, rx still naming f)
            }
        }
    }

    /**
     * The take of a claimed future's fulfiller: no owner check, no sender wake-up, no retention.
     *
     * @return the message taken, or null if the channel is empty
     */
    private Object takeFor() {
        for (int spins = 0; ; ) {
            long k = c;
            Object[] b = (Object[]) RBUF.getOpaque(this);
            Object e;
            if (b == null) {
                e = ONE.getAcquire(this);
                if (e != null) {
                    ONE.set(this, null);
                    C.setRelease(this, k + 1);
                    return e;
                }
            } else {
                int s = (int) k & (b.length - 1);
                e = OA.getAcquire(b, s);
                if (e != null) {
                    OA.set(b, s, null);
                    C.setRelease(this, k + 1);
                    return e;
                }
            }
            long v = (long) P.getVolatile(this);
            if (b == MOVED || BUF.getAcquire(this) != b) {
                switchRing();
                continue;
            }
            if ((v >>> PSHIFT) == k) {
                return null;
            }
            Backoff.awaitStore(spins++); // claimed, still being written
        }
    }

    @Override
    public int drainTo(Collection<? super T> sink, int maxMessages) {
        Objects.requireNonNull(sink, "sink");
        if (maxMessages <= 0) {
            return 0;
        }
        if ((int) OWNER.getOpaque(this) != id(Thread.currentThread())) {
            acquireReceiveState();
        }
        int n = 0;
        int wake = 0;
        try {
            while (n < maxMessages) {
                long k = c;
                Object[] b = (Object[]) RBUF.getOpaque(this);
                Object e = b == null ? ONE.getAcquire(this) : OA.getAcquire(b, (int) k & (b.length - 1));
                if (e == null) {
                    if (settle(k, b, true)) {
                        continue;
                    }
                    break;
                }
                @SuppressWarnings("unchecked")
                T m = (T) e;
                sink.add(m); // may throw: the message is still in the channel
                if (b == null) {
                    ONE.set(this, null);
                } else {
                    OA.set(b, (int) k & (b.length - 1), null);
                }
                C.setRelease(this, k + 1);
                n++;
                if (((long) P.getOpaque(this) & SWAIT) != 0) {
                    wake++;
                }
            }
        } finally {
            for (; wake > 0; wake--) {
                afterTake(); // one wake per slot made while senders waited; never throws past the drain
            }
        }
        return n;
    }

    // =====================================================================================================
    // Closing and observing

    @Override
    public void close() {
        long v;
        for (int spins = 0; ; spins++) {
            v = (long) P.getVolatile(this);
            if ((v & CLOSED) != 0) {
                break;
            }
            if ((v & PLOCK) == 0 && P.compareAndSet(this, v, (v | CLOSED) & ~RWAIT)) {
                if ((v & RWAIT) != 0) {
                    wakeReceiver();
                }
                break;
            }
            backoff(spins);
        }
        Object o = SW.getVolatile(this);
        Lifecycle l = o instanceof Lifecycle ? (Lifecycle) o : null;
        if (o instanceof SenderQueue) {
            SenderQueue q = (SenderQueue) o;
            wakeAll(q);
            l = q.lifecycle();
        }
        if (l != null) {
            l.signalClosed(); // last: it runs the dependents of Sender.closed()
        }
    }

    @Override
    public boolean isClosed() {
        return ((long) P.getVolatile(this) & CLOSED) != 0;
    }

    @Override
    public boolean isDrained() {
        long v = (long) P.getVolatile(this);
        return (v & CLOSED) != 0 && (v >>> PSHIFT) <= (long) C.getVolatile(this);
    }

    @Override
    public int size() {
        for (;;) {
            long c1 = (long) C.getVolatile(this);
            long v = (long) P.getVolatile(this);
            long c2 = (long) C.getVolatile(this);
            if (c1 == c2) {
                long n = (v >>> PSHIFT) - c1;
                return (int) Math.max(0L, Math.min(n, Integer.MAX_VALUE));
            }
        }
    }

    /**
     * The exception of a send to a closed channel.
     *
     * @param m the message that was not delivered, carried by the exception
     * @return a ChannelClosedException carrying {@code m}
     */
    private static ChannelClosedException closedForSend(Object m) {
        return new ChannelClosedException("channel is closed; the message was not delivered", m);
    }

    /**
     * The exception of a receive at the end of the stream.
     *
     * @return a ChannelClosedException carrying no message
     */
    static ChannelClosedException endOfStream() {
        return new ChannelClosedException("channel is closed and drained (end of stream)", null);
    }

    @Override
    public String toString() {
        return "Channel[capacity=" + (capacity == UNBOUNDED ? "unbounded" : capacity) + ", size=" + size()
                + (isClosed() ? ", closed" : "") + "]";
    }
}
