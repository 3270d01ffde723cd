package io.leanchan;

import io.leanchan.internal.Deadline;
import io.leanchan.internal.MpscChannel;
import io.leanchan.internal.SelectFuture;
import io.leanchan.internal.SelectSource;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Waits on several channels at once and receives one message from exactly one of them.
 *
 * <pre>{@code
 * Select<Event> sel = new Select<Event>()
 *         .onReceive(data, Event::data)                         // skipped once closed and drained
 *         .onReceiveOrClosed(control, Event::control, () -> Event.STOP);
 * for (;;) {
 *     Event e = sel.select();                                   // parks; cheap on virtual threads
 *     ...
 * }
 * Event e = sel.select(10, TimeUnit.MILLISECONDS, () -> Event.TICK);   // with a timeout
 * Event e = sel.selectNow(() -> Event.IDLE);                           // a default clause: never waits
 * sel.selectAsync().thenAccept(this::handle);                          // async; cancelling consumes nothing
 * }</pre>
 *
 * <p><b>Exactly once.</b> A select consumes at most one message, from exactly one channel; the other clauses
 * consume nothing, under every race with senders, closes, timeouts, interrupts and cancellation. This holds by
 * construction: the selecting side is the one receiver of every channel it selects on, it only ever takes a
 * message with {@code tryReceive()} on one channel at a time, and waiting registers it on each channel without
 * taking anything. The receivers must be leanchan channels' receivers; a select is a receive on each of them
 * (one receive at a time per channel, as for {@link Receiver}), so nothing else may receive from them while it
 * runs.
 *
 * <p><b>Fairness.</b> Each select starts looking at the clause after the one the previous select of this
 * object selected (round robin, as Go's random start and crossbeam's serve the same end): with k ready
 * channels, none waits more than k - 1 selects, wherever the ready clauses stand among empty ones.
 *
 * <p><b>End of stream.</b> A channel that is closed and drained either selects as closed
 * ({@link #onReceiveOrClosed}: its {@code onClosed} supplies the result) or is skipped ({@link #onReceive}).
 * When every channel of the select has ended and no clause selects as closed, the select throws
 * {@link ChannelClosedException} (its futures complete exceptionally with it).
 *
 * <p><b>Memory.</b> A {@code Select} object is built once and reused: a blocking, timed or non-blocking select
 * allocates nothing. {@link #selectAsync()} allocates its future (32 bytes with compressed oops)
 * when it has to wait. A channel nobody selects on costs nothing more: a waiting select registers itself in
 * the same field a waiting {@code receive()} uses.
 *
 * <p><b>Memory consistency effects:</b> as for {@link Receiver}: actions prior to sending a message
 * happen-before the selected clause's function runs on it.
 *
 * <p>Not thread-safe: one thread selects at a time (the clauses' functions of an async select run in the thread
 * that completes it, usually a sender's).
 *
 * <h2>How a waiting select registers (implementation notes)</h2>
 * <pre>
 * A blocking select loops: try each clause once, from the rotating start, with tryReceive (a message: done; a
 * closed and drained channel: selected as closed, or counted as ended). Nothing found: register on every open
 * channel exactly as a parked receive() does (the channel's receive-state field rx := this thread, then RWAIT
 * set by a CAS that expects the channel to be empty); if a channel is not empty by then, stop registering and
 * loop. Park. A sender whose claim CAS clears RWAIT on any of the channels unparks the thread after
 * publishing; the thread unregisters from every channel (RWAIT cleared, then rx) and loops. The wake-up
 * handshake is a CAS on each channel's producer word on both sides, so no send is missed; and since only the
 * selecting thread ever takes messages, no message is taken twice or by a losing clause.
 * An async select registers its future instead (io.leanchan.internal.SelectFuture, a Waker; its class comment
 * has the protocol): at most one thread takes, and only for this future; the clause's function runs only after
 * the future is settled, every registration is gone and the running thread holds no claimed state, so it and
 * the dependent actions may select, receive, cancel (this future too) or close anything.
 * </pre>
 *
 * @param <R> the type of the select's result
 */
public final class Select<R> {
    /** {@link #attempt}'s answer when no clause could be selected and some channel is still open. */
    private static final int NONE = -1;
    /** {@link #attempt}'s answer when every channel has ended and no clause selects as closed. */
    private static final int ENDED = -2;

    /** The clauses in the order they were added; the first {@link #n} slots are used (the array doubles). */
    private Clause<?, R>[] clauses = newClauses(4);
    /** The number of clauses. */
    private int n;
    /** The clause the next select starts looking at (the rotating start, always below {@link #n}). */
    private int rotation;
    /** The message of the last hit (blocking selects are single-threaded; futures keep their own). */
    private Object hit;
    /** The channels a blocking select registered on (reused). */
    private MpscChannel<?>[] armed = new MpscChannel<?>[4];

    /** A select with no clauses yet. */
    public Select() {
    }

    /**
     * One clause: a channel and what its message (or its end) selects.
     *
     * @param <T> the type of the channel's messages
     * @param <R> the type of the select's result
     */
    private static final class Clause<T, R> {
        /** The receiver this clause takes messages from. */
        final Receiver<T> rx;
        /** The same object as {@link #rx}, as the channel a waiting select registers on. */
        final MpscChannel<T> ch;
        /** Maps a received message to the select's result. */
        final Function<? super T, ? extends R> onMessage;
        /** Supplies the result once the channel is closed and drained; {@code null}: the clause is then skipped. */
        final Supplier<? extends R> onClosed;
        /** True if an earlier clause names the same channel: it registers only once. */
        final boolean duplicate;

        /**
         * Creates a clause; the arguments are stored as they are.
         *
         * @param rx        the receiver to take messages from
         * @param ch        {@code rx} as a channel
         * @param onMessage maps a message to the result
         * @param onClosed  the result at the end of the stream, or {@code null} to skip the clause then
         * @param duplicate whether an earlier clause names the same channel
         */
        Clause(Receiver<T> rx, MpscChannel<T> ch, Function<? super T, ? extends R> onMessage,
                Supplier<? extends R> onClosed, boolean duplicate) {
            this.rx = rx;
            this.ch = ch;
            this.onMessage = onMessage;
            this.onClosed = onClosed;
            this.duplicate = duplicate;
        }

        /**
         * Computes the select's result for this clause; runs user code, which may throw.
         *
         * @param m the message taken from the channel, or {@code null} if the clause selected as closed
         * @return {@code onMessage}'s result for {@code m}, or {@code onClosed}'s result if {@code m} is null
         */
        @SuppressWarnings("unchecked")
        R apply(Object m) {
            return m == null ? onClosed.get() : onMessage.apply((T) m);
        }
    }

    /**
     * Creates an empty clause array (generic arrays cannot be created directly).
     *
     * @param <R>  the type of the select's result
     * @param size the length of the array
     * @return a new array of {@code size} nulls
     */
    @SuppressWarnings("unchecked")
    private static <R> Clause<?, R>[] newClauses(int size) {
        return (Clause<?, R>[]) new Clause<?, ?>[size];
    }

    /**
     * Adds a clause that receives from {@code rx} and maps the message with {@code onMessage}; once that channel
     * is closed and drained the clause is skipped. The function runs once per selected message (after the
     * message was taken); what it throws propagates from the select, the message being consumed.
     *
     * @param <T>       the type of the channel's messages
     * @param rx        the receiver of a channel made by {@link Channel#bounded(int)} or {@link Channel#unbounded()}
     * @param onMessage maps the received message to the select's result
     * @return this select, for chaining
     * @throws NullPointerException if {@code rx} or {@code onMessage} is null
     * @throws IllegalArgumentException if {@code rx} is not the receiver of a leanchan channel
     */
    public <T> Select<R> onReceive(Receiver<T> rx, Function<? super T, ? extends R> onMessage) {
        return add(rx, Objects.requireNonNull(onMessage, "onMessage"), null);
    }

    /**
     * Adds a clause that receives from {@code rx}, mapping the message with {@code onMessage}, and that selects
     * {@code onClosed}'s result once that channel is closed and drained. What either function throws
     * propagates from the select (a message it was given has been consumed).
     *
     * @param <T>       the type of the channel's messages
     * @param rx        the receiver of a channel made by {@link Channel#bounded(int)} or {@link Channel#unbounded()}
     * @param onMessage maps the received message to the select's result
     * @param onClosed  supplies the select's result when this channel is found closed and drained
     * @return this select, for chaining
     * @throws NullPointerException if {@code rx}, {@code onMessage} or {@code onClosed} is null
     * @throws IllegalArgumentException if {@code rx} is not the receiver of a leanchan channel
     */
    public <T> Select<R> onReceiveOrClosed(Receiver<T> rx, Function<? super T, ? extends R> onMessage,
            Supplier<? extends R> onClosed) {
        return add(rx, Objects.requireNonNull(onMessage, "onMessage"), Objects.requireNonNull(onClosed, "onClosed"));
    }

    /**
     * Appends a clause, noting whether an earlier clause names the same channel.
     *
     * @param <T>       the type of the channel's messages
     * @param rx        the receiver; must be a leanchan channel
     * @param onMessage maps a message to the result (already checked for null)
     * @param onClosed  the result at the end of the stream, or {@code null} to skip the clause then
     * @return this select
     * @throws NullPointerException if {@code rx} is null
     * @throws IllegalArgumentException if {@code rx} is not a leanchan channel
     */
    private <T> Select<R> add(Receiver<T> rx, Function<? super T, ? extends R> onMessage, Supplier<? extends R> onClosed) {
        Objects.requireNonNull(rx, "rx");
        if (!(rx instanceof MpscChannel)) {
            throw new IllegalArgumentException("a select needs receivers of leanchan channels, not " + rx.getClass().getName());
        }
        MpscChannel<T> ch = (MpscChannel<T>) rx;
        boolean dup = false;
        for (int i = 0; i < n; i++) {
            dup |= clauses[i].ch == ch;
        }
        if (n == clauses.length) {
            clauses = Arrays.copyOf(clauses, n * 2);
            armed = Arrays.copyOf(armed, n * 2);
        }
        clauses[n++] = new Clause<>(rx, ch, onMessage, onClosed, dup);
        return this;
    }

    /**
     * The number of clauses added so far (a channel named twice counts twice).
     *
     * @return the number of clauses
     */
    public int size() {
        return n;
    }

    /**
     * Tries every clause once, from the rotating start (the clause after the one selected last). Returns the index
     * of the clause that was selected (its message, or null for "closed", in {@code out[0]}), {@link #NONE}, or
     * {@link #ENDED}.
     *
     * @param out where the taken message (or null for "closed") is stored on a hit
     * @return the index of the selected clause, {@link #NONE} or {@link #ENDED}
     */
    private int attempt(Object[] out) {
        int ended = 0;
        int start = rotation < n ? rotation : 0;
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            Clause<?, R> c = clauses[i];
            Object m = c.rx.tryReceive();
            if (m != null || c.rx.isDrained() && c.onClosed != null) {
                out[0] = m;
                rotation = i + 1 < n ? i + 1 : 0; // the next select starts after the selected clause
                return i;
            }
            if (c.rx.isDrained()) {
                ended++;
            }
        }
        return ended == n ? ENDED : NONE;
    }

    /** Where {@link #attempt} leaves the message for the blocking and non-blocking selects (cleared after). */
    private final Object[] out = new Object[1];

    /**
     * The end-of-stream signal of a select.
     *
     * @return a new exception that carries no message
     */
    private static ChannelClosedException allEnded() {
        return new ChannelClosedException("every channel of the select is closed and drained (end of stream)", null);
    }

    /**
     * Refuses to select with no clause.
     *
     * @throws IllegalStateException if no clause was added
     */
    private void requireClauses() {
        if (n == 0) {
            throw new IllegalStateException("a select needs at least one clause");
        }
    }

    /**
     * Selects without waiting: the first clause (from the rotating start) that has a message or selects as
     * closed, else {@code otherwise}'s result (Go's {@code default} clause).
     *
     * @param otherwise supplies the result when no clause can be selected now (nothing is consumed then)
     * @return the selected clause's result, or {@code otherwise}'s
     * @throws NullPointerException if {@code otherwise} is null
     * @throws IllegalStateException if this select has no clause, or another receive is in progress on one of
     *                               its channels
     * @throws ChannelClosedException if every channel has ended and no clause selects as closed
     */
    public R selectNow(Supplier<? extends R> otherwise) {
        Objects.requireNonNull(otherwise, "otherwise");
        requireClauses();
        int i = attempt(out);
        if (i == ENDED) {
            throw allEnded();
        }
        if (i == NONE) {
            return otherwise.get();
        }
        Object m = out[0];
        out[0] = null;
        return clauses[i].apply(m);
    }

    /**
     * Selects, waiting (parked) until a clause can be selected. A clause that can be selected without waiting
     * is selected even if the thread is interrupted.
     *
     * @return the selected clause's result
     * @throws IllegalStateException if this select has no clause, or another receive is in progress or waiting on
     *                               one of its channels
     * @throws ChannelClosedException if every channel has ended and no clause selects as closed
     * @throws InterruptedException if interrupted while waiting; nothing was consumed
     */
    public R select() throws InterruptedException {
        return await(-1L, null);
    }

    /**
     * Selects, waiting at most {@code timeout}; then returns {@code onTimeout}'s result (nothing consumed).
     *
     * @param timeout   how long to wait at most, in {@code unit}s; zero or negative does not wait (as
     *                  {@link #selectNow(Supplier)} with {@code onTimeout})
     * @param unit      the unit of {@code timeout}
     * @param onTimeout supplies the result when the time runs out
     * @return the selected clause's result, or {@code onTimeout}'s
     * @throws NullPointerException if {@code unit} or {@code onTimeout} is null
     * @throws IllegalStateException if this select has no clause, or another receive is in progress or waiting on
     *                               one of its channels
     * @throws ChannelClosedException if every channel has ended and no clause selects as closed
     * @throws InterruptedException if interrupted while waiting; nothing was consumed
     */
    public R select(long timeout, TimeUnit unit, Supplier<? extends R> onTimeout) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(onTimeout, "onTimeout");
        return await(Math.max(0L, unit.toNanos(timeout)), onTimeout);
    }

    /**
     * The blocking select: try every clause, else register on every open channel, park, unregister, repeat.
     *
     * @param nanos     the most to wait: negative waits forever, 0 does not wait
     * @param onTimeout supplies the result when the time runs out; unused (may be null) if {@code nanos < 0}
     * @return the selected clause's result, or {@code onTimeout}'s
     * @throws InterruptedException if interrupted before a clause could be selected; nothing was consumed
     */
    private R await(long nanos, Supplier<? extends R> onTimeout) throws InterruptedException {
        requireClauses();
        long deadline = Deadline.of(nanos);
        Thread me = Thread.currentThread();
        for (;;) {
            int i = attempt(out);
            if (i >= 0) {
                Object m = out[0];
                out[0] = null;
                return clauses[i].apply(m);
            }
            if (i == ENDED) {
                throw allEnded();
            }
            long wait = Deadline.left(nanos, deadline);
            if (nanos >= 0 && wait <= 0) {
                return onTimeout.get();
            }
            int a = 0;
            boolean ready = false;
            try {
                for (int k = 0; k < n && !ready; k++) {
                    Clause<?, R> c = clauses[k];
                    if (c.duplicate || c.rx.isDrained()) {
                        continue;
                    }
                    if (c.ch.armWaiter(me)) {
                        armed[a++] = c.ch;
                    } else {
                        ready = true;
                    }
                }
                if (!ready) {
                    if (wait < 0) {
                        LockSupport.park(this);
                    } else {
                        LockSupport.parkNanos(this, wait);
                    }
                }
            } finally {
                for (int k = 0; k < a; k++) {
                    armed[k].disarmWaiter(me);
                    armed[k] = null;
                }
            }
        }
    }

    /**
     * Selects asynchronously. The future completes with the selected clause's result (computed in the thread
     * that completes it, usually the sender's), or exceptionally with {@link ChannelClosedException} when every
     * channel has ended. Cancelling it before it completes consumes nothing. While it is pending, nothing else
     * may receive from its channels (their receives report it as a waiting receive), and this object must not
     * select again.
     *
     * @return a future of the selected clause's result: already complete when a clause can be selected at once
     *         (exceptionally if its function threw, or if every channel has ended)
     * @throws IllegalStateException if this select has no clause, or another receive is in progress or waiting on
     *                               one of its channels
     */
    public CompletableFuture<R> selectAsync() {
        requireClauses();
        int i = attempt(out);
        if (i == ENDED) {
            return CompletableFuture.failedFuture(allEnded());
        }
        if (i >= 0) {
            Object m = out[0];
            out[0] = null;
            try {
                return CompletableFuture.completedFuture(clauses[i].apply(m));
            } catch (Throwable t) {
                return CompletableFuture.failedFuture(t);
            }
        }
        SelectFuture<R> f = new SelectFuture<>(new Source());
        f.start();
        return f;
    }

    /**
     * The clauses as a pending async select ({@link SelectFuture}) sees them. One per {@code selectAsync} that
     * waits (the select's own fields are used while it is pending: this object must not select again meanwhile).
     */
    private final class Source implements SelectSource<R> {
        /** The clauses of the enclosing select, as they stand. */
        Source() {
        }

        @Override
        public int clauses() {
            return n;
        }

        @Override
        public MpscChannel<?> channel(int k) {
            Clause<?, R> c = clauses[k];
            return c.duplicate ? null : c.ch;
        }

        @Override
        public boolean ready(int k) {
            Clause<?, R> c = clauses[k];
            return c.rx.size() > 0 || c.onClosed != null && c.rx.isDrained();
        }

        @Override
        public int attempt(Object[] out) {
            return Select.this.attempt(out);
        }

        @Override
        public R apply(int k, Object m) {
            return clauses[k].apply(m);
        }
    }
}
