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
    static final int CREDIT_MASK = 0xF;
    static final int CREDIT_PER_BURST = 4;
    static final int SHRUNK = 1 << 4;
    static final int IDLE_SHIFT = 5;
    static final int IDLE_MASK = 0x3FF << IDLE_SHIFT;
    static final int MARK_SHIFT = 15;
    static final int MARK_BITS = 17;
    static final int MARK_MASK = (1 << MARK_BITS) - 1;
    /** How long a waiting receiver keeps a ring it holds on credit before giving it back. */
    static final long LINGER_NANOS = 2_000_000L;

    private Retention() {
    }

    /** Messages received since the last check, modulo 2^17 (bursts that large count as "at least 2^17"). */
    static int passed(int state, long c) {
        return ((int) c - (state >>> MARK_SHIFT)) & MARK_MASK;
    }

    /**
     * An empty check: whether the ring should be given back now ({@link #after} gives the state to store).
     *
     * @param ringLength the receiver's ring length (at least 2)
     */
    static boolean shouldGiveBack(int state, long c, int ringLength) {
        int passed = passed(state, c);
        int credit = state & CREDIT_MASK;
        if ((long) passed * 4 >= ringLength) {
            return (state & SHRUNK) == 0;
        }
        return credit == 0;
    }

    /** The state after a check at consumer index {@code c} whose outcome was {@code gaveBack}. */
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

    /** True if an empty poll at {@code c} should run a check (something passed, or a long idle streak). */
    static boolean due(int state, long c) {
        return passed(state, c) != 0 || (state & IDLE_MASK) == IDLE_MASK;
    }

    /** One more empty poll with nothing new. */
    static int idle(int state) {
        return (state & IDLE_MASK) == IDLE_MASK ? state : state + (1 << IDLE_SHIFT);
    }

    /** Whether the receiver holds its ring on credit (used to decide whether to linger before parking). */
    static boolean onCredit(int state) {
        return (state & CREDIT_MASK) != 0;
    }
}
