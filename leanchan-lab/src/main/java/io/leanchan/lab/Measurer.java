package io.leanchan.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The lab's method. Retained bytes come from {@link HeapWalker} (JOL sizes) over the subject's roots; objects
 * also reachable from an independent second instance that went through the same operations are shared by
 * every instance (static sentinels, singletons, the current thread) and are excluded, as are the messages
 * (except in heap_after_fill_with_messages). Allocation comes from
 * {@code com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes()} around a loop over preallocated
 * messages, after a warm-up on the same instance: the total over the whole measured run divided by its messages
 * (what JMH's gc.alloc.rate.norm reports), minus what the same loop allocates around a subject that allocates
 * nothing.
 *
 * <p>Every figure of a cell is measured on its own: a subject that throws loses only the figures it could not
 * give, and the row says what failed ({@link Row#failure()}).
 */
public final class Measurer {

    /** Messages one at a time before the aged figure, by default. */
    public static final int AGED_MESSAGES = 1_000_000;
    /** How long the consumer waits on the empty instance before the aged figure, by default (milliseconds). */
    public static final long AGED_WAIT_MILLIS = 200;
    /** Bursts (fill to capacity, poll until empty) before the bursts-then-idle figure. */
    public static final int IDLE_BURSTS = 3;
    /**
     * How long an instance is left with no call after its last burst before the bursts-then-idle figure, by default
     * (ms): 1,000, or the system property {@code leanchan.lab.idleMillis}. The lab's own tests set 3,000 (the pom),
     * so that the reclaimer's daemon, slowed by CPU hogs on a loaded CI machine, is not asserted to its 1 s.
     */
    public static final long IDLE_MILLIS = Long.getLong("leanchan.lab.idleMillis", 1000);

    /** Messages per allocation figure (steady), at least (bursts). */
    private final int ops;
    private final int agedMessages;
    private final long agedWaitMillis;
    private final long idleMillis;

    public Measurer(int ops) {
        this(ops, AGED_MESSAGES, AGED_WAIT_MILLIS);
    }

    public Measurer(int ops, int agedMessages, long agedWaitMillis) {
        this(ops, agedMessages, agedWaitMillis, IDLE_MILLIS);
    }

    public Measurer(int ops, int agedMessages, long agedWaitMillis, long idleMillis) {
        if (ops < 1) {
            throw new IllegalArgumentException("ops must be at least 1");
        }
        if (agedMessages < 0 || agedWaitMillis < 0) {
            throw new IllegalArgumentException("aged messages and wait must not be negative");
        }
        if (idleMillis < 0) {
            throw new IllegalArgumentException("idle time must not be negative");
        }
        this.ops = ops;
        this.agedMessages = agedMessages;
        this.agedWaitMillis = agedWaitMillis;
        this.idleMillis = idleMillis;
    }

    /** How long an instance is left with no call after its last burst before heap_after_bursts_idle (ms). */
    public long idleMillis() {
        return idleMillis;
    }

    public int ops() {
        return ops;
    }

    public int agedMessages() {
        return agedMessages;
    }

    public long agedWaitMillis() {
        return agedWaitMillis;
    }

    /** The most the measuring loop itself allocated in any window (subtracted from every figure). */
    public long maxOverheadBytes() {
        return maxOverhead;
    }

    private long maxOverhead;

    /** The heap columns of one cell; figures not measured are {@link Row#MISSING}, and failure says why (else null). */
    public record Heap(long create, long fill, long fillWithMessages, long drain, int held, int retainedAfterDrain,
                       String failure) {
    }

    /** Aged figures already measured, per subject and capacity: a Long, or the failure as a String. */
    private final java.util.Map<String, Object> agedCache = new java.util.HashMap<>();
    /** Bursts-then-idle figures already measured, per subject and capacity: a Long, or the failure as a String. */
    private final java.util.Map<String, Object> idleCache = new java.util.HashMap<>();

    /**
     * Measures one cell, each figure on its own. Anything unusual (fewer messages held than asked, messages kept
     * after a drain) goes to notes; what failed goes to the row's failure.
     */
    public Row measure(Subject s, int msgSize, int capacity, List<String> notes) {
        java.util.Map<String, List<String>> failures = new java.util.LinkedHashMap<>();
        Heap h = heap(s, msgSize, capacity);
        if (h.failure() != null) {
            int colon = h.failure().indexOf(": ");
            failures.computeIfAbsent(h.failure().substring(colon + 2), k -> new ArrayList<>()).add(h.failure().substring(0, colon));
        } else {
            if (h.held() != capacity) {
                failures.computeIfAbsent("held only " + h.held() + " of " + capacity + " messages", k -> new ArrayList<>())
                        .add("fill");
            }
            if (h.retainedAfterDrain() > 0) {
                notes.add(s.name() + " (msg " + msgSize + ", capacity " + capacity + ") still references "
                        + h.retainedAfterDrain() + " drained messages (not counted in heap_after_drain)");
            }
        }
        long aged = Row.MISSING;
        Object cached = agedCache.get(s.name() + "/" + capacity);
        if (cached == null) {
            try {
                cached = aged(s, capacity, msgSize, notes);
            } catch (Throwable t) {
                cached = describe(t);
            }
            agedCache.put(s.name() + "/" + capacity, cached);
        }
        if (cached instanceof Long v) {
            aged = v;
        } else {
            failures.computeIfAbsent((String) cached, k -> new ArrayList<>()).add("aged");
        }
        long idle = Row.MISSING;
        Object idleCached = idleCache.get(s.name() + "/" + capacity);
        if (idleCached == null) {
            idleCached = idleFigure(leave(s, capacity, msgSize), notes);
            idleCache.put(s.name() + "/" + capacity, idleCached);
        }
        if (idleCached instanceof Long v) {
            idle = v;
        } else {
            failures.computeIfAbsent((String) idleCached, k -> new ArrayList<>()).add("bursts idle");
        }
        double steady = Double.NaN;
        try {
            steady = steadyAllocPerMessage(s, capacity, msgSize);
        } catch (Throwable t) {
            failures.computeIfAbsent(describe(t), k -> new ArrayList<>()).add("alloc steady");
        }
        double burst = Double.NaN;
        try {
            burst = burstAllocPerMessage(s, capacity, msgSize);
        } catch (Throwable t) {
            failures.computeIfAbsent(describe(t), k -> new ArrayList<>()).add("alloc burst");
        }
        List<String> what = new ArrayList<>();
        failures.forEach((why, steps) -> what.add(String.join(", ", steps) + ": " + why));
        return new Row(s.name(), msgSize, capacity, h.create(), h.fill(), h.fillWithMessages(), h.drain(), aged, idle,
                steady, burst, what.isEmpty() ? null : String.join("; ", what));
    }

    /** One line for a failure: the exception's class and first message line; fatal VM errors are rethrown. */
    static String describe(Throwable t) {
        if (t instanceof VirtualMachineError && !(t instanceof OutOfMemoryError) && !(t instanceof StackOverflowError)) {
            throw (VirtualMachineError) t;
        }
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable root = t;
        if (t instanceof IllegalArgumentException && t.getCause() != null && String.valueOf(t.getMessage()).startsWith("cannot create")) {
            return LabMain.firstLine(t.getMessage());
        }
        String msg = root.getMessage() == null ? "" : LabMain.firstLine(root.getMessage());
        if (msg.length() > 90) {
            msg = msg.substring(0, 87) + "...";
        }
        return root.getClass().getSimpleName() + (msg.isBlank() ? "" : ": " + msg);
    }

    /**
     * Retained bytes after create, after a fill to capacity (without and with messages) and after draining. Each
     * figure is kept as soon as it is measured; if a step throws, the later figures are {@link Row#MISSING} and
     * failure names the step.
     */
    public static Heap heap(Subject s, int msgSize, int capacity) {
        long create = Row.MISSING;
        long fill = Row.MISSING;
        long fillWith = Row.MISSING;
        long drained = Row.MISSING;
        int held = 0;
        int kept = 0;
        String step = "create";
        try {
            Subject.Instance a = s.create(capacity);
            Subject.Instance b = s.create(capacity);
            Object[] ma = Messages.make(msgSize, capacity);
            Object[] mb = Messages.make(msgSize, capacity);
            Set<Object> messagesA = HeapWalker.identitySet(ma);
            step = "heap after create";
            create = retained(a, b, messagesA)[0];

            step = "fill";
            held = fill(a, ma);
            fill(b, mb);
            long[] full = retained(a, b, messagesA);
            fill = full[0];
            fillWith = full[1];

            step = "drain";
            drain(a);
            drain(b);
            long[] d = retained(a, b, messagesA);
            drained = d[0];
            kept = (int) d[2];
            return new Heap(create, fill, fillWith, drained, held, kept, null);
        } catch (Throwable t) {
            return new Heap(create, fill, fillWith, drained, held, kept, step + ": " + describe(t));
        }
    }

    /**
     * Retained bytes of an instance that has lived: {@link #agedMessages()} messages sent and received one at a
     * time, then one receive that waits {@link #agedWaitMillis()} ms on the empty instance the way the subject's
     * consumer waits ({@link Subject.Instance#pollWaiting}; a subject that cannot wait polls). Messages excluded;
     * none is held at the end, so the figure does not depend on msg_size.
     */
    public long aged(Subject s, int capacity, int msgSize, List<String> notes) throws InterruptedException {
        Subject.Instance a = s.create(capacity);
        Subject.Instance b = s.create(capacity);
        Object[] ma = Messages.make(msgSize, 64);
        Object[] mb = Messages.make(msgSize, 64);
        oneAtATime(a, ma, agedMessages);
        oneAtATime(b, mb, agedMessages);
        waitOnEmpty(a);
        waitOnEmpty(b);
        long[] r = retained(a, b, HeapWalker.identitySet(ma));
        if (r[2] > 0 && notes != null) {
            notes.add(s.name() + " (capacity " + capacity + ") still references " + r[2]
                    + " received messages after aging (not counted in heap_after_aged)");
        }
        return r[0];
    }

    /**
     * Two independent instances of one subject and capacity, each after {@link #IDLE_BURSTS} bursts by a consumer
     * that only polls (fill to capacity, then {@link Subject.Instance#poll} until it returns null: never a blocking or
     * timed receive), then left with no call; or why they could not be made.
     */
    public static final class Left {
        final Subject subject;
        final int capacity;
        Subject.Instance a;
        Subject.Instance b;
        Set<Object> messagesA;
        /** System.nanoTime() just after the last call on either instance. */
        long lastCallNanos;
        String failure;

        Left(Subject subject, int capacity) {
            this.subject = subject;
            this.capacity = capacity;
        }

        /** The instance measured (the other one only finds what every instance shares). */
        public Subject.Instance instance() {
            return a;
        }

        /** Retained bytes of the instance now, shared objects and messages excluded (no call on the instance). */
        public long bytesNow() {
            return retained(a, b, messagesA)[0];
        }
    }

    /**
     * Makes two instances of {@code s} and bursts each {@link #IDLE_BURSTS} times: {@code capacity} messages
     * offered (for an unbounded subject, capacity is the burst), then polled until a poll returns null. After that
     * nothing calls them; {@link #idleFigure} measures them {@link #idleMillis()} later.
     */
    public static Left leave(Subject s, int capacity, int msgSize) {
        Left x = new Left(s, capacity);
        try {
            Subject.Instance a = s.create(capacity);
            Subject.Instance b = s.create(capacity);
            Object[] ma = Messages.make(msgSize, capacity);
            Object[] mb = Messages.make(msgSize, capacity);
            for (int i = 1; i <= IDLE_BURSTS; i++) {
                burstByPolls(a, ma, i);
                burstByPolls(b, mb, i);
            }
            x.lastCallNanos = System.nanoTime();
            x.a = a;
            x.b = b;
            x.messagesA = HeapWalker.identitySet(ma);
        } catch (Throwable t) {
            x.failure = describe(t);
        }
        return x;
    }

    private static void burstByPolls(Subject.Instance x, Object[] msgs, int burst) {
        int held = fill(x, msgs);
        if (held != msgs.length) {
            throw new IllegalStateException("burst " + burst + " held only " + held + " of " + msgs.length + " messages");
        }
        int got = drain(x);
        if (got != held) {
            throw new IllegalStateException("burst " + burst + " gave back " + got + " of " + held + " messages");
        }
    }

    /**
     * heap_after_bursts_idle of instances made by {@link #leave}: waits until {@link #idleMillis()} after their last
     * call (no wait if that time has passed), then measures without calling them. A Long, or the failure as a String.
     */
    public Object idleFigure(Left x, List<String> notes) {
        if (x.failure != null) {
            return x.failure;
        }
        try {
            long rest = x.lastCallNanos + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(idleMillis) - System.nanoTime();
            if (rest > 0) {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(rest);
            }
            long[] r = retained(x.a, x.b, x.messagesA);
            if (r[2] > 0 && notes != null) {
                notes.add(x.subject.name() + " (capacity " + x.capacity + ") still references " + r[2]
                        + " received messages after " + IDLE_BURSTS + " bursts and " + idleMillis
                        + " ms idle (not counted in heap_after_bursts_idle)");
            }
            return r[0];
        } catch (Throwable t) {
            return describe(t);
        }
    }

    /**
     * heap_after_bursts_idle for every subject and capacity of a grid, with one wait for all: every pair of instances
     * is made and burst first, then each is measured {@link #idleMillis()} after its own last call (so the whole
     * grid waits about once, not once per subject). The figures are kept for {@link #measure}.
     */
    void measureIdle(List<Subject> subjects, List<Integer> capacities, int msgSize, List<String> notes, Progress progress) {
        List<Left> left = new ArrayList<>();
        int total = subjects.size() * capacities.size();
        for (Subject s : subjects) {
            for (int c : capacities) {
                progress.step(left.size() + 1, total, s.name() + " capacity " + c + ": " + IDLE_BURSTS + " bursts, polled");
                left.add(leave(s, c, msgSize));
            }
        }
        progress.step(total, total, "all left " + idleMillis + " ms with no call");
        for (Left x : left) {
            idleCache.put(x.subject.name() + "/" + x.capacity, idleFigure(x, notes));
        }
    }

    private static void oneAtATime(Subject.Instance x, Object[] msgs, int n) {
        for (int i = 0; i < n; i++) {
            Object m = msgs[i & (msgs.length - 1)];
            if (!x.offer(m)) {
                throw new IllegalStateException("refused message " + (i + 1) + " although empty");
            }
            if (x.poll() != m) {
                throw new IllegalStateException("did not give back message " + (i + 1) + " just sent");
            }
        }
    }

    private void waitOnEmpty(Subject.Instance x) throws InterruptedException {
        if (x.pollWaiting(agedWaitMillis) != null) {
            throw new IllegalStateException("received a message from an empty instance");
        }
    }

    /** {bytes without messages, bytes with messages, messages reachable}, shared objects excluded. */
    static long[] retained(Subject.Instance a, Subject.Instance b, Set<Object> messagesA) {
        HeapWalker.Graph ga = HeapWalker.walk(a.roots());
        HeapWalker.Graph gb = HeapWalker.walk(b.roots());
        Set<Object> shared = ga.shared(gb);
        return new long[]{ga.sizeExcluding(shared, messagesA), ga.sizeExcluding(shared), ga.countOf(messagesA)};
    }

    /** Offers the messages in order until one is refused; returns how many went in. */
    static int fill(Subject.Instance x, Object[] messages) {
        int n = 0;
        for (Object m : messages) {
            if (!x.offer(m)) {
                break;
            }
            n++;
        }
        return n;
    }

    /** Receives until empty (poll returns null); returns how many came out. */
    static int drain(Subject.Instance x) {
        int n = 0;
        while (x.poll() != null) {
            n++;
        }
        return n;
    }

    private final java.util.Map<String, LoopRunner> loops = new java.util.HashMap<>();

    /** The subject's own copy of the measuring loops (see {@link Loops#isolated()}). */
    private LoopRunner loopsFor(Subject s) {
        return loops.computeIfAbsent(s.name(), k -> Loops.isolated());
    }

    /** Messages of warm-up before any allocation window, whatever --ops says: enough for C2 to compile the loops. */
    static final int WARM_UP_MESSAGES = 200_000;
    /** The measured run is split into this many windows, alternating with the zero-allocation loop. */
    static final int WINDOWS = 3;

    /** Rounds bytes per message to 0.01, the precision every format prints. */
    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    /**
     * Bytes per message with one message in flight: send one, receive one. After a warm-up on the same instance,
     * {@code ops} messages are measured (in {@link #WINDOWS} windows alternating with the zero-allocation loop);
     * the figure is everything they allocated divided by {@code ops}, as JMH's gc.alloc.rate.norm.
     */
    public double steadyAllocPerMessage(Subject s, int capacity, int msgSize) {
        LoopRunner loops = loopsFor(s);
        Object[] msgs = Messages.make(msgSize, 64);
        Subject.Instance x = s.create(capacity);
        Subject.Instance zero = new ZeroAllocRing(Math.max(64, capacity));
        int warm = Math.max(WARM_UP_MESSAGES, ops / 5);
        for (int done = 0; done < warm; done += 10_000) {
            loops.steady(x, msgs, 10_000);
            loops.steady(zero, msgs, 10_000);
        }
        int window = Math.max(1, ops / WINDOWS);
        long bytes = 0;
        long overhead = 0;
        long messages = 0;
        for (int w = 0; w < WINDOWS; w++) {
            long o = loops.steady(zero, msgs, window);
            bytes += loops.steady(x, msgs, window);
            overhead += o;
            maxOverhead = Math.max(maxOverhead, o);
            messages += window;
        }
        return round(Math.max(0, bytes - overhead) / (double) messages);
    }

    /**
     * Bytes per message in repeated bursts: fill to capacity, then drain until empty. After a warm-up on the same
     * instance, at least {@code ops} messages are measured (whole bursts, in {@link #WINDOWS} windows alternating with
     * the zero-allocation loop); the figure is everything they allocated divided by the messages.
     */
    public double burstAllocPerMessage(Subject s, int capacity, int msgSize) {
        LoopRunner loops = loopsFor(s);
        Object[] msgs = Messages.make(msgSize, capacity);
        Subject.Instance x = s.create(capacity);
        Subject.Instance zero = new ZeroAllocRing(capacity);
        int warmRounds = Math.max(8, Math.max(WARM_UP_MESSAGES, ops / 5) / capacity);
        for (int done = 0; done < warmRounds; done += 100) {
            int n = Math.min(100, warmRounds - done);
            loops.burst(x, msgs, n);
            loops.burst(zero, msgs, n);
        }
        int rounds = Math.max(2, (ops / WINDOWS + capacity - 1) / capacity);
        long bytes = 0;
        long overhead = 0;
        long messages = 0;
        for (int w = 0; w < WINDOWS; w++) {
            long o = loops.burst(zero, msgs, rounds);
            bytes += loops.burst(x, msgs, rounds);
            overhead += o;
            maxOverhead = Math.max(maxOverhead, o);
            messages += (long) rounds * capacity;
        }
        return round(Math.max(0, bytes - overhead) / (double) messages);
    }

    /** A preallocated ring that allocates nothing per operation: what the measuring loop itself costs. */
    static final class ZeroAllocRing implements Subject.Instance {
        private final Object[] slots;
        private long head;
        private long tail;

        ZeroAllocRing(int capacity) {
            slots = new Object[capacity];
        }

        @Override
        public Object[] roots() {
            return new Object[]{this};
        }

        @Override
        public boolean offer(Object message) {
            if (tail - head == slots.length) {
                return false;
            }
            slots[(int) (tail++ % slots.length)] = message;
            return true;
        }

        @Override
        public Object poll() {
            if (head == tail) {
                return null;
            }
            int i = (int) (head++ % slots.length);
            Object m = slots[i];
            slots[i] = null;
            return m;
        }
    }

    /** Measures a whole grid, in subject, msg_size, capacity order. */
    public List<Row> grid(List<Subject> subjects, List<Integer> msgSizes, List<Integer> capacities, List<String> notes,
                          Progress progress) {
        List<Row> rows = new ArrayList<>();
        if (!msgSizes.isEmpty()) {
            measureIdle(subjects, capacities, java.util.Collections.min(msgSizes), notes, progress);
        }
        int total = subjects.size() * msgSizes.size() * capacities.size();
        int i = 0;
        for (Subject s : subjects) {
            for (int m : msgSizes) {
                for (int c : capacities) {
                    progress.step(++i, total, s.name() + " msg_size " + m + " capacity " + c);
                    rows.add(measure(s, m, c, notes));
                }
            }
        }
        progress.done(total + " cells");
        return rows;
    }
}
