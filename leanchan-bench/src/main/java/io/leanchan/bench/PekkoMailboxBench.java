package io.leanchan.bench;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Messages through one Pekko 1.2 actor: 1 or 2 sender threads {@code tell()} it a small message (no sender), the
 * actor handles each (it counts it) on Pekko's default dispatcher. Subject {@code LEANCHAN} gives the actor
 * leanchan-pekko's {@code LeanchanMailbox} ({@code withMailbox("leanchan.pekko.unbounded-mailbox")}),
 * {@code DEFAULT} Pekko's default mailbox ({@code UnboundedMailbox}, a {@code ConcurrentLinkedQueue}); the actor
 * system is otherwise Pekko's defaults (fork-join dispatcher, throughput 5) in both.
 *
 * <p>One invocation tells {@link BatchGate#BATCH} messages after waiting until at most one earlier batch of this
 * sender is still in the mailbox ({@link BatchGate}; the message is the sender's {@code BatchGate} itself, so it
 * allocates nothing beyond Pekko's envelope). The score is messages handled per microsecond, both senders together
 * in {@code twoSenders}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g"})
public class PekkoMailboxBench {

    /** The actor: runs each {@link BatchGate} it is told (counts one message). */
    public static final class Counting extends AbstractActor {
        @Override
        public Receive createReceive() {
            return receiveBuilder().match(BatchGate.class, BatchGate::run).build();
        }
    }

    /** The actor system and the one actor, shared by the senders. */
    @State(Scope.Benchmark)
    public static class Actor {
        @Param({"LEANCHAN", "DEFAULT"})
        public String subject;

        ActorSystem system;
        ActorRef actor;

        @Setup(Level.Trial)
        public void start() {
            String mailbox = switch (subject) {
                case "LEANCHAN" -> "leanchan.pekko.unbounded-mailbox";
                case "DEFAULT" -> "pekko.actor.default-mailbox";
                default -> throw new IllegalArgumentException(subject);
            };
            system = ActorSystem.create("bench", ConfigFactory.parseString("pekko.loglevel = WARNING\n"
                    + "pekko.stdout-loglevel = WARNING\npekko.log-dead-letters = off").withFallback(ConfigFactory.load()));
            actor = system.actorOf(Props.create(Counting.class).withMailbox(mailbox), "counting");
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** One sender's message. */
    @State(Scope.Thread)
    public static class Sender {
        final BatchGate message = new BatchGate();

        @TearDown(Level.Iteration)
        public void drain() {
            message.drain();
        }
    }

    static void batch(Actor a, Sender s) {
        BatchGate message = s.message;
        message.awaitOutstanding(BatchGate.AHEAD);
        ActorRef actor = a.actor;
        for (int i = 0; i < BatchGate.BATCH; i++) {
            actor.tell(message, ActorRef.noSender());
        }
        message.submitted += BatchGate.BATCH;
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BatchGate.BATCH)
    public void oneSender(Actor a, Sender s) {
        batch(a, s);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(BatchGate.BATCH)
    public void twoSenders(Actor a, Sender s) {
        batch(a, s);
    }
}
