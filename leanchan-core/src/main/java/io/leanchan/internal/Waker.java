package io.leanchan.internal;

/**
 * A waiting receive that is not a parked thread: registered in a channel's receive state ({@code rx}) with
 * RWAIT, it is called by the sender whose claim cleared RWAIT, after that sender published its message, with
 * no claimed state held. An async select ({@code io.leanchan.Select}) registers one on each of its channels.
 */
public interface Waker {
    /**
     * Called by the thread whose CAS cleared RWAIT on a channel this waker is registered on: a sender, after
     * publishing its message, or {@code close()}, after setting the closed state. It runs in that thread with no
     * claimed state held, so it may receive from the channel; it must not assume that a message is there (a
     * close wakes it too, and another registration may have been woken first).
     */
    void wake();
}
