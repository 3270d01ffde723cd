package io.leanchan.bench;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Blocking and async at scale (issue 9, "Targets"), single-shot timings outside JMH, every run in its own JVM
 * under a time limit so that a slow subject cannot hang the suite (it is reported as "&gt; limit").
 *
 * <ul>
 * <li>{@code senders}: N threads (virtual, or platform) each blocking-send {@value #PER_SENDER} messages into one
 * channel, one blocking receiver (the child JVM's main thread, a platform thread) takes all of them. All N
 * senders are started and waiting on a gate first; the clock runs from opening the gate to the last message
 * received, so N senders really do wait on the channel at once. Subjects: leanchan {@code bounded(C)},
 * {@code ArrayBlockingQueue(C)}, {@code LinkedBlockingQueue(C)}, C = 1 and 1024, each in the same run.</li>
 * <li>{@code close}: K virtual threads blocked in {@code send} on a full {@code bounded(1)}, then
 * {@code close()}: the clock runs from the close to the last sender done, each with its message handed back
 * (issue 9: linear in K).</li>
 * <li>{@code async}: {@code bounded(1)} is filled, then one thread makes K {@code sendAsync} calls, all pending;
 * the clock runs while the receiver drains the K + 1 messages (each take lets one pending send in). Linear
 * waiters: 4x the waiters take at most about 4x the time (issue 9: at most 5x).</li>
 * </ul>
 * Each child JVM warms up on the same case at a fixed small size (three runs) before the measured run; the cases
 * alternate subjects within a repetition; the report gives medians over the repetitions. A child whose
 * measured run (or any of its warm-up runs) passes the limit halts itself (a watchdog thread, which first prints
 * how far the receiver got and where the threads are); a case that passed the limit twice is not tried
 * again at that size in the later repetitions.
 *
 * <pre>
 * java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.ScaleHarness [--smoke] [--reps R] [--limit SECONDS]
 *      [--out FILE.jsonl] [--only senders|async|close]
 * java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.ScaleHarness --child senders LEANCHAN 1 virtual 10000 30
 * java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.ScaleHarness --child async 20000 30
 * </pre>
 */
public final class ScaleHarness {
    static final int PER_SENDER = 5;
    static final Integer MSG = 777;
    /** What the child prints before its result (its only line on stdout that the parent reads). */
    static final String RESULT = "SCALE-RESULT ";
    /** What a child that passed its limit prints: how far it got. */
    static final String TIMEOUT = "SCALE-TIMEOUT ";
    /** Messages the measured run's receiver has taken so far (updated every 64, read by the watchdog). */
    static volatile long received;
    static final int HALT_TIMED_OUT = 3;

    private ScaleHarness() {
    }

    /** The subjects of the blocked-senders test. */
    enum Kind {
        LEANCHAN("leanchan bounded(C)"),
        ABQ("ArrayBlockingQueue(C)"),
        LBQ("LinkedBlockingQueue(C)");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        BlockingPipe create(int capacity) {
            return switch (this) {
                case LEANCHAN -> new BlockingSubject.LeanchanBlocking(Channel.bounded(capacity));
                case ABQ -> new BlockingSubject.QueueBlocking(new ArrayBlockingQueue<>(capacity));
                case LBQ -> new BlockingSubject.QueueBlocking(new LinkedBlockingQueue<>(capacity));
            };
        }
    }

    /** One case: what the parent asks a child JVM to run. */
    record Case(String test, Kind kind, int capacity, String threads, int n) {
        List<String> childArgs(long limitS) {
            return !test.equals("senders")
                    ? List.of("--child", test, Integer.toString(n), Long.toString(limitS))
                    : List.of("--child", "senders", kind.name(), Integer.toString(capacity), threads,
                            Integer.toString(n), Long.toString(limitS));
        }

        String key() {
            return !test.equals("senders") ? test + " " + n
                    : test + " " + kind + " " + capacity + " " + threads + " " + n;
        }
    }

    /** The plan of one run: sizes and subjects. */
    static List<Case> plan(boolean smoke, String only) {
        List<Case> cases = new ArrayList<>();
        if ((only == null || only.equals("senders")) && smoke) {
            // Every code path once, small: both capacities and a peer on virtual threads, platform threads once.
            for (int cap : new int[] {1, 1024}) {
                for (Kind k : List.of(Kind.LEANCHAN, Kind.ABQ)) {
                    cases.add(new Case("senders", k, cap, "virtual", 1000));
                }
            }
            cases.add(new Case("senders", Kind.LEANCHAN, 1, "platform", 100));
        } else if (only == null || only.equals("senders")) {
            int[][] sizes = {{0, 10_000}, {0, 40_000}, {1, 1_000}};
            for (int[] s : sizes) {
                String threads = s[0] == 0 ? "virtual" : "platform";
                for (int cap : new int[] {1, 1024}) {
                    for (Kind k : Kind.values()) {
                        cases.add(new Case("senders", k, cap, threads, s[1]));
                    }
                }
            }
        }
        if (only == null || only.equals("async")) {
            for (int k : smoke ? new int[] {500, 2_000} : new int[] {5_000, 20_000}) {
                cases.add(new Case("async", Kind.LEANCHAN, 1, "platform", k));
            }
        }
        if (only == null || only.equals("close")) {
            for (int k : smoke ? new int[] {500, 2_000} : new int[] {10_000, 40_000}) {
                cases.add(new Case("close", Kind.LEANCHAN, 1, "virtual", k));
            }
        }
        return cases;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        boolean smoke = false;
        int reps = -1;
        long limit = -1;
        Path out = null;
        String only = null;
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--smoke" -> smoke = true;
                case "--reps" -> reps = Integer.parseInt(args[++k]);
                case "--limit" -> limit = Long.parseLong(args[++k]);
                case "--out" -> out = Path.of(args[++k]);
                case "--only" -> only = args[++k];
                default -> {
                    System.err.println("usage: ScaleHarness [--smoke] [--reps R] [--limit SECONDS] [--out FILE.jsonl] "
                            + "[--only senders|async|close]");
                    System.exit(2);
                }
            }
        }
        if (reps < 0) {
            reps = smoke ? 1 : 3;
        }
        if (limit < 0) {
            limit = smoke ? 10 : 30;
        }
        List<Map<String, Object>> results = run(plan(smoke, only), reps, limit, out);
        System.out.print(summary(results));
    }

    /** Runs every case {@code reps} times, alternating subjects; appends each result to {@code out} as a JSON line. */
    static List<Map<String, Object>> run(List<Case> cases, int reps, long limitS, Path out)
            throws IOException, InterruptedException {
        List<Map<String, Object>> results = new ArrayList<>();
        // A case that passed the limit twice is not tried again: its median is past the limit already (with 3
        // runs), and each try costs the whole limit. One time-out alone is retried: a rare hang shows as such.
        Map<String, Integer> timedOut = new LinkedHashMap<>();
        for (int rep = 1; rep <= reps; rep++) {
            for (Case c : cases) {
                if (timedOut.getOrDefault(c.key(), 0) >= 2) {
                    continue;
                }
                Map<String, Object> r = runChild(c, limitS);
                r.put("rep", rep);
                r.put("reps", reps);
                if (Boolean.TRUE.equals(r.get("timedOut"))) {
                    timedOut.merge(c.key(), 1, Integer::sum);
                }
                results.add(r);
                System.out.println("leanchan-bench: scale " + c.key() + " rep " + rep + ": "
                        + (Boolean.TRUE.equals(r.get("timedOut")) ? "> " + limitS + " s"
                        : String.format(Locale.ROOT, "%.3f s", ((Number) r.get("seconds")).doubleValue())));
                if (out != null) {
                    Files.createDirectories(out.toAbsolutePath().getParent());
                    Files.writeString(out, Json.write(r) + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
        }
        return results;
    }

    static Map<String, Object> runChild(Case c, long limitS) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms1g", "-Xmx1g", "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
                ScaleHarness.class.getName()));
        cmd.addAll(c.childArgs(limitS));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // The child's stdout: its result line is kept, anything else passes through.
        String[] result = new String[1];
        String[] timeout = new String[1];
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(RESULT)) {
                        result[0] = line.substring(RESULT.length());
                    } else if (line.startsWith(TIMEOUT)) {
                        timeout[0] = line.substring(TIMEOUT.length());
                    } else {
                        System.out.println(line);
                    }
                }
            } catch (IOException e) {
                // the child is gone
            }
        });
        // The child halts itself at the limit; this outer bound covers its start-up and warm-up too.
        boolean done = p.waitFor(4 * limitS + 30, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            p.waitFor();
        }
        reader.join(5_000);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("test", c.test());
        r.put("subject", c.kind().name());
        r.put("capacity", c.capacity());
        r.put("threads", c.threads());
        r.put("n", c.n());
        r.put("limit", limitS);
        if (done && p.exitValue() == 0 && result[0] != null) {
            r.putAll(Json.obj(Json.parse(result[0])));
            r.put("timedOut", false);
        } else if (!done || p.exitValue() == HALT_TIMED_OUT) {
            r.put("timedOut", true);
            if (timeout[0] != null) {
                r.putAll(Json.obj(Json.parse(timeout[0])));
            }
        } else {
            throw new IOException("scale case " + c.key() + " failed (exit " + p.exitValue() + ")");
        }
        return r;
    }

    // ---- the child JVM

    static void child(String[] a) throws Exception {
        String test = a[1];
        long limitS;
        Map<String, Object> r = new LinkedHashMap<>();
        if (test.equals("senders")) {
            Kind kind = Kind.valueOf(a[2]);
            int cap = Integer.parseInt(a[3]);
            boolean virtual = a[4].equals("virtual");
            int n = Integer.parseInt(a[5]);
            limitS = Long.parseLong(a[6]);
            // The same warm-up whatever N (so that sizes compare): 1,000 senders (100 platform), or N if smaller.
            int warm = Math.min(n, virtual ? 1000 : 100);
            for (int w = 0; w < 3; w++) {
                senders(kind, cap, virtual, warm, limitS, "warm-up");
            }
            System.gc();
            r.put("seconds", senders(kind, cap, virtual, n, limitS, "measured"));
            r.put("messages", (double) n * PER_SENDER);
        } else if (test.equals("close")) {
            int k = Integer.parseInt(a[2]);
            limitS = Long.parseLong(a[3]);
            for (int w = 0; w < 3; w++) {
                close(1000, limitS, "warm-up", r);
            }
            System.gc();
            r.clear();
            close(k, limitS, "measured", r);
        } else {
            int k = Integer.parseInt(a[2]);
            limitS = Long.parseLong(a[3]);
            // The same warm-up whatever K, so that the drain times of two sizes compare.
            for (int w = 0; w < 3; w++) {
                async(5000, limitS, "warm-up", r);
            }
            System.gc();
            r.clear();
            async(k, limitS, "measured", r);
        }
        System.out.println(RESULT + Json.write(r));
        System.out.flush();
        System.exit(0);
    }

    /** Halts the JVM if the measured part runs past the limit: the parent then reports "&gt; limit". */
    static Thread watchdog(long limitS, String phase, long expected, Thread receiver, Thread[] senders) {
        if (limitS == Long.MAX_VALUE) {
            return null;
        }
        Thread w = Thread.ofPlatform().daemon(true).name("scale-watchdog").start(() -> {
            long before;
            try {
                Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(limitS) - 1000));
                before = received;
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            // Slow or stuck? What the receiver got, whether it still moves, and where the threads are.
            long got = received;
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("phase", phase);
            t.put("received", got);
            t.put("expected", expected);
            t.put("receivedLastSecond", got - before);
            System.err.println("leanchan-bench: scale run (" + phase + ") passed its limit of " + limitS + " s (received " + got
                    + " of " + expected + ", " + (got - before) + " in the last second); halting. Receiver:");
            for (StackTraceElement e : receiver.getStackTrace()) {
                System.err.println("    at " + e);
            }
            if (senders != null) {
                Map<Thread.State, Integer> states = new java.util.TreeMap<>();
                Thread sample = null;
                for (Thread x : senders) {
                    if (x != null && x.isAlive()) {
                        states.merge(x.getState(), 1, Integer::sum);
                        sample = sample == null ? x : sample;
                    }
                }
                t.put("sendersAlive", states.toString());
                System.err.println("  senders alive, by state: " + states + "; one of them:");
                if (sample != null) {
                    for (StackTraceElement e : sample.getStackTrace()) {
                        System.err.println("    at " + e);
                    }
                }
            }
            System.out.println(TIMEOUT + Json.write(t));
            System.out.flush();
            Runtime.getRuntime().halt(HALT_TIMED_OUT);
        });
        return w;
    }

    /** N senders x {@value #PER_SENDER} blocking sends, one blocking receiver; seconds from the gate opening to the last take. */
    static double senders(Kind kind, int cap, boolean virtual, int n, long limitS, String phase)
            throws InterruptedException {
        BlockingPipe p = kind.create(cap);
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch gate = new CountDownLatch(1);
        Thread.Builder b = virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true).stackSize(256 * 1024);
        Thread[] ts = new Thread[n];
        for (int i = 0; i < n; i++) {
            ts[i] = b.start(() -> {
                try {
                    ready.countDown();
                    gate.await();
                    for (int m = 0; m < PER_SENDER; m++) {
                        p.put(MSG);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        ready.await();
        long total = (long) n * PER_SENDER;
        received = 0;
        Thread w = watchdog(limitS, phase, total, Thread.currentThread(), ts);
        long t0 = System.nanoTime();
        gate.countDown();
        for (long i = 0; i < total; i++) {
            p.take();
            if ((i & 63) == 0) {
                received = i;
            }
        }
        long t1 = System.nanoTime();
        if (w != null) {
            w.interrupt();
        }
        for (Thread t : ts) {
            t.join();
        }
        return (t1 - t0) / 1e9;
    }

    /**
     * K virtual threads blocked in {@code send} on a full {@code bounded(1)}; then {@code close()}; seconds from the
     * close to the last sender done (each must fail with {@link io.leanchan.ChannelClosedException}, its message
     * handed back).
     */
    static void close(int k, long limitS, String phase, Map<String, Object> r) throws Exception {
        Channel<Object> ch = Channel.bounded(1);
        Sender<Object> tx = ch.sender();
        if (!tx.trySend(MSG)) {
            throw new IllegalStateException("bounded(1) refused its first message");
        }
        java.util.concurrent.atomic.AtomicInteger handedBack = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] ts = new Thread[k];
        long s0 = System.nanoTime();
        for (int i = 0; i < k; i++) {
            ts[i] = Thread.ofVirtual().start(() -> {
                try {
                    tx.send(MSG);
                } catch (io.leanchan.ChannelClosedException e) {
                    if (e.undelivered() == MSG) {
                        handedBack.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        // Every sender parked in the channel (checked by state), within the limit.
        long deadline = s0 + TimeUnit.SECONDS.toNanos(limitS);
        for (int i = 0; i < k; ) {
            Thread.State st = ts[i].getState();
            if (st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING) {
                i++;
            } else if (System.nanoTime() > deadline) {
                System.err.println("leanchan-bench: close case (" + phase + "): sender " + i + " did not park within "
                        + limitS + " s");
                System.out.println(TIMEOUT + Json.write(Map.of("phase", phase + " (parking)", "received", (long) i,
                        "expected", (long) k, "receivedLastSecond", -1L)));
                System.out.flush();
                Runtime.getRuntime().halt(HALT_TIMED_OUT);
            } else {
                Thread.sleep(1);
            }
        }
        long s1 = System.nanoTime();
        received = 0;
        Thread w = watchdog(limitS, phase, k, Thread.currentThread(), ts);
        long t0 = System.nanoTime();
        tx.close();
        for (int i = 0; i < k; i++) {
            ts[i].join();
            if ((i & 63) == 0) {
                received = i;
            }
        }
        long t1 = System.nanoTime();
        if (w != null) {
            w.interrupt();
        }
        if (handedBack.get() != k) {
            throw new IllegalStateException(handedBack.get() + " of " + k + " senders got their message back");
        }
        r.put("parkSeconds", (s1 - s0) / 1e9);
        r.put("seconds", (t1 - t0) / 1e9);
        r.put("messages", (double) k);
    }

    /** K pending sendAsync on a full bounded(1); the receiver drains them; records enqueue and drain seconds. */
    static void async(int k, long limitS, String phase, Map<String, Object> r) throws Exception {
        Channel<Object> ch = Channel.bounded(1);
        Sender<Object> tx = ch.sender();
        Receiver<Object> rx = ch.receiver();
        if (!tx.trySend(MSG)) {
            throw new IllegalStateException("bounded(1) refused its first message");
        }
        received = 0;
        Thread w = watchdog(limitS, phase, k + 1, Thread.currentThread(), null);
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] fs = new CompletableFuture[k];
        long t0 = System.nanoTime();
        for (int i = 0; i < k; i++) {
            fs[i] = tx.sendAsync(MSG);
        }
        long t1 = System.nanoTime();
        int pendingAtStart = 0;
        for (CompletableFuture<Void> f : fs) {
            if (!f.isDone()) {
                pendingAtStart++;
            }
        }
        long t2 = System.nanoTime();
        for (int i = 0; i <= k; i++) {
            rx.receive();
            if ((i & 63) == 0) {
                received = i;
            }
        }
        long t3 = System.nanoTime();
        if (w != null) {
            w.interrupt();
        }
        for (CompletableFuture<Void> f : fs) {
            f.get(10, TimeUnit.SECONDS);
        }
        if (rx.tryReceive() != null) {
            throw new IllegalStateException("a message too many");
        }
        r.put("enqueueSeconds", (t1 - t0) / 1e9);
        r.put("seconds", (t3 - t2) / 1e9);
        r.put("pendingAtStart", (double) pendingAtStart);
        r.put("messages", (double) k + 1);
    }

    // ---- the summary (the report has its own: CostAndScaleSections)

    static String summary(List<Map<String, Object>> results) {
        StringBuilder sb = new StringBuilder("\nmedians (seconds):\n");
        for (Map.Entry<String, CostAndScaleSections.Stat> e : CostAndScaleSections.medians(results).entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %-40s %s%n", e.getKey(), e.getValue().text()));
        }
        return sb.toString();
    }
}
