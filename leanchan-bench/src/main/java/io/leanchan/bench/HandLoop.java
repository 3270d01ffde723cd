package io.leanchan.bench;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import org.jctools.queues.MpscArrayQueue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Queue;

/**
 * A diagnostic beside the JMH suite, not a replacement for it: two hand-rolled loops that put leanchan
 * bounded(1024) and JCTools MpscArrayQueue(1024) side by side in one JVM.
 * <ol>
 * <li>cost: one thread sends a burst of 1024 then receives it, repeated; thread CPU time per send+receive pair
 * (what each operation costs in instructions and atomics, with no other thread involved);</li>
 * <li>cross: one producer thread calls offer in a loop, the main thread polls in a loop, for 2 s; messages moved
 * per microsecond.</li>
 * </ol>
 * <pre>java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.HandLoop [rounds]</pre>
 */
public final class HandLoop {
    private HandLoop() {
    }

    interface Pipe {
        boolean offer(Object o);

        Object poll();
    }

    static Pipe leanchan() {
        Channel<Object> ch = Channel.bounded(1024);
        Sender<Object> s = ch.sender();
        Receiver<Object> r = ch.receiver();
        return new Pipe() {
            public boolean offer(Object o) {
                return s.trySend(o);
            }

            public Object poll() {
                return r.tryReceive();
            }
        };
    }

    static Pipe jctools() {
        Queue<Object> q = new MpscArrayQueue<>(1024);
        return new Pipe() {
            public boolean offer(Object o) {
                return q.offer(o);
            }

            public Object poll() {
                return q.poll();
            }
        };
    }

    static volatile boolean stop;

    static double cost(Pipe p, int n) {
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        Object m = new Object();
        long t0 = tm.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i += 1024) {
            for (int k = 0; k < 1024; k++) {
                p.offer(m);
            }
            for (int k = 0; k < 1024; k++) {
                p.poll();
            }
        }
        return (tm.getCurrentThreadCpuTime() - t0) / (double) n;
    }

    static double cross(Pipe p) throws InterruptedException {
        stop = false;
        Object m = new Object();
        Thread producer = new Thread(() -> {
            while (!stop) {
                p.offer(m);
            }
        });
        producer.start();
        long got = 0;
        long t0 = System.nanoTime();
        long elapsed;
        while ((elapsed = System.nanoTime() - t0) < 2_000_000_000L) {
            if (p.poll() != null) {
                got++;
            }
        }
        stop = true;
        producer.join();
        return got * 1000.0 / elapsed;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Pipe lean = leanchan();
        Pipe jct = jctools();
        for (int r = 0; r < rounds; r++) {
            System.out.printf("cost  ns per send+receive, one thread: leanchan %.2f  MpscArrayQueue %.2f%n",
                    cost(lean, 20_000_000), cost(jct, 20_000_000));
        }
        for (int r = 0; r < rounds; r++) {
            System.out.printf("cross messages/us, 1 producer + 1 consumer: leanchan %.2f  MpscArrayQueue %.2f%n",
                    cross(leanchan()), cross(jctools()));
        }
    }
}
