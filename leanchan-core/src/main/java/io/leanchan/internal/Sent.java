package io.leanchan.internal;

import java.util.concurrent.CompletableFuture;

/** The shared future of every {@code sendAsync} that delivered at once: completed, immutable, no garbage. */
final class Sent extends CompletableFuture<Void> {
    /** The one instance, completed with null. */
    static final CompletableFuture<Void> SENT = new Sent();

    /** Creates the completed instance; only {@link #SENT}. */
    private Sent() {
        super.complete(null);
    }

    @Override
    public boolean complete(Void value) {
        return false;
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        return false;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return false;
    }

    @Override
    public void obtrudeValue(Void value) {
        throw new UnsupportedOperationException("shared completed future");
    }

    @Override
    public void obtrudeException(Throwable ex) {
        throw new UnsupportedOperationException("shared completed future");
    }
}
