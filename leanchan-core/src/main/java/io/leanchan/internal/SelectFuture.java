package io.leanchan.internal;

import io.leanchan.ChannelClosedException;

/**
 * A pending async select ({@code io.leanchan.Select.selectAsync()}): registered as a {@link Waker} on each of its
 * channels. Its state machine is {@link ChannelFuture}'s.
 *
 * <pre>
 * It is created CLAIMED, by the selectAsync call, which registers it. A wake (the sender whose claim cleared RWAIT
 * on one of its channels, or close()) claims it (PENDING to CLAIMED), unregisters it from every channel, and tries
 * the clauses once; a hit settles it (CLAIMED to DONE with the clause and message), no hit registers it again.
 * Registering happens while CLAIMED; a wake that finds CLAIMED does nothing, so after registering (PENDING again)
 * the claimer looks once more whether a clause is ready, and claims again if one is. "Ready" is what an attempt
 * would select: a message, or a closed and drained channel whose clause selects as closed (a drained channel
 * whose clause is skipped is not ready: counting it was defect 9 of issue 24, a loop for ever).
 * No user code runs while it is CLAIMED: the attempt's receives run inside a Completions region (a sender whose
 * future a take completes runs its dependents after), and the clause function runs in finish(), after DONE.
 * </pre>
 *
 * @param <R> the type of the select's result
 */
public final class SelectFuture<R> extends ChannelFuture<R> implements Waker {
    /** The select's clauses. */
    private final SelectSource<R> src;
    /** The selected clause, recorded with the outcome (the message) by the settle. */
    private int clause;

    /**
     * A select future in the CLAIMED state, for its creator to {@link #start()}.
     *
     * @param src the select's clauses
     */
    public SelectFuture(SelectSource<R> src) {
        super(CLAIMED);
        this.src = src;
    }

    /** The creator's first registration (it holds CLAIMED). */
    public void start() {
        Completions region = Completions.enter();
        try {
            register();
        } finally {
            region.exit();
        }
    }

    @Override
    public void wake() {
        if (!claim()) {
            return;
        }
        Completions region = Completions.enter();
        try {
            unregister();
            if (!tryTake()) {
                register();
            }
        } finally {
            region.exit();
        }
    }

    /** While CLAIMED: register on every open channel; then PENDING, and look once more (a missed wake). */
    private void register() {
        for (;;) {
            boolean ready = false;
            for (int k = 0, n = src.clauses(); k < n && !ready; k++) {
                MpscChannel<?> ch = src.channel(k);
                if (ch != null && !ch.isDrained() && !ch.armWaiter(this)) {
                    ready = true; // not empty, closed, or changing its storage: look instead of waiting
                }
            }
            if (ready) {
                unregister();
                if (tryTake()) {
                    return;
                }
                continue;
            }
            unclaim();
            if (!anyReady() || !claim()) {
                return; // a send or a close will wake us (or already has, and claimed)
            }
            unregister();
            if (tryTake()) {
                return;
            }
        }
    }

    /**
     * Looks at every clause without taking anything.
     *
     * @return {@code true} if an attempt would select some clause, or every channel has ended
     */
    private boolean anyReady() {
        boolean allEnded = true;
        for (int k = 0, n = src.clauses(); k < n; k++) {
            if (src.ready(k)) {
                return true;
            }
            MpscChannel<?> ch = src.channel(k);
            allEnded &= ch == null || ch.isDrained();
        }
        return allEnded;
    }

    /** Removes this future from every channel's receive state (where it is registered). */
    private void unregister() {
        for (int k = 0, n = src.clauses(); k < n; k++) {
            MpscChannel<?> ch = src.channel(k);
            if (ch != null) {
                ch.disarmWaiter(this);
            }
        }
    }

    /**
     * While CLAIMED and unregistered: try the clauses; on a hit (or the end of every channel) settle.
     *
     * @return {@code true} if settled; {@code false} if no clause could be selected (the caller registers again)
     */
    private boolean tryTake() {
        Object[] box = new Object[1];
        int i = src.attempt(box);
        if (i == SelectSource.NONE) {
            return false;
        }
        if (i == SelectSource.ENDED) {
            settle(null, new ChannelClosedException(
                    "every channel of the select is closed and drained (end of stream)", null));
            return true;
        }
        clause = i;
        settle(box[0], null);
        return true;
    }

    @Override
    R result(Object value) {
        return src.apply(clause, value);
    }

    @Override
    void afterWithdraw() {
        unregister();
    }
}
