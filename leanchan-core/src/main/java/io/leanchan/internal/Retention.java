package io.leanchan.internal;

/**
 * When the receiver gives its ring back: the policy that trades memory after a burst (F2) against garbage
 * for repeated bursts and steady traffic (A2). Pure functions over one receiver-private int, so the policy
 * can be tested alone.
 *
 * <pre>
 * State (an int written only by the receiver):
 *   bits 0-3   credit: quiet checks left before a kept ring is given back (0..15)
 *   bit  4     SHRUNK: this channel has given a ring back before
 *   bits 5-14  count:  empty polls since the last check (0..1023)
 *   bits 15-31 mark:   the low 17 bits of the consumer index at the last check
 *
 * Every empty poll that finds a ring looks at the traffic since the last check: passed = C - mark.
 *   Busy (passed reaches a quarter of the ring, or 2^15 messages for rings over 2^17 slots): the ring is in
 *   use. The first time in a channel's life it is given back all the same (F2: a channel filled once and
 *   drained costs what a new one costs); after that the channel has shown that it is refilled, and each busy
 *   check earns 4 checks of credit (at most 15). A busy check moves the mark.
 *   Otherwise the empty poll only counts (the mark stays, so the traffic of many empty polls adds up). The
 *   1,024th empty poll since the last check is a quiet check: it spends one credit, or gives the ring back
 *   if there is none, and moves the mark.
 * So the ring is kept while it carries at least a quarter of its length per 1,024 empty polls: steady traffic
 * that the receiver keeps up with (many empty polls, each after a few messages) keeps its ring instead of
 * giving it back and regrowing it over and over, and a trickle, or an idle channel polled by a spinning
 * receiver, gives it back after at most 16 x 1,024 empty polls. An empty poll costs one subtraction, one
 * comparison and one increment.
 * A waiting receive adds time: it lingers (parks for at most LINGER_NANOS) before it gives a kept ring back,
 * then parks on; a channel that goes quiet thus returns to its new size even if nobody polls it.
 * </pre>
 */
final class Retention {
    /** Bits 0-3 of the state: the credit, also its maximum (15). */
    static final int CREDIT_MASK = 0xF;
    /** Credit earned by each busy check after the first give-back. */
    static final int CREDIT_PER_BURST = 4;
    /** Bit 4 of the state: set once this channel has given a ring back. */
    static final int SHRUNK = 1 << 4;
    /** Position of the count of empty polls in the state. */
    static final int COUNT_SHIFT = 5;
    /** Bits 5-14 of the state: the count; all ones (1,023) makes the next empty poll a quiet check. */
    static final int COUNT_MASK = 0x3FF << COUNT_SHIFT;
    /** One empty poll in the count. */
    static final int COUNT_STEP = 1 << COUNT_SHIFT;
    /** Position of the mark in the state. */
    static final int MARK_SHIFT = 15;
    /** Width of the mark: the low 17 bits of the consumer index. */
    static final int MARK_BITS = 17;
    /** The mark's bits once shifted down (also the modulus of {@link #passed}, minus one). */
    static final int MARK_MASK = (1 << MARK_BITS) - 1;
    /** The most messages a check asks for: rings longer than 4 x this are busy at this many. */
    static final int MAX_BUSY = 1 << (MARK_BITS - 2);
    /** How long a waiting receiver keeps a ring it holds on credit before giving it back. */
    static final long LINGER_NANOS = 2_000_000L;

    /** Not instantiable: static methods only. */
    private Retention() {
    }

    /**
     * Messages received since the last check, modulo 2^17.
     *
     * @param state the receiver's retention state
     * @param c     the consumer index now
     * @return the messages taken since the mark, 0 to 2^17 - 1
     */
    static int passed(int state, long c) {
        return ((int) c - (state >>> MARK_SHIFT)) & MARK_MASK;
    }

    /**
     * Whether the traffic since the last check keeps a ring of this length busy.
     *
     * @param state      the receiver's retention state
     * @param c          the consumer index now
     * @param ringLength the receiver's ring length (at least 2)
     * @return {@code true} if at least a quarter of the ring (at most {@link #MAX_BUSY}) passed since the mark
     */
    static boolean busy(int state, long c, int ringLength) {
        return passed(state, c) >= Math.min(ringLength >>> 2, MAX_BUSY);
    }

    /**
     * Whether an empty poll only counts (the state to store is then {@code state + COUNT_STEP}): not busy, and
     * not the 1,024th empty poll since the last check. Equivalent to {@code kept(state, c, ringLength) == state +
     * COUNT_STEP} without a give-back due.
     *
     * @param state      the receiver's retention state
     * @param c          the consumer index now
     * @param ringLength the receiver's ring length (at least 2)
     * @return {@code true} if the empty poll decides nothing
     */
    static boolean onlyCounts(int state, long c, int ringLength) {
        return (state & COUNT_MASK) != COUNT_MASK && !busy(state, c, ringLength);
    }

    /**
     * An empty poll: whether the ring should be given back now. If it is not (or the give-back fails because
     * a sender claimed meanwhile), the state to store is {@link #kept}; if it is, {@link #gaveBack}.
     *
     * @param state      the receiver's retention state
     * @param c          the consumer index now
     * @param ringLength the receiver's ring length (at least 2)
     * @return {@code true} for the first busy check of a channel that never shrank, or a quiet check with no
     *     credit
     */
    static boolean shouldGiveBack(int state, long c, int ringLength) {
        if (busy(state, c, ringLength)) {
            return (state & SHRUNK) == 0;
        }
        return (state & (COUNT_MASK | CREDIT_MASK)) == COUNT_MASK;
    }

    /**
     * The state after an empty poll that kept the ring.
     *
     * @param state      the receiver's retention state before the poll
     * @param c          the consumer index now
     * @param ringLength the receiver's ring length
     * @return the new state: after a busy check, credit earned and the mark at {@code c}; after a quiet check,
     *     one credit spent and the mark at {@code c}; otherwise the count one higher. A give-back that was due
     *     but failed leaves the state as it was, so the next empty poll tries again.
     */
    static int kept(int state, long c, int ringLength) {
        int credit = state & CREDIT_MASK;
        int shrunk = state & SHRUNK;
        if (busy(state, c, ringLength)) {
            if (shrunk == 0) {
                return state; // the first give-back was due and failed
            }
            return mark(c) | shrunk | Math.min(CREDIT_MASK, credit + CREDIT_PER_BURST);
        }
        if ((state & COUNT_MASK) != COUNT_MASK) {
            return state + COUNT_STEP;
        }
        if (credit == 0) {
            return state; // a quiet give-back was due and failed
        }
        return mark(c) | shrunk | (credit - 1);
    }

    /**
     * The state after the ring was given back.
     *
     * @param c the consumer index after the give-back
     * @return SHRUNK, no credit, count zero, the mark at {@code c}
     */
    static int gaveBack(long c) {
        return mark(c) | SHRUNK;
    }

    /**
     * Whether a receiver about to wait on an empty channel keeps its ring for a linger (then gives it back if
     * nothing came) rather than giving it back before it parks.
     *
     * @param state      the receiver's retention state
     * @param c          the consumer index now
     * @param ringLength the receiver's ring length
     * @return {@code true} if the channel has given a ring back before and has credit or is busy
     */
    static boolean keepWhileWaiting(int state, long c, int ringLength) {
        if ((state & SHRUNK) == 0) {
            return false;
        }
        return (state & CREDIT_MASK) != 0 || busy(state, c, ringLength);
    }

    /**
     * The mark field for a consumer index.
     *
     * @param c the consumer index
     * @return the low 17 bits of {@code c}, in place
     */
    private static int mark(long c) {
        return (int) ((c & MARK_MASK) << MARK_SHIFT);
    }
}
