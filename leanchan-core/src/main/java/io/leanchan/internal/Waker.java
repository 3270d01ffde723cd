package io.leanchan.internal;

/**
 * A waiting receive that is not a parked thread: registered in a channel's receive state ({@code rx}) with
 * RWAIT, it is called by the sender whose claim cleared RWAIT, after that sender published its message, with
 * no claimed state held. An async select ({@code io.leanchan.Select}) registers one on each of its channels.
 */
public interface Waker {
    void wake();
}
