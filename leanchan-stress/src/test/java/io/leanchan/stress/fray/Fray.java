package io.leanchan.stress.fray;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.pastalab.fray.junit.junit5.FrayTestRunExtension;
import org.pastalab.fray.junit.junit5.annotations.FrayTest;

/**
 * Runs a scenario method under Fray with an iteration count chosen at run time.
 *
 * <p>{@code @FrayTest(iterations = N)} takes a compile-time constant; this builds the same annotation with
 * {@code iterations} from {@code -Dleanchan.fray.iterations} (default {@value #DEFAULT_ITERATIONS}) and hands it to
 * Fray's own JUnit runner ({@link FrayTestRunExtension#launchFrayTest}), so every other setting is {@code @FrayTest}'s
 * default: the POS scheduler, a fresh class loader per iteration (the channel classes' static state starts over), timed
 * waits treated as untimed ({@code ignoreTimedBlock}: a {@code parkNanos} or timed {@code get} only returns when
 * something unparks it or, if nothing else can run, by timing out), and a failure report with a replayable recording
 * under {@code target/fray/fray-report}.
 *
 * <p>Outside Fray's instrumented JDK the scenarios are skipped (an assumption), as {@code @FrayTest} does.
 */
final class Fray {
  static final int DEFAULT_ITERATIONS = 100;

  private Fray() {}

  static int iterations() {
    String v = System.getProperty("leanchan.fray.iterations", "");
    return v.isBlank() ? DEFAULT_ITERATIONS : Integer.parseInt(v.trim());
  }

  static boolean enabled() {
    try {
      return Files.readAllLines(Path.of(System.getProperty("java.home"), "release")).stream()
          .anyMatch(l -> l.contains("IMPLEMENTOR=Fray"));
    } catch (IOException e) {
      return false;
    }
  }

  /** Explores {@code method} (a no-argument method of {@code scenarios}) for {@link #iterations()} schedules. */
  static void explore(Class<?> scenarios, String method) {
    explore(scenarios, method, iterations());
  }

  static void explore(Class<?> scenarios, String method, int iterations) {
    assumeTrue(enabled(), "not on Fray's instrumented JDK (run by the `fray` profile of leanchan-stress on JDK 25)");
    new FrayTestRunExtension().launchFrayTest(scenarios.getName(), method, frayTest(Map.of("iterations", iterations)));
  }

  /** A {@code @FrayTest} with the given values and the annotation's defaults for the rest. */
  static FrayTest frayTest(Map<String, Object> values) {
    Map<String, Object> all = new HashMap<>();
    for (Method m : FrayTest.class.getDeclaredMethods()) {
      if (m.getDefaultValue() != null) all.put(m.getName(), m.getDefaultValue());
    }
    all.putAll(values);
    return (FrayTest) Proxy.newProxyInstance(FrayTest.class.getClassLoader(), new Class<?>[] {FrayTest.class},
        (proxy, m, args) -> switch (m.getName()) {
          case "annotationType" -> FrayTest.class;
          case "toString" -> "@FrayTest" + all;
          case "hashCode" -> all.hashCode();
          case "equals" -> proxy == args[0];
          default -> {
            if (!all.containsKey(m.getName())) throw new IllegalStateException("no value for " + m.getName());
            yield all.get(m.getName());
          }
        });
  }
}
