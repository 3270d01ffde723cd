package io.leanchan.pekko;

import com.typesafe.config.Config;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.ProducesMessageQueue;
import org.apache.pekko.dispatch.ProducesPushTimeoutSemanticsMailbox;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * A bounded Pekko mailbox backed by a leanchan channel, with the configuration and push-timeout semantics of
 * {@code org.apache.pekko.dispatch.BoundedMailbox} ({@code mailbox-capacity}, {@code mailbox-push-timeout-time};
 * see {@link LeanchanBoundedMessageQueue}). Its idle cost does not depend on the capacity.
 *
 * <pre>
 * # ships in this module's reference.conf (override either value in your own mailbox section):
 * leanchan.pekko.bounded-mailbox {
 *   mailbox-type = "io.leanchan.pekko.LeanchanBoundedMailbox"
 *   mailbox-capacity = 1000
 *   mailbox-push-timeout-time = 0s
 * }
 * </pre>
 */
public final class LeanchanBoundedMailbox
        implements MailboxType, ProducesMessageQueue<LeanchanBoundedMessageQueue>, ProducesPushTimeoutSemanticsMailbox {
    private final int capacity;
    private final FiniteDuration pushTimeOut;

    /** The constructor Pekko calls for a configured {@code mailbox-type}. */
    public LeanchanBoundedMailbox(ActorSystem.Settings settings, Config config) {
        this(config.getInt("mailbox-capacity"),
                FiniteDuration.create(config.getDuration("mailbox-push-timeout-time", TimeUnit.NANOSECONDS),
                        TimeUnit.NANOSECONDS));
    }

    public LeanchanBoundedMailbox(int capacity, FiniteDuration pushTimeOut) {
        if (capacity < 1) {
            throw new IllegalArgumentException("The capacity of a leanchan bounded mailbox must be at least 1, was "
                    + capacity);
        }
        if (pushTimeOut == null) {
            throw new IllegalArgumentException("The push time-out for a bounded mailbox can not be null");
        }
        this.capacity = capacity;
        this.pushTimeOut = pushTimeOut;
    }

    public int capacity() {
        return capacity;
    }

    @Override
    public FiniteDuration pushTimeOut() {
        return pushTimeOut;
    }

    @Override
    public MessageQueue create(Option<ActorRef> owner, Option<ActorSystem> system) {
        return new LeanchanBoundedMessageQueue(capacity, pushTimeOut);
    }
}
