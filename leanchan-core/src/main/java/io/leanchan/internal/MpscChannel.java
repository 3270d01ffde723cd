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
 * multi-producer single-consumer ring whose length follows what it holds.
 *
 * <p>The channel object is its own {@link Sender}; {@link #receiver()} returns a small stateless view.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread prior to sending a message happen-before actions
 * subsequent to the receipt of that message in another thread.
 *
 * <h2>Implementation overview</h2>
 *
 * <pre>
 * Storage. One Object[] ring, {@code buffer}. Message number k (counting from 0 over the channel's life)
 * lives in slot k % buffer.length. A new channel points at the shared EMPTY array (length 0), so it owns
 * no storage. The ring grows by copying into a ring 1.25x + 2 longer (never past the capacity) and is
 * replaced by EMPTY when the receiver finds the channel empty and the retention policy says so.
 * Non-power-of-two lengths keep a full channel within ~4 bytes per message (a power of two could double it);
 * the price is a 64-bit remainder per operation instead of a mask.
 *
 * The two words. All coordination goes through two 64-bit words:
 *
 *   producer word P = index &lt;&lt; 2 | CLOSED | PLOCK
 *     index : the next message number to be claimed by a sender
 *     PLOCK : the producer lock, held by whoever reshapes the ring, refreshes the padded limit, marks USED,
 *             or inflates; never held on the send fast path
 *     CLOSED: set once, by close() from either side
 *   consumer word C = index &lt;&lt; 17 | gen &lt;&lt; 10 | KEEP &lt;&lt; 6 | LAP | SHRUNK | USED | SW | CLOCK | BUSY
 *     index : the next message number to be received
 *     BUSY  : the receiver has claimed message index-1 and not yet cleared its slot (see "take")
 *     CLOCK : the consumer lock, taken (only by a holder of PLOCK) to freeze the receiver during a reshape
 *     SW    : senders are waiting for room (set by a sender, cleared by the next take)
 *     gen   : bumped by every reshape, so that a receiver holding a stale (word, buffer) pair fails its CAS
 *             (index alone is not enough: a grow leaves index unchanged); 7 bits cover every possible grow
 *             between two receives (fewer than 100 from length 0 to the largest array)
 *     USED, SHRUNK, KEEP, LAP: the retention policy's state (below)
 *
 * Field writers and orderings.
 *   P (pw, or hot[HP] once padded): CAS by senders (claim, lock); release-stores by the lock holder (unlock).
 *   C (cw, or hot[HC]): CAS by the receiver (take), by senders (set SW), by PLOCK holders (CLOCK, USED);
 *     a release-store by the receiver to clear BUSY and by the CLOCK holder to unlock. While BUSY or CLOCK is
 *     set nobody else writes C, which is what makes those plain release-stores safe.
 *   buffer: written only by a holder of both locks (release); read with acquire after reading a word, so a
 *     thread that sees a word written after a reshape sees that reshape's buffer.
 *   slots: written by the sender that claimed the index (release), read by the receiver (acquire), cleared
 *     by the receiver (plain, ordered before its release of C).
 *   rw (the waiting receiver: a Thread or a ReceiveFuture): CAS by the receiver and by whoever completes a
 *     ReceiveFuture; read (volatile) by every send after its claim.
 *   sw (the waiting senders: a linked list guarded by a tiny lock, the LOCKED marker in the field itself).
 *   hot: null until inflation, then a padded long[] written once (release).
 *
 * Send (fast path). Read P (volatile); if it is locked or closed go slow. Read buffer, compute room
 * (compact: from C, same cache line; padded: from a cached limit in hot[HL]). CAS P from index to index+1,
 * then release-store the message into its slot, then read rw (volatile) and wake the receiver if one waits.
 * A sender whose CAS succeeds always writes into the buffer it read: every reshape changes P (a grow claims
 * an index, a shrink burns one, an inflation leaves the compact word locked forever) and waits, holding
 * PLOCK, for claimed slots to be published before copying them.
 *
 * Take. Read C; if BUSY (another receive is mid-take: misuse, reported) or CLOCK (a reshape) back off.
 * Read buffer and the slot (acquire). Empty slot: compare with P's index: equal means empty, else a claimed
 * message is being written, so spin. Otherwise CAS C to (index+1 | BUSY), clear the slot, release-store C
 * without BUSY. While BUSY, senders count the slot as occupied (index - BUSY), so nobody can reuse it before
 * it is cleared; the CAS is what makes overlapping receives detectable instead of silently corrupting.
 *
 * Waking the receiver (Dekker on two SC pairs). The receiver CASes rw (null to itself) and then reads P;
 * it parks only if P is unlocked, not closed and its index equals C's. A sender CASes P (claim or lock) and
 * then reads rw. One of the two always sees the other.
 *
 * Waking senders. A sender that finds the channel full links itself into sw, CASes SW into C, and tries
 * again before parking. Every take CASes C, so the first take after SW was set sees it, clears it in the
 * same CAS, and wakes every waiting sender; a take that came before sees no SW but the sender's retry then
 * sees its room. Exact, no timed polling.
 *
 * Grow (a sender, holding PLOCK, finding the ring too short but the capacity not reached). Take CLOCK
 * (waiting out BUSY); now no receive can complete. Copy messages [C.index, P.index) into the new ring at
 * the same message numbers, waiting for each claimed slot to be published. Write its own message, publish
 * the new buffer, release C with gen+1 and P with index+1.
 *
 * Shrink (the receiver, finding the channel empty). CAS P to PLOCK only if its index equals C's (nothing
 * claimed), take CLOCK, point buffer at EMPTY (or a fresh shorter ring: nothing to copy), release both words
 * with index+1 (the burnt number makes every stale CAS fail) and gen+1.
 *
 * Retention policy (memory back after a burst vs. no garbage for repeated bursts).
 *   USED  : a send left the ring at least a quarter full since the last check (set by a sender under PLOCK).
 *           A quarter, not a half: a ring is halved only after bursts stayed under a quarter of it, so they
 *           still fit in half of the halved ring, and it grows only when full: burst sizes may vary 4x
 *           without any allocation.
 *   SHRUNK: this channel has given storage back before.
 *   KEEP  : credit of quiet checks before a kept ring is given back (0..15): +4 for every burst that used
 *           the kept ring, -1 for every check without one, so a channel that has proved bursty is patient and
 *           one whose bursts stopped releases its ring after a few quiet checks.
 *   LAP   : parity of (index / ring length) at the last check. A receiver that finds the channel empty
 *           checks if USED is set (a burst just ended) or the parity flipped (a traversal of quiet traffic
 *           passed), so polling an idle channel costs nothing; waiting receivers check before every park.
 *   At a check with a ring longer than 2 (any length when about to park): if USED, keep the ring (KEEP+4)
 *   if SHRUNK, otherwise give it back (the first burst is always given back); if not USED and KEEP > 0,
 *   KEEP-1; if not USED and KEEP is 0, give it all back when about to park or when the ring has at most 8
 *   slots, otherwise halve it (a bursty channel whose bursts shrank converges on the ring they need rather
 *   than regrowing from nothing after every release).
 *
 * Padding only under contention (after Striped64). The words start as two fields of this 48-byte object,
 * one cache line with everything else. When a sender's CAS on P fails because another sender moved it, or
 * once the channel has carried 2^16 messages, both words move into a padded long[] (hot: P at [8], the
 * cached producer limit at [9], C at [24]; 272 bytes) and the compact words stay locked forever, which sends
 * every thread that still reads them to the padded copy.
 *
 * Index range. Indices are rebased by a multiple of the ring length (so every message keeps its slot)
 * when P's index passes 2^45; C keeps 47 bits for its index.
 * </pre>
 */
public final class MpscChannel<T> implements Channel<T>, Sender<T> {

    /** The capacity of an unbounded channel. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;
    /** The longest ring the JVM can allocate. */
    static final int MAX_RING = Integer.MAX_VALUE - 8;
    /** Shared by every channel that holds no storage; never written (room is 0). */
    static final Object[] EMPTY = new Object[0];

    // ---- producer word
    static final long PLOCK = 1L;
    static final long CLOSED = 2L;
    static final int PSHIFT = 2;
    static final long PSTEP = 1L << PSHIFT;

    // ---- consumer word
    static final long BUSY = 1L;
    static final long CLOCK = 2L;
    static final long SW = 4L;
    static final long USED = 8L;
    static final long SHRUNK = 16L;
    static final long LAP = 32L;
    static final int KEEP_SHIFT = 6;
    static final int KEEP_MAX = 15;
    static final int KEEP_PER_BURST = 4;
    static final long KEEP = (long) KEEP_MAX << KEEP_SHIFT;
    static final int GEN_SHIFT = 10;
    static final long GEN = 0x7FL << GEN_SHIFT;
    static final int CSHIFT = 17;
    /** Flags a take carries over unchanged. */
    static final long TAKE_KEEPS = USED | SHRUNK | LAP | KEEP | GEN;

    static final long INFLATE_AT = 1L << 16;
    static final long REBASE_AT = 1L << 45;

    // ---- padded layout (long[] hot)
    static final int HP = 8;
    static final int HL = 9;
    static final int HC = 24;
    static final int HOT_LENGTH = 32;

    // ---- slow-offer outcomes
    private static final int OK = 0;
    private static final int FULL = 1;
    private static final int RETRY = 2;

    /** Marks the sender list as locked. */
    private static final Object LOCKED = new Object();

    private static final VarHandle PW;
    private static final VarHandle CW;
    private static final VarHandle BUF;
    private static final VarHandle RW;
    private static final VarHandle SWL;
    private static final VarHandle HOT;
    private static final VarHandle LA = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle OA = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PW = l.findVarHandle(MpscChannel.class, "pw", long.class);
            CW = l.findVarHandle(MpscChannel.class, "cw", long.class);
            BUF = l.findVarHandle(MpscChannel.class, "buffer", Object[].class);
            RW = l.findVarHandle(MpscChannel.class, "rw", Object.class);
            SWL = l.findVarHandle(MpscChannel.class, "sw", Object.class);
            HOT = l.findVarHandle(MpscChannel.class, "hot", long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Layout (compressed oops): 12-byte header + capacity in its gap, two longs, four references = 48 bytes.
    @SuppressWarnings("unused") private long pw;
    @SuppressWarnings("unused") private long cw;
    private final int capacity;
    @SuppressWarnings("unused") private Object[] buffer;
    @SuppressWarnings("unused") private Object rw;
    @SuppressWarnings("unused") private Object sw;
    @SuppressWarnings("unused") private long[] hot;

    /** @param capacity at least 1; {@link #UNBOUNDED} for an unbounded channel */
    public MpscChannel(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        BUF.setRelease(this, EMPTY);
    }

    // =====================================================================================================
    // Channel

    @Override
    public Sender<T> sender() {
        return this;
    }

    @Override
    public Receiver<T> receiver() {
        return new ReceiverView<>(this);
    }

    @Override
    public int capacity() {
        return capacity;
    }

    /** The most messages the ring may hold: the capacity, bounded by the largest array. */
    private int limitCapacity() {
        return Math.min(capacity, MAX_RING);
    }

    // =====================================================================================================
    // Word access: compact fields while hot == null, the padded array after.

    private long[] hot() {
        return (long[]) HOT.getAcquire(this);
    }

    private Object[] buf() {
        return (Object[]) BUF.getAcquire(this);
    }

    private long lvP(long[] h) {
        return h == null ? (long) PW.getVolatile(this) : (long) LA.getVolatile(h, HP);
    }

    private boolean casP(long[] h, long expect, long update) {
        return h == null ? PW.compareAndSet(this, expect, update) : LA.compareAndSet(h, HP, expect, update);
    }

    private void soP(long[] h, long value) {
        if (h == null) {
            PW.setRelease(this, value);
        } else {
            LA.setRelease(h, HP, value);
        }
    }

    private long lvC(long[] h) {
        return h == null ? (long) CW.getVolatile(this) : (long) LA.getVolatile(h, HC);
    }

    private boolean casC(long[] h, long expect, long update) {
        return h == null ? CW.compareAndSet(this, expect, update) : LA.compareAndSet(h, HC, expect, update);
    }

    private void soC(long[] h, long value) {
        if (h == null) {
            CW.setRelease(this, value);
        } else {
            LA.setRelease(h, HC, value);
        }
    }

    /** The consumer index as senders must count it: a slot being cleared (BUSY) is still occupied. */
    private static long consumed(long c) {
        return (c >>> CSHIFT) - (c & BUSY);
    }

    private static long nextGen(long c) {
        return (c & ~GEN) | ((c + (1L << GEN_SHIFT)) & GEN);
    }

    /**
     * The slot of message {@code i} in a ring of {@code len > 0} slots: a mask for the power-of-two lengths
     * that capped rings usually have (bounded(16), bounded(1024), ...), a 64-bit remainder otherwise.
     */
    static int slot(long i, int len) {
        int mask = len - 1;
        return (len & mask) == 0 ? (int) i & mask : (int) (i % len);
    }

    private static int backoff(int spins) {
        if (spins < 128) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
        return spins + 1;
    }

    // =====================================================================================================
    // Sending

    @Override
    public boolean trySend(T message) {
        Objects.requireNonNull(message, "message");
        return offer(message);
    }

    /**
     * Sends if there is room.
     *
     * @return true if delivered, false if full
     * @throws ChannelClosedException if closed
     */
    boolean offer(Object m) {
        for (int spins = 0; ; ) {
            long[] h = hot();
            long p = lvP(h);
            if ((p & (PLOCK | CLOSED)) != 0) {
                if ((p & CLOSED) != 0 && (p & PLOCK) == 0) {
                    throw closedForSend(m);
                }
                spins = backoff(spins);
                continue;
            }
            long i = p >>> PSHIFT;
            Object[] b = buf();
            if (h == null) {
                long c = lvC(null);
                long occ = i - consumed(c);
                int room = Math.min(b.length, capacity);
                if (occ >= capacity) {
                    return false; // full: no lock needed to say so
                }
                if (occ >= room || i >= INFLATE_AT || ((c & USED) == 0 && (occ + 1) * 4 >= room)) {
                    int r = slowOffer(null, p, m);
                    if (r == RETRY) {
                        continue;
                    }
                    return r == OK;
                }
            } else if (i >= (long) LA.getOpaque(h, HL)) {
                if (i - consumed(lvC(h)) >= capacity) {
                    return false; // full: no lock needed to say so
                }
                int r = slowOffer(h, p, m);
                if (r == RETRY) {
                    continue;
                }
                return r == OK;
            }
            if (casP(h, p, p + PSTEP)) {
                OA.setRelease(b, slot(i, b.length), m);
                signalReceiver();
                return true;
            }
            if (h == null) {
                long now = lvP(null);
                if ((now & (PLOCK | CLOSED)) == 0 && (now >>> PSHIFT) != i) {
                    tryInflate(); // another sender moved P under us: contention, so pad
                }
            }
        }
    }

    /** The slow path of a send, under the producer lock. */
    private int slowOffer(long[] h, long p, Object m) {
        if (!casP(h, p, p | PLOCK)) {
            return RETRY;
        }
        long i = p >>> PSHIFT;
        if (h == null && i >= INFLATE_AT) {
            inflate(p);
            return RETRY;
        }
        if (i >= REBASE_AT) {
            rebase(h, p);
            return RETRY;
        }
        Object[] b = buf();
        int len = b.length;
        long c = lvC(h);
        long consumedIndex = consumed(c);
        long occ = i - consumedIndex;
        int room = Math.min(len, capacity);
        if (occ < room) {
            boolean used = (c & USED) != 0;
            if (!used && (occ + 1) * 4 >= room) {
                markUsed(h);
                used = true;
            }
            if (h != null) {
                long limit = used ? consumedIndex + room : consumedIndex + Math.max(1, room >>> 2);
                LA.setOpaque(h, HL, Math.min(limit, REBASE_AT));
            }
            OA.setRelease(b, slot(i, len), m);
            soP(h, (i + 1) << PSHIFT);
            signalReceiver();
            return OK;
        }
        if (occ >= limitCapacity()) {
            soP(h, p); // unchanged state: a stale CAS of p is still valid
            return FULL;
        }
        grow(h, i, b, m);
        signalReceiver();
        return OK;
    }

    /** Under PLOCK: set USED in C (waiting out a take in progress). */
    private void markUsed(long[] h) {
        for (int spins = 0; ; ) {
            long c = lvC(h);
            if ((c & USED) != 0) {
                return;
            }
            if ((c & BUSY) != 0) {
                spins = backoff(spins);
            } else if (casC(h, c, c | USED)) {
                return;
            }
        }
    }

    /** Under PLOCK: take CLOCK once no take is in progress. Returns C as it was before locking. */
    private long lockConsumer(long[] h) {
        for (int spins = 0; ; ) {
            long c = lvC(h);
            if ((c & (BUSY | CLOCK)) != 0) {
                spins = backoff(spins);
            } else if (casC(h, c, c | CLOCK)) {
                return c;
            }
        }
    }

    private static int grownLength(int len, long need, int max) {
        long target = Math.max(need, (long) len + (len >>> 2) + 2);
        return (int) Math.min(target, max);
    }

    /** Under PLOCK, ring too short: copy into a longer ring and deliver {@code m} as message {@code i}. */
    private void grow(long[] h, long i, Object[] b, Object m) {
        long c = lockConsumer(h);
        long ci = c >>> CSHIFT;
        int len = b.length;
        long occ = i - ci;
        int newLen = grownLength(len, occ + 1, limitCapacity());
        Object[] n = new Object[newLen];
        if (occ > 0) {
            int from = (int) (ci % len);
            int to = (int) (ci % newLen);
            for (long k = 0; k < occ; k++) {
                Object e;
                for (int spins = 0; (e = OA.getAcquire(b, from)) == null; ) {
                    spins = backoff(spins); // claimed, not yet written
                }
                n[to] = e;
                if (++from == len) {
                    from = 0;
                }
                if (++to == newLen) {
                    to = 0;
                }
            }
        }
        n[(int) (i % newLen)] = m;
        BUF.setRelease(this, n);
        if (h != null) {
            LA.setOpaque(h, HL, Math.min(ci + Math.min(newLen, capacity), REBASE_AT));
        }
        soC(h, nextGen(c) | USED);
        soP(h, (i + 1) << PSHIFT);
    }

    /** Under PLOCK (padded): subtract a multiple of the ring length from both indices. */
    private void rebase(long[] h, long p) {
        long c = lockConsumer(h);
        long ci = c >>> CSHIFT;
        int len = buf().length;
        long base = len == 0 ? ci : ci - ci % len;
        long flags = nextGen(c) & ((1L << CSHIFT) - 1);
        LA.setOpaque(h, HL, 0L);
        soC(h, ((ci - base) << CSHIFT) | flags);
        soP(h, (((p >>> PSHIFT) - base) << PSHIFT) | (p & CLOSED));
    }

    /** Contention seen on the compact word: take the producer lock if it is free and move to padded words. */
    private void tryInflate() {
        if (hot() != null) {
            return;
        }
        long p = lvP(null);
        if ((p & (PLOCK | CLOSED)) == 0 && casP(null, p, p | PLOCK)) {
            inflate(p);
        }
    }

    /**
     * Holding the compact PLOCK (taken from {@code p}): move both words into a padded array. The compact
     * words stay locked forever, which sends every thread that still reads them to the padded copy.
     */
    private void inflate(long p) {
        long c = lockConsumer(null);
        long[] h = new long[HOT_LENGTH];
        h[HP] = p;
        h[HL] = 0L; // first send refreshes the limit under the lock
        h[HC] = nextGen(c);
        HOT.setRelease(this, h);
    }

    /** Wakes the waiting receiver, if any. Called by every send after its claim (Dekker with awaitReceive). */
    private void signalReceiver() {
        Object w = RW.getVolatile(this);
        if (w != null) {
            wakeReceiver(w);
        }
    }

    private static void wakeReceiver(Object w) {
        if (w instanceof Thread) {
            LockSupport.unpark((Thread) w);
        } else {
            ((ReceiveFuture<?>) w).tryFulfill();
        }
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

    /** Polls before parking: a receiver that is keeping up makes room within a few hundred nanoseconds. */
    static final int SPINS = 64;

    /** @param nanos negative to wait forever */
    private boolean awaitSend(Object m, long nanos) throws InterruptedException {
        for (int k = 0; k < SPINS; k++) {
            if (offer(m)) {
                return true;
            }
            Thread.onSpinWait();
        }
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0L;
        Thread me = Thread.currentThread();
        boolean woken = false; // popped by a take: we owe the next sender the room if we leave without it
        try {
            for (;;) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                long wait = nanos;
                if (nanos >= 0) {
                    wait = deadline - System.nanoTime();
                    if (nanos == 0 || wait <= 0) {
                        if (offer(m)) {
                            woken = false;
                            return true;
                        }
                        return false;
                    }
                }
                // A fresh node per wait: a node is linked once in its life.
                Node node = new Node(me);
                enqueueSender(node);
                markSendersWaiting();
                try {
                    if (offer(m)) { // room made before SW was visible to the receiver
                        woken = false;
                        return true;
                    }
                    if (wait < 0) {
                        LockSupport.park(this);
                    } else {
                        LockSupport.parkNanos(this, wait);
                    }
                } finally {
                    if (!removeSender(node)) {
                        woken = true;
                    }
                }
                if (offer(m)) {
                    woken = false;
                    return true;
                }
            }
        } finally {
            if (woken && !fullNow()) {
                wakeSenders(); // pass the room on
            }
        }
    }

    @Override
    public CompletableFuture<Void> sendAsync(T message) {
        Objects.requireNonNull(message, "message");
        try {
            if (offer(message)) {
                return SENT;
            }
        } catch (ChannelClosedException e) {
            return CompletableFuture.failedFuture(e);
        }
        SendFuture f = new SendFuture(this, message);
        f.retry();
        return f;
    }

    // ---- the waiting senders: a list guarded by the LOCKED marker in the sw field itself

    private Node lockSenders() {
        for (int spins = 0; ; ) {
            Object s = SWL.getAndSet(this, LOCKED);
            if (s != LOCKED) {
                return (Node) s;
            }
            spins = backoff(spins);
        }
    }

    void enqueueSender(Node n) {
        Node head = lockSenders();
        n.next = head;
        SWL.setRelease(this, n);
    }

    /** Unlinks {@code n}; false if it was no longer linked (a take or close woke it). */
    boolean removeSender(Node n) {
        if (SWL.getVolatile(this) == null) {
            return false;
        }
        Node head = lockSenders();
        Node prev = null;
        boolean found = false;
        for (Node x = head; x != null; prev = x, x = x.next) {
            if (x == n) {
                if (prev == null) {
                    head = x.next;
                } else {
                    prev.next = x.next;
                }
                found = true;
                break;
            }
        }
        SWL.setRelease(this, head);
        return found;
    }

    /** Unlinks the oldest waiting sender (the list's tail); null if none. Sets SW again if others remain. */
    private Node popOldestSender() {
        if (SWL.getVolatile(this) == null) {
            return null;
        }
        Node head = lockSenders();
        if (head == null) {
            SWL.setRelease(this, null);
            return null;
        }
        Node prev = null;
        Node x = head;
        while (x.next != null) {
            prev = x;
            x = x.next;
        }
        if (prev == null) {
            head = null;
        } else {
            prev.next = null;
        }
        SWL.setRelease(this, head);
        if (head != null) {
            markSendersWaiting();
        }
        return x;
    }

    private Node detachSenders() {
        if (SWL.getVolatile(this) == null) {
            return null;
        }
        Node head = lockSenders();
        SWL.setRelease(this, null);
        return head;
    }

    /** Sets SW in C so that the next take wakes the senders (waits out a take or reshape in progress). */
    void markSendersWaiting() {
        for (int spins = 0; ; ) {
            long[] h = hot();
            long c = lvC(h);
            if ((c & SW) != 0) {
                return;
            }
            if ((c & (BUSY | CLOCK)) != 0) {
                spins = backoff(spins);
            } else if (casC(h, c, c | SW)) {
                return;
            }
        }
    }

    /** True if the channel holds as many messages as it may (a locked word counts as not full: retry). */
    boolean fullNow() {
        long[] h = hot();
        long p = lvP(h);
        long c = lvC(h);
        if ((p & PLOCK) != 0 || (c & CLOCK) != 0) {
            return false;
        }
        return (p >>> PSHIFT) - consumed(c) >= limitCapacity();
    }

    /** A take made room for one: wake the oldest sender that still wants it. */
    private void wakeSenders() {
        for (;;) {
            Node n = popOldestSender();
            if (n == null) {
                return;
            }
            Object w = n.waiter;
            if (w instanceof Thread) {
                LockSupport.unpark((Thread) w);
                return;
            }
            if (((SendFuture) w).retry()) {
                return;
            }
        }
    }

    /** Close: every waiting sender wakes and fails. */
    private void wakeAllSenders() {
        Node n = detachSenders();
        while (n != null) {
            Node next = n.next; // detached chains are never relinked: each node is linked once
            Object w = n.waiter;
            if (w instanceof Thread) {
                LockSupport.unpark((Thread) w);
            } else {
                ((SendFuture) w).retry();
            }
            n = next;
        }
    }

    // =====================================================================================================
    // Receiving

    /**
     * Takes the next message, or returns null if the channel is empty.
     *
     * @param user true for a caller's receive (overlap is reported, an empty channel runs the retention
     *             check); false for an internal take on behalf of a pending receiveAsync (waits out overlap)
     */
    Object poll(boolean user) {
        for (int spins = 0; ; ) {
            long[] h = hot();
            long c = lvC(h);
            if ((c & (BUSY | CLOCK)) != 0) {
                if ((c & (BUSY | CLOCK)) == BUSY && user) {
                    throw overlappingReceive();
                }
                spins = backoff(spins);
                continue;
            }
            Object[] b = buf();
            int len = b.length;
            long ci = c >>> CSHIFT;
            int off = 0;
            Object e = null;
            if (len != 0) {
                off = slot(ci, len);
                e = OA.getAcquire(b, off);
            }
            if (e == null) {
                long p = lvP(h);
                if ((p >>> PSHIFT) == ci && ((p & PLOCK) == 0 || h != null || hot() == null)) {
                    if (user) {
                        onEmpty(h, c, b, false);
                    }
                    return null;
                }
                spins = backoff(spins); // a claimed message is being written, or the ring just changed
                continue;
            }
            long taken = ((ci + 1) << CSHIFT) | (c & TAKE_KEEPS) | BUSY;
            if (casC(h, c, taken)) {
                OA.setOpaque(b, off, null);
                soC(h, taken & ~BUSY);
                if ((c & SW) != 0) {
                    wakeSenders();
                }
                return e;
            }
            if (user) {
                long now = lvC(h);
                if ((now & CLOCK) == 0 && (now & GEN) == (c & GEN) && (now >>> CSHIFT) != ci) {
                    throw overlappingReceive(); // someone else took message ci
                }
            }
        }
    }

    /**
     * The retention check, run by the receiver when it finds the channel empty.
     *
     * @param force true before parking: check whatever the ring length and lap
     */
    private void onEmpty(long[] h, long c, Object[] b, boolean force) {
        int len = b.length;
        if (len == 0 || (!force && len <= 2)) {
            return;
        }
        long ci = c >>> CSHIFT;
        long lap = (ci / len) & 1L;
        if (!force && (c & USED) == 0 && lap == ((c & LAP) != 0 ? 1L : 0L)) {
            return; // no burst since the last check and still in the same traversal: nothing to decide
        }
        int keep = (int) ((c & KEEP) >>> KEEP_SHIFT);
        int target = -1; // the ring to shrink to: -1 keep, 0 EMPTY, else a shorter ring
        if ((c & USED) != 0) {
            if ((c & SHRUNK) == 0) {
                target = 0; // the first burst is always given back
            } else {
                keep = Math.min(KEEP_MAX, keep + KEEP_PER_BURST);
            }
        } else if (keep > 0) {
            keep--;
        } else {
            // Credit spent. A receiver about to park, or a small ring, gives everything back; otherwise halve,
            // so that a bursty channel whose bursts got smaller converges on the ring they need instead of
            // regrowing from nothing after every release.
            target = force || len <= 8 ? 0 : len >>> 1;
        }
        if (target >= 0 && tryShrink(h, c, target)) {
            return;
        }
        long next = (c & ~(USED | KEEP | LAP)) | ((long) keep << KEEP_SHIFT) | (lap == 1L ? LAP : 0L);
        casC(h, c, next); // best effort: a sender that just set a bit wins, the next check decides
    }

    /** The receiver, channel empty as of {@code c}: replace the ring by EMPTY or a shorter ring. */
    private boolean tryShrink(long[] h, long c, int newLength) {
        long p = lvP(h);
        long i = p >>> PSHIFT;
        if ((p & PLOCK) != 0 || i != (c >>> CSHIFT) || !casP(h, p, p | PLOCK)) {
            return false;
        }
        if (!casC(h, c, c | CLOCK)) {
            soP(h, p);
            return false;
        }
        BUF.setRelease(this, newLength == 0 ? EMPTY : new Object[newLength]);
        if (h != null) {
            LA.setOpaque(h, HL, 0L);
        }
        long flags = nextGen(c) & (GEN | SW);
        soC(h, ((i + 1) << CSHIFT) | flags | SHRUNK);
        soP(h, ((i + 1) << PSHIFT) | (p & CLOSED));
        return true;
    }

    /** Closed and nothing left to receive. */
    boolean drainedNow() {
        long[] h = hot();
        long p = lvP(h);
        long c = lvC(h);
        if ((p & PLOCK) != 0 || (c & CLOCK) != 0) {
            return false;
        }
        return (p & CLOSED) != 0 && (p >>> PSHIFT) == (c >>> CSHIFT);
    }

    /** True only if nothing is claimed, no sender holds the lock and the channel is open: safe to park. */
    boolean emptyAndOpen() {
        long[] h = hot();
        long p = lvP(h);
        long c = lvC(h);
        if ((p & (PLOCK | CLOSED)) != 0 || (c & CLOCK) != 0) {
            return false;
        }
        return (p >>> PSHIFT) == (c >>> CSHIFT);
    }

    /**
     * The number of messages at the instant P was read: C is read before and after P and the read is retried
     * until C did not move around it (a seqlock read; C moves once per receive, so this settles at once).
     */
    int sizeNow() {
        for (;;) {
            long[] h = hot();
            long c1 = lvC(h);
            long p = lvP(h);
            long c2 = lvC(h);
            if ((c1 >>> CSHIFT) != (c2 >>> CSHIFT) || ((c1 | c2) & CLOCK) != 0 || hot() != h) {
                Thread.onSpinWait();
                continue;
            }
            long n = (p >>> PSHIFT) - (c1 >>> CSHIFT);
            return (int) Math.max(0L, Math.min(n, Integer.MAX_VALUE));
        }
    }

    /** @param nanos negative to wait forever; returns null on timeout */
    Object awaitReceive(long nanos) throws InterruptedException {
        Object e = poll(true);
        if (e != null) {
            return e;
        }
        for (int k = 0; k < SPINS && nanos != 0; k++) {
            Thread.onSpinWait();
            if ((e = poll(true)) != null) {
                return e;
            }
        }
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0L;
        Thread me = Thread.currentThread();
        for (int spins = 0; ; ) {
            if (drainedNow()) {
                throw endOfStream();
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long wait = nanos;
            if (nanos >= 0) {
                wait = deadline - System.nanoTime();
                if (nanos == 0 || wait <= 0) {
                    return null;
                }
            }
            if (!RW.compareAndSet(this, null, me)) {
                throw new IllegalStateException("another receive is already waiting on this channel");
            }
            try {
                if (emptyAndOpen()) {
                    long[] h = hot();
                    long c = lvC(h);
                    if ((c & (BUSY | CLOCK)) == 0) {
                        onEmpty(h, c, buf(), true);
                    }
                    if (emptyAndOpen()) {
                        spins = 0;
                        if (wait < 0) {
                            LockSupport.park(this);
                        } else {
                            LockSupport.parkNanos(this, wait);
                        }
                    }
                } else {
                    spins = backoff(spins); // a send is in progress: it will publish shortly
                }
            } finally {
                RW.compareAndSet(this, me, null);
            }
            e = poll(true);
            if (e != null) {
                return e;
            }
        }
    }

    CompletableFuture<T> receiveAsync() {
        @SuppressWarnings("unchecked")
        T e = (T) poll(true);
        if (e != null) {
            return CompletableFuture.completedFuture(e);
        }
        if (drainedNow()) {
            return CompletableFuture.failedFuture(endOfStream());
        }
        ReceiveFuture<T> f = new ReceiveFuture<>(this);
        if (!RW.compareAndSet(this, null, f)) {
            throw new IllegalStateException("another receive is already waiting on this channel");
        }
        f.tryFulfill();
        return f;
    }

    int drainTo(Collection<? super T> sink, int max) {
        Objects.requireNonNull(sink, "sink");
        if (max < 0) {
            throw new IllegalArgumentException("maxMessages must not be negative, was " + max);
        }
        int n = 0;
        while (n < max) {
            @SuppressWarnings("unchecked")
            T e = (T) poll(true);
            if (e == null) {
                break;
            }
            sink.add(e);
            n++;
        }
        return n;
    }

    // =====================================================================================================
    // Closing

    @Override
    public void close() {
        closeChannel();
    }

    void closeChannel() {
        for (int spins = 0; ; ) {
            long[] h = hot();
            long p = lvP(h);
            if ((p & PLOCK) != 0) {
                spins = backoff(spins);
                continue;
            }
            if ((p & CLOSED) != 0) {
                break;
            }
            if (casP(h, p, p | CLOSED)) {
                break;
            }
        }
        Object w = RW.getVolatile(this);
        if (w != null) {
            wakeReceiver(w);
        }
        wakeAllSenders();
    }

    @Override
    public boolean isClosed() {
        for (int spins = 0; ; ) {
            long[] h = hot();
            long p = lvP(h);
            if (h == null && (p & PLOCK) != 0 && hot() != null) {
                continue; // moved to padded words
            }
            return (p & CLOSED) != 0;
        }
    }

    private static ChannelClosedException closedForSend(Object m) {
        return new ChannelClosedException("channel is closed; the message was not delivered", m);
    }

    static ChannelClosedException endOfStream() {
        return new ChannelClosedException("channel is closed and drained (end of stream)", null);
    }

    private static IllegalStateException overlappingReceive() {
        return new IllegalStateException(
                "another receive is in progress on this channel: a channel has one receiver at a time");
    }

    @Override
    public String toString() {
        return "Channel[capacity=" + (capacity == UNBOUNDED ? "unbounded" : capacity) + ", size=" + sizeNow()
                + (isClosed() ? ", closed" : "") + "]";
    }

    // =====================================================================================================
    // Helpers

    /** A waiting sender: a parked Thread or a pending SendFuture. */
    static final class Node {
        final Object waiter;
        Node next;

        Node(Object waiter) {
            this.waiter = waiter;
        }
    }

    /** The shared future of every sendAsync that delivered at once. Immutable. */
    static final CompletableFuture<Void> SENT = new Sent();

    static final class Sent extends CompletableFuture<Void> {
        Sent() {
            super.complete(null);
        }

        @Override
        public void obtrudeValue(Void value) {
            throw new UnsupportedOperationException("shared completed future");
        }

        @Override
        public void obtrudeException(Throwable ex) {
            throw new UnsupportedOperationException("shared completed future");
        }
    }

    private static final int PENDING = 0;
    private static final int CLAIMED = 1;
    private static final int DONE = 2;

    /**
     * A pending receiveAsync. Whoever moves state PENDING to CLAIMED takes one message on its behalf; only a
     * PENDING future can be cancelled or completed from outside, so a taken message always reaches it.
     */
    static final class ReceiveFuture<T> extends CompletableFuture<T> {
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(ReceiveFuture.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final MpscChannel<T> ch;
        @SuppressWarnings("unused") private volatile int state;

        ReceiveFuture(MpscChannel<T> ch) {
            this.ch = ch;
        }

        @SuppressWarnings("unchecked")
        void tryFulfill() {
            for (;;) {
                if (!STATE.compareAndSet(this, PENDING, CLAIMED)) {
                    return;
                }
                Object e;
                try {
                    e = ch.poll(false);
                } catch (RuntimeException | Error t) {
                    state = PENDING;
                    throw t;
                }
                // DONE and the receiver slot released before completing: dependents run inside complete() and
                // may receive again or cancel this future; they must find it settled, not CLAIMED.
                if (e != null) {
                    finish();
                    super.complete((T) e);
                    return;
                }
                if (ch.drainedNow()) {
                    finish();
                    super.completeExceptionally(endOfStream());
                    return;
                }
                state = PENDING;
                if (ch.emptyAndOpen()) {
                    return; // a later send sees PENDING and fulfils
                }
            }
        }

        private void finish() {
            state = DONE;
            RW.compareAndSet(ch, this, null);
        }

        /** Claims the future for an outside completion; false if a message is already on its way. */
        private boolean withdraw() {
            for (int spins = 0; ; ) {
                int s = state;
                if (s == PENDING) {
                    if (STATE.compareAndSet(this, PENDING, DONE)) {
                        RW.compareAndSet(ch, this, null);
                        return true;
                    }
                } else if (s == CLAIMED) {
                    spins = backoff(spins);
                } else {
                    // DONE: the result is being written (no user code runs in between); Future.cancel promises
                    // isDone() once it returns, so wait for it.
                    while (!isDone()) {
                        Thread.onSpinWait();
                    }
                    return false;
                }
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return withdraw() ? super.cancel(mayInterruptIfRunning) : isCancelled();
        }

        @Override
        public boolean complete(T value) {
            return withdraw() && super.complete(value);
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            return withdraw() && super.completeExceptionally(ex);
        }

        @Override
        public void obtrudeValue(T value) {
            throw new UnsupportedOperationException("a receive future cannot be overwritten");
        }

        @Override
        public CompletableFuture<T> completeAsync(java.util.function.Supplier<? extends T> supplier,
                java.util.concurrent.Executor executor) {
            throw new UnsupportedOperationException("a receive future is completed by the channel");
        }

        @Override
        public CompletableFuture<T> completeAsync(java.util.function.Supplier<? extends T> supplier) {
            throw new UnsupportedOperationException("a receive future is completed by the channel");
        }

        @Override
        public void obtrudeException(Throwable ex) {
            throw new UnsupportedOperationException("a receive future cannot be overwritten");
        }
    }

    /** A pending sendAsync, in the sender list until delivered, cancelled or closed out. */
    static final class SendFuture extends CompletableFuture<Void> {
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(SendFuture.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final MpscChannel<?> ch;
        private final Object message;
        /** The node this future is linked by, if any; a fresh one per wait. */
        private volatile Node node;
        @SuppressWarnings("unused") private volatile int state;

        SendFuture(MpscChannel<?> ch, Object message) {
            this.ch = ch;
            this.message = message;
        }

        /**
         * Tries to deliver; if still full, waits in the sender list for the next take to call again.
         *
         * @return false if this future no longer wanted the room (cancelled, done, or being handled)
         */
        boolean retry() {
            boolean claimedOnce = false;
            for (;;) {
                if (!STATE.compareAndSet(this, PENDING, CLAIMED)) {
                    return claimedOnce; // delivered, cancelled, or another thread is trying right now
                }
                claimedOnce = true;
                boolean sent;
                try {
                    sent = ch.offer(message);
                } catch (ChannelClosedException e) {
                    state = DONE; // settled before dependents run (they may cancel this future)
                    super.completeExceptionally(e);
                    return true;
                }
                if (sent) {
                    state = DONE;
                    super.complete(null);
                    return true;
                }
                // PENDING before joining the list: from the moment a take can pop this node, it must be
                // able to claim it; otherwise a pop while we were still CLAIMED would be lost.
                Node n = new Node(this);
                node = n;
                state = PENDING;
                ch.enqueueSender(n);
                ch.markSendersWaiting();
                // A take between the failed offer and SW made room without seeing SW; a close may have woken
                // the list before we joined it. Look again, but only by claiming ourselves back.
                if ((!ch.fullNow() || ch.isClosed()) && STATE.compareAndSet(this, PENDING, CLAIMED)) {
                    ch.removeSender(n);
                    STATE.setVolatile(this, PENDING);
                    continue;
                }
                return true;
            }
        }

        private boolean withdraw() {
            for (int spins = 0; ; ) {
                int s = state;
                if (s == PENDING) {
                    if (STATE.compareAndSet(this, PENDING, DONE)) {
                        Node n = node;
                        if (n != null) {
                            ch.removeSender(n);
                        }
                        return true;
                    }
                } else if (s == CLAIMED) {
                    spins = backoff(spins);
                } else {
                    // DONE: the result is being written (no user code runs in between); Future.cancel promises
                    // isDone() once it returns, so wait for it.
                    while (!isDone()) {
                        Thread.onSpinWait();
                    }
                    return false;
                }
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return withdraw() ? super.cancel(mayInterruptIfRunning) : isCancelled();
        }

        @Override
        public boolean complete(Void value) {
            return withdraw() && super.complete(value);
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            return withdraw() && super.completeExceptionally(ex);
        }

        @Override
        public void obtrudeValue(Void value) {
            throw new UnsupportedOperationException("a send future cannot be overwritten");
        }

        @Override
        public CompletableFuture<Void> completeAsync(java.util.function.Supplier<? extends Void> supplier,
                java.util.concurrent.Executor executor) {
            throw new UnsupportedOperationException("a send future is completed by the channel");
        }

        @Override
        public CompletableFuture<Void> completeAsync(java.util.function.Supplier<? extends Void> supplier) {
            throw new UnsupportedOperationException("a send future is completed by the channel");
        }

        @Override
        public void obtrudeException(Throwable ex) {
            throw new UnsupportedOperationException("a send future cannot be overwritten");
        }
    }
}
