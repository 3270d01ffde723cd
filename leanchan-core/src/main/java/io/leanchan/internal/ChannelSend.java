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
 * Waking senders. A sender that finds the channel full links a node into the SenderQueue (lock-free FIFO),
 * sets SWAIT (CAS on P), tries again and parks. After each take the receiver reads P; SWAIT set: wake the
 * oldest node. The receiver's read of P follows its release of C without a fence (the fast path has
 * none), so a sender that links itself just as the receiver takes may miss that take's room and the
 * receiver may miss its SWAIT (store-buffer reordering). Every later take sees SWAIT; the receiver also
 * checks with a fence whenever it finds the channel empty and before it parks; and every sender, once linked,
 * parks first for at most SENDER_RECHECK_NANOS and looks at the room again, so the race costs at most 50 us.
 * A pending sendAsync has no thread to look again later: the caller of sendAsync, once the node is linked,
 * looks at the room ASYNC_RECHECKS times over about a microsecond (spin hints) before it leaves the future
 * pending, far longer than the receiver's store of C takes to leave its store buffer. That narrows the window
 * without closing it: the compiler may also schedule the take's read of P before its store of C, and a receiving
 * thread descheduled between the two keeps C's new value from the sender for as long as it is off the CPU. Then
 * the future completes at the receiver's next receive or empty check, or at close (jcstress
 * CoreV2Test.LinkAsyncVsTake forbids the stuck future; without the re-checks it saw it about once in 200,000
 * samples with C2, docs/stress.md finding 12; with them, once in 3.5 million under C2's stress randomizers,
 * finding 14, open).
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


    /** A waiting sender's first re-check of the room (see "Waking senders"); later ones back off 4x each. */
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
        long deadline = Deadline.of(nanos);
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
                long wait = Deadline.left(nanos, deadline);
                if (nanos >= 0 && wait <= 0) {
                    return false;
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
            if (!roomSoon()) {
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
     * {@link #roomNow()}, looked at up to {@link #ASYNC_RECHECKS} more times, one spin hint apart: the re-check
     * of a pending send that has just linked, which no thread will make later (see "Waking senders").
     *
     * @return {@code true} as soon as {@link #roomNow()} is; {@code false} if it never was
     */
    private boolean roomSoon() {
        for (int k = 0; ; k++) {
            if (roomNow()) {
                return true;
            }
            if (k == ASYNC_RECHECKS) {
                return false;
            }
            Thread.onSpinWait();
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
        clearFlag(SWAIT);
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
    void wakeAll(SenderQueue q) {
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
     * The exception of a send to a closed channel.
     *
     * @param m the message that was not delivered, carried by the exception
     * @return a ChannelClosedException carrying {@code m}
     */
    private static ChannelClosedException closedForSend(Object m) {
        return new ChannelClosedException("channel is closed; the message was not delivered", m);
    }
}
