package io.leanchan.stress.fray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Fray must find a lost wake-up that a plain run almost never shows: the waiter checks the flag, the setter sets it
 * and finds no waiter to unpark, then the waiter publishes itself and parks for good. If this test fails, Fray is not
 * controlling the scheduling (no agent, a wrong JDK) and the channel scenarios prove nothing.
 */
@Tag("fray")
class FrayNegativeControlTest {

  @Test
  void findsALostWakeup() {
    // DeadlockException lives in the instrumented JDK's java.base (org.pastalab.fray.runtime), not on the classpath.
    Throwable t = assertThrows(Throwable.class, () -> Fray.explore(FrayNegativeControlTest.class, "lostWakeup", 1000));
    assertEquals("org.pastalab.fray.runtime.DeadlockException", t.getClass().getName(), () -> "found instead: " + t);
  }

  static volatile boolean flag;
  static volatile Thread waiter;

  public static void lostWakeup() throws InterruptedException {
    flag = false;
    waiter = null;
    Thread t = new Thread(() -> {
      if (!flag) {
        waiter = Thread.currentThread(); // too late if the setter looked already
        LockSupport.park();
      }
    });
    t.start();
    flag = true;
    Thread w = waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
    t.join();
  }
}
