package io.leanchan.internal;

/**
 * What the default methods of {@link io.leanchan.Channel}, {@link io.leanchan.Sender} and
 * {@link io.leanchan.Receiver} need from the core beyond its sends and receives. Not API: this package is not
 * exported. The core implements it on the channel object (in core v2 the one object that is the channel, its
 * sender and its receiver); the default methods find it with {@link #of(Object)}.
 *
 * <p>Who uses what: {@link #peek()} backs {@code Receiver.peek()}, {@code Receiver.drain(Consumer, int)} (peek,
 * hand over, then take) and the {@code BlockingQueue} view's {@code peek}/{@code element};
 * {@link #awaitAvailable(long)} backs {@code Receiver.receiveMany} (wait, then the core's nothing-lost
 * {@code drainTo}) and the iterator's {@code hasNext()}; {@link #lifecycle()} backs
 * {@code Channel.openSender()}, {@code Sender.closed()} and {@code closedBy()}.
 *
 * <p>Three methods, each with its whole contract below. None may allocate per message, and none may cost
 * memory per channel before it is first called ({@link #lifecycle()} allocates on its first call only).
 * {@link #peek()} has the same name and contract as {@link io.leanchan.Receiver#peek()}: in core v2 the core's
 * method is that public method.
 *
 * @param <T> the type of messages
 */
public interface CoreHooks<T> {

    /**
     * The message the next receive would return, without taking it; {@code null} if the channel is empty
     * (closed and drained included).
     *
     * <ul>
     *   <li><b>Consumes nothing</b> and changes nothing a later receive could observe: the message stays in the
     *   channel, and the next {@code tryReceive()}/{@code receive()} by the consumer returns this same reference
     *   (the callers rely on this identity: peek, hand over, then take).</li>
     *   <li><b>Counts as a receive</b> for the one-receive-at-a-time rule: consumer side only; if it detects a
     *   receive in progress it may throw {@link IllegalStateException}, as {@code tryReceive()} does; it must
     *   never corrupt state when misused from two threads. The callers never peek while a receive of theirs is
     *   waiting, so the core need not define the result of a peek that overlaps a waiting receive.</li>
     *   <li><b>Never waits</b>, except for what {@code tryReceive()} waits for: a send that has claimed its place
     *   (and so is counted by {@code size()}) but not yet published the message is waited out, so that
     *   {@code size() > 0} (or {@link #awaitAvailable(long)} returning {@code true}) followed by {@code peek()}
     *   on the consumer never yields {@code null}.</li>
     *   <li><b>Memory consistency:</b> the same as a receive: actions prior to the send of the returned message
     *   happen-before the return of {@code peek()} (an acquire read of the slot the sender wrote with release).</li>
     *   <li>It may run the same empty-channel retention check as {@code tryReceive()} when it finds the channel
     *   empty (it need not). Allocates nothing.</li>
     * </ul>
     *
     * @return the head of the channel, or {@code null} if the channel is empty
     * @throws IllegalStateException if it detects another receive in progress
     */
    T peek();

    /**
     * Waits until a message is available or the stream has ended, consuming nothing.
     *
     * <ul>
     *   <li><b>Returns {@code true}</b> as soon as the channel holds a message (counted as {@code size()} counts
     *   it: a claimed, not yet published message counts; the following {@link #peek()} waits it out),
     *   whether the channel is open or closed. After {@code true}, the consumer's next {@code peek()} and
     *   {@code tryReceive()} return non-null.</li>
     *   <li><b>Returns {@code false}</b> if the channel is closed and drained (at once, also when
     *   {@code nanos} is 0), or if {@code nanos >= 0} and that many nanoseconds passed with the channel empty
     *   and open ({@code nanos == 0}: check only, never park).</li>
     *   <li><b>{@code nanos < 0}</b> (the callers pass {@code -1}): no time limit.</li>
     *   <li><b>Interrupts</b>: like {@code receive()}: if a message is available it returns {@code true} even if
     *   the thread is interrupted; otherwise an interrupt before or during the wait throws
     *   {@link InterruptedException} with the interrupt status cleared. Either way nothing is consumed.</li>
     *   <li><b>Counts as a waiting receive</b>: consumer side only, one at a time; a second waiting receive
     *   ({@code receive()}, timed receive, pending {@code receiveAsync()}, or another {@code awaitAvailable})
     *   while one waits is reported with {@link IllegalStateException}, exactly as for {@code receive()}.</li>
     *   <li><b>Wake-ups</b>: it must be woken by every send that makes the channel non-empty and by close,
     *   exactly as a waiting {@code receive()} is (no lost wake-up, no timed polling needed). Spurious returns
     *   are not allowed: {@code true} means a message is there, {@code false} means timeout or end of stream.</li>
     *   <li>Before parking it may run the retention check a waiting {@code receive()} runs (giving the ring
     *   back). No garbage beyond what a waiting {@code receive()} makes (none).</li>
     *   <li><b>Memory consistency:</b> none beyond that of the following {@code peek()} or receive.</li>
     * </ul>
     *
     * @param nanos the longest wait in nanoseconds; negative for no limit; 0 to check without waiting
     * @return {@code true} if a message is available, {@code false} at the end of the stream or on timeout
     * @throws InterruptedException if interrupted before a message was available (status cleared)
     * @throws IllegalStateException if another receive is waiting
     */
    boolean awaitAvailable(long nanos) throws InterruptedException;

    /**
     * The channel's lifecycle record, which carries the counted-sender state and is the future returned by
     * {@link io.leanchan.Sender#closed()}.
     *
     * <ul>
     *   <li><b>One per channel, created on demand</b>: the first call creates it with {@code new Lifecycle()}
     *   and publishes it (CAS, so that racing first calls from any threads all return the same object); every
     *   later call returns that object. Until then it costs the channel nothing but the reference it will be
     *   kept in (where is the core's choice: a field, or a slot of a structure the channel already has).</li>
     *   <li><b>Thread-safety</b>: callable from any thread, concurrently with anything (sends, receives, close).
     *   Never called on a per-message path.</li>
     *   <li><b>Close</b>: the core calls {@link Lifecycle#signalClosed()} once the channel is closed: in
     *   {@code close()}, after the closed state is set (visible to {@code isClosed()} in every thread) and after
     *   waiting receivers and senders have been woken, if a lifecycle exists; and in {@code lifecycle()} itself,
     *   after publishing a new record, if the channel is already closed. The closed flag and the record reference
     *   must be accessed so that at least one of the two sides sees the other (volatile/SC write then read on
     *   both sides: close sets the flag then reads the reference; {@code lifecycle()} publishes the reference
     *   then reads the flag). {@code signalClosed()} is idempotent and cheap to call twice; it runs dependent
     *   actions of {@code closed()} (user code), so the core calls it last, holding no lock, and never before
     *   the close is visible.</li>
     *   <li><b>Memory consistency:</b> actions prior to {@code close()} happen-before the completion of the
     *   record (so the callers can promise it for {@code closed()}); the publication must be safe (the record
     *   is fully constructed when another thread reads the reference).</li>
     * </ul>
     *
     * @return the channel's one lifecycle record, created by the first call
     */
    Lifecycle lifecycle();

    /**
     * The hooks of a channel, sender or receiver object, or {@code null} if it has none (a user's own
     * implementation of the interfaces).
     *
     * @param <T>  the type of messages
     * @param side a channel, sender or receiver (or any object)
     * @return {@code side} as hooks if it implements them, else {@code null}
     */
    @SuppressWarnings("unchecked")
    static <T> CoreHooks<T> of(Object side) {
        return side instanceof CoreHooks ? (CoreHooks<T>) side : null;
    }
}
