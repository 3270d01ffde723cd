package io.leanchan.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The state of an {@link MpscChannel}: its storage, its two coordination words and every field of the channel,
 * with the VarHandles through which they are accessed and the few helpers both sides use. The channel is laid
 * out as JCTools lays out its queues, one concept per class over a field-layout base: this class (fields),
 * {@link ChannelSend} (the senders' algorithm), {@link ChannelReceive} (the receiver's) and {@link MpscChannel}
 * (the public channel: handles, select hooks, close, observers). All fields are declared here and in the three
 * field-layout bases below it ({@link ChannelSlotField}, {@link ChannelFields}, {@link ChannelConsumerField}),
 * so the channel object is one 64-byte object whatever class a method lives in.
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
 *
 * The consumer index C: the next message number to be received. Written only by the receiver.
 *
 * Field writers and orderings.
 *   P: CAS by senders (claim; set SWAIT), by the receiver (set RWAIT; lock for a switch or a give-back), by
 *     close(); release-stores by the lock holder (unlock). While PLOCK is set nobody else writes P.
 *   C: stores by the receiver only: release at the owner's fast take (a SHORT claim) and at a give-back, volatile
 *     at every other take (the store half of the store-load pair of "Waking senders" in ChannelSend); always
 *     after it cleared the slot (so a sender that sees C > k may reuse slot k); read with acquire by senders
 *     (room) and by observers (size, isDrained).
 *   buffer (the newest ring), pending, rbuf: written only under PLOCK, published by the release of P.
 *     Senders read buffer and pending after an acquire of P: a sender whose claim CAS succeeds from the
 *     value v used the buffer and pending that were current at v (every storage change moves P's index:
 *     a grow claims one, a give-back burns one, and a switch restores P unchanged but changes nothing a
 *     sender reads).
 *   rbuf (the receiver's ring, MOVED after a grow): read by the receiver (opaque).
 *   slots and `one`: written by the sender that claimed the index (release), read by the receiver
 *     (acquire), cleared by the receiver (plain, ordered before its release of C).
 *   owner: id | BUSY | RECLAIM | SHORT. id: the thread that received last (id(t), its three low bits clear), 0
 *     while a receiveAsync or an async select is pending. BUSY: a receive is taking (or peeking, or draining) right now. Every take runs
 *     between a CAS from id to id | BUSY and a release-store of id, so takes never overlap and each one
 *     happens-before the next, whichever thread makes it; a receive that finds BUSY set (another thread's, or
 *     its own from inside drainTo's sink) fails with IllegalStateException and consumes nothing
 *     (ChannelReceive, "One receive at a time"). RECLAIM (always with BUSY): the reclaimer's claim, which gives an
 *     idle ring back (Reclaimer); a receive that finds it waits for the release instead of failing. SHORT (always
 *     with BUSY): the owner's fast take, which stores C with a release, not a fence; a sender about to wait looks
 *     at owner after SWAIT and waits out a SHORT claim ("Waking senders" in ChannelSend).
 *   rx: null, the parked receiving Thread, the pending ReceiveFuture, or a select's Thread or Waker (CAS).
 *     An idle channel references no Thread.
 *   sw: null, the Lifecycle record alone, or the SenderQueue (carrying the record); CAS by senders
 *     (create), by lifecycle() (publish), and by whoever finds the queue empty in wakeSenders (the receiver, a
 *     woken sender passing its wake on, close): it seals the queue's record slot, then replaces the queue by its
 *     record (ChannelSend, "Waking senders"). Read volatile.
 *   rstate: receiver-private (the retention policy).
 *
 * Index range. P keeps 60 bits of index: 2^60 messages over a channel's life.
 *
 * Layout (compressed oops: a 12-byte header, 4 ints, 2 longs, 5 references = 64 bytes). The bases fix the order,
 * since HotSpot lays out a superclass's fields first: `one` at offset 12, the ints and the other references at
 * 16-47, C at 48, P at 56. The reason is measured: when the one-slot field shares a cache line with P, a
 * send+receive pair on one thread costs about 1.7 ns more (13.1 against 11.3-11.8 ns). The owner word on P's line
 * costs nothing by itself, and a model of the pair without either of its two locked instructions (the send's CAS of
 * P, the take's claim) shows no cost that follows the one-slot field. An object is 8-byte aligned, so where a
 * 64-byte line boundary falls inside it depends on its address: with `one` 44 bytes from P, six of the eight
 * possible addresses modulo 64 put them on different lines (the old declaration order, `one` at 52 and P at 16,
 * managed four). Nothing else depends on the order. Measured with io.leanchan.bench.AlignmentProbe
 * (leanchan-bench), which runs the pair at each address modulo 64, and the model with its "model" argument.
 * </pre>
 *
 * @param <T> the type of the messages
 */
abstract class ChannelState<T> extends ChannelConsumerField {

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

    /** {@link #owner}'s bit for a take in progress (thread ids in owner have their two low bits clear). */
    static final int BUSY = 1;

    /**
     * {@link #owner}'s mark, beside BUSY, of the reclaimer's claim ({@link Reclaimer}): a receive that meets it waits
     * for the release (a few steps) instead of failing.
     */
    static final int RECLAIM = 2;

    /**
     * {@link #owner}'s mark, beside BUSY, of the owner's fast take (ChannelReceive.poll): a claim that runs a few
     * straight-line steps and no user code, and stores C without a fence. A sender about to wait that sees it waits
     * for the take's release before its last look at the room ("Waking senders" in ChannelSend). A receive that
     * meets it fails as for any BUSY claim.
     */
    static final int SHORT = 4;

    /** The bits of {@link #owner} below a thread's id: BUSY, RECLAIM, SHORT. */
    static final int MARKS = BUSY | RECLAIM | SHORT;

    /** Position of the index in P. */
    static final int PSHIFT = 4;

    /** One index step in P: a claim adds it. */
    static final long PSTEP = 1L << PSHIFT;

    /** Polls before parking: a party that keeps up answers within a few hundred nanoseconds. */
    static final int SPINS = 32;

    /** Access to {@link #p}: acquire reads, claim and flag CASes, release by the lock holder. */
    static final VarHandle P;

    /** Access to {@link #c}: acquire reads, release-stores by the receiver. */
    static final VarHandle C;

    /** Access to {@link #buffer}: published with release under PLOCK. */
    static final VarHandle BUF;

    /** Access to {@link #rbuf}: opaque reads by the receiver. */
    static final VarHandle RBUF;

    /** Access to {@link #one}: release-stores by senders, acquire reads by the receiver and a grower. */
    static final VarHandle ONE;

    /** Access to {@link #rx}, for its CASes. */
    static final VarHandle RX;

    /** Access to {@link #owner}: the CAS that claims a take, the release-store that ends it. */
    static final VarHandle OWNER;

    /** Access to {@link #sw}, for its CASes. */
    static final VarHandle SW;

    /** Access to ring slots: release-stores by senders, acquire reads by the receiver and a grower. */
    static final VarHandle OA = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            P = l.findVarHandle(ChannelState.class, "p", long.class);
            C = l.findVarHandle(ChannelConsumerField.class, "c", long.class);
            BUF = l.findVarHandle(ChannelFields.class, "buffer", Object[].class);
            RBUF = l.findVarHandle(ChannelFields.class, "rbuf", Object[].class);
            ONE = l.findVarHandle(ChannelSlotField.class, "one", Object.class);
            RX = l.findVarHandle(ChannelFields.class, "rx", Object.class);
            OWNER = l.findVarHandle(ChannelFields.class, "owner", int.class);
            SW = l.findVarHandle(ChannelFields.class, "sw", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The producer word P: index &lt;&lt; 4 | SWAIT | RWAIT | CLOSED | PLOCK (offset 56, see "Layout"). */
    long p;

    /**
     * A new channel's state: no storage, nothing sent.
     *
     * @param capacity at least 1; {@link MpscChannel#UNBOUNDED} for an unbounded channel
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    ChannelState(int capacity) {
        super(checkCapacity(capacity));
    }

    /**
     * The capacity, checked before any field is set.
     *
     * @param capacity the requested capacity
     * @return {@code capacity}
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    private static int checkCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        return capacity;
    }

    /**
     * The longest ring this channel may use.
     *
     * @return nextPow2(capacity), at most {@link #MAX_RING}
     */
    int ringCap() {
        int cap = capacity;
        return cap >= MAX_RING ? MAX_RING : cap == 1 ? 1 : Integer.highestOneBit(cap - 1) << 1;
    }

    /**
     * The most messages the channel may hold: the capacity, bounded by the longest ring.
     *
     * @return min(capacity, {@link #MAX_RING})
     */
    long holdCap() {
        return Math.min(capacity, MAX_RING);
    }

    /**
     * Where senders count room from (see "Send" and "Grow").
     *
     * @param c    the consumer index
     * @param pend the {@link #pending} field
     * @return {@code c}, or the copy start a of the last grow while the receiver has not switched
     */
    static long base(long c, int pend) {
        return pend == 0 ? c : c - ((c - (pend >>> 1)) & 0x7FFF_FFFFL);
    }

    /**
     * One step of waiting for a thread that holds PLOCK or a CLAIMED state (see {@link Backoff}).
     *
     * @param spins the steps waited so far
     */
    static void backoff(int spins) {
        Backoff.pause(spins);
    }

    /**
     * Takes PLOCK (spinning while someone else holds it); returns the unlocked value to restore.
     *
     * @return the value of P before the lock
     */
    long lockP() {
        for (int spins = 0; ; spins++) {
            long v = (long) P.getVolatile(this);
            if ((v & PLOCK) == 0 && P.compareAndSet(this, v, v | PLOCK)) {
                return v;
            }
            backoff(spins);
        }
    }

    /**
     * A thread's identity for {@link #owner}: the low 29 bits of its id, shifted left by three (so {@link #BUSY},
     * {@link #RECLAIM} and {@link #SHORT} are free), never 0. Two threads whose ids differ by a multiple of 2^29
     * share an identity;
     * that costs them nothing but the handover check (the BUSY claim still keeps their takes apart, and the fast
     * take checks after its claim that its look is still current).
     *
     * @param t the thread
     * @return a non-zero multiple of 8
     */
    @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs Java 19; the same final field
    static int id(Thread t) {
        int id = (int) t.getId() << 3;
        return id == 0 ? Integer.MIN_VALUE : id;
    }

    /**
     * Clears a flag in P (waiting out PLOCK); nothing if it is clear already.
     *
     * @param flag RWAIT or SWAIT
     */
    void clearFlag(long flag) {
        for (int spins = 0; ; spins++) {
            long v = (long) P.getVolatile(this);
            if ((v & flag) == 0) {
                return;
            }
            if ((v & PLOCK) == 0 && P.compareAndSet(this, v, v & ~flag)) {
                return;
            }
            backoff(spins);
        }
    }

    /** Wakes the parked receiver or fulfils the pending receive future (a sender's claim cleared RWAIT). */
    abstract void wakeReceiver();

    /**
     * The reclaimer's visit ({@link Reclaimer}): gives the ring back if the channel was empty and quiet for a whole
     * period and no receive is taking, waiting or pending.
     *
     * @param e the channel's entry (its lastC is the daemon's)
     * @return {@code true} to keep the entry listed (a ring is still held)
     */
    abstract boolean reclaim(Reclaimer.Entry e);
}

/**
 * Field layout of {@link ChannelState}, first base: the one-slot field alone, so that it takes offset 12, right
 * after the header (see "Layout" in {@link ChannelState}). HotSpot lays a superclass's fields out before its
 * subclass's; FootprintTest checks the offsets.
 */
abstract class ChannelSlotField {
    /** The one-slot ring used while {@code buffer} is null: offset 12, as far from P as the 64 bytes allow. */
    Object one;

    /** The one-slot field of a new channel: empty. */
    ChannelSlotField() {
    }
}

/** Field layout of {@link ChannelState}, second base: the storage's and the receiver's fields (offsets 16-47). */
abstract class ChannelFields extends ChannelSlotField {
    /** The most messages the channel holds; {@link MpscChannel#UNBOUNDED} for an unbounded channel. */
    final int capacity;

    /** id | marks: the thread that received last ({@code ChannelState.id}), 0 for none; BUSY during a take. */
    int owner;

    /** 0, or (low 31 bits of the copy start a) &lt;&lt; 1 | 1 while the receiver has not switched. */
    int pending;

    /** Receiver-private retention state ({@link Retention}). */
    int rstate;

    /** The newest ring, or null for the one-slot field {@link #one}. */
    Object[] buffer;

    /** The receiver's ring: {@link #buffer} as of its last switch, or {@code MOVED} after a grow. */
    Object[] rbuf;

    /** null, the parked receiving Thread, or the pending ReceiveFuture. */
    Object rx;

    /** null, the Lifecycle record alone, or the SenderQueue (carrying the record). */
    Object sw;

    /**
     * The fields of a new channel.
     *
     * @param capacity at least 1 (checked by {@link ChannelState})
     */
    ChannelFields(int capacity) {
        this.capacity = capacity;
    }
}

/** Field layout of {@link ChannelState}, third base: the consumer index C (offset 48), just below P. */
abstract class ChannelConsumerField extends ChannelFields {
    /** The consumer index C: the next message number to be received. */
    long c;

    /**
     * The fields of a new channel.
     *
     * @param capacity at least 1 (checked by {@link ChannelState})
     */
    ChannelConsumerField(int capacity) {
        super(capacity);
    }
}
