package io.leanchan.bench;

import io.leanchan.Channel;
import io.leanchan.Select;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One consumer waiting on several channels (issue 12's select): {@code n} channels (2 or 4, in the subject's
 * name), one producer thread per channel sending in a loop with a blocking send, and the JMH thread selecting
 * one message per op with a blocking select. The subjects:
 *
 * <ul>
 *   <li>{@code LEANCHAN_n}: {@link Select} over {@code n} bounded leanchan channels (one reusable Select object);</li>
 *   <li>{@code JOX_n}: softwaremill Jox's {@code Select.select(clauses...)} over {@code n} buffered Jox channels
 *       (the clauses and their array built once and reused, as a careful Jox user would);</li>
 *   <li>{@code FANIN_ABQ_n}, {@code FANIN_LBQ_n}: what one writes without select: {@code n} bounded leanchan
 *       channels, each drained by a thread of its own into one {@link ArrayBlockingQueue} or
 *       {@link LinkedBlockingQueue} that the consumer takes from (so {@code 2n + 1} threads).</li>
 * </ul>
 *
 * Every channel and queue holds {@value #CAPACITY} messages; producers send a constant (the channel's index,
 * a cached Integer), so nothing is allocated per message by the benchmark itself and {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} (allocation of every thread in the JVM, divided by the consumer's ops) is what a
 * select costs in garbage, waking of senders included. Producers run ahead of the consumer, so the channels
 * are mostly full and the producers mostly parked on a full channel: the figure is a select's throughput when
 * a message is always there (plus the cost of waking a sender per take), not a wake-up latency.
 *
 * <p>The secondary metrics {@code ch0} ... {@code ch3} count the messages selected from each channel (events,
 * per iteration): how the selects were shared when several channels were ready. leanchan's select starts at a
 * rotating clause, Jox's tries its clauses in order, a fan-in queue is FIFO over whichever drain thread got
 * there first.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Xms1g", "-Xmx1g"})
public class SelectBench {
    static final int CAPACITY = 1024;
    /** The message each channel's producer sends: its index (cached Integers, no allocation). */
    static final Integer[] TAGS = {0, 1, 2, 3};

    /** The subjects: a kind of select and the number of channels. */
    public enum SelectSubject {
        LEANCHAN_2, LEANCHAN_4, JOX_2, JOX_4, FANIN_ABQ_2, FANIN_ABQ_4, FANIN_LBQ_2, FANIN_LBQ_4;

        int channels() {
            String n = name();
            return Integer.parseInt(n.substring(n.lastIndexOf('_') + 1));
        }
    }

    /** One consumer's side: select one message. */
    interface Selector {
        Object select() throws InterruptedException;
    }

    @Param
    public SelectSubject subject;

    Selector selector;
    final List<Thread> threads = new ArrayList<>();
    final List<AutoCloseable> closers = new ArrayList<>();
    volatile boolean stop;

    @Setup(Level.Trial)
    public void start() {
        int n = subject.channels();
        switch (subject.name().substring(0, subject.name().lastIndexOf('_'))) {
            case "LEANCHAN" -> leanchan(n);
            case "JOX" -> jox(n);
            case "FANIN_ABQ" -> fanIn(n, new ArrayBlockingQueue<>(CAPACITY));
            case "FANIN_LBQ" -> fanIn(n, new LinkedBlockingQueue<>(CAPACITY));
            default -> throw new IllegalArgumentException(subject.name());
        }
        for (Thread t : threads) {
            t.start();
        }
    }

    void leanchan(int n) {
        Select<Object> sel = new Select<>();
        for (int i = 0; i < n; i++) {
            Channel<Object> ch = Channel.bounded(CAPACITY);
            sel.onReceive(ch.receiver(), Function.identity());
            Integer tag = TAGS[i];
            thread("select-producer-" + i, () -> {
                while (!stop) {
                    ch.sender().send(tag);
                }
            });
            closers.add(ch::close);
        }
        selector = sel::select;
    }

    @SuppressWarnings("unchecked")
    void jox(int n) {
        com.softwaremill.jox.SelectClause<Object>[] clauses = new com.softwaremill.jox.SelectClause[n];
        for (int i = 0; i < n; i++) {
            com.softwaremill.jox.Channel<Object> ch = com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY);
            clauses[i] = ch.receiveClause();
            Integer tag = TAGS[i];
            thread("jox-producer-" + i, () -> {
                while (!stop) {
                    ch.send(tag);
                }
            });
            closers.add(ch::done);
        }
        selector = () -> com.softwaremill.jox.Select.select(clauses);
    }

    void fanIn(int n, BlockingQueue<Object> q) {
        for (int i = 0; i < n; i++) {
            Channel<Object> ch = Channel.bounded(CAPACITY);
            Integer tag = TAGS[i];
            thread("fanin-producer-" + i, () -> {
                while (!stop) {
                    ch.sender().send(tag);
                }
            });
            thread("fanin-drain-" + i, () -> {
                while (!stop) {
                    q.put(ch.receiver().receive());
                }
            });
            closers.add(ch::close);
        }
        selector = q::take;
    }

    interface Loop {
        void run() throws Exception;
    }

    /** A daemon thread that runs {@code body} until the trial ends (stop, then an interrupt or a close). */
    void thread(String name, Loop body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                if (!stop) {
                    e.printStackTrace();
                }
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        stop = true;
        for (Thread t : threads) {
            t.interrupt();
        }
        for (AutoCloseable c : closers) {
            c.close();
        }
        for (Thread t : threads) {
            t.join(10_000);
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop");
            }
        }
    }

    /** Messages selected from each channel in this iteration. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Shares {
        public long ch0;
        public long ch1;
        public long ch2;
        public long ch3;

        @Setup(Level.Iteration)
        public void clean() {
            ch0 = ch1 = ch2 = ch3 = 0;
        }

        void count(Object m) {
            switch ((Integer) m) {
                case 0 -> ch0++;
                case 1 -> ch1++;
                case 2 -> ch2++;
                default -> ch3++;
            }
        }
    }

    @Benchmark
    public Object select(Shares shares) throws InterruptedException {
        Object m = selector.select();
        shares.count(m);
        return m;
    }
}
