package io.leanchan.internal;

import io.leanchan.ChannelClosedException;
import io.leanchan.Sender;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The senders' side of an {@link MpscChannel}: the claim, the growth of the ring, and waiting for room (the
 * {@link SenderQueue} and the pending {@code sendAsync} futures). Fields and words: {@link ChannelState}.
 *
 * <pre>
 * Send (fast path, 1 CAS). Read P (acquire); locked or closed: slow path. Read buffer and C (acquire). The
 * one-slot field (buffer null): room iff index = C (buffer null implies pending = 0, as both are set under
 * PLOCK, and the capacity is at least 1). A ring: read pending; room iff index - base &lt; L and index - C &lt;
 * capacity, where base = C, or the consumer index that the last grow started copying from while the receiver
 * has not switched yet (see Grow). CAS P from v to v + 1 (clearing RWAIT), release-store the message into its
 * slot, and if v had RWAIT, wake the receiver. No other shared field is read or written.
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
 *
 * Why senders respect `pending`: a stale copy of message j sits in the slot of message j + L. Until the
 * receiver has cleared the stale range, senders count room from a (index - a &lt; L), so no sender writes
 * message j + L for j &gt;= a, and no real message can be overwritten by the receiver's clearing.
 *
 * Waking senders (a store-load pair on each side, no timing). A sender that finds the channel full links a node
 * into the SenderQueue, sets SWAIT (a CAS on P; or sees it set), and then looks at the room with volatile reads of
 * P and C (roomNow). A take writes C with a volatile store and then reads P with a volatile read; SWAIT set: it
 * wakes the oldest waiting node (wakeSenders). In the synchronization order either the take's read of P comes
 * after the sender's SWAIT (the take wakes a sender) or the sender's read of C comes after the take's store (the
 * sender sees the room itself, and withdraws its node or, if it was woken meanwhile, passes the wake on). The
 * price is the store-load fence of the take's volatile store of C. The owner's fast take (ChannelReceive.poll, the
 * common one) does without it: it claims with a CAS of owner to id | BUSY | SHORT, reads P (volatile) for SWAIT
 * right after the claim, takes, stores C with a release and releases owner; if it saw SWAIT, it wakes after the take.
 * The sender's look (roomNow) reads owner (volatile) first, then P and C. Both CASes (the claim, the sender's SWAIT)
 * are in the synchronization order: either the claim comes after SWAIT (the take's read of P sees it) or the
 * sender's read of owner sees the claim or a later value. A SHORT claim: the sender waits until owner or C moves
 * (the take ends in a few steps, with no user code) and looks again; any later value was written after the take's
 * store of C, which the sender's later read of C then sees. Every other take (waiting receives, drainTo once per
 * call, futures) keeps the fenced store. So a take costs one atomic instruction (the claim), not two.
 * Clearing SWAIT is where wake-ups used to be lost (issue 24, defect 2). wakeSenders runs on behalf of one slot
 * of room; it pops nodes until one is WOKEN (a withdrawn future is skipped: the room goes to the next, defect
 * 1). Finding none, it clears SWAIT with a CAS and then looks at the queue again: a node linked before the clear
 * is seen (SWAIT is set again, and the loop wakes it); a sender that links after the clear finds SWAIT clear, sets
 * it with its own CAS, and looks at the room after that, seeing the take's C. An empty queue is dropped (sw
 * replaced by its lifecycle record, sealed first so lifecycle() cannot publish into a dropped queue, defect 3),
 * and whatever linked between the look and the drop is woken (a linker that finds its queue dropped relinks).
 * A woken sender that does not use its wake (timed out, interrupted, delivered by its own look) passes it on.
 * Timed looks (a linked sender's early look after 50 us, a pending send's spins) are optimisations only: the
 * tests pass with them off (TIMED_RECHECKS).
 * Dependents of a settled send future run only after the retrying thread released everything: the retry, its
 * settle and the receiver's wake-up run inside a Completions region.
 * </pre>
 *
 * @param <T> the type of the messages
 */
abstract class ChannelSend<T> extends ChannelState<T> implements Sender<T> {
    /**
     * A new channel's sending side.
     *
     * @param capacity at least 1; {@link MpscChannel#UNBOUNDED} for an unbounded channel
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    ChannelSend(int capacity) {
        super(capacity);
    }


    /**
     * Whether the waits' timed looks are on (the default): a waiting sender's early look after
     * {@link #SENDER_RECHECK_NANOS}, a pending send's {@link #ASYNC_RECHECKS} spins, the spins before a sender
     * links. Optimisations only, never the reason a waiter wakes ("Waking senders"): every test passes with
     * {@code -Dio.leanchan.timedRechecks=false}, which the controlled-scheduling suite uses.
     */
    static final boolean TIMED_RECHECKS = !"false".equals(System.getProperty("io.leanchan.timedRechecks"));

    /** A waiting sender's one early look at the room after linking (an optimisation, see TIMED_RECHECKS). */
    static final long SENDER_RECHECK_NANOS = 50_000L;

    /** Looks at the room by a pending sendAsync once linked, one spin hint apart (see "Waking senders"). */
    static final int ASYNC_RECHECKS = 32;

    /** Result of {@link #offer}: delivered, nobody to wake. */
    static final int OK = 0;

    /** Result of {@link #offer}: delivered, and the caller must wake the receiver (its claim cleared RWAIT). */
    static final int WAKE = 1;

    /** Result of {@link #offer}: no room; nothing was delivered. */
    static final int FULL = 2;

    /** Result of offerSlow: look again (P changed, or PLOCK was held). */
    private static final int RETRY = 3;

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
                if (b == null ? i == cc : i - base(cc, pending) < b.length && i - cc < capacity) {
                    if (P.compareAndSet(this, v, (v + PSTEP) & ~RWAIT)) {
                        if (b == null) {
                            ONE.setRelease(this, m);
                        } else {
                            OA.setRelease(b, (int) i & (b.length - 1), m);
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
        if (b == null) {
            Reclaimer.register(this); // the first ring of this ring's life: the reclaimer gives it back once idle
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
     * A blocking send: offers, spins, then links a node into the SenderQueue, looks at the room once more (the
     * look that makes the wake-up sound, see "Waking senders") and parks until woken, the timeout, or an interrupt.
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
        for (int k = 0; k < SPINS && TIMED_RECHECKS; k++) {
            Thread.onSpinWait();
            if (delivered(offer(m))) {
                return true;
            }
        }
        long deadline = Deadline.of(nanos);
        Thread me = Thread.currentThread();
        SenderQueue.Node node = null;
        long slice = 0;
        try {
            for (;;) {
                if (node == null) {
                    node = link(new SenderQueue.Node(me));
                    slice = TIMED_RECHECKS ? SENDER_RECHECK_NANOS : 0;
                }
                // After the link and SWAIT: room seen here, or the take that makes it sees SWAIT ("Waking senders")
                if (roomNow() && delivered(offer(m))) {
                    return true;
                }
                long wait = Deadline.left(nanos, deadline);
                if (nanos >= 0 && wait <= 0) {
                    return false;
                }
                if (slice > 0) {
                    // defence in depth only (off with -Dio.leanchan.timedRechecks=false): one early look per link
                    LockSupport.parkNanos(this, wait < 0 ? slice : Math.min(wait, slice));
                    slice = 0;
                } else if (wait < 0) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, wait);
                }
                if (node.state() == SenderQueue.WOKEN) {
                    node = null; // the wake is spent whether or not the room is still there
                    if (delivered(offer(m))) {
                        return true;
                    }
                }
            }
        } finally {
            if (node != null && !node.cancel()) {
                // Woken as we left (delivered by our own look, timed out, interrupted, closed): the wake may stand
                // for room we did not use, so pass it on. A spare wake costs the next sender one look.
                wakeSenders();
            } else if (node != null) {
                pruneSenders(); // O(1) amortised: cancelled nodes at the head go at once
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
     * Links a waiting sender and sets SWAIT (or sees it set). Returns the node that is linked: {@code n}, or a
     * fresh node for the same waiter if the queue was dropped while {@code n} went in (a node is linked once in
     * its life).
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
                return n; // woken by the dropper: the caller looks at the room, as after any wake
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
        Completions region = Completions.enter();
        try {
            park(f);
        } finally {
            region.exit(); // f completed at once (room came as it linked): its dependents run here, after everything
        }
        return f;
    }

    /**
     * Links a pending send and looks at the room once more (the look that makes the wake-up sound: "Waking
     * senders"); if there is room, withdraws the node and retries.
     *
     * @param f the pending send, PENDING
     */
    private void park(SendFuture f) {
        for (;;) {
            SenderQueue.Node n = link(new SenderQueue.Node(f));
            if (!roomSoon()) {
                return; // the take that makes room sees SWAIT and wakes the node
            }
            if (!n.cancel()) {
                return; // already woken: the waker retries it
            }
            pruneSenders();
            if (retry(f) != REQUEUE) {
                return; // delivered, failed, or withdrawn
            }
        }
    }

    /**
     * {@link #roomNow()}, and with timed re-checks on, looked at up to {@link #ASYNC_RECHECKS} more times one spin
     * hint apart (an optimisation: the first look is the one that makes the wake-up sound).
     *
     * @return {@code true} as soon as {@link #roomNow()} is; {@code false} if it never was
     */
    private boolean roomSoon() {
        for (int k = 0; ; k++) {
            if (roomNow()) {
                return true;
            }
            if (k == ASYNC_RECHECKS || !TIMED_RECHECKS) {
                return false;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Whether a send could proceed now: room below the hold capacity, or closed (the retry then fails it). Both
     * reads are volatile: this is the sender's half of the store-load pair of "Waking senders".
     *
     * @return {@code true} if closed or P's index is less than {@link #holdCap()} ahead of C
     */
    private boolean roomNow() {
        for (int spins = 0; ; ) {
            int o = (int) OWNER.getVolatile(this); // after SWAIT: see "Waking senders" (the fast take)
            long v = (long) P.getVolatile(this);
            long cc = (long) C.getVolatile(this);
            if ((v & CLOSED) != 0 || (v >>> PSHIFT) - cc < holdCap()) {
                return true;
            }
            if ((o & SHORT) == 0) {
                return false; // no fast take was under way: the next one reads P after its claim and sees SWAIT
            }
            // A fast take was under way: it may have read P before SWAIT, and its store of C is not fenced. Wait
            // for it to end (a few straight-line steps: its thread is running, or preempted by the OS and resumed
            // by it), then look again. A later take with the same owner value moved C first.
            while ((int) OWNER.getVolatile(this) == o && (long) C.getVolatile(this) == cc) {
                Backoff.awaitStore(spins++);
            }
        }
    }

    /** {@link #retry}: the message is in the channel, or the future failed (closed, an Error). */
    private static final int SETTLED = 0;

    /** {@link #retry}: no room (another sender took it): the future is PENDING again and must be linked again. */
    private static final int REQUEUE = 1;

    /** {@link #retry}: not claimed: withdrawn from outside (cancelled, completed); the room is someone else's. */
    private static final int GONE = 2;

    /**
     * Retries a pending send. The offer, the settle and the receiver's wake-up run in one Completions region, so
     * the future's dependents (and any the wake-up completes) run after all of it, with nothing claimed.
     *
     * @param f the pending send; nothing happens unless this call claims it
     * @return {@link #SETTLED}, {@link #REQUEUE} or {@link #GONE}
     */
    private int retry(SendFuture f) {
        if (!f.claim()) {
            return GONE;
        }
        Completions region = Completions.enter();
        try {
            int r;
            try {
                r = offer(f.message);
            } catch (Throwable t) {
                // closed (the exception carries the message), or an Error such as an OutOfMemoryError while the
                // ring grew: either way the message was not delivered, and the future says so
                f.settle(null, t);
                return SETTLED;
            }
            if (r == FULL) {
                f.unclaim();
                return REQUEUE;
            }
            f.settle(null, null);
            if (r == WAKE) {
                wakeReceiver();
            }
            return SETTLED;
        } finally {
            region.exit();
        }
    }

    /**
     * Wakes the oldest waiting sender: called on behalf of one slot of room, by a take that saw SWAIT, or by a woken
     * sender that leaves without using its wake. Withdrawn futures are skipped (the room goes to the next). With
     * nobody to wake, SWAIT is cleared and the queue looked at again (see "Waking senders").
     */
    void wakeSenders() {
        for (;;) {
            SenderQueue q = senderQueue();
            Object w = q == null ? null : q.wakeOldest();
            if (w instanceof SendFuture) {
                SendFuture f = (SendFuture) w;
                int r = retry(f);
                if (r == GONE) {
                    continue; // withdrawn between its wake and its claim: the room goes to the next
                }
                if (r == REQUEUE) {
                    relinkOrFail(f);
                }
                return;
            }
            if (w != null || noneWaiting()) {
                return; // a thread, unparked; or nobody waits and SWAIT is clear
            }
        }
    }

    /**
     * Nobody was found to wake: clears SWAIT, then looks at the queue again. A sender that linked before the clear
     * is seen here (and SWAIT is set again for the senders behind it); one that links after it finds SWAIT clear
     * and sets it, and looks at the room itself: the clear and the link are each atomic, and each side looks at
     * the other's word after writing its own. An empty queue is dropped (see {@link #drop}).
     *
     * @return {@code true} if nobody waits; {@code false} if a sender linked meanwhile (the caller wakes it)
     */
    private boolean noneWaiting() {
        clearFlag(SWAIT);
        SenderQueue q = senderQueue();
        if (q == null) {
            return true;
        }
        if (!q.isEmpty()) {
            setSwait();
            return false;
        }
        drop(q);
        return true;
    }

    /**
     * Replaces an empty queue by the lifecycle record it carries (or null), so that an idle channel keeps no queue;
     * then wakes what was linked meanwhile. The record is sealed first: lifecycle() can no longer publish into
     * the queue, so no record is lost with it (it waits for the drop and publishes in sw).
     *
     * @param q the queue, found empty
     */
    private void drop(SenderQueue q) {
        Lifecycle l = q.seal();
        if (SW.compareAndSet(this, q, l)) {
            wakeAll(q); // nodes linked between the empty look and the drop: they look at the room and relink
        }
    }

    /**
     * Wakes every node of a dropped (or closed) queue; its pending sends retry, and link into a new queue if still
     * full.
     *
     * @param q the queue
     */
    void wakeAll(SenderQueue q) {
        for (Object w; (w = q.wakeOldest()) != null; ) {
            if (w instanceof SendFuture) {
                SendFuture f = (SendFuture) w;
                if (retry(f) == REQUEUE) {
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
                f.settle(null, t);
            }
        }
    }

    /**
     * The sw field: null, the {@link Lifecycle} alone, or the {@link SenderQueue} (which then carries the
     * lifecycle). A queue that is found empty is replaced by its lifecycle (or null).
     *
     * @return the sender queue, or null if sw holds none
     */
    SenderQueue senderQueue() {
        Object o = SW.getVolatile(this);
        return o instanceof SenderQueue ? (SenderQueue) o : null;
    }

    /**
     * The sender queue, created if there is none (carrying over the lifecycle if there is one).
     *
     * @return the queue in sw, never null
     */
    private SenderQueue queue() {
        for (;;) {
            Object o = SW.getVolatile(this);
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
     * The exception of a send to a closed channel.
     *
     * @param m the message that was not delivered, carried by the exception
     * @return a ChannelClosedException carrying {@code m}
     */
    private static ChannelClosedException closedForSend(Object m) {
        return new ChannelClosedException("channel is closed; the message was not delivered", m);
    }
}
