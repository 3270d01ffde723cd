package io.leanchan.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The waiting senders of one channel: a lock-free FIFO (Michael and Scott's queue) of {@link Node}s, each a
 * parked thread or a pending {@code sendAsync}. Allocated when the first sender waits, dropped by the
 * channel when it is found empty (unless it carries the channel's {@link Lifecycle}, which it then keeps).
 *
 * <pre>
 * Costs. Enqueue: one CAS on tail.next and one on tail (amortised O(1)). Wake: one CAS on head and one on
 * the node's state. Cancel (timeout, interrupt, future cancel): one CAS on the node's state, WAITING to
 * CANCELLED, then {@link #prune}: dead nodes at the head are unlinked at once, and one atomic increment counts
 * the withdrawal; every SWEEP_MIN withdrawals, or as many as there were live nodes at the last sweep if more,
 * one withdrawing thread sweeps the whole queue and unlinks the dead nodes behind live ones (so cancelling is
 * amortised O(1), and a queue that no take visits holds at most about twice its live nodes plus SWEEP_MIN).
 * Nothing waits for anyone. No lock: a thread preempted anywhere in here delays nobody but itself.
 *
 * Unlinking behind the head (the sweep, as ConcurrentLinkedQueue unlinks interior nodes): for a dead node n
 * with a successor, CAS pred.next from n to n.next. The last node (next == null) is never unlinked, because
 * enqueuers CAS its next; an unlinked node keeps its own next, so a lagging tail or a dequeuer standing on it
 * still finds the rest of the queue. A CAS that fails, or that lands on a predecessor that was itself unlinked
 * or dequeued meanwhile, leaves a dead node linked: harmless, the next sweep or dequeue skips it. Only dead
 * nodes (CANCELLED, or a settled future's) are unlinked: their state is final, so no wake can be lost.
 *
 * Node state. WAITING (linked, nobody has decided) to WOKEN (a waker decided that this sender gets the
 * room that was just made) or to CANCELLED (the sender withdrew). Exactly one of the two CASes wins: a woken
 * sender that gives up anyway (timeout, interrupt) passes the room on to the next waiter, so a wake is
 * never lost.
 *
 * Field writers. head: CAS by dequeuers (the receiver that made room, or close()). tail: CAS by enqueuers
 * and helpers. Node.next: CAS once, null to the successor. Node.state: CAS as above. All accesses are
 * volatile (the queue is off the fast path).
 * </pre>
 */
final class SenderQueue {
    /** Node state: linked, nobody has decided. */
    static final int WAITING = 0;
    /** Node state: a waker gave this sender the room it made. */
    static final int WOKEN = 1;
    /** Node state: the sender withdrew; the node is dead. */
    static final int CANCELLED = 2;

    /** Access to {@link #head}, for the dequeuers' CAS. */
    private static final VarHandle HEAD;
    /** Access to {@link #tail}, for the enqueuers' and helpers' CAS. */
    private static final VarHandle TAIL;
    /** Access to {@link Node#next}, for the link CAS and the sweep's unlink CAS. */
    private static final VarHandle NEXT;
    /** Access to {@link Node#state}, for the wake and cancel CASes. */
    private static final VarHandle STATE;
    /** Access to {@link #lifecycle}, for its publishing CAS. */
    private static final VarHandle LIFE;
    /** Access to {@link #withdrawn}, for its atomic adds. */
    private static final VarHandle WITHDRAWN;
    /** Access to {@link #sweeping}, for the sweeper's CAS. */
    private static final VarHandle SWEEPING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(SenderQueue.class, "head", Node.class);
            TAIL = l.findVarHandle(SenderQueue.class, "tail", Node.class);
            NEXT = l.findVarHandle(Node.class, "next", Node.class);
            STATE = l.findVarHandle(Node.class, "state", int.class);
            LIFE = l.findVarHandle(SenderQueue.class, "lifecycle", Lifecycle.class);
            WITHDRAWN = l.findVarHandle(SenderQueue.class, "withdrawn", int.class);
            SWEEPING = l.findVarHandle(SenderQueue.class, "sweeping", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A waiting sender: a {@link Thread} to unpark, or a {@link SendFuture} to retry. */
    static final class Node {
        /** The Thread or SendFuture; cleared when a cancelled node becomes the dummy, so it keeps nothing. */
        Object waiter;
        /** The successor: CAS once from null by an enqueuer; moved past a dead successor by a sweep. */
        @SuppressWarnings("unused") private volatile Node next;
        /** {@link #WAITING}, {@link #WOKEN} or {@link #CANCELLED}; see "Node state". */
        @SuppressWarnings("unused") private volatile int state;

        /**
         * An unlinked, WAITING node.
         *
         * @param waiter the Thread or SendFuture, or null for the queue's first dummy
         */
        Node(Object waiter) {
            this.waiter = waiter;
        }

        /**
         * The node's state (a volatile read).
         *
         * @return {@link #WAITING}, {@link #WOKEN} or {@link #CANCELLED}
         */
        int state() {
            return state;
        }

        /**
         * The sender withdraws; false if a waker got there first (the sender then owes the room).
         *
         * @return {@code true} if this call moved it from WAITING to CANCELLED
         */
        boolean cancel() {
            return STATE.compareAndSet(this, WAITING, CANCELLED);
        }

        /**
         * A waker gives this sender the room; false if it was cancelled (or already woken).
         *
         * @return {@code true} if this call moved it from WAITING to WOKEN
         */
        boolean wake() {
            return STATE.compareAndSet(this, WAITING, WOKEN);
        }
    }

    /** Withdrawals counted between sweeps, and the count that triggers the next sweep. */
    static final int SWEEP_MIN = 32;

    /** The dummy node, whose successor is the oldest linked node; CAS by dequeuers and head pruning. */
    @SuppressWarnings("unused") private volatile Node head;
    /** The last node, or one behind it while an enqueue is halfway; CAS by enqueuers and helpers. */
    @SuppressWarnings("unused") private volatile Node tail;
    /** Withdrawals since the last sweep: getAndAdd by withdrawing threads, reduced by the sweeper. */
    @SuppressWarnings("unused") private volatile int withdrawn;
    /** 1 while a thread sweeps (CAS from 0): one sweeper at a time. */
    @SuppressWarnings("unused") private volatile int sweeping;
    /** The withdrawals that trigger the next sweep: max(SWEEP_MIN, live nodes at the last sweep). */
    private volatile int sweepAt = SWEEP_MIN;
    /** The channel's lifecycle record, kept here so that a channel pays for it only once asked; never dropped. */
    @SuppressWarnings("unused") private volatile Lifecycle lifecycle;

    /**
     * The channel's lifecycle record, if one was published here.
     *
     * @return the record, or null
     */
    Lifecycle lifecycle() {
        Lifecycle l = lifecycle;
        return l == SEALED ? null : l;
    }

    /** The lifecycle slot of a queue that is being dropped: nothing may be published into it any more. */
    static final Lifecycle SEALED = new Lifecycle();

    /**
     * Publishes {@code l} unless a record is there already; returns the record in place.
     *
     * @param l the new record to publish
     * @return {@code l} if it was published, else the record already there, or {@link #SEALED} if the queue is
     *     being dropped (the caller waits for the drop and publishes in the channel instead)
     */
    Lifecycle publishLifecycle(Lifecycle l) {
        Lifecycle w = (Lifecycle) LIFE.compareAndExchange(this, null, l);
        return w == null ? l : w;
    }

    /**
     * Seals the lifecycle slot before the queue is dropped: returns the record published here (which the channel
     * then keeps in its place), or null; either way nothing can be published here afterwards.
     *
     * @return the queue's record, or null if none was published
     */
    Lifecycle seal() {
        Lifecycle w = (Lifecycle) LIFE.compareAndExchange(this, null, SEALED);
        return w == null || w == SEALED ? null : w;
    }

    /** An empty queue: head and tail on one dummy node. */
    SenderQueue() {
        Node dummy = new Node(null);
        head = dummy;
        tail = dummy;
    }

    /**
     * Links {@code n} at the tail (lock-free; helps a lagging tail on the way).
     *
     * @param n the new node, not linked anywhere
     */
    void enqueue(Node n) {
        for (;;) {
            Node t = tail;
            Node next = t.next;
            if (next != null) {
                TAIL.compareAndSet(this, t, next); // help a lagging enqueuer
            } else if (NEXT.compareAndSet(t, null, n)) {
                TAIL.compareAndSet(this, t, n);
                return;
            }
        }
    }

    /**
     * True when no node is linked (cancelled nodes count as linked until a dequeue skips them).
     *
     * @return whether the dummy has no successor
     */
    boolean isEmpty() {
        return ((Node) HEAD.getVolatile(this)).next == null;
    }

    /**
     * Unlinks the nodes at the head that nobody will wake: cancelled ones, and those of settled futures (a
     * cancelled sendAsync); then counts the withdrawal and, when enough have been counted, sweeps the dead
     * nodes behind live ones too (see "Costs"). Called once by each sender that withdrew, so a queue that no
     * take visits does not grow with senders that gave up.
     */
    void prune() {
        pruneHead();
        int n = (int) WITHDRAWN.getAndAdd(this, 1) + 1;
        if (n >= sweepAt && SWEEPING.compareAndSet(this, 0, 1)) {
            try {
                int live = sweep();
                WITHDRAWN.getAndAdd(this, -n);
                sweepAt = Math.max(SWEEP_MIN, live);
            } finally {
                SWEEPING.setVolatile(this, 0);
            }
        }
    }

    /**
     * Unlinks the dead nodes that have a successor, behind the head; returns the live nodes it passed.
     *
     * @return the live nodes seen in the walk
     */
    private int sweep() {
        int live = 0;
        Node pred = head;
        for (Node n = pred.next; n != null; ) {
            Node next = n.next;
            if (next != null && dead(n)) {
                NEXT.compareAndSet(pred, n, next);
            } else {
                if (!dead(n)) {
                    live++;
                }
                pred = n;
            }
            n = next;
        }
        return live;
    }

    /**
     * The nodes linked behind the dummy, dead or alive (a walk: for tests and diagnostics only).
     *
     * @return the number of nodes reachable from the head, the dummy not counted
     */
    int linked() {
        int n = 0;
        for (Node x = ((Node) HEAD.getVolatile(this)).next; x != null; x = x.next) {
            n++;
        }
        return n;
    }

    /** Moves head past the dead nodes at the front, helping a lagging tail, and clears each new dummy's waiter. */
    private void pruneHead() {
        for (;;) {
            Node h = head;
            Node first = h.next;
            if (first == null || !dead(first)) {
                return;
            }
            Node t = tail;
            if (h == t) {
                TAIL.compareAndSet(this, t, first);
            }
            if (HEAD.compareAndSet(this, h, first)) {
                first.waiter = null; // the new dummy keeps no thread and no message
            }
        }
    }

    /**
     * Whether nobody will wake {@code n}: it was cancelled, or its future is settled.
     *
     * @param n a linked node
     * @return {@code true} if {@code n} is CANCELLED or holds a SendFuture that is settled or withdrawn
     */
    private static boolean dead(Node n) {
        Object w = n.waiter;
        return n.state == CANCELLED || w instanceof SendFuture && ((SendFuture) w).decided();
    }

    /**
     * Unlinks and returns the oldest node, cancelled or not; null when empty.
     *
     * @return the node that became the new dummy (its waiter still set), or null
     */
    private Node poll() {
        for (;;) {
            Node h = head;
            Node first = h.next;
            if (first == null) {
                return null;
            }
            Node t = tail;
            if (h == t) {
                TAIL.compareAndSet(this, t, first); // tail lags behind: help before moving head past it
            }
            if (HEAD.compareAndSet(this, h, first)) {
                // first becomes the new dummy; its waiter is handed to the caller, the dummy keeps no message
                return first;
            }
        }
    }

    /**
     * Wakes the oldest waiting sender, skipping cancelled ones. Each node it unlinks becomes the dummy and keeps
     * no waiter, so a dropped or closed queue keeps no message reachable (issue 24, defect 7).
     *
     * @return the woken node's waiter: a Thread, already unparked, or a SendFuture the caller must retry; null if
     *     nobody was waiting
     */
    Object wakeOldest() {
        for (Node n; (n = poll()) != null; ) {
            Object w = n.waiter;
            n.waiter = null;
            if (n.wake()) {
                if (w instanceof Thread) {
                    LockSupport.unpark((Thread) w);
                }
                return w;
            }
        }
        return null;
    }
}
