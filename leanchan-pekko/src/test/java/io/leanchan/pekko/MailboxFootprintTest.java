package io.leanchan.pekko;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.dispatch.BoundedMailbox;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.SingleConsumerOnlyUnboundedMailbox;
import org.apache.pekko.dispatch.UnboundedMailbox;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

/**
 * What a mailbox's message queue costs, leanchan's against Pekko's own, measured with JOL (retained bytes of the
 * queue object graph, messages and envelopes excluded, shared objects amortised over 100 queues) and with
 * ThreadMXBean (bytes allocated per enqueue/dequeue pair, one message in flight). Printed as {@code [footprint]}
 * lines; docs/integrations.md quotes a run. The actor's {@code Mailbox} object itself is Pekko's in every case and is
 * not counted.
 */
class MailboxFootprintTest {
    static final int QUEUES = 100;
    static final int HELD = 64;
    static final FiniteDuration ZERO = FiniteDuration.create(0, TimeUnit.SECONDS);

    static Map<String, MailboxType> subjects() {
        Map<String, MailboxType> m = new LinkedHashMap<>();
        m.put("pekko UnboundedMailbox (default)", new UnboundedMailbox());
        m.put("pekko SingleConsumerOnlyUnboundedMailbox", new SingleConsumerOnlyUnboundedMailbox());
        m.put("pekko BoundedMailbox(1000)", new BoundedMailbox(1000, ZERO));
        m.put("leanchan LeanchanMailbox", new LeanchanMailbox());
        m.put("leanchan LeanchanBoundedMailbox(1000)", new LeanchanBoundedMailbox(1000, ZERO));
        return m;
    }

    static MessageQueue create(MailboxType type) {
        return type.create(Option.empty(), Option.empty());
    }

    /** Retained bytes per queue, over {@code QUEUES} queues made by {@code make} (shared objects amortised). */
    static double perQueue(Supplier<MessageQueue> make) {
        Object[] all = new Object[QUEUES];
        long empty = GraphLayout.parseInstance((Object) all).totalSize();
        for (int i = 0; i < QUEUES; i++) {
            all[i] = make.get();
        }
        return (GraphLayout.parseInstance((Object) all).totalSize() - empty) / (double) QUEUES;
    }

    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    static double allocationPerMessage(MessageQueue q, Envelope e) {
        for (int i = 0; i < 50_000; i++) { // warm-up
            q.enqueue(ActorRef.noSender(), e);
            q.dequeue();
        }
        int n = 200_000;
        long before = allocatedBytes();
        for (int i = 0; i < n; i++) {
            q.enqueue(ActorRef.noSender(), e);
            q.dequeue();
        }
        return (allocatedBytes() - before) / (double) n;
    }

    @Test
    void mailboxQueueFootprint() {
        assumeTrue(VM.current().addressSize() == 8 && VM.current().objectHeaderSize() == 12,
                "figures are for 64-bit HotSpot with compressed oops");
        Envelope e = Envelope.apply("m", ActorRef.noSender());
        System.out.println("[footprint] | message queue | idle (B) | holding " + HELD
                + " (B per message) | after drain (B) | allocated per message (B) |");
        Map<String, double[]> results = new LinkedHashMap<>();
        for (Map.Entry<String, MailboxType> s : subjects().entrySet()) {
            MailboxType type = s.getValue();
            double idle = perQueue(() -> create(type));
            double holding = perQueue(() -> {
                MessageQueue q = create(type);
                for (int i = 0; i < HELD; i++) {
                    q.enqueue(ActorRef.noSender(), e); // one shared envelope: only the queue's structure counts
                }
                return q;
            });
            double drained = perQueue(() -> {
                MessageQueue q = create(type);
                for (int i = 0; i < HELD; i++) {
                    q.enqueue(ActorRef.noSender(), e);
                }
                while (q.dequeue() != null) {
                    // drain
                }
                return q;
            });
            double alloc = allocationPerMessage(create(type), e);
            results.put(s.getKey(), new double[] {idle, holding, drained, alloc});
            System.out.printf("[footprint] | %s | %.0f | %.2f | %.0f | %.2f |%n", s.getKey(), idle,
                    (holding - idle) / HELD, drained, alloc);
        }
        double[] lean = results.get("leanchan LeanchanMailbox");
        double[] pekko = results.get("pekko UnboundedMailbox (default)");
        assertThat(lean[0]).isLessThan(pekko[0] + 64); // idle: the same order as a ConcurrentLinkedQueue
        assertThat((lean[1] - lean[0]) / HELD).isLessThan((pekko[1] - pekko[0]) / HELD); // per held message
        assertThat(lean[3]).isLessThan(1.0); // no garbage per message in steady state
        double[] leanBounded = results.get("leanchan LeanchanBoundedMailbox(1000)");
        double[] pekkoBounded = results.get("pekko BoundedMailbox(1000)");
        assertThat(leanBounded[0]).isLessThan(pekkoBounded[0]);
    }
}
