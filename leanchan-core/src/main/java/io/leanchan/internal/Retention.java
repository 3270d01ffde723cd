package io.leanchan.internal;

/**
 * When the receiver gives its ring back: the policy that trades memory after a burst (F2) against garbage
 * for repeated bursts (A2). Pure functions over one receiver-private int, so the policy can be tested alone.
 *
 * <pre>
 * State (an int written only by the receiver):
 *   bits 0-3  credit: quiet checks left before a kept ring is given back (0..15)
 *   bit  4    SHRUNK: this channel has given a ring back before
 *   bits 5-14 idle:   empty polls that found nothing new since the last check (0..1023)
 *   bits 15-31 mark:  the low 17 bits of the consumer index at the last check
 *
 * A check runs when the receiver finds the channel empty and at least one message passed since the last
 * one, or after 1,024 empty polls in a row (an idle channel polled by a spinning receiver): so polling an
 * idle channel costs one increment per poll.
 *   A burst (messages since the last check >= a quarter of the ring): the first one is given back (F2: a
 *   channel that was filled once and drained costs what a new one costs); after that the channel has shown
 *   that it is refilled, and each burst earns 4 checks of credit (at most 15).
 *   A quiet check (fewer messages, or an idle streak): spends one credit; with none left, give back.
 * A waiting receive adds time: it lingers (parks for at most LINGER_NANOS) before it gives a kept ring back,
 * then parks on; a channel that goes quiet thus returns to its new size even if nobody polls it.
 * </pre>
 */
final class Retention {
    /** Bits 0-3 of the state: the credit, also its maximum (15). */
    static final int CREDIT_MASK = 0xF;
    /** Credit earned by each burst after the first give-back. */
    static final int CREDIT_PER_BURST = 4;
    /** Bit 4 of the state: set once this channel has given a ring back. */
    static final int SHRUNK = 1 << 4;
    /** Position of the idle count in the state. */
    static final int IDLE_SHIFT = 5;
    /** Bits 5-14 of the state: the idle count; all ones (1,023) makes a check due. */
    static final int IDLE_MASK = 0x3FF << IDLE_SHIFT;
    /** Position of the mark in the state. */
    static final int MARK_SHIFT = 15;
    /** Width of the mark: the low 17 bits of the consumer index. */
    static final int MARK_BITS = 17;
    /** The mark's bits once shifted down (also the modulus of {@link #passed}, minus one). */
    static final int MARK_MASK = (1 << MARK_BITS) - 1;
    /** How long a waiting receiver keeps a ring it holds on credit before giving it back. */
    static final long LINGER_NANOS = 2_000_000L;

    /** Not instantiable: static methods only. */
    private Retention() {
    }

    /**
     * Messages received since the last check, modulo 2^17 (bursts that large count as "at least 2^17").
     *
     * @param state the receiver's retention state
     * @param c     the consumer index now
     * @return the messages taken since the mark, 0 to 2^17 - 1
     */
    static int passed(int state, long c) {
        return ((int) c - (state >>> MARK_SHIFT)) & MARK_MASK;
    }

    /**
     * An empty check: whether the ring should be given back now ({@link #after} gives the state to store).
     *
     * @param state      the receiver's retention state
     * @param c          the consumer index now
     * @param ringLength the receiver's ring length (at least 2)
     * @return {@code true} for the first burst of a channel that never shrank, or a quiet check with no credit
     */
    static boolean shouldGiveBack(int state, long c, int ringLength) {
        int passed = passed(state, c);
        int credit = state & CREDIT_MASK;
        if ((long) passed * 4 >= ringLength) {
            return (state & SHRUNK) == 0;
        }
        return credit == 0;
    }

    /**
     * The state after a check at consumer index {@code c} whose outcome was {@code gaveBack}.
     *
     * @param state      the receiver's retention state before the check
     * @param c          the consumer index now
     * @param ringLength the ring length the check was made against
     * @param gaveBack   whether the check gave the ring back
     * @return the new state: mark at {@code c}, idle count zero, credit and SHRUNK updated
     */
    static int after(int state, long c, int ringLength, boolean gaveBack) {
        int passed = passed(state, c);
        int credit = state & CREDIT_MASK;
        int flags = state & SHRUNK;
        if (gaveBack) {
            flags = SHRUNK;
            credit = 0;
        } else if ((long) passed * 4 >= ringLength) {
            credit = Math.min(CREDIT_MASK, credit + CREDIT_PER_BURST);
        } else if (credit > 0) {
            credit--;
        }
        return (int) ((c & MARK_MASK) << MARK_SHIFT) | flags | credit;
    }

    /**
     * True if an empty poll at {@code c} should run a check (something passed, or a long idle streak).
     *
     * @param state the receiver's retention state
     * @param c     the consumer index now
     * @return whether to run a check
     */
    static boolean due(int state, long c) {
        return passed(state, c) != 0 || (state & IDLE_MASK) == IDLE_MASK;
    }

    /**
     * One more empty poll with nothing new.
     *
     * @param state the receiver's retention state
     * @return the state with the idle count one higher, saturating at all ones
     */
    static int idle(int state) {
        return (state & IDLE_MASK) == IDLE_MASK ? state : state + (1 << IDLE_SHIFT);
    }

    /**
     * Whether the receiver holds its ring on credit (used to decide whether to linger before parking).
     *
     * @param state the receiver's retention state
     * @return {@code true} if the credit is not zero
     */
    static boolean onCredit(int state) {
        return (state & CREDIT_MASK) != 0;
    }
}
