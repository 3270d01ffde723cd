package io.leanchan.bench;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.MpscChunkedArrayQueue;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;
import org.jctools.queues.unpadded.MpscUnpaddedArrayQueue;

import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The subjects of the non-blocking benchmarks (a JMH {@code @Param}). Bounded peers run at capacity 1024 and
 * are compared with {@link #LEANCHAN_1024}; unbounded peers are compared with {@link #LEANCHAN_UNBOUNDED};
 * {@link #LEANCHAN_16} shows a small channel (it is full most of the time under a fast producer).
 */
public enum Subject {
    LEANCHAN_16("leanchan bounded(16)", 16) {
        @Override
        public Pipe create() {
            return leanchan(Channel.bounded(16));
        }
    },
    LEANCHAN_1024("leanchan bounded(1024)", 1024) {
        @Override
        public Pipe create() {
            return leanchan(Channel.bounded(1024));
        }
    },
    LEANCHAN_UNBOUNDED("leanchan unbounded", Integer.MAX_VALUE) {
        @Override
        public Pipe create() {
            return leanchan(Channel.unbounded());
        }
    },
    ABQ_1024("ArrayBlockingQueue(1024)", 1024) {
        @Override
        public Pipe create() {
            return queue(new ArrayBlockingQueue<>(1024));
        }
    },
    LBQ_1024("LinkedBlockingQueue(1024)", 1024) {
        @Override
        public Pipe create() {
            return queue(new LinkedBlockingQueue<>(1024));
        }
    },
    MPSC_ARRAY_1024("JCTools MpscArrayQueue(1024)", 1024) {
        @Override
        public Pipe create() {
            return queue(new MpscArrayQueue<>(1024));
        }
    },
    /**
     * The same queue through {@code relaxedOffer} / {@code relaxedPoll}: an empty poll that returns at once, without
     * reading the producers' index (so it may answer "empty" while a sender has claimed a slot and not yet written
     * it, which makes it not linearizable). Shown next to {@link #MPSC_ARRAY_1024} to measure what touching the
     * producers' cache line on every empty poll costs: leanchan's {@code tryReceive} and JCTools' {@code poll} both
     * do, Agrona's {@code poll} does not.
     */
    MPSC_ARRAY_RELAXED_1024("JCTools MpscArrayQueue(1024) relaxedOffer/relaxedPoll", 1024) {
        @Override
        public Pipe create() {
            MpscArrayQueue<Object> q = new MpscArrayQueue<>(1024);
            return new Pipe() {
                @Override
                public boolean offer(Object m) {
                    return q.relaxedOffer(m);
                }

                @Override
                public Object poll() {
                    return q.relaxedPoll();
                }
            };
        }
    },
    MPSC_UNPADDED_1024("JCTools MpscUnpaddedArrayQueue(1024)", 1024) {
        @Override
        public Pipe create() {
            return queue(new MpscUnpaddedArrayQueue<>(1024));
        }
    },
    MPSC_CHUNKED_1024("JCTools MpscChunkedArrayQueue(1024)", 1024) {
        @Override
        public Pipe create() {
            return queue(new MpscChunkedArrayQueue<>(1024));
        }
    },
    MPSC_XADD_UNBOUNDED("JCTools MpscUnboundedXaddArrayQueue(chunk 1024)", Integer.MAX_VALUE) {
        @Override
        public Pipe create() {
            return queue(new MpscUnboundedXaddArrayQueue<>(1024));
        }
    },
    AGRONA_M2O_1024("Agrona ManyToOneConcurrentArrayQueue(1024)", 1024) {
        @Override
        public Pipe create() {
            return queue(new ManyToOneConcurrentArrayQueue<>(1024));
        }
    },
    KOTLINX_1024("kotlinx Channel(1024) trySend/tryReceive", 1024) {
        @Override
        public Pipe create() {
            return new Kotlinx.KPipe(1024);
        }
    },
    JOX_1024("Jox Channel(1024) select with a default clause", 1024) {
        @Override
        public Pipe create() {
            return new JoxPipe(com.softwaremill.jox.Channel.newBufferedChannel(1024));
        }
    },
    JOX_UNLIMITED("Jox unlimited Channel, select with a default clause", Integer.MAX_VALUE) {
        @Override
        public Pipe create() {
            return new JoxPipe(com.softwaremill.jox.Channel.newUnlimitedChannel());
        }
    };

    /** What the report calls this subject. */
    public final String label;
    /** The capacity it was created with ({@link Integer#MAX_VALUE}: unbounded). */
    public final int capacity;

    Subject(String label, int capacity) {
        this.label = label;
        this.capacity = capacity;
    }

    public abstract Pipe create();

    static Pipe leanchan(Channel<Object> ch) {
        return new LeanchanPipe(ch);
    }

    static Pipe queue(Queue<Object> q) {
        return new QueuePipe(q);
    }

    /** leanchan through trySend / tryReceive; the receiver view is taken once. */
    static final class LeanchanPipe implements Pipe {
        final Sender<Object> tx;
        final Receiver<Object> rx;

        LeanchanPipe(Channel<Object> ch) {
            this.tx = ch.sender();
            this.rx = ch.receiver();
        }

        @Override
        public boolean offer(Object m) {
            return tx.trySend(m);
        }

        @Override
        public Object poll() {
            return rx.tryReceive();
        }
    }

    /**
     * softwaremill Jox: its only non-blocking send and receive in 1.0.1 is a select with a default clause (no
     * trySend/tryReceive), which allocates its clauses on every call; that cost is part of what the benchmark shows.
     */
    static final class JoxPipe implements Pipe {
        static final Object NONE = new Object();
        final com.softwaremill.jox.Channel<Object> ch;

        JoxPipe(com.softwaremill.jox.Channel<Object> ch) {
            this.ch = ch;
        }

        @Override
        public boolean offer(Object m) {
            try {
                return com.softwaremill.jox.Select.selectOrClosed(ch.sendClause(m, () -> m),
                        com.softwaremill.jox.Select.defaultClause(NONE)) != NONE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public Object poll() {
            try {
                Object r = com.softwaremill.jox.Select.selectOrClosed(ch.receiveClause(),
                        com.softwaremill.jox.Select.defaultClause(NONE));
                return r == NONE ? null : r;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Any java.util.Queue through offer / poll. */
    static final class QueuePipe implements Pipe {
        final Queue<Object> q;

        QueuePipe(Queue<Object> q) {
            this.q = q;
        }

        @Override
        public boolean offer(Object m) {
            return q.offer(m);
        }

        @Override
        public Object poll() {
            return q.poll();
        }
    }
}
