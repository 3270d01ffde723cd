package io.leanchan.internal;

import io.leanchan.Receiver;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The receiving side of an {@link MpscChannel}: stateless, 16 bytes, one per {@code receiver()} call. */
final class ReceiverView<T> implements Receiver<T> {
    private final MpscChannel<T> ch;

    ReceiverView(MpscChannel<T> ch) {
        this.ch = ch;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T tryReceive() {
        return (T) ch.poll(true);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T receive() throws InterruptedException {
        return (T) ch.awaitReceive(-1L);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T receive(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        return (T) ch.awaitReceive(Math.max(0L, unit.toNanos(timeout)));
    }

    @Override
    public CompletableFuture<T> receiveAsync() {
        return ch.receiveAsync();
    }

    @Override
    public int drainTo(Collection<? super T> sink, int maxMessages) {
        return ch.drainTo(sink, maxMessages);
    }

    @Override
    public void close() {
        ch.closeChannel();
    }

    @Override
    public boolean isClosed() {
        return ch.isClosed();
    }

    @Override
    public boolean isDrained() {
        return ch.drainedNow();
    }

    @Override
    public int size() {
        return ch.sizeNow();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceiverView && ((ReceiverView<?>) o).ch == ch;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(ch);
    }

    @Override
    public String toString() {
        return "Receiver of " + ch;
    }
}
