package io.leanchan.bench;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/** The subjects of the asynchronous round trip (a JMH {@code @Param}). */
public enum AsyncSubject {
    LEANCHAN_1024("leanchan bounded(1024) sendAsync/receiveAsync") {
        @Override
        public AsyncPipe create() {
            return new LeanchanAsync(Channel.bounded(1024));
        }
    },
    LEANCHAN_UNBOUNDED("leanchan unbounded sendAsync/receiveAsync") {
        @Override
        public AsyncPipe create() {
            return new LeanchanAsync(Channel.unbounded());
        }
    },
    KOTLINX_1024("kotlinx Channel(1024) send/receive with a CompletableFuture continuation") {
        @Override
        public AsyncPipe create() {
            return new Kotlinx.KAsync(1024);
        }
    },
    LBQ_HANDOFF("CompletableFuture handoff over LinkedBlockingQueue (unbounded, one lock)") {
        @Override
        public AsyncPipe create() {
            return new LbqHandoff();
        }
    };

    public final String label;

    AsyncSubject(String label) {
        this.label = label;
    }

    public abstract AsyncPipe create();

    static final class LeanchanAsync implements AsyncPipe {
        final Sender<Object> tx;
        final Receiver<Object> rx;

        LeanchanAsync(Channel<Object> ch) {
            this.tx = ch.sender();
            this.rx = ch.receiver();
        }

        @Override
        public CompletableFuture<?> sendAsync(Object m) {
            return tx.sendAsync(m);
        }

        @Override
        public CompletableFuture<Object> receiveAsync() {
            return rx.receiveAsync();
        }
    }

    /**
     * What one writes by hand without an async channel: messages in a LinkedBlockingQueue, at most one waiting
     * receive future, both under one lock; the future is completed outside the lock. Unbounded (no send
     * ever waits), single consumer.
     */
    static final class LbqHandoff implements AsyncPipe {
        static final CompletableFuture<Object> SENT = CompletableFuture.completedFuture(null);
        final LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
        CompletableFuture<Object> waiter;

        @Override
        public CompletableFuture<?> sendAsync(Object m) {
            CompletableFuture<Object> w;
            synchronized (this) {
                w = waiter;
                if (w != null) {
                    waiter = null;
                } else {
                    q.offer(m);
                }
            }
            if (w != null) {
                w.complete(m);
            }
            return SENT;
        }

        @Override
        public CompletableFuture<Object> receiveAsync() {
            Object m;
            synchronized (this) {
                m = q.poll();
                if (m == null) {
                    if (waiter != null) {
                        throw new IllegalStateException("one receive at a time");
                    }
                    CompletableFuture<Object> f = new CompletableFuture<>();
                    waiter = f;
                    return f;
                }
            }
            return CompletableFuture.completedFuture(m);
        }
    }
}
