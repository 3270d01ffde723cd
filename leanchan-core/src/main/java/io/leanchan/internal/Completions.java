package io.leanchan.internal;

/**
 * Where a thread that holds a claimed state parks the completions it caused, until it holds none: the rule that
 * no user code runs inside a claim, enforced in one place.
 *
 * <pre>
 * The rule. No user code (a future's dependent actions, a select's clause function) runs while the thread that
 * runs it holds a claimed state: a channel's PLOCK or receive claim (owner BUSY), or a future's or select's
 * CLAIMED state. A dependent action may call anything (receive, send, cancel this or any future, close), and
 * every one of those may wait for a claimed state to be released; run inside the claim, it would wait for its
 * own thread (defects 4 to 6 of issue 24: a dependent that cancels the select whose claim is held spins for
 * ever, one that receives inside a claimed drain fails with IllegalStateException).
 *
 * One deliberate exception: the sink of drainTo (and so of receiveMany and a batch) runs inside the drain's receive
 * claim, because the claim is what makes a message leave the channel only once the sink has taken it, and what
 * keeps an overlapping receive from taking it too. Nothing ever waits for that claim (a receive that meets it fails
 * at once with IllegalStateException and consumes nothing), so a sink cannot wedge the channel or a waiter: a
 * receive from inside the sink is told that it overlaps the drain. Send futures that the drain settles complete
 * after the drain has released its claim.
 *
 * How. A region of code that holds a claimed state and calls into paths that may settle a future (a select's
 * take, a batch's drain) runs between enter() and exit(). A future settled on a thread inside such a region is
 * settled at once (its outcome recorded and its state DONE, so nobody can cancel it any more) but its completion,
 * which runs the dependents, is queued here; the outermost exit() runs the queue, with no state claimed. A future
 * settled outside any region completes at once. The claims of the channel's own take paths (the receive claim,
 * PLOCK) never settle a future inside them: their wake-ups run after the release.
 *
 * A queued completion is never waited for: whoever needs the future complete (cancel() must leave it done) finishes
 * it itself from its recorded outcome (ChannelFuture.finish, idempotent), so a dependent that cancels a future
 * queued behind it on the same thread does not wait for its own thread.
 *
 * No user code runs inside a region either: a region only defers completions, so user code inside one that
 * settled a future and then waited for it (receiveAsync().join() on a message that is there) would wait for its
 * own region's end. Regions hold only the channel's and the futures' own bounded steps.
 *
 * Fields. depth and the queue are confined to their thread (a ThreadLocal): plain accesses.
 * Cost. Nothing on the channel's fast paths: the thread-local is read only where a region starts (a select's or
 * a batch's take) and where a future is settled while waiters exist.
 * </pre>
 */
final class Completions {
    /** The calling thread's regions and queue; created on first use. */
    private static final ThreadLocal<Completions> LOCAL = new ThreadLocal<>();

    /** How many regions the thread is inside. */
    private int depth;

    /** Futures settled inside a region, to complete when the outermost region ends. */
    private ChannelFuture<?>[] queue = new ChannelFuture<?>[4];

    /** The number of queued futures. */
    private int size;

    /** The next queued future to complete (a drain run from inside a drain goes on where the outer one was). */
    private int head;

    /** One per thread: see {@link #enter()}. */
    private Completions() {
    }

    /**
     * Starts a region in which settled futures are completed only once the outermost region ends.
     *
     * @return the thread's record, to {@link #exit()} in a finally
     */
    static Completions enter() {
        Completions c = LOCAL.get();
        if (c == null) {
            c = new Completions();
            LOCAL.set(c);
        }
        c.depth++;
        return c;
    }

    /** Ends a region; the outermost one completes every queued future (running their dependents). */
    void exit() {
        if (--depth == 0) {
            drain();
        }
    }

    /**
     * Completes {@code f} now if the calling thread is in no region, else when its outermost region ends.
     *
     * @param f a settled future (outcome recorded, state DONE)
     */
    static void complete(ChannelFuture<?> f) {
        Completions c = LOCAL.get();
        if (c == null || c.depth == 0) {
            f.finish();
        } else {
            c.add(f);
        }
    }

    /**
     * Queues a settled future.
     *
     * @param f the future to complete later
     */
    private void add(ChannelFuture<?> f) {
        if (size == queue.length) {
            queue = java.util.Arrays.copyOf(queue, size * 2);
        }
        queue[size++] = f;
    }

    /**
     * Completes the queued futures in the order they were settled. Their dependents may start regions of their
     * own; what those queue is completed by their own exit, or by this loop.
     */
    private void drain() {
        while (head < size) {
            ChannelFuture<?> f = queue[head];
            queue[head++] = null;
            f.finish(); // never throws: ChannelFuture.finish keeps what user code throws in the future
        }
        head = 0;
        size = 0;
    }
}
