package io.leanchan.internal;

/**
 * What a pending async select ({@link SelectFuture}) needs from its {@code io.leanchan.Select}: the clauses'
 * channels, one non-blocking attempt over them, and the clause functions. Not API: this package is not exported.
 *
 * @param <R> the type of the select's result
 */
public interface SelectSource<R> {
    /** {@link #attempt}'s answer when no clause could be selected and some channel is still open. */
    int NONE = -1;
    /** {@link #attempt}'s answer when every channel has ended and no clause selects as closed. */
    int ENDED = -2;

    /**
     * The number of clauses.
     *
     * @return the number of clauses
     */
    int clauses();

    /**
     * The channel of clause {@code k}, or null if an earlier clause names the same channel (it registers once).
     *
     * @param k a clause index
     * @return the channel to register on, or null
     */
    MpscChannel<?> channel(int k);

    /**
     * Whether clause {@code k} could be selected now without waiting: its channel holds a message, or it is closed
     * and drained and the clause selects as closed. Takes nothing.
     *
     * @param k a clause index
     * @return {@code true} if an attempt would select it (unless another receive takes first)
     */
    boolean ready(int k);

    /**
     * Tries every clause once, from the select's rotating start; takes at most one message.
     *
     * @param out where the taken message (or null for "closed") is stored on a hit
     * @return the selected clause's index, {@link #NONE} or {@link #ENDED}
     */
    int attempt(Object[] out);

    /**
     * The select's result for clause {@code k}: user code, which may throw.
     *
     * @param k the selected clause
     * @param m the message taken, or null if the clause selected as closed
     * @return the clause function's result
     */
    R apply(int k, Object m);
}
