package io.leanchan.pekko;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bytes allocated per message in a real ActorSystem while actors ping each other, on Pekko's mailboxes and on
 * leanchan's: the whole system's allocation (every thread's ThreadMXBean counter) divided by the messages, so it
 * includes what Pekko allocates per message whatever the mailbox (the envelope, the boxed counter). The difference
 * between rows is the mailbox's share. Printed as {@code [footprint]} lines; docs/integrations.md quotes a run.
 * {@code -Dleanchan.ping.pairs} (default 2,000) and {@code -Dleanchan.ping.rounds} (default 50) size it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PingAllocationTest {
    static final int PAIRS = Integer.getInteger("leanchan.ping.pairs", 2_000);
    static final int ROUNDS = Integer.getInteger("leanchan.ping.rounds", 50);

    /** Bounces a shared counter object until the round count is used up. */
    static final class Pinger extends AbstractActor {
        final CountDownLatch[] finished;

        Pinger(CountDownLatch[] finished) {
            this.finished = finished;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().match(int[].class, n -> {
                if (n[0] == 0) {
                    finished[0].countDown();
                } else {
                    n[0]--; // one array per pair, handed back and forth: the message itself allocates nothing
                    getSender().tell(n, getSelf());
                }
            }).build();
        }
    }

    static long allAllocatedBytes() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = mx.getAllThreadIds();
        long sum = 0;
        for (long a : mx.getThreadAllocatedBytes(ids)) {
            if (a > 0) {
                sum += a;
            }
        }
        return sum;
    }

    static double run(ActorSystem system, String mailbox) throws Exception {
        CountDownLatch[] finished = {null};
        List<ActorRef[]> pairs = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            pairs.add(new ActorRef[] {
                system.actorOf(Props.create(Pinger.class, (Object) finished).withMailbox(mailbox)),
                system.actorOf(Props.create(Pinger.class, (Object) finished).withMailbox(mailbox))});
        }
        double perMessage = 0;
        for (int pass = 0; pass < 3; pass++) { // passes 0 and 1 warm up; pass 2 is measured
            finished[0] = new CountDownLatch(PAIRS);
            List<int[]> counters = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                counters.add(new int[] {ROUNDS});
            }
            long before = allAllocatedBytes();
            for (int i = 0; i < PAIRS; i++) {
                ActorRef[] p = pairs.get(i);
                p[0].tell(counters.get(i), p[1]);
            }
            assertThat(finished[0].await(60, TimeUnit.SECONDS)).isTrue();
            long allocated = allAllocatedBytes() - before;
            perMessage = allocated / (double) ((long) PAIRS * (ROUNDS + 1));
        }
        for (ActorRef[] p : pairs) {
            system.stop(p[0]);
            system.stop(p[1]);
        }
        return perMessage;
    }

    @Test
    void bytesAllocatedPerMessageWhileActorsPingEachOther() throws Exception {
        Config config = ConfigFactory.parseString("""
                pekko.loglevel = OFF
                pekko.stdout-loglevel = OFF
                pekko.log-dead-letters = off
                pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 2, parallelism-max = 2 }
                pekko-unbounded { mailbox-type = "org.apache.pekko.dispatch.UnboundedMailbox" }
                pekko-single-consumer { mailbox-type = "org.apache.pekko.dispatch.SingleConsumerOnlyUnboundedMailbox" }
                pekko-bounded {
                  mailbox-type = "org.apache.pekko.dispatch.BoundedMailbox"
                  mailbox-capacity = 1000
                  mailbox-push-timeout-time = 0s
                }
                """).withFallback(ConfigFactory.load());
        Map<String, String> subjects = new LinkedHashMap<>();
        subjects.put("pekko UnboundedMailbox (default)", "pekko-unbounded");
        subjects.put("pekko SingleConsumerOnlyUnboundedMailbox", "pekko-single-consumer");
        subjects.put("pekko BoundedMailbox(1000)", "pekko-bounded");
        subjects.put("leanchan LeanchanMailbox", "leanchan.pekko.unbounded-mailbox");
        subjects.put("leanchan LeanchanBoundedMailbox(1000)", "leanchan.pekko.bounded-mailbox");
        ActorSystem system = ActorSystem.create("ping-allocation", config);
        try {
            System.out.println("[footprint] | mailbox | bytes allocated per message, whole ActorSystem ("
                    + PAIRS + " actor pairs x " + (ROUNDS + 1) + " messages) |");
            Map<String, Double> results = new LinkedHashMap<>();
            for (Map.Entry<String, String> s : subjects.entrySet()) {
                double perMessage = run(system, s.getValue());
                results.put(s.getKey(), perMessage);
                System.out.printf("[footprint] | %s | %.1f |%n", s.getKey(), perMessage);
            }
            // The mailbox's node is gone: leanchan's rows are lower than Pekko's default (by about its 24-byte node).
            assertThat(results.get("leanchan LeanchanMailbox"))
                    .isLessThan(results.get("pekko UnboundedMailbox (default)"));
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }
}
