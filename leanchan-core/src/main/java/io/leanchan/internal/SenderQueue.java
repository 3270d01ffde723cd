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
 * CANCELLED; the node stays linked and is skipped (and unlinked) by the next dequeue, so cancelling is O(1)
 * and never waits for anyone. No lock: a thread preempted anywhere in here delays nobody but itself.
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
    static final int WAITING = 0;
    static final int WOKEN = 1;
    static final int CANCELLED = 2;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle NEXT;
    private static final VarHandle STATE;
    private static final VarHandle LIFE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(SenderQueue.class, "head", Node.class);
            TAIL = l.findVarHandle(SenderQueue.class, "tail", Node.class);
            NEXT = l.findVarHandle(Node.class, "next", Node.class);
            STATE = l.findVarHandle(Node.class, "state", int.class);
            LIFE = l.findVarHandle(SenderQueue.class, "lifecycle", Lifecycle.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A waiting sender: a {@link Thread} to unpark, or a {@link SendFuture} to retry. */
    static final class Node {
        /** The Thread or SendFuture; cleared when a cancelled node becomes the dummy, so it keeps nothing. */
        Object waiter;
        @SuppressWarnings("unused") private volatile Node next;
        @SuppressWarnings("unused") private volatile int state;

        Node(Object waiter) {
            this.waiter = waiter;
        }

        int state() {
            return state;
        }

        /** The sender withdraws; false if a waker got there first (the sender then owes the room). */
        boolean cancel() {
            return STATE.compareAndSet(this, WAITING, CANCELLED);
        }

        boolean wake() {
            return STATE.compareAndSet(this, WAITING, WOKEN);
        }
    }

    @SuppressWarnings("unused") private volatile Node head;
    @SuppressWarnings("unused") private volatile Node tail;
    /** The channel's lifecycle record, kept here so that a channel pays for it only once asked; never dropped. */
    @SuppressWarnings("unused") private volatile Lifecycle lifecycle;

    Lifecycle lifecycle() {
        return lifecycle;
    }

    /** Publishes {@code l} unless a record is there already; returns the record in place. */
    Lifecycle publishLifecycle(Lifecycle l) {
        Lifecycle w = (Lifecycle) LIFE.compareAndExchange(this, null, l);
        return w == null ? l : w;
    }

    SenderQueue() {
        Node dummy = new Node(null);
        head = dummy;
        tail = dummy;
    }

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

    /** True when no node is linked (cancelled nodes count as linked until a dequeue skips them). */
    boolean isEmpty() {
        return ((Node) HEAD.getVolatile(this)).next == null;
    }

    /**
     * Unlinks the nodes at the head that nobody will wake: cancelled ones, and those of settled futures (a
     * cancelled sendAsync). Called by a sender that withdrew, so a queue that no take visits does not grow
     * with senders that gave up; a withdrawn node behind a live one waits until that one is woken.
     */
    void prune() {
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

    private static boolean dead(Node n) {
        Object w = n.waiter;
        return n.state == CANCELLED || w instanceof SendFuture && ((SendFuture) w).state() == SendFuture.DONE;
    }

    /** Unlinks and returns the oldest node, cancelled or not; null when empty. */
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
     * Wakes the oldest waiting sender, skipping cancelled ones.
     *
     * @return the woken node (its waiter is a Thread, already unparked, or a SendFuture the caller must
     *     retry), or null if nobody was waiting
     */
    Node wakeOldest() {
        for (Node n; (n = poll()) != null; ) {
            if (n.wake()) {
                if (n.waiter instanceof Thread) {
                    LockSupport.unpark((Thread) n.waiter);
                }
                return n;
            }
        }
        return null;
    }
}
