package io.leanchan.pekko;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorCell;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.PoisonPill;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Terminated;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.MessageQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * leanchan mailboxes in a real ActorSystem. Where a property is about Pekko's behaviour (what a stop or a restart
 * keeps), the same test runs on Pekko's own mailbox too, as the reference.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PekkoMailboxTest {
    static final String UNBOUNDED = "leanchan.pekko.unbounded-mailbox";
    static final String BOUNDED = "leanchan.pekko.bounded-mailbox";
    static final String PEKKO_DEFAULT = "pekko-unbounded";

    static final Config CONFIG = ConfigFactory.parseString("""
            pekko.loglevel = OFF
            pekko.stdout-loglevel = OFF
            pekko.log-dead-letters = off
            pekko.log-dead-letters-during-shutdown = off
            pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 2, parallelism-max = 4 }
            pekko-unbounded { mailbox-type = "org.apache.pekko.dispatch.UnboundedMailbox" }
            pekko.actor.deployment { /deployed-on-leanchan { mailbox = leanchan.pekko.bounded-mailbox } }
            pekko.actor.mailbox.requirements {
              "org.apache.pekko.dispatch.BoundedMessageQueueSemantics" = leanchan.pekko.bounded-mailbox
            }
            tiny-bounded {
              mailbox-type = "io.leanchan.pekko.LeanchanBoundedMailbox"
              mailbox-capacity = 10
              mailbox-push-timeout-time = 0s
            }
            pekko-tiny-bounded {
              mailbox-type = "org.apache.pekko.dispatch.BoundedMailbox"
              mailbox-capacity = 10
              mailbox-push-timeout-time = 0s
            }
            timed-bounded {
              mailbox-type = "io.leanchan.pekko.LeanchanBoundedMailbox"
              mailbox-capacity = 2
              mailbox-push-timeout-time = 300ms
            }
            long-timed-bounded {
              mailbox-type = "io.leanchan.pekko.LeanchanBoundedMailbox"
              mailbox-capacity = 2
              mailbox-push-timeout-time = 20s
            }
            blocking-bounded-1000 {
              mailbox-type = "io.leanchan.pekko.LeanchanBoundedMailbox"
              mailbox-capacity = 1000
              mailbox-push-timeout-time = -1s
            }
            blocking-bounded {
              mailbox-type = "io.leanchan.pekko.LeanchanBoundedMailbox"
              mailbox-capacity = 2
              mailbox-push-timeout-time = -1s
            }
            # A dispatcher whose mailbox-type is leanchan's, with three threads and throughput 1: every message is
            # its own mailbox run, so the consumer moves between threads all the time.
            hopping-dispatcher {
              type = Dispatcher
              executor = "thread-pool-executor"
              thread-pool-executor.fixed-pool-size = 3
              throughput = 1
              mailbox-type = "io.leanchan.pekko.LeanchanMailbox"
            }
            """).withFallback(ConfigFactory.load());

    static ActorSystem system;

    @BeforeAll
    static void start() {
        system = ActorSystem.create("leanchan-pekko-test", CONFIG);
    }

    @AfterAll
    static void stop() throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------------------------------------- actors

    /**
     * Records what it receives into a queue that survives restarts; "gate" blocks it, "gate, then stop" blocks it
     * and then stops it (from inside, so that no message after the gate is processed), "boom" throws.
     */
    static final class Recorder extends AbstractActor {
        final Queue<Object> seen;
        final CountDownLatch entered;
        final CountDownLatch release;
        final CompletableFuture<Class<?>> queueClass;

        Recorder(Queue<Object> seen, CountDownLatch entered, CountDownLatch release, CompletableFuture<Class<?>> queueClass) {
            this.seen = seen;
            this.entered = entered;
            this.release = release;
            this.queueClass = queueClass;
        }

        @Override
        public void preStart() {
            queueClass.complete(((ActorCell) getContext()).mailbox().messageQueue().getClass());
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .matchEquals("gate", g -> passGate())
                    .matchEquals("gate, then stop", g -> {
                        passGate();
                        // Pekko: applied to self, stop guarantees that no further message is processed after this
                        // one (system.stop is asynchronous: it reaches the actor through the guardian).
                        getContext().stop(getSelf());
                    })
                    .matchEquals("boom", b -> {
                        throw new IllegalStateException("boom (expected by the test)");
                    })
                    .matchAny(seen::add)
                    .build();
        }

        private void passGate() throws InterruptedException {
            entered.countDown();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never released");
            }
        }
    }

    /** Collects the dead letters addressed to one recipient. */
    static final class DeadLetterCollector extends AbstractActor {
        final ActorRef recipient;
        final Queue<Object> letters;

        DeadLetterCollector(ActorRef recipient, Queue<Object> letters) {
            this.recipient = recipient;
            this.letters = letters;
        }

        @Override
        public void preStart() {
            getContext().getSystem().getEventStream().subscribe(getSelf(), DeadLetter.class);
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(DeadLetter.class, d -> {
                        if (d.recipient().equals(recipient)) {
                            letters.add(d.message());
                        }
                    })
                    .build();
        }
    }

    static final class Gated {
        final Queue<Object> seen = new ConcurrentLinkedQueue<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final CompletableFuture<Class<?>> queueClass = new CompletableFuture<>();
        final Queue<Object> deadLetters = new ConcurrentLinkedQueue<>();
        final ActorRef ref;
        final ActorRef collector;

        Gated(String mailbox) throws Exception {
            ref = system.actorOf(Props.create(Recorder.class, seen, entered, release, queueClass).withMailbox(mailbox));
            collector = system.actorOf(Props.create(DeadLetterCollector.class, ref, deadLetters));
            queueClass.get(10, TimeUnit.SECONDS);
            // The collector subscribes in preStart: make sure it has started before anything can become a dead letter.
            awaitSubscribed(collector);
        }

        /** Blocks the actor inside the "gate" message: what is sent from now on stays in the mailbox. */
        void close() throws InterruptedException {
            close("gate");
        }

        /** Blocks the actor inside {@code gate} ("gate", or "gate, then stop"). */
        void close(String gate) throws InterruptedException {
            ref.tell(gate, ActorRef.noSender());
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    static void awaitSubscribed(ActorRef actor) throws Exception {
        org.apache.pekko.pattern.Patterns.ask(actor, org.apache.pekko.actor.Identify.apply(1), Duration.ofSeconds(10))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    static List<Object> ints(int fromInclusive, int toInclusive) {
        return IntStream.rangeClosed(fromInclusive, toInclusive).boxed().collect(Collectors.toList());
    }

    // -------------------------------------------------------------------------------------------------- tests

    @ParameterizedTest
    @ValueSource(strings = {UNBOUNDED, BOUNDED})
    void theConfiguredMailboxIsLeanchans(String mailbox) throws Exception {
        Gated g = new Gated(mailbox);
        assertThat(g.queueClass.get()).isEqualTo(
                mailbox.equals(UNBOUNDED) ? LeanchanMessageQueue.class : LeanchanBoundedMessageQueue.class);
        system.stop(g.ref);
    }

    /** An actor that requires bounded semantics: Pekko picks its mailbox through the requirements mapping. */
    static final class NeedsBounded extends AbstractActor
            implements org.apache.pekko.dispatch.RequiresMessageQueue<org.apache.pekko.dispatch.BoundedMessageQueueSemantics> {
        final CompletableFuture<Class<?>> queueClass;

        NeedsBounded(CompletableFuture<Class<?>> queueClass) {
            this.queueClass = queueClass;
        }

        @Override
        public void preStart() {
            queueClass.complete(((ActorCell) getContext()).mailbox().messageQueue().getClass());
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().build();
        }
    }

    @Test
    void deploymentConfigAndRequirementsMappingSelectLeanchan() throws Exception {
        CompletableFuture<Class<?>> deployed = new CompletableFuture<>();
        ActorRef a = system.actorOf(Props.create(Recorder.class, new ConcurrentLinkedQueue<>(), new CountDownLatch(1),
                new CountDownLatch(0), deployed), "deployed-on-leanchan");
        assertThat(deployed.get(10, TimeUnit.SECONDS)).isEqualTo(LeanchanBoundedMessageQueue.class);
        CompletableFuture<Class<?>> required = new CompletableFuture<>();
        ActorRef b = system.actorOf(Props.create(NeedsBounded.class, required));
        assertThat(required.get(10, TimeUnit.SECONDS)).isEqualTo(LeanchanBoundedMessageQueue.class);
        system.stop(a);
        system.stop(b);
    }

    record Msg(int producer, int seq) {
    }

    /** Counts per-producer order and the threads the mailbox runs on. */
    static final class OrderChecker extends AbstractActor {
        final int[] next;
        final int total;
        final CompletableFuture<String> done;
        final Set<Thread> threads;
        int received;

        OrderChecker(Integer producers, Integer total, CompletableFuture<String> done, Set<Thread> threads) {
            this.next = new int[producers];
            this.total = total;
            this.done = done;
            this.threads = threads;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().match(Msg.class, m -> {
                threads.add(Thread.currentThread());
                if (m.seq() != next[m.producer()]) {
                    done.complete("producer " + m.producer() + ": expected " + next[m.producer()] + " got " + m.seq());
                }
                next[m.producer()]++;
                if (++received == total) {
                    done.complete("ok");
                }
            }).build();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {UNBOUNDED, BOUNDED, "hopping-dispatcher"})
    void messagesFromEachSenderArriveInOrder(String where) throws Exception {
        int producers = 4;
        int perProducer = 20_000;
        CompletableFuture<String> done = new CompletableFuture<>();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Props props = Props.create(OrderChecker.class, producers, producers * perProducer, done, threads);
        props = where.equals("hopping-dispatcher") ? props.withDispatcher(where) : props.withMailbox(where);
        ActorRef checker = system.actorOf(props);
        Queue<Object> deadLetters = new ConcurrentLinkedQueue<>();
        ActorRef collector = system.actorOf(Props.create(DeadLetterCollector.class, checker, deadLetters));
        awaitSubscribed(collector);
        List<Thread> senders = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            Thread t = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    // The bounded mailbox holds 1000 with push time-out 0: pace the senders so that nothing is dropped
                    // (at most 500 + 4 x 32 pending).
                    while (where.equals(BOUNDED) && i % 32 == 0 && !done.isDone() && pending(checker) > 500) {
                        Thread.onSpinWait();
                    }
                    checker.tell(new Msg(producer, i), ActorRef.noSender());
                }
            });
            senders.add(t);
            t.start();
        }
        for (Thread t : senders) {
            t.join(30_000);
        }
        assertThat(done.get(30, TimeUnit.SECONDS)).as("dead letters: %s", deadLetters.size()).isEqualTo("ok");
        assertThat(deadLetters).isEmpty();
        system.stop(collector);
        if (where.equals("hopping-dispatcher")) {
            // The single consumer moved between dispatcher threads (happens-before from the mailbox scheduling).
            assertThat(threads.size()).isGreaterThanOrEqualTo(2);
        }
        system.stop(checker);
    }

    static int pending(ActorRef ref) {
        // Test-only peek at the mailbox fill level (numberOfMessages is an exact snapshot from any thread).
        return ((org.apache.pekko.actor.ActorRefWithCell) ref).underlying().numberOfMessages();
    }

    @ParameterizedTest
    @ValueSource(strings = {UNBOUNDED, BOUNDED, PEKKO_DEFAULT})
    void restartKeepsThePendingMessagesInOrder(String mailbox) throws Exception {
        Gated g = new Gated(mailbox);
        g.close();
        g.ref.tell("boom", ActorRef.noSender());
        for (int i = 1; i <= 500; i++) {
            g.ref.tell(i, ActorRef.noSender());
        }
        g.release.countDown();
        await("500 messages after the restart", () -> g.seen.size() == 500);
        assertThat(new ArrayList<>(g.seen)).isEqualTo(ints(1, 500));
        assertThat(g.deadLetters).isEmpty();
        system.stop(g.ref);
    }

    @ParameterizedTest
    @ValueSource(strings = {UNBOUNDED, BOUNDED, PEKKO_DEFAULT})
    void poisonPillStopsAfterWhatPrecedesItAndTheRestGoesToDeadLetters(String mailbox) throws Exception {
        Gated g = new Gated(mailbox);
        g.close();
        for (int i = 1; i <= 300; i++) {
            g.ref.tell(i, ActorRef.noSender());
        }
        g.ref.tell(PoisonPill.getInstance(), ActorRef.noSender());
        for (int i = 301; i <= 600; i++) {
            g.ref.tell(i, ActorRef.noSender());
        }
        g.release.countDown();
        await("300 dead letters", () -> g.deadLetters.size() >= 300);
        assertThat(new ArrayList<>(g.seen)).isEqualTo(ints(1, 300));
        assertThat(new ArrayList<>(g.deadLetters)).isEqualTo(ints(301, 600));
        system.stop(g.collector);
    }

    @ParameterizedTest
    @ValueSource(strings = {UNBOUNDED, BOUNDED, PEKKO_DEFAULT})
    void stopWithMessagesPendingLosesNothing(String mailbox) throws Exception {
        Gated g = new Gated(mailbox);
        g.close();
        for (int i = 1; i <= 400; i++) {
            g.ref.tell(i, ActorRef.noSender());
        }
        system.stop(g.ref); // asynchronous (through the guardian): some messages may be processed before it lands
        g.release.countDown();
        await("every message processed or dead-lettered", () -> g.seen.size() + g.deadLetters.size() >= 400);
        List<Object> all = new ArrayList<>(g.seen);
        all.addAll(g.deadLetters);
        assertThat(all).isEqualTo(ints(1, 400));
        system.stop(g.collector);
    }

    @ParameterizedTest
    @ValueSource(strings = {UNBOUNDED, BOUNDED, PEKKO_DEFAULT})
    void stopWhileFourThreadsKeepSendingLosesNothing(String mailbox) throws Exception {
        int producers = 4;
        int perProducer = 10_000;
        String where = mailbox.equals(BOUNDED) ? "blocking-bounded-1000" : mailbox; // full: wait, never drop
        Gated g = new Gated(where);
        List<Thread> senders = new ArrayList<>();
        CountDownLatch halfway = new CountDownLatch(producers);
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            Thread t = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    if (i == perProducer / 4) {
                        halfway.countDown();
                    }
                    g.ref.tell(base + i, ActorRef.noSender());
                }
            });
            senders.add(t);
            t.start();
        }
        assertThat(halfway.await(20, TimeUnit.SECONDS)).isTrue();
        system.stop(g.ref); // terminates while the senders are still sending: some sends race with the clean-up
        for (Thread t : senders) {
            t.join(30_000);
        }
        int total = producers * perProducer;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(mailbox.equals(PEKKO_DEFAULT) ? 3 : 20);
        while (g.seen.size() + g.deadLetters.size() < total && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        List<Object> all = new ArrayList<>(g.seen);
        all.addAll(g.deadLetters);
        all.sort(null);
        if (mailbox.equals(PEKKO_DEFAULT)) {
            // Reference only: Pekko's own mailbox can keep a racing message in a queue nobody reads any more.
            System.out.println("[pekko] stop while sending, Pekko's default mailbox: " + (total - all.size())
                    + " of " + total + " messages neither processed nor dead-lettered");
        } else {
            assertThat(all).isEqualTo(ints(0, total - 1)); // each message processed or dead-lettered, exactly once
        }
        system.stop(g.collector);
    }

    /** Watches a target; completes when Terminated arrives. */
    static final class Watcher extends AbstractActor {
        final ActorRef target;
        final CompletableFuture<ActorRef> terminated;

        Watcher(ActorRef target, CompletableFuture<ActorRef> terminated) {
            this.target = target;
            this.terminated = terminated;
        }

        @Override
        public void preStart() {
            getContext().watch(target);
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().match(Terminated.class, t -> terminated.complete(t.actor())).build();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {UNBOUNDED, BOUNDED})
    void deathWatchAndKillWork(String mailbox) throws Exception {
        Gated g = new Gated(mailbox);
        CompletableFuture<ActorRef> terminated = new CompletableFuture<>();
        ActorRef watcher = system.actorOf(Props.create(Watcher.class, g.ref, terminated).withMailbox(mailbox));
        awaitSubscribed(watcher);
        g.ref.tell(1, ActorRef.noSender());
        g.ref.tell(org.apache.pekko.actor.Kill.getInstance(), ActorRef.noSender());
        assertThat(terminated.get(10, TimeUnit.SECONDS)).isEqualTo(g.ref);
        assertThat(new ArrayList<>(g.seen)).isEqualTo(List.of(1));
        system.stop(watcher);
        system.stop(g.collector);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-bounded", "pekko-tiny-bounded"})
    void boundedMailboxSendsWhatDoesNotFitToDeadLetters(String mailbox) throws Exception {
        Gated g = new Gated(mailbox);
        g.close();
        for (int i = 1; i <= 50; i++) {
            g.ref.tell(i, ActorRef.noSender());
        }
        // Capacity 10, push time-out 0: 1..10 are enqueued, 11..50 go to dead letters at once.
        await("40 dead letters", () -> g.deadLetters.size() >= 40);
        g.release.countDown();
        await("10 messages", () -> g.seen.size() >= 10);
        Thread.sleep(50);
        assertThat(new ArrayList<>(g.seen)).isEqualTo(ints(1, 10));
        assertThat(new ArrayList<>(g.deadLetters)).isEqualTo(ints(11, 50));
        system.stop(g.ref);
        system.stop(g.collector);
    }

    @Test
    void boundedMailboxWaitsThePushTimeOutThenDeadLetters() throws Exception {
        Gated g = new Gated("timed-bounded");
        g.close();
        g.ref.tell(1, ActorRef.noSender());
        g.ref.tell(2, ActorRef.noSender());
        long start = System.nanoTime();
        g.ref.tell(3, ActorRef.noSender()); // full: waits 300 ms for room, then dead letters
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(waitedMs).isBetween(250L, 10_000L);
        await("a dead letter", () -> g.deadLetters.size() == 1);
        assertThat(new ArrayList<>(g.deadLetters)).isEqualTo(List.of(3));
        g.release.countDown();
        await("2 messages", () -> g.seen.size() == 2);
        assertThat(new ArrayList<>(g.seen)).isEqualTo(List.of(1, 2));
        system.stop(g.ref);
        system.stop(g.collector);
    }

    @ParameterizedTest
    @ValueSource(strings = {"long-timed-bounded", "blocking-bounded"})
    void boundedMailboxSenderGetsInWhenRoomIsMadeInTime(String mailbox) throws Exception {
        Gated g = new Gated(mailbox);
        g.close();
        g.ref.tell(1, ActorRef.noSender());
        g.ref.tell(2, ActorRef.noSender());
        Thread opener = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            g.release.countDown();
        });
        opener.start();
        g.ref.tell(3, ActorRef.noSender()); // full: waits until the actor makes room
        await("3 messages", () -> g.seen.size() == 3);
        assertThat(new ArrayList<>(g.seen)).isEqualTo(List.of(1, 2, 3));
        assertThat(g.deadLetters).isEmpty();
        opener.join();
        system.stop(g.ref);
        system.stop(g.collector);
    }

    @Test
    void aSenderWaitingOnAFullMailboxIsReleasedToDeadLettersWhenTheActorStops() throws Exception {
        Gated g = new Gated("blocking-bounded"); // capacity 2, push time-out negative: a sender waits for room
        // The actor stops itself when the gate opens. Not system.stop(ref) before opening it: that is a StopChild
        // message to the user guardian, which sends the Terminate only when it runs, so the actor could process
        // 1 and 2 first and the waiting sender would get the room (seen non-empty, fewer than three dead letters).
        g.close("gate, then stop");
        g.ref.tell(1, ActorRef.noSender());
        g.ref.tell(2, ActorRef.noSender());
        Thread waiting = new Thread(() -> g.ref.tell(3, ActorRef.noSender()));
        waiting.start();
        await("the third sender to wait", () -> waiting.getState() == Thread.State.WAITING
                || waiting.getState() == Thread.State.TIMED_WAITING);
        g.release.countDown(); // the gate returns, the stop runs, the clean-up closes the channel
        waiting.join(20_000);
        assertThat(waiting.isAlive()).isFalse();
        await("three dead letters", () -> g.deadLetters.size() == 3);
        List<Object> letters = new ArrayList<>(g.deadLetters);
        letters.sort(null);
        assertThat(letters).isEqualTo(List.of(1, 2, 3));
        assertThat(g.seen).isEmpty();
        system.stop(g.collector);
    }

    /** Ping-pong partner: bounces a counter until it reaches the limit, then counts down. */
    static final class Pinger extends AbstractActor {
        final CountDownLatch finished;
        final AtomicInteger messages;

        Pinger(CountDownLatch finished, AtomicInteger messages) {
            this.finished = finished;
            this.messages = messages;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().match(Integer.class, n -> {
                messages.incrementAndGet();
                if (n == 0) {
                    finished.countDown();
                } else {
                    getSender().tell(n - 1, getSelf());
                }
            }).build();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {UNBOUNDED, BOUNDED})
    void manyActorsPingEachOther(String mailbox) throws Exception {
        int pairs = 2_000;
        int rounds = 20;
        CountDownLatch finished = new CountDownLatch(pairs);
        AtomicInteger messages = new AtomicInteger();
        List<ActorRef> actors = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            ActorRef a = system.actorOf(Props.create(Pinger.class, finished, messages).withMailbox(mailbox));
            ActorRef b = system.actorOf(Props.create(Pinger.class, finished, messages).withMailbox(mailbox));
            actors.add(a);
            actors.add(b);
            a.tell(rounds, b);
        }
        assertThat(finished.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(messages.get()).isEqualTo(pairs * (rounds + 1));
        actors.forEach(system::stop);
    }

    @Test
    void aLateEnqueueAfterCleanUpGoesToDeadLettersInsteadOfBeingLost() throws Exception {
        Gated g = new Gated(UNBOUNDED); // a real actor ref, only used as the recipient
        List<Envelope> cleaned = new ArrayList<>();
        MessageQueue deadLetterQueue = new MessageQueue() {
            @Override
            public void enqueue(ActorRef receiver, Envelope handle) {
                cleaned.add(handle);
            }

            @Override
            public Envelope dequeue() {
                return null;
            }

            @Override
            public int numberOfMessages() {
                return 0;
            }

            @Override
            public boolean hasMessages() {
                return false;
            }

            @Override
            public void cleanUp(ActorRef owner, MessageQueue deadLetters) {
            }
        };
        for (MessageQueue q : List.of(new LeanchanMessageQueue(),
                new LeanchanBoundedMessageQueue(4, scala.concurrent.duration.FiniteDuration.create(0, TimeUnit.SECONDS)))) {
            cleaned.clear();
            g.deadLetters.clear();
            q.enqueue(g.ref, Envelope.apply("before", ActorRef.noSender(), system));
            assertThat(q.hasMessages()).isTrue();
            assertThat(q.numberOfMessages()).isEqualTo(1);
            q.cleanUp(g.ref, deadLetterQueue);
            assertThat(cleaned).extracting(Envelope::message).containsExactly("before");
            assertThat(q.hasMessages()).isFalse();
            q.enqueue(g.ref, Envelope.apply("late", ActorRef.noSender(), system));
            await("the late message as a dead letter", () -> g.deadLetters.contains("late"));
            assertThat(q.dequeue()).isNull();
        }
        system.stop(g.ref);
        system.stop(g.collector);
    }

    /** Stashes everything until "open", then reports the first message it unstashed. */
    static final class Stasher extends org.apache.pekko.actor.AbstractActorWithStash {
        final CompletableFuture<Object> first;
        final CompletableFuture<Class<?>> queueClass;

        Stasher(CompletableFuture<Object> first, CompletableFuture<Class<?>> queueClass) {
            this.first = first;
            this.queueClass = queueClass;
        }

        @Override
        public void preStart() {
            queueClass.complete(((ActorCell) getContext()).mailbox().messageQueue().getClass());
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .matchEquals("open", o -> {
                        getContext().become(receiveBuilder().matchAny(first::complete).build());
                        unstashAll();
                    })
                    .matchAny(m -> stash())
                    .build();
        }
    }

    @Test
    void pekkoRefusesLeanchanMailboxesWhereMultipleConsumersOrADequeAreRequired() {
        // Stash requires DequeBasedMessageQueueSemantics, which a channel does not have.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> system.actorOf(Props.create(Stasher.class,
                        new CompletableFuture<Object>(), new CompletableFuture<Class<?>>()).withMailbox(UNBOUNDED)))
                .hasStackTraceContaining("DequeBasedMessageQueueSemantics");
        // A balancing pool shares one queue between actors: it requires MultipleConsumerSemantics.
        Config balancing = ConfigFactory.parseString("""
                balancing-leanchan {
                  type = "org.apache.pekko.dispatch.BalancingDispatcherConfigurator"
                  mailbox-type = "io.leanchan.pekko.LeanchanMailbox"
                }
                """).withFallback(CONFIG);
        ActorSystem other = ActorSystem.create("balancing", balancing);
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.actorOf(Props.create(Pinger.class,
                            new CountDownLatch(1), new AtomicInteger()).withDispatcher("balancing-leanchan")))
                    .hasStackTraceContaining("MultipleConsumerSemantics");
        } finally {
            other.terminate();
        }
    }

    @Test
    void aWholeActorSystemRunsOnLeanchanMailboxes() throws Exception {
        Config config = ConfigFactory.parseString("""
                pekko.actor.default-mailbox.mailbox-type = "io.leanchan.pekko.LeanchanMailbox"
                """).withFallback(CONFIG);
        ActorSystem other = ActorSystem.create("all-leanchan", config);
        try {
            CompletableFuture<Class<?>> queueClass = new CompletableFuture<>();
            Queue<Object> seen = new ConcurrentLinkedQueue<>();
            ActorRef ref = other.actorOf(Props.create(Recorder.class, seen, new CountDownLatch(1), new CountDownLatch(0),
                    queueClass));
            assertThat(queueClass.get(10, TimeUnit.SECONDS)).isEqualTo(LeanchanMessageQueue.class);
            for (int i = 1; i <= 1000; i++) {
                ref.tell(i, ActorRef.noSender());
            }
            // ask goes through Pekko's own temporary actors and the guardians, all on the default mailbox now
            org.apache.pekko.pattern.Patterns.ask(ref, org.apache.pekko.actor.Identify.apply(7), Duration.ofSeconds(10))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(new ArrayList<>(seen)).isEqualTo(ints(1, 1000));
            // An actor with Stash requires deque semantics, which leanchan's mailbox lacks: Pekko's requirement
            // mapping gives it Pekko's deque mailbox instead, and it works.
            CompletableFuture<Object> stashed = new CompletableFuture<>();
            CompletableFuture<Class<?>> stashQueue = new CompletableFuture<>();
            ActorRef stasher = other.actorOf(Props.create(Stasher.class, stashed, stashQueue));
            stasher.tell("hello", ActorRef.noSender());
            stasher.tell("open", ActorRef.noSender());
            assertThat(stashed.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
            assertThat(stashQueue.get()).isNotEqualTo(LeanchanMessageQueue.class);
        } finally {
            other.terminate();
            other.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }
}
