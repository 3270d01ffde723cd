package io.leanchan.stress.fray;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * What Fray runs in each schedule: the scenario named by {@code -Dleanchan.fray.target=CLASS#METHOD} (set by
 * {@link Fray#explore}), with a note of any {@code LivenessException}.
 *
 * <p>Why. Fray 0.9.2 ends a schedule that passes {@code maxScheduledStep} by throwing {@code LivenessException} in
 * the threads, does not report it as a bug ({@code RunContext.reportError} drops it), and then can also lose the
 * {@code DeadlockException} that follows (the main thread's clean-up throws past the line that records it), so a
 * spinning or wedged waiter passed as a green test. The note goes into an array that {@link Fray#explore} hands over
 * through the system properties (shared by every class loader Fray makes), and fails the test with it.
 */
public final class FrayTrampoline {
  static final String TARGET = "leanchan.fray.target";
  static final String LIVENESS = "leanchan.fray.liveness";

  /**
   * {@link Fray#explore}'s one-slot note, taken from the system properties when the schedule starts: once the step
   * limit is passed every synchronised call (a Hashtable's included) throws LivenessException again, so the note
   * itself must be a plain array store.
   */
  private static Object[] holder;

  private FrayTrampoline() {}

  public static void run() throws Throwable {
    holder = (Object[]) System.getProperties().get(LIVENESS);
    String target = System.getProperty(TARGET);
    int hash = target.indexOf('#');
    Class<?> c = Class.forName(target.substring(0, hash), true, Thread.currentThread().getContextClassLoader());
    Method m = c.getMethod(target.substring(hash + 1));
    try {
      m.invoke(null);
    } catch (InvocationTargetException e) {
      note(Thread.currentThread(), e.getCause());
      throw e.getCause();
    }
  }

  /**
   * Records {@code t} if it is Fray's LivenessException (the first one of a schedule wins). Plain array stores
   * only: no lambda (its first use would link a call site under a lock), no {@code getStackTrace} (synchronised).
   */
  static void note(Thread thread, Throwable t) {
    Object[] h = holder;
    if (h != null && h[0] == null && t != null
        && t.getClass().getName().equals("org.pastalab.fray.runtime.LivenessException")) {
      h[0] = t;
      h[1] = thread.getName();
    }
  }

  /** The note as text, once the exploration is over; null if there is none. */
  static String describe(Object[] note) {
    if (note[0] == null) {
      return null;
    }
    StringBuilder sb = new StringBuilder("LivenessException (more than leanchan.fray.maxSteps scheduling steps: a thread"
        + " spun or yielded without end) in thread " + note[1]);
    int shown = 0;
    for (StackTraceElement f : ((Throwable) note[0]).getStackTrace()) {
      if (!f.getClassName().startsWith("org.pastalab.fray") && shown++ < 40) {
        sb.append("\n\tat ").append(f);
      }
    }
    return sb.toString();
  }
}
