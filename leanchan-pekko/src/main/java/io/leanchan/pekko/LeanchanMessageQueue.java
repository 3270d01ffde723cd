package io.leanchan.pekko;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.UnboundedMessageQueueSemantics;

/**
 * The message queue of a {@link LeanchanMailbox}: an unbounded leanchan channel. It holds no storage while idle,
 * about 4 bytes per held message, and gives its storage back when the actor has drained it. See {@link LeanchanMessageQueueBase} for the consumer rules.
 */
public final class LeanchanMessageQueue extends LeanchanMessageQueueBase implements UnboundedMessageQueueSemantics {

    public LeanchanMessageQueue() {
        super(Channel.unbounded());
    }

    @Override
    public void enqueue(ActorRef receiver, Envelope handle) {
        try {
            if (!sender().trySend(handle)) {
                // Only when the JVM's largest array is full (about 2^31 messages): wait, as the channel would.
                sendWaiting(handle);
            }
        } catch (ChannelClosedException closed) {
            toDeadLetters(receiver, handle);
        }
    }

    private void sendWaiting(Envelope handle) {
        try {
            sender().send(handle);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the mailbox was at the JVM's array limit", e);
        }
    }
}
