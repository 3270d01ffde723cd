package io.leanchan.bench;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import org.openjdk.jol.vm.VM;
import org.openjdk.jol.vm.VirtualMachine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What one waiter costs (issue 9): the bytes by which a channel's object graph grows per waiting sender, per
 * pending {@code sendAsync} and for the pending {@code receiveAsync}, against {@code ArrayBlockingQueue}'s and
 * {@code LinkedBlockingQueue}'s waiting {@code put}. Sizes are JOL's; the walk follows every non-static
 * reference field and array element from the channel (and its sender and receiver), the way
 * {@code GraphLayout.parseInstance} does, but stops at {@link Thread} objects (a parked thread, with its stack
 * and everything it reaches, is not the channel's cost) and leaves out the message.
 * Growth = graph with K waiters - graph of the same full channel without them, divided by K; K = 1 (the first
 * waiter) and K = 64 (per waiter, averaged).
 *
 * <pre>java -Djdk.attach.allowAttachSelf -XX:+EnableDynamicAgentLoading -cp leanchan-bench/target/benchmarks.jar \
 *     io.leanchan.bench.WaiterFootprint [--out FILE.jsonl]</pre>
 */
public final class WaiterFootprint {
    static final Integer MSG = 123_456;

    private WaiterFootprint() {
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        for (int k = 0; k < args.length; k++) {
            if (args[k].equals("--out")) {
                out = Path.of(args[++k]);
            } else {
                System.err.println("usage: WaiterFootprint [--out FILE.jsonl]");
                System.exit(2);
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int k : new int[] {1, 64}) {
            for (boolean virtual : new boolean[] {true, false}) {
                rows.add(blockedSenders("LEANCHAN", "leanchan bounded(1) send", virtual, k, () -> {
                    Channel<Object> ch = Channel.bounded(1);
                    return new Blocking(ch, ch.sender(), ch.receiver(), ch.sender()::send, ch.receiver()::receive);
                }));
                rows.add(blockedSenders("ABQ", "ArrayBlockingQueue(1) put", virtual, k,
                        () -> queue(new ArrayBlockingQueue<>(1))));
                rows.add(blockedSenders("LBQ", "LinkedBlockingQueue(1) put", virtual, k,
                        () -> queue(new LinkedBlockingQueue<>(1))));
            }
            rows.add(pendingSendAsync(k));
        }
        rows.add(pendingReceiveAsync());
        rows.add(bareFuture());
        for (Map<String, Object> r : rows) {
            System.out.printf(Locale.ROOT, "%-52s %-8s K=%-3s %8.1f B per waiter%n", r.get("label"), r.get("threads"),
                    r.get("k"), ((Number) r.get("bytesPerWaiter")).doubleValue());
            if (out != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, Json.write(r) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        }
    }

    interface Put {
        void put(Object m) throws InterruptedException;
    }

    interface Take {
        Object take() throws InterruptedException;
    }

    /** A channel (or queue) to measure: its roots, and how to put and take. */
    record Blocking(Object root, Object tx, Object rx, Put put, Take take) {
    }

    static Blocking queue(BlockingQueue<Object> q) {
        return new Blocking(q, null, null, q::put, q::take);
    }

    interface Maker {
        Blocking make();
    }

    static Map<String, Object> blockedSenders(String subject, String label, boolean virtual, int k, Maker maker)
            throws Exception {
        Blocking b = maker.make();
        b.put().put(MSG); // full
        long base = size(b.root(), b.tx(), b.rx());
        Thread[] ts = new Thread[k];
        Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
        for (int i = 0; i < k; i++) {
            ts[i] = builder.start(() -> {
                try {
                    b.put().put(MSG);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        awaitParked(ts);
        long grown = size(b.root(), b.tx(), b.rx());
        for (int i = 0; i <= k; i++) {
            b.take().take();
        }
        for (Thread t : ts) {
            t.join(10_000);
        }
        return row(subject, label + " waiting", virtual ? "virtual" : "platform", k, base, grown);
    }

    static Map<String, Object> pendingSendAsync(int k) throws Exception {
        Channel<Object> ch = Channel.bounded(1);
        Sender<Object> tx = ch.sender();
        Receiver<Object> rx = ch.receiver();
        tx.trySend(MSG);
        long base = size(ch, tx, rx);
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            fs.add(tx.sendAsync(MSG));
        }
        long grown = size(ch, tx, rx);
        for (int i = 0; i <= k; i++) {
            rx.receive();
        }
        for (CompletableFuture<Void> f : fs) {
            f.get(10, TimeUnit.SECONDS);
        }
        return row("LEANCHAN", "leanchan bounded(1) pending sendAsync", "-", k, base, grown);
    }

    static Map<String, Object> pendingReceiveAsync() throws Exception {
        Channel<Object> ch = Channel.bounded(1024);
        Sender<Object> tx = ch.sender();
        Receiver<Object> rx = ch.receiver();
        // A used channel: it has carried messages and is empty again.
        for (int i = 0; i < 100; i++) {
            tx.trySend(MSG);
            rx.tryReceive();
        }
        long base = size(ch, tx, rx);
        CompletableFuture<Object> f = rx.receiveAsync();
        long grown = size(ch, tx, rx);
        tx.send(MSG);
        f.get(10, TimeUnit.SECONDS);
        return row("LEANCHAN", "leanchan bounded(1024) pending receiveAsync", "-", 1, base, grown);
    }

    /** For scale: a bare CompletableFuture, what any future-returning API costs at least. */
    static Map<String, Object> bareFuture() {
        return row("CF", "new CompletableFuture() (for scale)", "-", 1, 0, size(new CompletableFuture<>()));
    }

    static Map<String, Object> row(String subject, String label, String threads, int k, long base, long grown) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("subject", subject);
        r.put("label", label);
        r.put("threads", threads);
        r.put("k", k);
        r.put("baseBytes", base);
        r.put("grownBytes", grown);
        r.put("bytesPerWaiter", (grown - base) / (double) k);
        return r;
    }

    /** Waits until every thread is parked (WAITING), then a little more, so that each is in the channel's queue. */
    static void awaitParked(Thread[] ts) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int stable = 0; stable < 3; ) {
            boolean all = true;
            for (Thread t : ts) {
                Thread.State s = t.getState();
                if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) {
                    all = false;
                    break;
                }
            }
            stable = all ? stable + 1 : 0;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the senders did not all park within 30 s");
            }
            Thread.sleep(50);
        }
    }

    // ---- the walk

    private static final VirtualMachine JVM = quietVm();

    private static VirtualMachine quietVm() {
        if (System.getProperty("jol.skipHotspotSAAttach") == null) {
            System.setProperty("jol.skipHotspotSAAttach", "true");
        }
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            return VM.current();
        } finally {
            System.setOut(old);
            for (String line : buf.toString(StandardCharsets.UTF_8).split("\\R")) {
                if (!line.isBlank() && !line.contains("Serviceability Agent")) {
                    System.err.println(line);
                }
            }
        }
    }

    private static final ClassValue<List<Function<Object, Object>>> READERS = new ClassValue<>() {
        @Override
        protected List<Function<Object, Object>> computeValue(Class<?> type) {
            List<Function<Object, Object>> out = new ArrayList<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue;
                    }
                    long offset = JVM.fieldOffset(f);
                    out.add(o -> JVM.getObject(o, offset));
                }
            }
            return out;
        }
    };

    /** Bytes of everything reachable from the roots, Thread objects (and what only they reach) and the message excluded. */
    static long size(Object... roots) {
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object> todo = new ArrayDeque<>();
        long total = 0;
        for (Object r : roots) {
            if (r != null && !(r instanceof Thread) && r != MSG && seen.put(r, true) == null) {
                todo.add(r);
            }
        }
        while (!todo.isEmpty()) {
            Object o = todo.poll();
            total += JVM.sizeOf(o);
            Class<?> c = o.getClass();
            if (c.isArray()) {
                if (!c.getComponentType().isPrimitive()) {
                    for (Object e : (Object[]) o) {
                        visit(e, seen, todo);
                    }
                }
            } else {
                for (Function<Object, Object> f : READERS.get(c)) {
                    visit(f.apply(o), seen, todo);
                }
            }
        }
        return total;
    }

    private static void visit(Object e, IdentityHashMap<Object, Boolean> seen, ArrayDeque<Object> todo) {
        if (e != null && !(e instanceof Thread) && e != MSG && seen.put(e, true) == null) {
            todo.add(e);
        }
    }
}
