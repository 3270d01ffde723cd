package io.leanchan.internal;

import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;

import java.lang.invoke.VarHandle;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The receiver's side of an {@link MpscChannel}: the take, the switch to a grown ring, the give-back of the
 * ring ({@link Retention} decides when), waiting receives and the pending {@code receiveAsync} future, and the
 * one-receiver rule. Fields and words: {@link ChannelState}; the senders' side: {@link ChannelSend}.
 *
 * <pre>
 * Take (fast path, one CAS, no fence). Read C and rbuf (plain: only the claim holder writes them, but for a
 * give-back under PLOCK while the channel is empty, which needs P's index equal to C and so cannot overlap a take)
 * and the slot (acquire). A message: claim the take (CAS owner from the current thread's id to id | BUSY | SHORT,
 * see "One receive at a time"), read P (volatile) for SWAIT, clear the slot, store C + 1 (release), release owner
 * (release-store id), and wake a sender if SWAIT was set. The claim and the read of P after it are the receiver's
 * half of what makes waking senders sound; the sender's half is its read of owner after SWAIT, which waits out a
 * SHORT claim ("Waking senders" in ChannelSend). Every other take (pollSlow, waiting receives, futures) stores C
 * with a volatile store and reads P after it, the store-load pair of "Waking senders". After the claim the take checks that C and rbuf are still those of its
 * look (another thread with the same id, ids equal mod 2^31, may have taken in between); otherwise it takes the slow
 * way. The look before the claim is the claimed take's own look when the CAS succeeds from the
 * caller's idle id (see poll). An empty slot: the owner reads P, and its index equal to C means empty (no
 * claim). Otherwise, out of line (pollSlow) and under the claim: a failed CAS claims the other way; a sender has
 * claimed C: either it is still writing (spin: bounded by the sender's few instructions) or the message is in
 * a newer ring (buffer != rbuf, or rbuf == MOVED): switch.
 *
 * The empty poll (the owner's, the slot empty). One read of P: unlocked, its index equal to C, and rbuf not MOVED
 * is an empty channel (emptyAt says why one read suffices). A kept ring goes through emptyAt (and foundEmpty: the
 * retention count). With no ring (the idle channel, which gave its ring back) the test is written out in poll, and
 * unless a SenderQueue asks for the fenced look for SWAIT (foundEmpty), poll returns null without a call. The reason
 * is C2: it inlines a call by the caller's profile, and a channel whose polls had always found a message
 * (CostBench's history, or any busy channel's past) gave the empty branch too cold a profile to inline emptyAt (41
 * bytecodes then, 39 now: over MaxInlineSize's 35 either way). A JVM that compiled poll so paid a call on every idle poll: forks of one
 * build read 2.2 or 3.1-3.2 ns, against 1.2 for MpscArrayQueue.
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
 * One receive at a time. Every take, peek and drain runs inside a claim of owner: a CAS from id(t) to
 * id(t) | BUSY by the receiving thread t, and a release-store of id(t) when it is done (in a finally, so an
 * Error leaves no claim behind). The CAS succeeds only from t's own idle id, so the common case (the same
 * thread receiving again) is one uncontended CAS on a line the take writes anyway. Otherwise claimReceive:
 *   - owner has BUSY: another receive is taking right now (another thread's; or this thread's own, from inside
 *     the sink of its drainTo): IllegalStateException, nothing consumed. Nothing ever waits for BUSY, so a
 *     sink that runs long delays no other thread; a receive that overlaps it fails at once.
 *   - a receive is waiting (rx set, or RWAIT armed) or a receiveAsync is pending: IllegalStateException.
 *   - else a handover: CAS owner from the previous owner's idle id to id(t) | BUSY. The CAS reads the value
 *     that the previous take's release-store wrote, so every earlier take happens-before this one, whichever
 *     threads made them, without any ordering by the caller. After the CAS the waiting-receive check is made
 *     again (a receive that started waiting meanwhile fails this claim, or the waiting receive sees owner
 *     changed and fails itself: both sides are volatile accesses, so one of them sees the other).
 * So two threads that call tryReceive (or peek, drainTo, receive) at the same time without ordering can no
 * longer both take the same message or move C backwards (finding 7, docs/stress.md): whichever claims second
 * fails with IllegalStateException, or, if the first has finished, takes over after it. Owner is 0 while a
 * receiveAsync or an async select holds the receive state; its fulfilment takes under the future's CLAIMED
 * state, and no claim can succeed while rx names the future. A give-back always runs inside a claim (giveBack
 * takes one when the owner's empty poll or a waiting receive asks for it unclaimed): a take that overlapped it
 * could read C from before it and rbuf from after it. A waiting receive's other steps between its takes (the
 * switch, under PLOCK, which leaves C alone and clears only slots below it, and the wake-up of senders, a
 * multi-dequeuer CAS) are safe beside another thread's claimed take.
 * Cost: the claim's CAS, about 3 ns of a send+receive pair's 12 (CostBench pair; leanchan-bench/experiments/ab
 * with patch:no-claim.patch, 5 rounds, beside no-send-cas and no-atomics: the pair without any atomic costs
 * 3.7 ns). It is the whole gap to MpscArrayQueue, which makes no such check, and it cannot be made plain: a take
 * that must notice an overlapping take needs a store-load fence or an atomic (two receives that each write, then
 * read, can both miss the other's write while it sits in a store buffer). Issue 24 added a store-load fence to the
 * take's store of C ("Waking senders" in ChannelSend): the pair went from about 13.2 to 19.8 ns in a same-run A/B
 * (leanchan-bench/experiments/ab/run -r 5 -b pair c6c8994 95646c2; MpscArrayQueue 7.6). Issue 26 took it out of
 * the owner's fast take again: the claim's CAS is also what orders the take against a sender's SWAIT (the SHORT
 * mark), so the fast take has one atomic instruction and no fence.
 * </pre>
 *
 * @param <T> the type of the messages
 */
abstract class ChannelReceive<T> extends ChannelSend<T> implements Receiver<T>, CoreHooks<T> {
    /**
     * A new channel's receiving side.
     *
     * @param capacity at least 1; {@link MpscChannel#UNBOUNDED} for an unbounded channel
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    ChannelReceive(int capacity) {
        super(capacity);
    }


    @Override
    @SuppressWarnings("unchecked")
    public T tryReceive() {
        return (T) poll();
    }

    /**
     * The receiver's non-blocking take. Its two common cases are straight-line code: the owner of the receive
     * state finds a message (look at the slot, claim: CAS id to id | BUSY, clear the slot, store C + 1, release
     * owner), or the owner finds the channel empty (no claim, since an empty poll consumes nothing, see "One
     * receive at a time"; and no call for an idle channel, see "The empty poll"). Everything else is
     * {@link #pollSlow}, out of line, so that the compiled take stays small enough to inline into its callers.
     *
     * <p>The look comes before the claim. It is still the look of the claimed take when the claim succeeds from
     * the caller's own idle id: owner then held that id since the caller's last receive ended, because every
     * other thread's claim (a handover) leaves owner at its own id, and only the caller moves it back (a failed
     * handover that restores the id took nothing). So no other thread wrote C, rbuf or the slot between the look
     * and the claim.
     *
     * @return the next message, or null if the channel is empty
     * @throws IllegalStateException if another receive holds the receive state
     */
    Object poll() {
        int me = id(Thread.currentThread());
        long k = c;
        Object[] b = (Object[]) RBUF.getOpaque(this);
        int s = 0;
        Object e = b == null ? ONE.getAcquire(this) : OA.getAcquire(b, s = (int) k & (b.length - 1));
        if (e != null) {
            if (OWNER.compareAndSet(this, me, me | BUSY | SHORT)) {
                // SWAIT is read after the claim and before the take: a sender that sets it later sees this SHORT
                // claim (or what followed it) and waits for its release before it looks at C ("Waking senders")
                long v = (long) P.getVolatile(this);
                if (c != k || RBUF.getOpaque(this) != b) {
                    // another thread with the same id (ids equal mod 2^29) took between the look and the claim
                    OWNER.setRelease(this, me);
                    return pollSlow(me);
                }
                // claimed, with the message that the look found: nothing from here to the release can throw
                if (b == null) {
                    ONE.set(this, null);
                } else {
                    OA.set(b, s, null);
                }
                C.setRelease(this, k + 1); // no fence: the SHORT claim stands for it (see above)
                OWNER.setRelease(this, me);
                if ((v & SWAIT) != 0) {
                    wakeAfterTake();
                }
                return e;
            }
        } else if ((int) OWNER.getOpaque(this) == me) {
            // a kept ring: emptyAt (the retention count); no ring: emptyAt's test written out (b == null is never
            // MOVED), so that an idle channel's poll makes no call whatever C2's profile says ("The empty poll")
            if (b != null) {
                if (emptyAt(k, b)) {
                    emptyNet();
                    return null;
                }
            } else if (((long) P.getVolatile(this) & ~(CLOSED | RWAIT | SWAIT)) == k << PSHIFT) {
                emptyNet();
                return null;
            }
        }
        return pollSlow(me);
    }

    /**
     * Defence in depth when the channel is found empty with nothing claimed: a fenced look for SWAIT, waking a
     * sender if it is set. Not needed for liveness (the take's volatile store of C and the sender's look after
     * SWAIT make every wake-up sound, see "Waking senders" in ChannelSend); cheap, since only a channel that has
     * a sender queue pays for it.
     */
    private void emptyNet() {
        if (SW.getOpaque(this) instanceof SenderQueue) {
            VarHandle.fullFence();
            if (((long) P.getVolatile(this) & SWAIT) != 0) {
                wakeSenders();
            }
        }
    }

    /**
     * {@link #poll()} when its claim failed (another thread's id: a handover, or an overlapping receive), or
     * when the slot was empty but the channel may not be (a message being written, a newer ring): claims
     * ({@link #claimReceive} unless owner is the caller's idle id) and takes in a loop.
     *
     * @param me the calling thread's {@link #id}
     * @return the next message, or null if the channel is empty
     * @throws IllegalStateException if another receive holds the receive state
     */
    private Object pollSlow(int me) {
        claim(me);
        Object e;
        try {
            e = pollClaimed();
        } finally {
            OWNER.setRelease(this, me);
        }
        if (e != null) {
            afterTake();
        } else {
            emptyNet(); // after the release: a sender woken here may run user code
        }
        return e;
    }

    /**
     * The take of {@link #poll()}, inside its claim: the next message, or null if the channel is empty.
     *
     * @return the message taken, or null
     */
    private Object pollClaimed() {
        for (;;) {
            long k = c;
            Object[] b = (Object[]) RBUF.getOpaque(this);
            Object e = takeAt(k, b);
            if (e != null) {
                return e;
            }
            if (!settle(k, b)) {
                return null;
            }
        }
    }

    /**
     * Takes message k if it is published: clears its slot and releases C + 1 (see "Take").
     *
     * @param k the consumer index
     * @param b the receiver's ring as read with {@code k}, or null for the one-slot field
     * @return the message taken, or null if the slot was empty (nothing changed)
     */
    private Object takeAt(long k, Object[] b) {
        Object e;
        if (b == null) {
            e = ONE.getAcquire(this);
            if (e != null) {
                ONE.set(this, null);
                C.setVolatile(this, k + 1); // volatile: see "Waking senders" in ChannelSend
            }
        } else {
            int s = (int) k & (b.length - 1);
            e = OA.getAcquire(b, s);
            if (e != null) {
                OA.set(b, s, null);
                C.setVolatile(this, k + 1); // volatile: see "Waking senders" in ChannelSend
            }
        }
        return e;
    }

    /** {@inheritDoc} Consumer side, like {@link #tryReceive()}; consumes nothing. */
    @Override
    @SuppressWarnings("unchecked")
    public T peek() {
        int me = id(Thread.currentThread());
        claim(me);
        try {
            for (;;) {
                long k = c;
                Object[] b = (Object[]) RBUF.getOpaque(this);
                Object e = b == null ? ONE.getAcquire(this) : OA.getAcquire(b, (int) k & (b.length - 1));
                if (e != null) {
                    return (T) e;
                }
                if (!settle(k, b)) {
                    return null;
                }
            }
        } finally {
            OWNER.setRelease(this, me);
        }
    }

    @Override
    public boolean awaitAvailable(long nanos) throws InterruptedException {
        Object e = await(nanos < 0 ? -1L : nanos, false);
        return e != null && e != END;
    }

    /**
     * After a take: wake the oldest waiting sender if SWAIT is set. The taken message has left the channel
     * already, so nothing here may throw past the caller: a failure to wake (an Error such as a
     * StackOverflowError deep in a call) leaves SWAIT set, and the next take, the receiver's next empty check
     * or the sender's own re-check makes up for it.
     */
    private void afterTake() {
        if (((long) P.getVolatile(this) & SWAIT) != 0) { // after the volatile store of C: "Waking senders"
            wakeAfterTake();
        }
    }

    /** {@link #afterTake}'s wake-up, once SWAIT was seen: nothing thrown (see there). */
    private void wakeAfterTake() {
        try {
            wakeSenders();
        } catch (Throwable t) {
            // deliberately not rethrown: see afterTake (wakeSenders itself fails futures it cannot complete)
        }
    }

    /**
     * The slot of message {@code k} in {@code b} was empty. Returns false if the channel is empty (after the
     * retention check), true if the caller should look again (a switch was made, or a claimed message is being
     * written). The common case, an empty channel with the receiver's ring current, is decided here with one read
     * of P; the rest is in {@link #settleSlow}, out of line, so that the code inlined into every receive stays
     * small.
     *
     * @param k the consumer index
     * @param b the receiver's ring as read with {@code k}, or null for the one-slot field
     * @return {@code false} if the channel is empty; {@code true} if the caller should look again
     */
    private boolean settle(long k, Object[] b) {
        return !emptyAt(k, b) && settleSlow(k, b);
    }

    /**
     * The common case of {@link #settle}: the channel is empty at k with the receiver's ring current (one read of
     * P); then the empty channel's work ({@link #foundEmpty}).
     *
     * <p>One read suffices: P unlocked with index k means nothing is claimed past k and no storage change is under
     * way, and whenever P is unlocked, rbuf is either buffer or MOVED (a grow sets MOVED and publishes buffer under
     * PLOCK; a switch and a give-back set both under PLOCK). So b, unless it is MOVED, is the current ring, even if
     * its read took effect after P's (a grow begun since then could only have made it MOVED). A locked P goes the
     * slow way.
     *
     * <p>It writes only the retention state (the receiver's heuristic: two overlapping receives can only make it
     * decide badly) and, through a give-back, which claims the receive state for itself ({@link #giveBack}), P and
     * C. So the owner's empty poll may run it unclaimed.
     *
     * @param k the consumer index
     * @param b the receiver's ring as read with {@code k}, or null for the one-slot field
     * @return {@code true} if the channel was found empty; {@code false} if the caller must settle the slow way
     */
    private boolean emptyAt(long k, Object[] b) {
        long v = (long) P.getVolatile(this);
        if ((v & ~(CLOSED | RWAIT | SWAIT)) == k << PSHIFT && b != MOVED) {
            foundEmpty(k, b);
            return true;
        }
        return false;
    }

    /**
     * {@link #settle} when P's index was past k or the ring had changed: switch to the newest ring, wait out a
     * claimed message that is being written, or find the channel empty after all.
     *
     * @param k the consumer index
     * @param b the receiver's ring as read with {@code k}, or null for the one-slot field
     * @return {@code false} if the channel is empty; {@code true} if the caller should look again
     */
    private boolean settleSlow(long k, Object[] b) {
        for (int spins = 0; ; spins++) {
            long v = (long) P.getVolatile(this);
            if (b == MOVED || BUF.getAcquire(this) != b) {
                switchRing();
                return true;
            }
            if ((v >>> PSHIFT) == k) {
                foundEmpty(k, b);
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

    /**
     * The channel was found empty at k (P's index equal to k, the ring current): the retention check. It wakes no
     * sender: it runs inside claims (a claimed poll, peek, drain), and a woken send future's dependents must not
     * (issue 24, defect 6); the unclaimed callers run {@link #emptyNet()} after.
     *
     * @param k the consumer index, equal to P's index
     * @param b the receiver's ring, or null for the one-slot field
     */
    private void foundEmpty(long k, Object[] b) {
        onEmpty(k, b);
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
        if (Retention.onlyCounts(s, k, len)) {
            rstate = s + Retention.COUNT_STEP; // the common case, inlined into every receive
        } else {
            check(s, k, len);
        }
    }

    /**
     * A retention check that decides something (a busy or a quiet check, see {@link Retention}), out of line.
     *
     * @param s   the retention state
     * @param k   the consumer index, equal to P's index
     * @param len the receiver's ring length
     */
    private void check(int s, long k, int len) {
        rstate = Retention.shouldGiveBack(s, k, len) && giveBack(k) ? Retention.gaveBack(k + 1)
                : Retention.kept(s, k, len);
    }

    /**
     * Gives the ring back if nothing is claimed beyond k (see "Give back"), inside a claim of the receive state:
     * the caller's own (a claimed take, peek or drain: owner is {@code me | BUSY}), or one taken here for the
     * give-back alone (the owner's empty poll and a waiting receive between its takes run unclaimed). Without
     * it, another thread's handover could take while the ring is given back, read C from before the give-back
     * and rbuf from after it, and take the next message at the old index (C would then lag one behind P
     * forever). If another receive holds the state, nothing is given back: that receive decides.
     *
     * @param k the consumer index, which P's index must equal
     * @return {@code true} if the ring was given back (C and P's index then moved to k + 1)
     */
    private boolean giveBack(long k) {
        int me = id(Thread.currentThread());
        int o = (int) OWNER.getVolatile(this);
        if (o == (me | BUSY)) {
            return giveBackHeld(k);
        }
        if (o != me || !OWNER.compareAndSet(this, me, me | BUSY)) {
            return false;
        }
        try {
            return giveBackHeld(k);
        } finally {
            OWNER.setRelease(this, me);
        }
    }

    /**
     * {@link #giveBack} by the holder of the receive state (a claim, or a pending future's CLAIMED fulfiller).
     *
     * @param k the consumer index, which P's index must equal
     * @return {@code true} if the ring was given back (C and P's index then moved to k + 1)
     */
    private boolean giveBackHeld(long k) {
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
     * Claims the receive state for a take, peek or drain (see "One receive at a time"): the CAS from the caller's
     * own idle id, else {@link #claimReceive}. On return owner is {@code me | BUSY}; the caller releases it.
     *
     * @param me the calling thread's {@link #id}
     * @throws IllegalStateException if another receive is taking, waiting, or pending (nothing consumed)
     */
    private void claim(int me) {
        if (!OWNER.compareAndSet(this, me, me | BUSY)) {
            claimReceive(me);
        }
    }

    /**
     * Claims a take for the calling thread when the fast CAS failed: a handover from another thread, or an
     * overlapping receive reported (see "One receive at a time"). On return owner is {@code me | BUSY}.
     *
     * @param me the calling thread's {@link #id}
     * @throws IllegalStateException if another receive is taking, waiting, or pending (nothing consumed)
     */
    private void claimReceive(int me) {
        for (int spins = 0; ; ) {
            int o = (int) OWNER.getVolatile(this);
            if ((o & RECLAIM) != 0) {
                Backoff.pause(spins++); // the reclaimer gives an idle ring back: a few steps, no user code
                continue;
            }
            if ((o & BUSY) != 0) {
                throw new IllegalStateException("another receive is in progress on this channel (on another thread, or "
                        + "from inside this thread's drainTo sink): one receive at a time");
            }
            checkNoWaitingReceive();
            if (OWNER.compareAndSet(this, o, me | BUSY)) {
                try {
                    checkNoWaitingReceive(); // a receive that started waiting as we took over
                } catch (IllegalStateException e) {
                    OWNER.setRelease(this, o); // nobody else writes owner while BUSY is set
                    throw e;
                }
                return;
            }
        }
    }

    /**
     * Hands the receive state to a pending receiveAsync or async select: owner from the caller's idle id to 0.
     *
     * @return false if another thread claimed or took over meanwhile (an overlapping receive)
     */
    boolean yieldReceiveState() {
        int me = id(Thread.currentThread());
        for (int spins = 0; ; ) {
            if (OWNER.compareAndSet(this, me, 0)) {
                return true;
            }
            if (((int) OWNER.getVolatile(this) & RECLAIM) == 0) {
                return false;
            }
            Backoff.pause(spins++); // the reclaimer's claim: wait for its release
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
        long deadline = Deadline.of(nanos);
        Thread me = Thread.currentThread();
        int busy = 0; // steps spent waiting for a storage change (PLOCK) by another thread
        int myId = id(me);
        for (;;) {
            long wait = Deadline.left(nanos, deadline);
            if (nanos >= 0 && wait <= 0) {
                return isDrained() ? END : null; // the end of the stream is not a time-out, even for 0 ns
            }
            if (((int) OWNER.getVolatile(this) & ~MARKS) != myId) {
                // another thread took the receive state over between our looks (it could: we were not yet waiting);
                // without this check the give-back below would fail and the loop spin at full CPU for ever
                throw new IllegalStateException("another thread took over the receive state while this one was waiting");
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
                releaseStorage(k, false);
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
            int ow = (int) OWNER.getVolatile(this);
            if ((ow & RECLAIM) == 0 ? ow != myId : (ow & ~MARKS) != myId) {
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
    void clearRwait() {
        clearFlag(RWAIT);
    }

    /**
     * At the end of the stream: give the ring back whatever the policy says.
     *
     * @param k    the consumer index, equal to P's index (closed and drained)
     * @param held whether the caller holds the receive state already (a pending future's fulfiller: owner is 0
     *             and no claim can succeed while rx names the future); otherwise {@link #giveBack} claims it
     */
    private void releaseStorage(long k, boolean held) {
        if (RBUF.getOpaque(this) != null) {
            if (held) {
                giveBackHeld(k);
            } else {
                giveBack(k);
            }
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
        if (!yieldReceiveState()) { // the future holds the receive state now: no claim succeeds while rx names it
            RX.compareAndSet(this, f, null);
            throw new IllegalStateException("another receive is in progress on this channel: one receive at a time");
        }
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
        Completions region = Completions.enter();
        try {
            fulfilIn(f);
        } finally {
            region.exit(); // the future's dependents (and those of senders woken here) run after everything
        }
    }

    /**
     * The body of {@link #fulfil}, inside its Completions region.
     *
     * @param f the pending receive future; nothing happens unless this call claims it
     */
    private void fulfilIn(ReceiveFuture<T> f) {
        for (int spins = 0; ; ) {
            if (!f.claim()) {
                return;
            }
            Object e;
            try {
                e = takeFor();
            } catch (Throwable t) {
                f.unclaim();
                throw t;
            }
            if (e != null) {
                f.settle(e, null); // releases the receive state first (afterSettle); completes at the region's end
                if (((long) P.getVolatile(this) & SWAIT) != 0) { // after takeAt's volatile store of C
                    wakeSenders();
                }
                return;
            }
            long v = (long) P.getVolatile(this);
            if ((v & CLOSED) != 0 && (v >>> PSHIFT) == c) {
                releaseStorage(c, true);
                f.settle(null, endOfStream());
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
            Object e = takeAt(k, b);
            if (e != null) {
                return e;
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
        int me = id(Thread.currentThread());
        claim(me);
        int n = 0;
        try {
            while (n < maxMessages) {
                long k = c;
                Object[] b = (Object[]) RBUF.getOpaque(this);
                Object e = b == null ? ONE.getAcquire(this) : OA.getAcquire(b, (int) k & (b.length - 1));
                if (e == null) {
                    if (settle(k, b)) {
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
                C.setRelease(this, k + 1); // the drain's one fence comes after its last take (below)
                n++;
            }
        } finally {
            OWNER.setRelease(this, me); // the drain is over: another receive may claim
            if (n > 0) {
                // One store-load fence per drain, not per message: it orders every store of C above before the read
                // of SWAIT ("Waking senders" in ChannelSend). Then one wake per slot made, while senders wait.
                VarHandle.fullFence();
                for (int w = 0; w < n && ((long) P.getVolatile(this) & SWAIT) != 0; w++) {
                    try {
                        wakeSenders();
                    } catch (Throwable t) {
                        // as in afterTake: the messages are in the sink; SWAIT stays set for the next take
                        break;
                    }
                }
            }
        }
        return n;
    }

    @Override
    final boolean reclaim(Reclaimer.Entry e) {
        if (BUF.getAcquire(this) == null) {
            return false; // no ring (given back by the receiver): drop the entry; a new ring registers again
        }
        long cc = (long) C.getVolatile(this);
        long v = (long) P.getVolatile(this);
        long last = e.lastC;
        e.lastC = cc;
        if ((v & (PLOCK | RWAIT)) != 0 || (v >>> PSHIFT) != cc || cc != last) {
            e.quiet = 0;
            return true; // changing, holding or being sent messages, a receive waiting, or traffic since the last visit
        }
        if (++e.quiet < Reclaimer.QUIET_VISITS) {
            return true; // quiet, not yet for long enough
        }
        int o = (int) OWNER.getVolatile(this);
        if (o == 0 || (o & (BUSY | RECLAIM)) != 0 || RX.getVolatile(this) != null) {
            return true; // a receive is taking, waiting or pending: it decides (a waiting one lingers, then gives back)
        }
        if (!OWNER.compareAndSet(this, o, o | BUSY | RECLAIM)) {
            return true; // a receive claimed meanwhile: never wait for it; next period
        }
        boolean gave = false;
        try {
            // Inside the claim: no take overlaps (see "One receive at a time"). giveBackHeld gives the ring back only
            // if P's index still equals C and PLOCK is free (a send that claimed meanwhile keeps it).
            if (RX.getVolatile(this) == null && giveBackHeld(cc)) {
                gave = true;
                rstate = Retention.gaveBack(cc + 1);
            }
        } finally {
            OWNER.setRelease(this, o);
        }
        return !gave;
    }

    /**
     * The exception of a receive at the end of the stream.
     *
     * @return a ChannelClosedException carrying no message
     */
    static ChannelClosedException endOfStream() {
        return new ChannelClosedException("channel is closed and drained (end of stream)", null);
    }
}
