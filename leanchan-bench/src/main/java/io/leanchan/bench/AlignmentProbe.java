package io.leanchan.bench;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import org.jctools.queues.MpscArrayQueue;
import org.openjdk.jol.vm.VM;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.ToLongBiFunction;

/**
 * What a send+receive pair on one thread costs at each address of the channel object modulo 64, that is, at each
 * place where a cache-line boundary can fall inside the 64-byte object (ChannelState, "Layout"). JMH measures one
 * channel per fork, at whatever address its allocation gave it; this probe allocates objects until it holds one
 * at each of the eight residues, warms them up together (one compiled loop serves all: the calls are monomorphic),
 * then measures them in alternated rounds and prints the median per residue, beside JCTools
 * {@code MpscArrayQueue(1024)} measured in the same rounds (its fields are padded apart: no residue matters to it).
 *
 * <pre>
 * java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.AlignmentProbe [CAPACITY]   leanchan bounded(CAPACITY)
 * java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.AlignmentProbe model        the model below
 * </pre>
 *
 * The model is the pair's memory accesses alone, on a plain object with the channel's field offsets (one at 12,
 * owner at 36, C at 48, P at 56): the full pair, the pair without the send's CAS of P (a release-store instead),
 * the pair without the take's claim, and the pair with the claim made on C's word instead of the owner word (a CAS
 * of C to a busy value, then the release of C + 1: one store fewer, a design not built). It shows what the layout
 * note says: the extra cost comes with the one-slot field on P's line and needs both locked instructions; and that
 * moving the claim does not remove it.
 *
 * Not part of the suite: a diagnostic with {@code System.nanoTime} over 2,000,000 pairs per measurement, for
 * comparing residues within one run, not for publishing costs (CostBench does that).
 */
public final class AlignmentProbe {
    private static final Integer MSG = 777;
    private static final int PAIRS = 2_000_000;
    private static final int ROUNDS = 15;
    private static volatile Object sink;

    private AlignmentProbe() {
    }

    public static void main(String[] args) {
        System.setProperty("jol.magicFieldOffset", "true");
        System.out.println("load " + load());
        MpscArrayQueue<Integer> peer = new MpscArrayQueue<>(1024);
        if (args.length > 0 && args[0].equals("model")) {
            String[] names = {"full pair", "no send CAS", "no claim", "claim on C"};
            for (int variant = 0; variant < names.length; variant++) {
                int v = variant;
                System.out.println("model, " + names[v] + ":");
                probe(ChannelModel::new, (m, n) -> m.pairs(n, v), peer);
            }
            return;
        }
        int capacity = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        System.out.println("leanchan bounded(" + capacity + "):");
        probe(() -> Channel.<Integer>bounded(capacity), AlignmentProbe::pairs, peer);
    }

    /**
     * Allocates subjects until one sits at each address modulo 64, measures them and the peer in alternated rounds,
     * and prints the medians.
     */
    private static <S> void probe(Supplier<S> create, ToLongBiFunction<S, Integer> pairs, MpscArrayQueue<Integer> peer) {
        Map<Long, S> byResidue = new TreeMap<>();
        List<Object> spacers = new ArrayList<>();
        for (int i = 0; i < 100_000 && byResidue.size() < 8; i++) {
            S s = create.get();
            byResidue.putIfAbsent(residue(s), s);
            spacers.add(new byte[(i % 5) * 8 + 1]); // moves the next allocation by 8 to 40 bytes
        }
        spacers.clear();
        List<S> subjects = new ArrayList<>(byResidue.values());
        for (int w = 0; w < 20; w++) {
            for (S s : subjects) {
                pairs.applyAsLong(s, PAIRS / 10);
            }
            pairs(peer, PAIRS / 10);
        }
        Map<Long, List<Double>> ns = new TreeMap<>();
        List<Double> mpsc = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<S> order = new ArrayList<>(subjects);
            if ((round & 1) == 1) {
                Collections.reverse(order);
            }
            for (S s : order) {
                long r = residue(s); // read again: a collection may have moved the object
                ns.computeIfAbsent(r, k -> new ArrayList<>()).add(pairs.applyAsLong(s, PAIRS) / (double) PAIRS);
            }
            mpsc.add(pairs(peer, PAIRS) / (double) PAIRS);
        }
        double m = median(mpsc);
        System.out.printf("  MpscArrayQueue(1024), same rounds: %.2f ns per pair%n", m);
        System.out.printf("  %-13s %-30s %s%n", "address % 64", "P's line (offsets)",
                "median ns per pair (min-max)   x MpscArrayQueue");
        for (Map.Entry<Long, List<Double>> e : ns.entrySet()) {
            List<Double> l = e.getValue();
            double med = median(l);
            long boundary = e.getKey() == 0 ? 0 : 64 - e.getKey();
            System.out.printf("  %13d %-30s %6.2f (%.2f-%.2f)   %.2fx%n", e.getKey(), boundary + "-63", med, l.get(0),
                    l.get(l.size() - 1), med / m);
        }
    }

    private static double median(List<Double> l) {
        Collections.sort(l);
        return l.get(l.size() / 2);
    }

    private static long residue(Object o) {
        return VM.current().addressOf(o) & 63;
    }

    private static long pairs(Channel<Integer> ch, int n) {
        Sender<Integer> s = ch.sender();
        Receiver<Integer> r = ch.receiver();
        long t0 = System.nanoTime();
        Object x = null;
        for (int i = 0; i < n; i++) {
            s.trySend(MSG);
            x = r.tryReceive();
        }
        long t = System.nanoTime() - t0;
        sink = x;
        return t;
    }

    private static long pairs(MpscArrayQueue<Integer> q, int n) {
        long t0 = System.nanoTime();
        Object x = null;
        for (int i = 0; i < n; i++) {
            q.offer(MSG);
            x = q.poll();
        }
        long t = System.nanoTime() - t0;
        sink = x;
        return t;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The model's first layout base: the one-slot field alone, at offset 12, as in the channel. */
    abstract static class ChannelModelSlot {
        Object one;
    }

    /** Fields standing in for the channel's other ints and references (offsets 16-47), the owner word among them. */
    abstract static class ChannelModelFields extends ChannelModelSlot {
        Object r1;
        Object r2;
        Object r3;
        Object r4;
        int i1;
        int owner = 2;
        int i2;
        int i3;
    }

    /** C at offset 48. */
    abstract static class ChannelModelC extends ChannelModelFields {
        long c;
    }

    /**
     * The model: P at offset 56, and the pair's memory accesses in the order of leanchan's one-slot send and take:
     * the send (acquire P and C, CAS P, release the message), then the take (read C, acquire the slot, claim the
     * owner word by CAS, clear the slot, release C + 1, release the owner word).
     */
    static final class ChannelModel extends ChannelModelC {
        static final VarHandle P;
        static final VarHandle C;
        static final VarHandle OWNER;
        static final VarHandle ONE;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                P = l.findVarHandle(ChannelModel.class, "p", long.class);
                C = l.findVarHandle(ChannelModelC.class, "c", long.class);
                OWNER = l.findVarHandle(ChannelModelFields.class, "owner", int.class);
                ONE = l.findVarHandle(ChannelModelSlot.class, "one", Object.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        long p;

        /**
         * n pairs.
         *
         * @param n       the pairs
         * @param variant 0: as leanchan does it; 1: P by a release-store, not a CAS; 2: no claim; 3: the claim on C
         * @return the nanoseconds taken
         */
        long pairs(int n, int variant) {
            long t0 = System.nanoTime();
            Object x = null;
            for (int i = 0; i < n; i++) {
                long v = (long) P.getAcquire(this);
                if (v >>> 4 == (long) C.getAcquire(this)) {
                    if (variant == 1) {
                        P.setRelease(this, v + 16);
                    } else {
                        P.compareAndSet(this, v, v + 16);
                    }
                    ONE.setRelease(this, MSG);
                }
                long k = (long) C.getOpaque(this);
                x = ONE.getAcquire(this);
                if (variant == 3) {
                    C.compareAndSet(this, k, k | Long.MIN_VALUE); // the claim: C busy
                    ONE.set(this, null);
                    C.setRelease(this, k + 1); // the release of the claim is the release of C + 1
                    continue;
                }
                if (variant != 2) {
                    OWNER.compareAndSet(this, 2, 3);
                }
                ONE.set(this, null);
                C.setRelease(this, k + 1);
                if (variant != 2) {
                    OWNER.setRelease(this, 2);
                }
            }
            long t = System.nanoTime() - t0;
            sink = x;
            return t;
        }
    }
}
