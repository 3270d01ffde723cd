package io.leanchan.bench;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import org.jctools.queues.MpscBlockingConsumerArrayQueue;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;

/**
 * The subjects of the blocking ping-pong (a JMH {@code @Param}): everything here can park a thread in
 * {@code take} until a message arrives. Bounded ones run at capacity 1024 (the ping-pong never holds more
 * than one message, so the capacity only matters for footprint).
 */
public enum BlockingSubject {
    LEANCHAN_1024("leanchan bounded(1024)") {
        @Override
        public BlockingPipe create() {
            return new LeanchanBlocking(Channel.bounded(1024));
        }
    },
    LEANCHAN_UNBOUNDED("leanchan unbounded") {
        @Override
        public BlockingPipe create() {
            return new LeanchanBlocking(Channel.unbounded());
        }
    },
    ABQ_1024("ArrayBlockingQueue(1024)") {
        @Override
        public BlockingPipe create() {
            return new QueueBlocking(new ArrayBlockingQueue<>(1024));
        }
    },
    LBQ_1024("LinkedBlockingQueue(1024)") {
        @Override
        public BlockingPipe create() {
            return new QueueBlocking(new LinkedBlockingQueue<>(1024));
        }
    },
    LTQ("LinkedTransferQueue") {
        @Override
        public BlockingPipe create() {
            return new QueueBlocking(new LinkedTransferQueue<>());
        }
    },
    MPSC_BLOCKING_1024("JCTools MpscBlockingConsumerArrayQueue(1024)") {
        @Override
        public BlockingPipe create() {
            return new QueueBlocking(new MpscBlockingConsumerArrayQueue<>(1024));
        }
    },
    JOX_1024("Jox Channel(1024) send/receive") {
        @Override
        public BlockingPipe create() {
            return new JoxBlocking(com.softwaremill.jox.Channel.newBufferedChannel(1024));
        }
    };

    public final String label;

    BlockingSubject(String label) {
        this.label = label;
    }

    public abstract BlockingPipe create();

    /** leanchan through send / receive. */
    static final class LeanchanBlocking implements BlockingPipe {
        final Channel<Object> ch;
        final Sender<Object> tx;
        final Receiver<Object> rx;

        LeanchanBlocking(Channel<Object> ch) {
            this.ch = ch;
            this.tx = ch.sender();
            this.rx = ch.receiver();
        }

        @Override
        public void put(Object m) throws InterruptedException {
            tx.send(m);
        }

        @Override
        public Object take() throws InterruptedException {
            return rx.receive();
        }

        @Override
        public void close() {
            tx.close();
        }
    }

    /** softwaremill Jox through its blocking send / receive (virtual-thread friendly); a run ends by interrupt. */
    static final class JoxBlocking implements BlockingPipe {
        final com.softwaremill.jox.Channel<Object> ch;

        JoxBlocking(com.softwaremill.jox.Channel<Object> ch) {
            this.ch = ch;
        }

        @Override
        public void put(Object m) throws InterruptedException {
            ch.send(m);
        }

        @Override
        public Object take() throws InterruptedException {
            return ch.receive();
        }
    }

    /** A BlockingQueue through put / take. */
    static final class QueueBlocking implements BlockingPipe {
        final BlockingQueue<Object> q;

        QueueBlocking(BlockingQueue<Object> q) {
            this.q = q;
        }

        @Override
        public void put(Object m) throws InterruptedException {
            q.put(m);
        }

        @Override
        public Object take() throws InterruptedException {
            return q.take();
        }
    }
}
