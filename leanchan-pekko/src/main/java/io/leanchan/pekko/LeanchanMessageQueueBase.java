package io.leanchan.pekko;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.InternalActorRef;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.MessageQueue;

/**
 * What the unbounded and the bounded leanchan message queues share: a leanchan {@link Channel} of
 * {@link Envelope}s, dequeued by Pekko's mailbox run.
 *
 * <p><b>Single consumer.</b> This queue does <i>not</i> have Pekko's {@code MultipleConsumerSemantics}: Pekko
 * dequeues a mailbox from one dispatcher thread at a time (the mailbox's scheduled status gives the
 * happens-before between runs), which is exactly leanchan's "one receive at a time". Dispatchers that share one
 * queue between actors ({@code BalancingDispatcher}) require {@code MultipleConsumerSemantics} and refuse it.
 *
 * <p><b>Closed on clean-up.</b> When the actor terminates, Pekko calls {@link #cleanUp}: the channel is closed
 * and every message still in it goes to dead letters, as Pekko's own mailboxes do. A message enqueued after that
 * (a sender racing with the actor's termination) is not lost in a queue nobody reads any more, as it would be
 * with Pekko's {@code ConcurrentLinkedQueue} mailbox: the closed channel refuses it and it goes to dead letters
 * too.
 */
abstract class LeanchanMessageQueueBase implements MessageQueue {
    // One field: a leanchan channel is its own sender and receiver (sender() and receiver() return it), so the
    // queue object is 16 bytes. MailboxFootprintTest checks that taking the handles per call allocates nothing.
    private final Channel<Envelope> channel;

    LeanchanMessageQueueBase(Channel<Envelope> channel) {
        this.channel = channel;
    }

    final Sender<Envelope> sender() {
        return channel.sender();
    }

    final Receiver<Envelope> receiver() {
        return channel.receiver();
    }

    @Override
    public final Envelope dequeue() {
        return receiver().tryReceive();
    }

    /** An exact snapshot from any thread (Pekko calls it from threads other than the consumer's). */
    @Override
    public final int numberOfMessages() {
        return receiver().size();
    }

    /** Safe from any thread: Pekko asks it when deciding whether to schedule the mailbox. */
    @Override
    public final boolean hasMessages() {
        return receiver().size() > 0;
    }

    @Override
    public final void cleanUp(ActorRef owner, MessageQueue deadLetters) {
        sender().close(); // from now on sends fail fast, and enqueue() routes them to dead letters
        // isDrained: closed and every message sent before the close received (a send that had won its place but
        // not yet written its slot when close() ran is waited for, not dropped).
        while (!receiver().isDrained()) {
            Envelope e = receiver().tryReceive();
            if (e != null) {
                deadLetters.enqueue(owner, e);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** The closed-channel path of {@code enqueue}: the message goes to dead letters, as Pekko does when full. */
    static void toDeadLetters(ActorRef receiver, Envelope handle) {
        ((InternalActorRef) receiver).provider().deadLetters()
                .tell(new DeadLetter(handle.message(), handle.sender(), receiver), handle.sender());
    }

}
