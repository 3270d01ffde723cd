package io.leanchan.pekko;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.dispatch.BoundedMessageQueueSemantics;
import org.apache.pekko.dispatch.Envelope;
import scala.concurrent.duration.FiniteDuration;

/**
 * The message queue of a {@link LeanchanBoundedMailbox}: a bounded leanchan channel with Pekko's push-timeout
 * semantics (those of {@code org.apache.pekko.dispatch.BoundedMailbox}):
 * <ul>
 *   <li>{@code pushTimeOut} of zero: a message that finds the mailbox full goes to dead letters at once;</li>
 *   <li>positive: the sender waits up to {@code pushTimeOut} for room, then the message goes to dead letters;</li>
 *   <li>negative: the sender waits until there is room (risks dead-lock, as Pekko warns).</li>
 * </ul>
 * An interrupt while waiting is thrown to the sender as {@link InterruptedException}, as Pekko's
 * {@code LinkedBlockingQueue}-based mailbox does; the message is then not enqueued.
 * Unlike that mailbox, its idle cost does not depend on the capacity: storage follows the load.
 */
public final class LeanchanBoundedMessageQueue extends LeanchanMessageQueueBase implements BoundedMessageQueueSemantics {
    private final FiniteDuration pushTimeOut;

    public LeanchanBoundedMessageQueue(int capacity, FiniteDuration pushTimeOut) {
        super(Channel.bounded(capacity));
        if (pushTimeOut == null) {
            throw new IllegalArgumentException("The push time-out for a bounded mailbox can not be null");
        }
        this.pushTimeOut = pushTimeOut;
    }

    @Override
    public FiniteDuration pushTimeOut() {
        return pushTimeOut;
    }

    @Override
    public void enqueue(ActorRef receiver, Envelope handle) {
        try {
            long nanos = pushTimeOut.toNanos();
            if (nanos == 0L) {
                if (!sender().trySend(handle)) {
                    toDeadLetters(receiver, handle);
                }
            } else if (nanos > 0L) {
                if (!sender().send(handle, nanos, TimeUnit.NANOSECONDS)) {
                    toDeadLetters(receiver, handle);
                }
            } else {
                sender().send(handle);
            }
        } catch (ChannelClosedException closed) {
            toDeadLetters(receiver, handle);
        } catch (InterruptedException interrupted) {
            throw LeanchanBoundedMessageQueue.<RuntimeException>sneaky(interrupted);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
