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
 * messages, after a warm-up on the same instance, minus what the same loop allocates around a subject that
 * allocates nothing.
 */
public final class Measurer {

    /** Messages sent per measured allocation window (steady) and at least per burst window. */
    private final int ops;

    public Measurer(int ops) {
        if (ops < 1) {
            throw new IllegalArgumentException("ops must be at least 1");
        }
        this.ops = ops;
    }

    public int ops() {
        return ops;
    }

    /** The most the measuring loop itself allocated in any window (subtracted from every figure). */
    public long maxOverheadBytes() {
        return maxOverhead;
    }

    private long maxOverhead;

    /** The heap columns of one cell. */
    public record Heap(long create, long fill, long fillWithMessages, long drain, int held, int retainedAfterDrain) {
    }

    /** Measures one cell; anything unusual (fewer messages held than asked, messages kept after a drain) goes to notes. */
    public Row measure(Subject s, int msgSize, int capacity, List<String> notes) {
        Heap h = heap(s, msgSize, capacity);
        if (h.held() != capacity) {
            notes.add(s.name() + " (msg " + msgSize + ", capacity " + capacity + ") held only " + h.held()
                    + " of " + capacity + " messages");
        }
        if (h.retainedAfterDrain() > 0) {
            notes.add(s.name() + " (msg " + msgSize + ", capacity " + capacity + ") still references "
                    + h.retainedAfterDrain() + " drained messages (not counted in heap_after_drain)");
        }
        double steady = steadyAllocPerMessage(s, capacity, msgSize);
        double burst = burstAllocPerMessage(s, capacity, msgSize);
        return new Row(s.name(), msgSize, capacity, h.create(), h.fill(), h.fillWithMessages(), h.drain(), steady, burst);
    }

    /** Retained bytes after create, after a fill to capacity (without and with messages) and after draining. */
    public static Heap heap(Subject s, int msgSize, int capacity) {
        Subject.Instance a = s.create(capacity);
        Subject.Instance b = s.create(capacity);
        Object[] ma = Messages.make(msgSize, capacity);
        Object[] mb = Messages.make(msgSize, capacity);
        Set<Object> messagesA = HeapWalker.identitySet(ma);

        long create = retained(a, b, messagesA)[0];

        int held = fill(a, ma);
        fill(b, mb);
        long[] full = retained(a, b, messagesA);

        drain(a);
        drain(b);
        long[] drained = retained(a, b, messagesA);
        return new Heap(create, full[0], full[1], drained[0], held, (int) drained[2]);
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
    /**
     * Allocation windows per figure: at least 3, and more (up to {@link #MAX_WINDOWS}) while the last two windows
     * still improved on the best, i.e. while the JIT is still settling; the figure is the smallest window.
     */
    static final int WINDOWS = 3;
    static final int MAX_WINDOWS = 15;

    /** Rounds bytes per message to 0.01, the precision every format prints. */
    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    /**
     * Bytes per message with one message in flight: send one, receive one; windows of ops/3 messages after a
     * warm-up on the same instance, the smallest window counts.
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
        double best = Double.MAX_VALUE;
        int sinceBetter = 0;
        for (int w = 0; w < MAX_WINDOWS && (w < WINDOWS || sinceBetter < 2); w++) {
            long overhead = loops.steady(zero, msgs, window);
            long bytes = loops.steady(x, msgs, window);
            maxOverhead = Math.max(maxOverhead, overhead);
            double v = Math.max(0, bytes - overhead) / (double) window;
            sinceBetter = v < best - 0.005 ? 0 : sinceBetter + 1;
            best = Math.min(best, v);
        }
        return round(best);
    }

    /**
     * Bytes per message in repeated bursts: fill to capacity, then drain until empty; windows of at least ops/3
     * messages after a warm-up on the same instance, the smallest window counts.
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
        double best = Double.MAX_VALUE;
        int sinceBetter = 0;
        for (int w = 0; w < MAX_WINDOWS && (w < WINDOWS || sinceBetter < 2); w++) {
            long overhead = loops.burst(zero, msgs, rounds);
            long bytes = loops.burst(x, msgs, rounds);
            maxOverhead = Math.max(maxOverhead, overhead);
            double v = Math.max(0, bytes - overhead) / ((double) rounds * capacity);
            sinceBetter = v < best - 0.005 ? 0 : sinceBetter + 1;
            best = Math.min(best, v);
        }
        return round(best);
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
