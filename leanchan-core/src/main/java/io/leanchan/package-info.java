/**
 * Multi-producer, single-consumer channels whose memory follows their load.
 *
 * <p>A {@link io.leanchan.Channel} is created with {@link io.leanchan.Channel#bounded(int)} or
 * {@link io.leanchan.Channel#unbounded()} and holds no storage for messages until it is used. Producers send
 * through its {@link io.leanchan.Sender} (any number of threads); one consumer at a time receives through its
 * {@link io.leanchan.Receiver}. Sends and receives come in four forms: blocking (the waiting thread is parked,
 * which is cheap on virtual threads), timed, non-blocking, and asynchronous ({@link
 * java.util.concurrent.CompletableFuture}). Either side may close the channel; the receiver still gets every
 * message sent before the close, then an end-of-stream signal ({@link io.leanchan.ChannelClosedException}).
 *
 * <pre>{@code
 * Channel<Request> ch = Channel.bounded(1024);
 * Sender<Request> tx = ch.sender();
 * Receiver<Request> rx = ch.receiver();
 *
 * tx.send(request);                  // waits while the channel is full
 * Request r = rx.receive();          // waits while it is empty
 * tx.close();                        // rx still receives what was sent, then end of stream
 * }</pre>
 *
 * <p>This package is the whole API. The implementation lives in {@code io.leanchan.internal}, which the
 * module does not export and which may change in any release.
 */
package io.leanchan;
