package io.leanchan.pekko;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.ProducesMessageQueue;
import scala.Option;

/**
 * An unbounded Pekko mailbox backed by a leanchan channel: a drop-in for
 * {@code org.apache.pekko.dispatch.UnboundedMailbox} (the default) and
 * {@code SingleConsumerOnlyUnboundedMailbox}.
 *
 * <pre>
 * # ships in this module's reference.conf:
 * leanchan.pekko.unbounded-mailbox { mailbox-type = "io.leanchan.pekko.LeanchanMailbox" }
 * # use it per actor:   Props.create(...).withMailbox("leanchan.pekko.unbounded-mailbox")
 * # or for every actor: pekko.actor.default-mailbox.mailbox-type = "io.leanchan.pekko.LeanchanMailbox"
 * </pre>
 */
public final class LeanchanMailbox implements MailboxType, ProducesMessageQueue<LeanchanMessageQueue> {

    /** The constructor Pekko calls for a configured {@code mailbox-type}. */
    public LeanchanMailbox(ActorSystem.Settings settings, Config config) {
    }

    public LeanchanMailbox() {
    }

    @Override
    public MessageQueue create(Option<ActorRef> owner, Option<ActorSystem> system) {
        return new LeanchanMessageQueue();
    }
}
