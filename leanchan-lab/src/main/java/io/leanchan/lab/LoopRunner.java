package io.leanchan.lab;

/** A copy of the allocation-measuring loops (see {@link Loops#isolated()}). */
public interface LoopRunner {
    /** Send one, receive one, n times; returns the bytes this thread allocated meanwhile. */
    long steady(Subject.Instance x, Object[] msgs, int n);

    /** Fill with all msgs, drain until empty, rounds times; returns the bytes this thread allocated meanwhile. */
    long burst(Subject.Instance x, Object[] msgs, int rounds);
}
