package io.leanchan.lab;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorCell;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorRefProvider;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ActorRefWithCell;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.dispatch.Mailbox;
import org.apache.pekko.dispatch.MessageDispatcher;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Scenario pekko-mailboxes: N actors in a real Pekko ActorSystem, each with the mailbox under test. Measures, with
 * the lab's JOL method, what an idle actor's mailbox retains, what the whole actor retains (and the mailbox's
 * share), the bytes the whole JVM allocates per message while the actors ping each other (ThreadMXBean, every
 * thread), and the mailbox while it holds a burst and after the burst was processed.
 */
public final class PekkoScenario {

    /** A mailbox under test: its lab name, its Pekko {@code mailbox-type} and extra settings. */
    record MailboxSubject(String name, String type, String settings, String describe) {
    }

    static final List<MailboxSubject> ALL = List.of(
            new MailboxSubject("pekko-default", "org.apache.pekko.dispatch.UnboundedMailbox", "",
                    "Pekko's default UnboundedMailbox (a ConcurrentLinkedQueue)"),
            new MailboxSubject("pekko-single-consumer", "org.apache.pekko.dispatch.SingleConsumerOnlyUnboundedMailbox", "",
                    "Pekko's SingleConsumerOnlyUnboundedMailbox (a node queue)"),
            new MailboxSubject("pekko-bounded", "org.apache.pekko.dispatch.BoundedMailbox",
                    "mailbox-capacity = 1000, mailbox-push-timeout-time = 0s",
                    "Pekko's BoundedMailbox, capacity 1000, push time-out 0 (a LinkedBlockingQueue)"),
            new MailboxSubject("leanchan-unbounded", "io.leanchan.pekko.LeanchanMailbox", "",
                    "leanchan-pekko's LeanchanMailbox (Channel.unbounded())"),
            new MailboxSubject("leanchan-bounded", "io.leanchan.pekko.LeanchanBoundedMailbox",
                    "mailbox-capacity = 1000, mailbox-push-timeout-time = 0s",
                    "leanchan-pekko's LeanchanBoundedMailbox, capacity 1000, push time-out 0 (Channel.bounded(1000))"));

    static final List<String> COLUMNS = List.of("subject", "actors", "queue_bytes_per_idle_actor",
            "mailbox_bytes_per_idle_actor", "actor_bytes_per_idle_actor", "mailbox_share_idle_percent",
            "alloc_bytes_per_message_ping", "mailbox_bytes_per_actor_holding_burst", "mailbox_share_holding_burst_percent",
            "mailbox_bytes_per_actor_after_burst", "queue_bytes_per_actor_after_3_bursts_1s_idle",
            "actor_bytes_per_actor_after_3_bursts_1s_idle", "failed");

    /** How long the idle columns wait after the third burst was processed. */
    static final long IDLE_MILLIS = Measurer.IDLE_MILLIS; // 1 s unless leanchan.lab.idleMillis says otherwise

    private PekkoScenario() {
    }

    /** What every actor of a run shares: the latch of the phase in progress. */
    public static final class Shared {
        volatile CountDownLatch ticks;
        volatile CountDownLatch pings;
    }

    /** The one message of the start and burst phases (a singleton: it is not the mailbox's memory). */
    public enum Tick {
        TICK
    }

    /** Sent to the two blocking actors: say that the thread is taken, then wait for the release. */
    public record Gate(CountDownLatch entered, CountDownLatch release) {
    }

    /** The measured actor: counts ticks, bounces a ping counter back to its sender, or blocks its thread on a gate. */
    public static final class LabActor extends AbstractActor {
        private final Shared shared;

        public LabActor(Shared shared) {
            this.shared = shared;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(Tick.class, t -> shared.ticks.countDown())
                    .match(int[].class, n -> {
                        if (n[0] == 0) {
                            shared.pings.countDown();
                        } else {
                            n[0]--; // one array per pair, handed back and forth: the message allocates nothing
                            getSender().tell(n, getSelf());
                        }
                    })
                    .match(Gate.class, g -> {
                        g.entered().countDown();
                        while (g.release().getCount() > 0) {
                            // a plain park: the fork-join pool does not add a thread for it (no managed blocking)
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                        }
                    })
                    .build();
        }
    }

    /** Measures every subject with {@code actors} actors, {@code rounds} ping rounds per pair and a burst of {@code burst}. */
    public static ScenarioReport measure(List<MailboxSubject> subjects, int actors, int rounds, int burst, Progress progress) {
        List<List<Object>> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int i = 0;
        for (MailboxSubject s : subjects) {
            try {
                rows.add(one(s, actors, rounds, burst, progress, ++i, subjects.size(), notes));
            } catch (Throwable t) {
                List<Object> r = new ArrayList<>(Collections.nCopies(COLUMNS.size(), null));
                r.set(0, s.name());
                r.set(1, actors);
                r.set(COLUMNS.size() - 1, Measurer.describe(t));
                rows.add(r);
            }
        }
        progress.done(subjects.size() + " mailboxes");
        List<String> method = new ArrayList<>();
        method.add(String.format(Locale.ROOT, "One ActorSystem per mailbox: %s actors (AbstractActor, one shared Props) on a"
                + " fork-join dispatcher of 2 threads, plus one more actor in the same state for the exclusion of shared"
                + " objects and two that only block the dispatcher's threads during the burst.", FrameworkScenarios.n(actors)));
        method.add("Idle: after every actor processed one message. queue = the actor's MessageQueue (what the mailbox type"
                + " creates); mailbox = Pekko's Mailbox object with its queue; actor = everything reachable from the"
                + " actor's ActorRef (path, ActorCell, actor instance, behaviour, mailbox), the walk stopping at the actor"
                + " system, the dispatcher, other actors' references, classes, class loaders and threads.");
        method.add("Bytes: JOL sizes summed over the objects reachable from all actors together (the lab's walk, with that"
                + " boundary), minus the objects also reachable from the extra actor (statics, the shared Props and"
                + " messages), divided by the actors; share = mailbox bytes / actor bytes.");
        method.add(String.format(Locale.ROOT, "Ping: the actors as %s pairs bouncing one int[] counter %d times (%d messages"
                + " per pair per pass), two passes of warm-up, the third measured: bytes allocated by every thread of the JVM"
                + " (ThreadMXBean) during that pass, divided by its messages. Pekko's Envelope (24 B) is in every row.",
                FrameworkScenarios.n(actors / 2), rounds, rounds + 1));
        method.add(String.format(Locale.ROOT, "Burst: with both dispatcher threads blocked, %d messages (one shared object)"
                + " told to every actor: holding_burst is the mailbox with its %d envelopes waiting; then the threads are"
                + " released, every message processed, and after_burst is the mailbox again.", burst, burst));
        method.add(String.format(Locale.ROOT, "After 3 bursts, then 1 s idle: two more such bursts, every message processed,"
                + " then %d ms with no message (a mailbox stops polling once it is empty): the queue and the whole actor"
                + " again.", IDLE_MILLIS));
        List<String> subjectsLine = new ArrayList<>();
        for (MailboxSubject s : subjects) {
            subjectsLine.add(s.name() + " = " + s.describe());
        }
        method.add("Subjects: " + String.join("; ", subjectsLine) + ".");
        List<String> verdict = verdict(rows, actors, burst);
        return new ScenarioReport("pekko-mailboxes", String.format(Locale.ROOT,
                "%s actors in a Pekko ActorSystem: idle mailboxes, allocation while they ping each other, a burst of %d",
                FrameworkScenarios.n(actors), burst),
                JvmInfo.current(), FrameworkScenarios.libraries(), method, COLUMNS, rows, List.of(), verdict, notes);
    }

    static Config config(MailboxSubject s) {
        String settings = s.settings().isEmpty() ? "" : ", " + s.settings();
        return ConfigFactory.parseString("""
                pekko.loglevel = OFF
                pekko.stdout-loglevel = OFF
                pekko.log-dead-letters = off
                pekko.log-dead-letters-during-shutdown = off
                pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 2, parallelism-max = 2 }
                lab-dispatcher {
                  type = Dispatcher
                  executor = "fork-join-executor"
                  fork-join-executor { parallelism-min = 2, parallelism-max = 2 }
                }
                lab-mailbox { mailbox-type = "%s"%s }
                """.formatted(s.type(), settings)).withFallback(ConfigFactory.load(PekkoScenario.class.getClassLoader()));
    }

    /**
     * The actor's ActorCell. A RepointableActorRef swaps its UnstartedCell for the ActorCell only after it has handed
     * the queued messages over, so an actor may have answered a message before the swap is visible: wait for it.
     */
    private static ActorCell startedCell(ActorRefWithCell ref) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (;;) {
            Object cell = ref.underlying();
            if (cell instanceof ActorCell) {
                return (ActorCell) cell;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the actor's cell is still " + cell.getClass().getName() + " after 10 s");
            }
            Thread.sleep(1);
        }
    }

    private static List<Object> one(MailboxSubject s, int actors, int rounds, int burst, Progress progress, int i, int total,
                                    List<String> notes) throws Exception {
        String step = s.name() + ": ";
        progress.step(i, total, step + "starting " + FrameworkScenarios.n(actors + 1) + " actors");
        ActorSystem system = ActorSystem.create("lab-" + s.name(), config(s), PekkoScenario.class.getClassLoader());
        try {
            Shared shared = new Shared();
            Props props = Props.create(LabActor.class, shared).withMailbox("lab-mailbox").withDispatcher("lab-dispatcher");
            ActorRef[] all = new ActorRef[actors + 1]; // the last one: the extra actor
            for (int k = 0; k < all.length; k++) {
                all[k] = system.actorOf(props);
            }
            ActorRef[] blockers = {system.actorOf(props), system.actorOf(props)};
            tickAll(shared, all, 1, "start");
            Set<Object> own = Collections.newSetFromMap(new IdentityHashMap<>());
            Collections.addAll(own, all);
            Mailbox[] mailboxes = new Mailbox[all.length];
            Object[] queues = new Object[all.length];
            for (int k = 0; k < all.length; k++) {
                // a mailbox other than the default makes a RepointableActorRef; once started, its cell is the ActorCell
                ActorCell cell = startedCell((ActorRefWithCell) all[k]);
                mailboxes[k] = cell.mailbox();
                queues[k] = mailboxes[k].messageQueue();
                own.add(cell);
            }
            Predicate<Object> actorStop = boundary(own);
            Predicate<Object> mailboxStop = actorStop.or(o -> o instanceof ActorCell);

            progress.step(i, total, step + "idle heap");
            double queueIdle = FrameworkScenarios.perInstance(mailboxStop, Arrays.copyOf(queues, actors), queues[actors]);
            double mailboxIdle = FrameworkScenarios.perInstance(mailboxStop, Arrays.copyOf(mailboxes, actors), mailboxes[actors]);
            double actorIdle = FrameworkScenarios.perInstance(actorStop, Arrays.copyOf(all, actors), all[actors]);

            progress.step(i, total, step + "ping");
            double perMessage = ping(shared, all, actors, rounds);

            progress.step(i, total, step + "burst of " + burst);
            CountDownLatch entered = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            for (ActorRef b : blockers) {
                b.tell(new Gate(entered, release), ActorRef.noSender());
            }
            if (!entered.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the dispatcher's threads were not taken within 60 s");
            }
            CountDownLatch done = new CountDownLatch(all.length * burst);
            shared.ticks = done;
            for (int m = 0; m < burst; m++) {
                for (ActorRef a : all) {
                    a.tell(Tick.TICK, ActorRef.noSender());
                }
            }
            int held = mailboxes[0].numberOfMessages();
            double mailboxHeld = FrameworkScenarios.perInstance(mailboxStop, Arrays.copyOf(mailboxes, actors), mailboxes[actors]);
            double actorHeld = FrameworkScenarios.perInstance(actorStop, Arrays.copyOf(all, actors), all[actors]);
            release.countDown();
            if (!done.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the burst was not processed within 300 s (" + done.getCount() + " left)");
            }
            if (held != burst) {
                notes.add(s.name() + ": the first actor's mailbox held " + held + " of the burst's " + burst + " messages");
            }
            awaitEmpty(mailboxes);
            progress.step(i, total, step + "after the burst");
            double mailboxAfter = FrameworkScenarios.perInstance(mailboxStop, Arrays.copyOf(mailboxes, actors), mailboxes[actors]);
            for (int b = 2; b <= 3; b++) {
                progress.step(i, total, step + "burst " + b + " of 3");
                burst(shared, all, blockers, burst);
                awaitEmpty(mailboxes);
            }
            long last = System.nanoTime();
            progress.step(i, total, step + IDLE_MILLIS + " ms idle");
            long rest = TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS) - (System.nanoTime() - last);
            if (rest > 0) {
                TimeUnit.NANOSECONDS.sleep(rest);
            }
            double queueAged = FrameworkScenarios.perInstance(mailboxStop, Arrays.copyOf(queues, actors), queues[actors]);
            double actorAged = FrameworkScenarios.perInstance(actorStop, Arrays.copyOf(all, actors), all[actors]);
            return Arrays.asList(s.name(), actors, queueIdle, mailboxIdle, actorIdle, percent(mailboxIdle, actorIdle), perMessage,
                    mailboxHeld, percent(mailboxHeld, actorHeld), mailboxAfter, queueAged, actorAged, null);
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    /** With both dispatcher threads blocked, {@code burst} messages told to every actor; then released and processed. */
    private static void burst(Shared shared, ActorRef[] all, ActorRef[] blockers, int burst) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        for (ActorRef b : blockers) {
            b.tell(new Gate(entered, release), ActorRef.noSender());
        }
        try {
            if (!entered.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the dispatcher's threads were not taken within 60 s");
            }
            CountDownLatch done = new CountDownLatch(all.length * burst);
            shared.ticks = done;
            for (int m = 0; m < burst; m++) {
                for (ActorRef a : all) {
                    a.tell(Tick.TICK, ActorRef.noSender());
                }
            }
        } finally {
            release.countDown();
        }
        if (!shared.ticks.await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a burst was not processed within 300 s (" + shared.ticks.getCount() + " left)");
        }
    }

    /** Where the walk of an actor stops: what belongs to the whole system, and any other actor. */
    static Predicate<Object> boundary(Set<Object> own) {
        return o -> o instanceof ActorSystem || o instanceof MessageDispatcher || o instanceof ActorRefProvider
                || o instanceof Scheduler || o instanceof Executor || o instanceof Class || o instanceof ClassLoader
                || o instanceof Thread || o instanceof Module
                || (o instanceof ActorRef || o instanceof ActorCell) && !own.contains(o);
    }

    static double percent(double part, double whole) {
        return Math.round(1000.0 * part / whole) / 10.0;
    }

    private static void tickAll(Shared shared, ActorRef[] all, int times, String what) throws InterruptedException {
        CountDownLatch l = new CountDownLatch(all.length * times);
        shared.ticks = l;
        for (int m = 0; m < times; m++) {
            for (ActorRef a : all) {
                a.tell(Tick.TICK, ActorRef.noSender());
            }
        }
        if (!l.await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException(what + ": " + l.getCount() + " messages not processed within 300 s");
        }
    }

    /** Waits until every mailbox is empty and no longer scheduled (the last message's run has finished). */
    private static void awaitEmpty(Mailbox[] mailboxes) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Mailbox m : mailboxes) {
            while (m.hasMessages() || m.isScheduled()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("a mailbox did not become idle within 60 s");
                }
                Thread.sleep(1);
            }
        }
    }

    /** The actors as pairs ping-ponging: bytes allocated by the whole JVM per message in the third pass. */
    private static double ping(Shared shared, ActorRef[] all, int actors, int rounds) throws Exception {
        int pairs = actors / 2;
        double perMessage = Double.NaN;
        for (int pass = 0; pass < 3; pass++) {
            CountDownLatch l = new CountDownLatch(pairs);
            shared.pings = l;
            int[][] counters = new int[pairs][];
            for (int p = 0; p < pairs; p++) {
                counters[p] = new int[]{rounds};
            }
            long before = FrameworkScenarios.allThreadsAllocatedBytes();
            for (int p = 0; p < pairs; p++) {
                all[2 * p].tell(counters[p], all[2 * p + 1]);
            }
            if (!l.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException("ping: " + l.getCount() + " pairs not done within 300 s");
            }
            long allocated = FrameworkScenarios.allThreadsAllocatedBytes() - before;
            perMessage = allocated / (double) ((long) pairs * (rounds + 1));
        }
        return perMessage;
    }

    private static List<String> verdict(List<List<Object>> rows, int actors, int burst) {
        List<String> v = new ArrayList<>();
        List<Object> def = find(rows, "pekko-default");
        List<Object> bounded = find(rows, "pekko-bounded");
        for (String lean : List.of("leanchan-unbounded", "leanchan-bounded")) {
            List<Object> r = find(rows, lean);
            if (r == null) {
                continue;
            }
            List<Object> ref = lean.equals("leanchan-bounded") && bounded != null ? bounded : def;
            if (ref == null) {
                v.add(String.format(Locale.ROOT, "%s: idle mailbox %s B, %s B allocated per message.", lean,
                        Fmt.number((Double) r.get(3)), Fmt.number((Double) r.get(6))));
                continue;
            }
            v.add(String.format(Locale.ROOT, "%s against %s after 3 bursts of %d, then %d ms idle: queue %s B against"
                            + " %s B, whole actor %s B against %s B (%s B).", lean, ref.get(0), burst, IDLE_MILLIS,
                    Fmt.number((Double) r.get(10)), Fmt.number((Double) ref.get(10)), Fmt.number((Double) r.get(11)),
                    Fmt.number((Double) ref.get(11)), signed((Double) r.get(11) - (Double) ref.get(11))));
            double dIdle = (Double) r.get(3) - (Double) ref.get(3);
            double dHeld = (Double) r.get(7) - (Double) ref.get(7);
            v.add(String.format(Locale.ROOT, "%s against %s: idle mailbox %s B against %s B (%s for %s actors);"
                            + " holding a burst of %d, %s B against %s B (%s); %s B allocated per message against %s B.",
                    lean, ref.get(0), Fmt.number((Double) r.get(3)), Fmt.number((Double) ref.get(3)),
                    FrameworkScenarios.bytes(dIdle * actors, true), FrameworkScenarios.n(actors), burst,
                    Fmt.number(Math.round((Double) r.get(7))), Fmt.number(Math.round((Double) ref.get(7))),
                    FrameworkScenarios.bytes(dHeld * actors, true), Fmt.number(Math.round((Double) r.get(6) * 10) / 10.0),
                    Fmt.number(Math.round((Double) ref.get(6) * 10) / 10.0)));
        }
        List<String> failed = new ArrayList<>();
        for (List<Object> r : rows) {
            if (r.get(r.size() - 1) != null) {
                failed.add(r.get(0) + " (" + r.get(r.size() - 1) + ")");
            }
        }
        if (!failed.isEmpty()) {
            v.add("Not measured: " + String.join("; ", failed) + ".");
        }
        return v;
    }

    private static String signed(double b) {
        return (b > 0 ? "+" : "") + Fmt.number(b);
    }

    private static List<Object> find(List<List<Object>> rows, String name) {
        for (List<Object> r : rows) {
            if (r.get(0).equals(name) && r.get(r.size() - 1) == null) {
                return r;
            }
        }
        return null;
    }

    @CommandLine.Command(name = "pekko-mailboxes", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
            description = {"N actors (default 100,000) in a real Pekko ActorSystem, per mailbox: heap per idle actor's mailbox,"
                    + " bytes allocated per message while the actors ping each other, and the mailbox's share of the actor's"
                    + " heap while it holds a burst, and the queue and actor after 3 bursts then 1 s idle. Subjects (--subjects): pekko-default, pekko-single-consumer,"
                    + " pekko-bounded, leanchan-unbounded, leanchan-bounded."})
    static final class Command extends FrameworkScenarios.Command {
        @Option(names = {"-n", "--actors", "--count"}, defaultValue = "100000", description = "Actors (default: ${DEFAULT-VALUE}).")
        int actors;

        @Option(names = "--rounds", defaultValue = "10",
                description = "Ping rounds per pair and pass (default: ${DEFAULT-VALUE}; a pair's pass is rounds + 1 messages).")
        int rounds;

        @Option(names = "--burst", defaultValue = "16",
                description = "Messages per actor in the burst, 1 to 1000 (default: ${DEFAULT-VALUE}).")
        int burst;

        @Override
        void validate() {
            if (actors < 2) {
                throw new LabMain.UsageError("--actors must be at least 2, was " + actors);
            }
            positive("--rounds", rounds);
            positive("--burst", burst);
            if (burst > 1000) {
                throw new LabMain.UsageError("--burst must be at most 1000 (the bounded mailboxes' capacity), was " + burst);
            }
            FrameworkScenarios.select(selected, ALL, MailboxSubject::name, "pekko-mailboxes");
        }

        @Override
        ScenarioReport measure(List<Subject> ignored, Progress progress) {
            return PekkoScenario.measure(FrameworkScenarios.select(selected, ALL, MailboxSubject::name, "pekko-mailboxes"),
                    actors, rounds, burst, progress);
        }
    }
}
