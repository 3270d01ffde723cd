package io.leanchan;

import io.leanchan.internal.BlockingQueueView;
import io.leanchan.internal.CoreHooks;
import io.leanchan.internal.CountedSender;
import io.leanchan.internal.MpscChannel;

import java.util.concurrent.BlockingQueue;

/**
 * A multi-producer, single-consumer channel whose memory follows its load.
 *
 * <p>A channel is created empty and holds no storage for messages: {@code bounded(1024)} costs the same
 * few dozen bytes as {@code bounded(1)}. Storage grows with what the channel holds (to at most about
 * 5 bytes per held message with compressed oops) and is given back when the consumer drains it, unless the
 * channel shows a repeating burst pattern, in which case the storage is kept for the next burst (see
 * {@link Receiver} for the exact policy). A channel makes no garbage per message in steady state.
 *
 * <p>Messages are sent through the {@link #sender()} (any number of threads) and received through the
 * {@link #receiver()} (one receive at a time). Messages from one sender thread are received in the order
 * they were sent; messages from different threads are interleaved in the order their sends took effect.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread prior to sending a message happen-before
 * actions subsequent to the receipt of that message in another thread, as for
 * {@link java.util.concurrent.BlockingQueue}.
 *
 * <h2>Closing</h2>
 * A channel is closed once, for everyone: {@link #close()}, {@link Sender#close()} on the shared
 * {@link #sender()} and {@link Receiver#close()} are the same operation, and all are idempotent. Once closed,
 * every send fails fast with a {@link ChannelClosedException} that hands the message back
 * ({@link ChannelClosedException#undelivered()}), and waiting or pending senders fail the same way. The
 * receiver still gets every message that was sent before the close, then an end-of-stream signal:
 * {@link Receiver#receive()} throws {@link ChannelClosedException}, {@link Receiver#tryReceive()} returns
 * {@code null} and {@link Receiver#isDrained()} becomes {@code true}.
 *
 * <p>When several producers should each own the channel's lifetime (the stream ends when the last of them
 * is done, as with tokio's senders), give each one a counted handle from {@link #openSender()} and close it
 * when that producer is finished; closing the shared {@link #sender()} would end the stream for all of them.
 * Producers learn that nobody receives any more from {@link Sender#closed()} and {@link #closedBy()}.
 *
 * <h2>Under failure</h2>
 * Every failure leaves the channel usable and every message delivered exactly once, still in the channel, or
 * handed back to its sender:
 * <ul>
 *   <li>An {@link OutOfMemoryError} while a send grows the channel's storage is thrown to that sender; its
 *   message was not delivered and the channel is unchanged (nothing is published until the new storage is filled,
 *   and the lock taken for the growth is released as it was). A
 *   pending {@link Sender#sendAsync} that meets such an Error when it is retried completes exceptionally with
 *   it (not delivered).</li>
 *   <li>A sink or consumer that throws in {@link Receiver#drainTo}, {@code receiveMany} or {@code drain}: the
 *   message it refused stays in the channel (a message leaves the channel only once the sink has taken it).</li>
 *   <li>Dependent actions of the futures (and a select's clause functions) run only after the channel and the
 *   future released every claimed state: they may call any method of the channel or of any future (cancel the
 *   very future whose completion runs them included); what they throw stays in their own future.</li>
 *   <li>No wait depends on timing: a waiting sender, receiver or select is woken by the operation that makes its
 *   condition true, or sees it true itself before it parks, in every interleaving.</li>
 *   <li>Guaranteed only on a best-effort basis: an Error thrown inside the wake-up of a waiting sender after a
 *   take (a StackOverflowError, say) is not rethrown to the receiver, which has its message; the sender's flag
 *   stays set, so the next take wakes it.</li>
 *   <li>Two receives that race from two threads with no ordering between them (a misuse of the
 *   one-receive-at-a-time rule) never both take a message: each receive claims the receiving side with one
 *   atomic instruction, and the one that finds it claimed throws {@link IllegalStateException} and consumes
 *   nothing (see {@link Receiver}).</li>
 * </ul>
 *
 * @param <T> the type of messages; {@code null} is not a message
 */
public interface Channel<T> extends ChannelLifecycle {

    /**
     * Creates a channel that holds at most {@code capacity} messages. Nothing is allocated for messages up
     * front, so {@code bounded(Integer.MAX_VALUE)} is as cheap to create as {@code bounded(1)}.
     * No channel holds more than 2<sup>30</sup> (1,073,741,824) messages, the largest power-of-two ring an
     * array allows: a larger capacity behaves as 2<sup>30</sup>.
     *
     * @param <T>      the type of messages
     * @param capacity the most messages the channel holds; at least 1
     * @return a new open, empty channel whose {@link #capacity()} is {@code capacity}
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    static <T> Channel<T> bounded(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        return new MpscChannel<>(capacity);
    }

    /**
     * Creates a channel without a capacity limit: sends never wait. The largest ring still bounds what it
     * can hold (2<sup>30</sup> messages); beyond that {@code trySend} returns
     * {@code false} and {@code send} waits, as for a bounded channel.
     *
     * @param <T> the type of messages
     * @return a new open, empty channel whose {@link #capacity()} is {@link Integer#MAX_VALUE}
     */
    static <T> Channel<T> unbounded() {
        return new MpscChannel<>(MpscChannel.UNBOUNDED);
    }

    /**
     * The shared sending side. Safe for any number of threads; every call returns an equivalent handle, and it
     * costs nothing (it may be the channel object itself). Its {@link Sender#close()} closes the channel for
     * everyone; producers that should each own a handle use {@link #openSender()}.
     *
     * @return the channel's shared sender
     */
    Sender<T> sender();

    /**
     * The receiving side. Every call returns an equivalent handle; one receive may run at a time.
     *
     * @return the channel's receiver
     */
    Receiver<T> receiver();

    /**
     * The capacity given at creation, or {@link Integer#MAX_VALUE} for an unbounded channel.
     *
     * @return the most messages the channel was created to hold; {@link Integer#MAX_VALUE} if unbounded
     */
    int capacity();

    /**
     * Closes the channel for everyone: the same as {@code sender().close()} and {@code receiver().close()}
     * (see {@link ChannelLifecycle#close()}). Lets a channel be used in try-with-resources. Idempotent.
     */
    @Override
    default void close() {
        sender().close();
    }

    /** {@code true} once the channel is closed; the same as {@code sender().isClosed()}. */
    @Override
    default boolean isClosed() {
        return sender().isClosed();
    }

    /**
     * Opens a counted sender handle: a sender of its own whose {@link Sender#close()} closes only this handle,
     * until it is the last open one. The channel is closed (and the receiver sees the end of the stream once it
     * has taken what was sent) exactly when the last handle opened by this method is closed, as when the last
     * tokio sender is dropped; {@link #closedBy()} then reports {@link ClosedBy#SENDERS}. Give each producer
     * its own handle, in try-with-resources:
     *
     * <pre>{@code
     * try (Sender<Job> tx = ch.openSender()) {
     *     for (Job j : jobs) tx.send(j);
     * } // the stream ends when the last producer's block ends
     * }</pre>
     *
     * <p>A handle's {@code close()} is idempotent and counts once. A closed handle refuses sends with a
     * {@link ChannelClosedException} (carrying the message) although the channel may still be open for other
     * handles; closing it does not cancel a send already in progress through it. A {@code close()} on the
     * channel, its receiver or its shared {@link #sender()} still closes the channel for everyone, handles
     * included. Once the last handle has been closed the count stays at zero: a handle opened afterwards is
     * born closed.
     *
     * <p><b>Cost:</b> the first call allocates the channel's lifecycle record (32 bytes with compressed oops,
     * shared with {@link Sender#closed()}); every call allocates one 24-byte handle. Sends through a handle
     * allocate nothing more than sends through {@link #sender()}. A handle that is dropped without being
     * closed keeps the channel open (there is no finalization): close handles in {@code finally} or
     * try-with-resources. Safe from any thread.
     *
     * <p><b>Memory consistency effects:</b> as for {@link #sender()}; in addition, actions of every producer
     * prior to closing its handle happen-before the receiver's observation of the end of the stream.
     *
     * @return a new counted handle
     * @throws UnsupportedOperationException if this channel was not made by {@link #bounded(int)} or
     *                                       {@link #unbounded()}
     */
    default Sender<T> openSender() {
        CoreHooks<T> h = CoreHooks.of(this);
        if (h == null) {
            throw new UnsupportedOperationException("openSender() needs a channel made by Channel.bounded/unbounded");
        }
        return CountedSender.open(sender(), h.lifecycle());
    }

    /**
     * A {@link BlockingQueue} view of this channel, for code that takes a {@code java.util.Queue} or a
     * {@code BlockingQueue} (actor mailboxes, event-loop task queues, sinks). Each call allocates a new
     * 24-byte view; nothing is allocated or kept in the channel for it, and views of one channel are equal
     * and interchangeable. The view follows the {@code BlockingQueue} contract wherever a single-consumer
     * channel allows:
     *
     * <ul>
     *   <li>Producer methods ({@code offer}, {@code put}, timed {@code offer}, {@code add}, {@code addAll}) are
     *   sends and work from any number of threads. {@code add} throws {@link IllegalStateException} when the
     *   channel is full; on a closed channel every producer method throws {@link ChannelClosedException}
     *   (an {@code IllegalStateException}) carrying the message.</li>
     *   <li>Consumer methods ({@code poll}, {@code take}, timed {@code poll}, {@code peek}, {@code element},
     *   {@code remove()}, {@code drainTo}, {@code clear}) are receives: one at a time, like the
     *   {@link #receiver()}, whose overlap detection they share ({@link IllegalStateException}). At the end
     *   of the stream, {@code poll()} and {@code peek()} return {@code null}, {@code remove()} and
     *   {@code element()} throw {@link java.util.NoSuchElementException}, and the waiting methods
     *   {@code take()} and timed {@code poll} throw {@link ChannelClosedException}.</li>
     *   <li>{@code size}, {@code isEmpty} and {@code remainingCapacity} are safe from any thread (snapshots).</li>
     *   <li>{@code drainTo(c, n)} returns 0 for {@code n <= 0}, throws {@link NullPointerException} for a null
     *   collection and {@link IllegalArgumentException} for the view itself (or another view of the same
     *   channel). It loses nothing if {@code c.add} throws: the element being added stays at the head of the
     *   channel, and the elements added before it have been removed.</li>
     *   <li>Traversal and search are not supported: {@code iterator()}, {@code contains}, {@code toArray},
     *   {@code remove(Object)}, {@code containsAll}, {@code removeAll}, {@code retainAll}, {@code removeIf},
     *   {@code forEach}, {@code spliterator} and {@code stream} throw {@link UnsupportedOperationException}
     *   (a channel's storage is private to its one consumer). {@code toString} describes the channel.</li>
     * </ul>
     *
     * <p><b>Memory consistency effects:</b> as for {@code BlockingQueue}: actions in a thread prior to placing
     * an object into the queue happen-before actions subsequent to the access or removal of that element
     * from the queue in another thread ({@code peek} included).
     *
     * @return a new view of this channel as a {@code BlockingQueue}
     */
    default BlockingQueue<T> asBlockingQueue() {
        return new BlockingQueueView<>(this);
    }
}
