package io.leanchan;

import io.leanchan.internal.BatchFuture;
import io.leanchan.internal.CoreHooks;
import io.leanchan.internal.ReceiverIterator;
import io.leanchan.internal.ReceiverSupport;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The receiving side of a {@link Channel}.
 *
 * <p><b>One receive at a time.</b> The receiving side may be used from any thread, and handed from thread
 * to thread, but receives must not overlap (a handover between threads must be ordered, as by any
 * happens-before edge: a lock, a queue, a future). A waiting receive ({@link #receive()}, a timed receive, a
 * pending {@link #receiveAsync()}, a waiting {@link #receiveMany(Collection, int)} or iterator) holds the
 * receiving side: any other receive meanwhile throws {@link IllegalStateException}, exactly. So does every
 * non-waiting receive ({@link #tryReceive()}, {@link #peek()}, {@code drainTo}, a receive that finds a message at
 * once): each one claims the receiving side with one atomic instruction for as long as it takes (all but an
 * empty poll by the thread that received last, which consumes nothing and needs no claim), and another
 * receive that starts meanwhile, on any thread, throws {@link IllegalStateException} and consumes nothing. Two
 * threads that receive at the same time without ordering therefore never both get a message or lose one; one of
 * them is told. A receive made from inside {@code drainTo}'s sink on this channel throws the same way. Receives
 * that do not overlap in time may come from any threads: each one happens-after the one before.
 *
 * <p><b>Nothing lost.</b> A receive that times out, is interrupted or whose future is cancelled consumes
 * nothing. A batch receive takes a message only once the sink or consumer accepted it. Received slots are
 * cleared so the channel never keeps a received message reachable.
 *
 * <p><b>Memory given back.</b> A new channel keeps one message in a field of its own; beyond that, messages
 * live in a ring that grows by doubling (never past the capacity rounded up to a power of two) and that the
 * receiver gives back when it finds the channel empty. The first burst is always given back; once a channel
 * has been refilled after giving its ring back, it keeps the ring on credit: each time the messages received
 * since the last check reach a quarter of the ring, an empty poll earns four checks of credit (up to fifteen);
 * every 1,024th empty poll without that much traffic spends one, and with the credit spent the ring is given
 * back. So steady traffic keeps its ring, and an idle or trickling channel polled by a spinning receiver gives
 * it back within 16 x 1,024 empty polls; an empty poll costs one subtraction, one comparison and one
 * increment. A receive that waits keeps a ring on credit for at most 2 ms before giving it back.
 *
 * <p><b>Iteration.</b> A receiver is an {@link Iterable} over the stream: {@code for (T m : rx)} waits for each
 * message and ends at the end of the stream (closed and drained); {@link #stream()} is the same as a
 * sequential {@link Stream}. {@link #receiveOrNull()} is the blocking receive for loops that prefer a
 * {@code null} sentinel to an exception, {@link #receiveMany(Collection, int)} the batch receive that waits for
 * the first message only, and {@link #drain(Consumer, int)} the non-blocking batch to a consumer.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread prior to sending a message happen-before actions
 * subsequent to the receipt of that message in another thread, whichever method receives or {@link #peek()}s
 * it.
 *
 * @param <T> the type of messages
 */
public interface Receiver<T> extends Iterable<T>, ChannelLifecycle {

    /**
     * Receives without waiting.
     *
     * @return the next message, or {@code null} if the channel is empty (or closed and drained)
     * @throws IllegalStateException if another receive is in progress
     */
    T tryReceive();

    /**
     * Receives, waiting while the channel is empty. The waiting thread is parked (cheap on virtual threads).
     *
     * @return the next message
     * @throws ChannelClosedException if the channel is closed and drained (end of stream)
     * @throws InterruptedException if interrupted while waiting; nothing was consumed
     * @throws IllegalStateException if another receive is in progress or waiting
     */
    T receive() throws InterruptedException;

    /**
     * Receives, waiting at most {@code timeout} while the channel is empty.
     *
     * @param timeout how long to wait at most, in {@code unit}s; zero or negative does not wait (a
     *                {@link #tryReceive()} that still reports the end of the stream by throwing)
     * @param unit    the unit of {@code timeout}
     * @return the next message, or {@code null} if the time ran out (nothing was consumed)
     * @throws NullPointerException if {@code unit} is null
     * @throws ChannelClosedException if the channel is closed and drained (end of stream)
     * @throws InterruptedException if interrupted while waiting; nothing was consumed
     * @throws IllegalStateException if another receive is in progress or waiting
     */
    T receive(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Receives asynchronously. The future completes with the next message, or exceptionally with
     * {@link ChannelClosedException} at the end of the stream. Cancelling the future before it completes
     * consumes nothing. Dependent actions may run in the thread that sends the message.
     *
     * @return a future of the next message: already complete when a message is available, or exceptionally
     *         complete when the channel is already closed and drained; otherwise the receive stays in progress
     *         until the future completes or is cancelled
     * @throws IllegalStateException if another receive is in progress or waiting
     */
    CompletableFuture<T> receiveAsync();

    /**
     * Moves up to {@code maxMessages} available messages into {@code sink}, without waiting. It takes them one
     * by one, in order, so messages sent while it runs may be moved too: it is not one atomic step.
     *
     * <p><b>Nothing lost.</b> A message is taken from the channel only after {@code sink.add} returned: if
     * {@code add} throws, the exception propagates, that message stays at the head of the channel, and the
     * messages added before it have been taken (a {@code false} from {@code add} counts as accepted).
     *
     * <p>The drain is one receive while it runs, {@code sink.add} included: a receive on this channel from inside
     * the sink, or from another thread meanwhile, throws {@link IllegalStateException} (nothing waits for the
     * drain, so a slow sink delays no other thread).
     *
     * @param sink        the collection that receives the messages, in channel order
     * @param maxMessages the most messages to move; 0 or less moves nothing and returns 0, as
     *                    {@link java.util.concurrent.BlockingQueue#drainTo(Collection, int)} does
     * @return the number of messages moved; 0 if none was available
     * @throws NullPointerException if {@code sink} is null
     * @throws IllegalStateException if another receive is in progress
     */
    int drainTo(Collection<? super T> sink, int maxMessages);

    /**
     * Moves every available message into {@code sink}, without waiting; see {@link #drainTo(Collection, int)}.
     *
     * @param sink the collection that receives the messages, in channel order
     * @return the number of messages moved; 0 if none was available
     * @throws NullPointerException if {@code sink} is null
     * @throws IllegalStateException if another receive is in progress
     */
    default int drainTo(Collection<? super T> sink) {
        return drainTo(sink, Integer.MAX_VALUE);
    }

    /**
     * Closes the channel for everyone, the same as {@link Channel#close()} and the shared sender's
     * {@link Sender#close()}: senders fail fast from now on, waiting senders are woken with
     * {@link ChannelClosedException}, and {@link Sender#closed()} completes. Messages already in the channel stay
     * receivable. Idempotent.
     */
    @Override
    void close();

    /**
     * Whether the channel is closed, by anyone. Safe from any thread.
     *
     * @return {@code true} once the channel is closed; it never becomes {@code false} again
     */
    @Override
    boolean isClosed();

    /**
     * Whether the stream has ended: the channel is closed and every message sent before the close has been
     * received. Safe from any thread.
     *
     * @return {@code true} once the channel is closed and drained; it never becomes {@code false} again
     */
    boolean isDrained();

    /**
     * The number of messages in the channel at some instant during the call (a snapshot, not a promise). Safe
     * from any thread.
     *
     * @return how many messages the channel held; never negative
     */
    int size();

    /**
     * {@code true} if the channel held no message at some instant during the call (a snapshot, like
     * {@link #size()}). Safe from any thread. After it returns {@code false}, {@link #peek()} and
     * {@link #tryReceive()} by the consumer return a message (a send that has been counted is waited out).
     *
     * @return {@code true} if {@link #size()} was 0
     */
    default boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The next message, without taking it: the message the next receive will return, or {@code null} if the
     * channel is empty (or closed and drained). Never waits (except, like {@link #tryReceive()}, the few
     * nanoseconds a send that has claimed its place needs to publish the message). A receive-side call: one at
     * a time, like the other receives. Allocates nothing.
     *
     * <p><b>Memory consistency effects:</b> actions in a thread prior to sending a message happen-before actions
     * subsequent to peeking that message in another thread.
     *
     * @return the head of the channel, or {@code null}
     * @throws IllegalStateException if another receive is in progress
     * @throws UnsupportedOperationException if this receiver is not backed by a leanchan channel
     */
    default T peek() {
        return ReceiverSupport.<T>hooks(this, "peek()").peek();
    }

    /**
     * Receives, waiting while the channel is empty, and returns {@code null} at the end of the stream instead
     * of throwing: for loops that prefer a sentinel.
     *
     * <pre>{@code
     * for (Job j; (j = rx.receiveOrNull()) != null; ) handle(j);
     * }</pre>
     *
     * Otherwise the same as {@link #receive()}: an interrupted wait consumes nothing.
     *
     * @return the next message, or {@code null} once the channel is closed and drained
     * @throws InterruptedException if interrupted while waiting; nothing was consumed
     * @throws IllegalStateException if another receive is in progress or waiting
     */
    default T receiveOrNull() throws InterruptedException {
        try {
            return receive();
        } catch (ChannelClosedException endOfStream) {
            return null;
        }
    }

    /**
     * Waits until at least one message is available, then moves up to {@code maxMessages} messages into
     * {@code sink}, in order, without waiting any longer (tokio's {@code recv_many}):
     *
     * <pre>{@code
     * List<Job> batch = new ArrayList<>();
     * while (rx.receiveMany(batch, 64) > 0) { handleAll(batch); batch.clear(); }
     * }</pre>
     *
     * <p><b>Nothing lost.</b> A message is taken from the channel only after {@code sink.add} accepted it: if
     * {@code add} throws, the exception propagates, that message stays at the head of the channel, and the
     * messages added before it have been taken (a {@code false} from {@code add}, a set refusing a duplicate,
     * counts as accepted). An interrupted wait consumes nothing. Like {@link #drainTo(Collection, int)}, the
     * move is not one atomic step: messages sent while it runs may be moved too.
     *
     * @param sink        the collection that receives the messages, in channel order
     * @param maxMessages the most messages to move; 0 returns 0 at once
     * @return the number of messages moved: at least 1, or 0 at the end of the stream (closed and drained) or
     *         if {@code maxMessages} is 0
     * @throws NullPointerException if {@code sink} is null
     * @throws IllegalArgumentException if {@code maxMessages < 0}
     * @throws InterruptedException if interrupted while waiting; nothing was consumed
     * @throws IllegalStateException if another receive is in progress or waiting
     * @throws UnsupportedOperationException if this receiver is not backed by a leanchan channel
     */
    default int receiveMany(Collection<? super T> sink, int maxMessages) throws InterruptedException {
        return ReceiverSupport.receiveMany(this, sink, maxMessages, -1L);
    }

    /**
     * {@link #receiveMany(Collection, int)}, waiting at most {@code timeout} for the first message.
     *
     * @param sink        the collection that receives the messages, in channel order
     * @param maxMessages the most messages to move; 0 returns 0 at once
     * @param timeout     how long to wait at most for the first message, in {@code unit}s; zero or negative
     *                    does not wait
     * @param unit        the unit of {@code timeout}
     * @return the number of messages moved: at least 1, or 0 if the time ran out (nothing was consumed), at the
     *         end of the stream ({@link #isDrained()} tells which) or if {@code maxMessages} is 0
     * @throws NullPointerException if {@code sink} or {@code unit} is null
     * @throws IllegalArgumentException if {@code maxMessages < 0}
     * @throws InterruptedException if interrupted while waiting; nothing was consumed
     * @throws IllegalStateException if another receive is in progress or waiting
     * @throws UnsupportedOperationException if this receiver is not backed by a leanchan channel
     */
    default int receiveMany(Collection<? super T> sink, int maxMessages, long timeout, TimeUnit unit)
            throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return ReceiverSupport.receiveMany(this, sink, maxMessages, Math.max(0L, unit.toNanos(timeout)));
    }

    /**
     * Receives a batch asynchronously: the future completes with a new list of at least one and at most
     * {@code maxMessages} messages, in order, once at least one is available (the rest are those available
     * at that moment), or with an empty list at the end of the stream. The receive is in progress until the
     * future completes: do not start another one before.
     *
     * <p><b>Nothing lost.</b> Cancelling the future before it completes consumes nothing; so does completing it
     * from outside ({@code complete}, {@code completeExceptionally}, {@code orTimeout},
     * {@code completeOnTimeout}): a timed batch is {@code receiveManyAsync(64).orTimeout(1, SECONDS)}. A
     * cancellation that comes too late (a message was already taken) returns {@code false} once the future has
     * completed with its batch. Dependent actions may run in the thread that sends the first message, which
     * also moves the rest of the batch. Allocates the future and the list (not per message).
     *
     * @param maxMessages the most messages in the batch; at least 1
     * @return a future of the batch: a new list of 1 to {@code maxMessages} messages, or an empty list (not
     *         modifiable) at the end of the stream
     * @throws IllegalArgumentException if {@code maxMessages < 1}
     * @throws IllegalStateException if another receive is in progress or waiting
     */
    default CompletableFuture<List<T>> receiveManyAsync(int maxMessages) {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be at least 1, was " + maxMessages);
        }
        return BatchFuture.start(this, maxMessages);
    }

    /**
     * Hands up to {@code limit} available messages to {@code consumer}, in order, without waiting.
     *
     * <p><b>Nothing lost.</b> A message is taken from the channel only after {@code consumer} returned: if it
     * throws, the exception propagates and that message stays at the head of the channel (the next receive
     * returns it again), while the messages it accepted before have been taken. Like
     * {@link #drainTo(Collection, int)}, it is not one atomic step: messages sent while it runs may be handed
     * over too. The consumer must not receive from this channel.
     *
     * @param consumer receives each message, in channel order, before the message is taken from the channel
     * @param limit    the most messages to hand over; 0 hands over none
     * @return the number of messages the consumer accepted; 0 if none was available
     * @throws NullPointerException if {@code consumer} is null
     * @throws IllegalArgumentException if {@code limit < 0}
     * @throws IllegalStateException if another receive is in progress
     * @throws UnsupportedOperationException if this receiver is not backed by a leanchan channel
     */
    default int drain(Consumer<? super T> consumer, int limit) {
        return ReceiverSupport.drain(this, consumer, limit);
    }

    /**
     * An iterator over the stream: {@code hasNext()} waits until a message is available and returns
     * {@code false} at the end of the stream (closed and drained); {@code next()} takes the message. It is a
     * receive: one at a time, like the others. On a leanchan channel {@code hasNext()} takes nothing, so an
     * iterator abandoned after {@code hasNext()} loses nothing. If the waiting thread is interrupted,
     * {@code hasNext()} and {@code next()} throw {@link CancellationException} with the interrupt status set
     * again (nothing consumed). {@code remove()} is not supported.
     *
     * <p>Iterating receives: code that treats any {@code Iterable} as a container to print or serialize (a test
     * library's failure message, a JSON mapper) would take messages from the channel, and wait on an open one.
     * A channel made by {@link Channel#bounded(int)} or {@link Channel#unbounded()} may be its own receiver, so
     * this holds for the channel object too; {@code toString()} never iterates.
     *
     * @return a new iterator that receives from this channel
     */
    @Override
    default Iterator<T> iterator() {
        return new ReceiverIterator<>(this, CoreHooks.of(this));
    }

    /**
     * A spliterator over the stream ({@link Spliterator#ORDERED}, {@link Spliterator#NONNULL}; it does not
     * split): each advance waits for the next message and the traversal ends at the end of the stream.
     * Interrupts are reported as for {@link #iterator()}.
     *
     * @return a new spliterator that receives from this channel
     */
    @Override
    default Spliterator<T> spliterator() {
        return ReceiverIterator.spliterator(this);
    }

    /**
     * A sequential {@link Stream} over the messages: each element is received when the stream pulls it
     * (waiting while the channel is empty), and the stream ends at the end of the stream (closed and drained).
     * Short-circuiting operations ({@code limit}, {@code findFirst}, {@code anyMatch}, ...) take no more
     * messages than they consume. It is a receive: one at a time. A message handed to the pipeline has been
     * taken from the channel. An interrupt while waiting ends the traversal with {@link CancellationException}
     * (interrupt status set again, nothing consumed).
     *
     * <pre>{@code
     * long errors = rx.stream().filter(Event::isError).count(); // returns once the channel is closed and drained
     * }</pre>
     *
     * @return a new sequential stream that receives from this channel
     */
    default Stream<T> stream() {
        return StreamSupport.stream(spliterator(), false);
    }
}
