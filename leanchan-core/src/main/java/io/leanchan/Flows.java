package io.leanchan;

import io.leanchan.internal.ReceiverPublisher;
import io.leanchan.internal.SenderSubscriber;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * Adapters between channels and {@link java.util.concurrent.Flow} (Reactive Streams): a {@link Receiver} as a
 * {@link Flow.Publisher}, and a {@link Flow.Subscriber} that feeds a {@link Sender}. Both pass the Reactive Streams
 * TCK (1.0.4, {@code reactive-streams-tck-flow}); see the README's "Flow (Reactive Streams)" section.
 *
 * <pre>{@code
 * Channel<Event> ch = Channel.bounded(256);
 * Flow.Publisher<Event> events = Flows.publisher(ch.receiver());       // one subscriber, demand-driven
 * someUpstream.subscribe(Flows.subscriber(ch.sender()));                // requests as room frees up
 * }</pre>
 *
 * <p><b>The publisher</b> ({@link #publisher(Receiver)}) takes a message from the channel only when its subscriber
 * has demanded one, and never more than demanded: it receives with {@link Receiver#tryReceive()} and, when the
 * channel is empty, arms one {@link Receiver#receiveAsync()} whose completion goes on with the delivery. It has no
 * thread of its own: signals run in the thread that calls {@code request(n)}, or in the thread whose send completed
 * the pending receive (usually a producer's), unless an {@link Executor} is given
 * ({@link #publisher(Receiver, Executor)}), where they all run. Delivery is serialized and trampolined, so a
 * {@code request} from inside {@code onNext} returns at once and recursion stays bounded (rule 3.3); no signal runs
 * inside any lock or claimed state of the adapter or of the channel.
 * <ul>
 *   <li><b>One subscriber.</b> The receiver has one consumer, so the publisher accepts one subscriber, once: a later
 *       {@code subscribe} (also after a cancel) gets {@code onSubscribe} with a subscription that does nothing, then
 *       {@code onError(IllegalStateException)} (rules 1.9 and 2.13).</li>
 *   <li><b>End of stream.</b> Once the channel is closed and every message was delivered, the subscriber gets
 *       {@code onComplete()}, also without outstanding demand once the publisher looks again (at a request, or at
 *       once when subscribing to a channel that is already closed and drained).</li>
 *   <li><b>Errors.</b> {@code onError} comes from a {@code request(n)} with {@code n <= 0}
 *       ({@link IllegalArgumentException}, rule 3.9) and from a receive that fails, which happens only when
 *       something else receives from the same channel meanwhile ({@link IllegalStateException}: the channel's one
 *       receive at a time).</li>
 *   <li><b>Cancel</b> stops the delivery and withdraws the pending {@code receiveAsync}, which consumes nothing (the
 *       core's promise for a cancelled receive). It does <em>not</em> close the channel: the receiver stays usable
 *       once the subscription has stopped (a receive that overlaps the subscription's own throws
 *       {@link IllegalStateException} and consumes nothing). Close the channel yourself if the producers should
 *       stop. A cancel from inside {@code onNext}, or while no receive is pending, takes effect before any further
 *       message leaves the channel. The one race: a cancel from another thread that finds the pending receive
 *       already fulfilled by a send (the message has left the channel, for a demand the subscriber made) delivers
 *       that one message to {@code onNext} and then stops; nothing is ever dropped.</li>
 *   <li><b>A throwing subscriber.</b> If {@code onNext}, {@code onSubscribe} or {@code onComplete} throws (which rule
 *       2.13 forbids), the subscription is cancelled as above and the exception propagates to whichever thread ran
 *       the delivery (rule 2.13: "raise this error condition in a fashion adequate for the runtime"); the message
 *       given to the throwing {@code onNext} counts as delivered.</li>
 * </ul>
 *
 * <p><b>The subscriber</b> ({@link #subscriber(Sender)}) sends what it receives into the channel, in order, and
 * requests more only as messages land in the channel: it requests a window ({@value #DEFAULT_WINDOW} by default)
 * at first, and whenever three quarters of a window has landed, that many more. A message is sent with
 * {@link Sender#trySend(Object)}; if the channel is full it is sent with {@link Sender#sendAsync(Object)} and the
 * messages after it wait, in order, in the subscriber's own buffer (never more than a window: demand bounds it)
 * until that send completes. So at most a window of messages is outstanding (requested and not yet in the
 * channel), and a full channel stops the upstream.
 * <ul>
 *   <li>{@code onComplete} closes the sender once every message received before it is in the channel.</li>
 *   <li>{@code onError} does the same: the messages received before it are sent, then the sender is closed, so the
 *       receiver sees the end of the stream. A channel carries no failure: the error itself is not forwarded
 *       (wrap the subscriber to observe it).</li>
 *   <li>Closing the sender closes the channel for the shared {@link Channel#sender()}; pass a counted handle
 *       ({@link Channel#openSender()}) to let several upstreams feed one channel, each closing its own handle.</li>
 *   <li>If the channel is closed by someone else first, the subscriber cancels its subscription (at once, through
 *       {@link Sender#closed()}, where the sender is a leanchan channel's) and discards the messages it still holds
 *       (at most a window, which the closed channel refused).</li>
 *   <li>Sends that complete later continue in the thread that made room (usually the receiver's): that thread
 *       then sends the buffered messages (without waiting) and may call the upstream's {@code request(n)}.</li>
 * </ul>
 *
 * <p><b>Memory consistency effects:</b> those of the channel: actions of the upstream prior to {@code onNext(m)}
 * of the subscriber happen-before the receipt of {@code m}; actions of a producer prior to sending {@code m}
 * happen-before the publisher's {@code onNext(m)}.
 */
public final class Flows {
    /** The subscriber's window when none is given: the most messages requested and not yet in the channel. */
    public static final int DEFAULT_WINDOW = 64;

    /** Static methods only. */
    private Flows() {
    }

    /**
     * The receiver as a publisher with one subscriber, whose signals run in the threads that request or send (see
     * the class comment).
     *
     * @param receiver the receiving side of the channel; nothing else should receive from it while subscribed
     * @param <T>      the type of messages
     * @return a publisher that accepts one subscriber, once
     * @throws NullPointerException if {@code receiver} is null
     */
    public static <T> Flow.Publisher<T> publisher(Receiver<T> receiver) {
        return new ReceiverPublisher<>(Objects.requireNonNull(receiver, "receiver"), null);
    }

    /**
     * The receiver as a publisher with one subscriber, whose signals ({@code onNext}, {@code onError},
     * {@code onComplete}) all run in {@code executor}, one task at a time; {@code onSubscribe} runs in the thread
     * that subscribes. If the executor rejects a task, the delivery runs in the thread that submitted it.
     *
     * @param receiver the receiving side of the channel; nothing else should receive from it while subscribed
     * @param executor where the signals run
     * @param <T>      the type of messages
     * @return a publisher that accepts one subscriber, once
     * @throws NullPointerException if {@code receiver} or {@code executor} is null
     */
    public static <T> Flow.Publisher<T> publisher(Receiver<T> receiver, Executor executor) {
        return new ReceiverPublisher<>(Objects.requireNonNull(receiver, "receiver"),
                Objects.requireNonNull(executor, "executor"));
    }

    /**
     * A subscriber that sends into {@code sender} with a window of {@value #DEFAULT_WINDOW} (see the class
     * comment). It subscribes once: a second {@code onSubscribe} has its subscription cancelled (rule 2.5).
     *
     * @param sender the sending side to feed; closed when the upstream completes or fails
     * @param <T>    the type of messages
     * @return a new subscriber
     * @throws NullPointerException if {@code sender} is null
     */
    public static <T> Flow.Subscriber<T> subscriber(Sender<T> sender) {
        return subscriber(sender, DEFAULT_WINDOW);
    }

    /**
     * A subscriber that sends into {@code sender}, with at most {@code window} messages requested and not yet in
     * the channel (see the class comment). A window of about the channel's capacity keeps the upstream busy without
     * buffering much; 1 requests one message at a time.
     *
     * @param sender the sending side to feed; closed when the upstream completes or fails
     * @param window the most messages requested and not yet in the channel; at least 1
     * @param <T>    the type of messages
     * @return a new subscriber
     * @throws NullPointerException if {@code sender} is null
     * @throws IllegalArgumentException if {@code window < 1}
     */
    public static <T> Flow.Subscriber<T> subscriber(Sender<T> sender, int window) {
        Objects.requireNonNull(sender, "sender");
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1: " + window);
        }
        return new SenderSubscriber<>(sender, window);
    }
}
