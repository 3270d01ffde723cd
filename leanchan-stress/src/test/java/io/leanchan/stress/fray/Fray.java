package io.leanchan.stress.fray;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kotlinx.serialization.json.Json;
import org.pastalab.fray.core.TestRunner;
import org.pastalab.fray.core.command.Configuration;
import org.pastalab.fray.core.command.ExecutionInfo;
import org.pastalab.fray.core.command.MethodExecutor;
import org.pastalab.fray.core.command.NetworkDelegateType;
import org.pastalab.fray.core.command.SystemTimeDelegateType;
import org.pastalab.fray.core.observers.TimelineCoverageType;
import org.pastalab.fray.core.randomness.ControlledRandomProvider;
import org.pastalab.fray.core.randomness.Randomness;
import org.pastalab.fray.core.scheduler.POSScheduler;
import org.pastalab.fray.core.scheduler.Scheduler;
import org.pastalab.fray.rmi.TestStatusObserver;

/**
 * Runs a scenario method under Fray (org.pastalab.fray 0.9.2): the same run as JUnit's {@code @FrayTest} (Fray's
 * {@code FrayTestRunExtension}), with three things chosen at run time, which the annotation's constants cannot do.
 *
 * <ul>
 *   <li>{@code -Dleanchan.fray.iterations=N}: schedules explored per scenario (default {@value #DEFAULT_ITERATIONS};
 *       bin/stress raises it). A scenario may cap it ({@link #explore(Class, String, int)}).
 *   <li>{@code -Dleanchan.fray.maxSteps=N}: scheduling steps one schedule may take (default {@value #DEFAULT_MAX_STEPS})
 *       before Fray reports a {@code LivenessException}. Without it a thread that spins with {@code Thread.yield()}
 *       forever (a livelock, or a wait for itself) would keep the run going with no deadlock to report.
 *   <li>{@code -Dleanchan.fray.replay=DIR}: replays the recording of a failed run (Fray prints its folder, under
 *       {@code target/fray/fray-report/<class>/<method>/recording}); run only the failing test with it.
 * </ul>
 *
 * <p>Everything else is {@code @FrayTest}'s default: the POS scheduler, a fresh class loader per schedule (the channel
 * classes' static state starts over), timed waits unblocked only when no thread can run ({@code ignoreTimedBlock}:
 * a {@code parkNanos} re-check or a timed send's deadline fires when everything else is blocked, so the core's 50 µs
 * re-checks act as a perfectly timed safety net here; a core switch that turns them off goes in
 * {@code -Dleanchan.fray.jvm.flags}), and a report with a replayable recording when a schedule fails.
 *
 * <p>Outside Fray's instrumented JDK the scenarios are skipped (an assumption), as {@code @FrayTest} does.
 */
final class Fray {
  static final int DEFAULT_ITERATIONS = 100;
  static final int DEFAULT_MAX_STEPS = 200_000;

  private Fray() {}

  static int iterations() {
    return intProperty("leanchan.fray.iterations", DEFAULT_ITERATIONS);
  }

  private static int intProperty(String name, int otherwise) {
    String v = System.getProperty(name, "");
    return v.isBlank() ? otherwise : Integer.parseInt(v.trim());
  }

  static boolean enabled() {
    try {
      return Files.readAllLines(Path.of(System.getProperty("java.home"), "release")).stream()
          .anyMatch(l -> l.contains("IMPLEMENTOR=Fray"));
    } catch (IOException e) {
      return false;
    }
  }

  /** Explores {@code method} (a public no-argument method of {@code scenarios}) for {@link #iterations()} schedules. */
  static void explore(Class<?> scenarios, String method) {
    explore(scenarios, method, Integer.MAX_VALUE);
  }

  /** As {@link #explore(Class, String)}, with at most {@code cap} schedules. */
  static void explore(Class<?> scenarios, String method, int cap) {
    explore(scenarios, method, cap, Boolean.getBoolean("leanchan.fray.memoryOps"));
  }

  /**
   * As {@link #explore(Class, String)}, scheduling also at every shared field and array access when
   * {@code memoryOps} is set (Fray's interleaveMemoryOps): for protocols whose window lies between plain, release or
   * opaque accesses, which the default scheduling points (atomics, locks, park) step over.
   */
  static void exploreMemoryOps(Class<?> scenarios, String method) {
    explore(scenarios, method, Integer.MAX_VALUE, true);
  }

  private static void explore(Class<?> scenarios, String method, int cap, boolean memoryOps) {
    assumeTrue(enabled(), "not on Fray's instrumented JDK (the `fray` profile of leanchan-stress, Maven on JDK 25)");
    String replay = System.getProperty("leanchan.fray.replay", "");
    int iterations = replay.isBlank() ? Math.min(cap, iterations()) : 1;
    Scheduler scheduler;
    if (replay.isBlank()) {
      scheduler = new POSScheduler();
    } else {
      try {
        String name = Files.readString(Path.of(replay, "scheduler")).trim();
        Randomness recorded = Json.Default.decodeFromString(Randomness.Companion.serializer(),
            Files.readString(Path.of(replay, "random.json")));
        scheduler = (Scheduler) Class.forName(name).getConstructor(Randomness.class).newInstance(recorded);
      } catch (ReflectiveOperationException | IOException e) {
        throw new IllegalArgumentException("cannot replay " + replay, e);
      }
    }
    Path reportDir = Path.of(System.getProperty("fray.workDir", "target/fray/fray-report"),
        scenarios.getName(), method);
    reportDir.toFile().mkdirs();
    List<String> classpath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
    System.setProperty(FrayTrampoline.TARGET, scenarios.getName() + "#" + method);
    Object[] livenessNote = new Object[2];
    System.getProperties().put(FrayTrampoline.LIVENESS, livenessNote);
    Configuration config = new Configuration(
        new ExecutionInfo(new MethodExecutor(FrayTrampoline.class.getName(), "run", List.of(), classpath, Map.of()),
            false, // ignoreUnhandledExceptions: an exception in any thread fails the schedule
            // interleaveMemoryOps: false (the default) schedules at synchronisation points (atomics, locks, park), as
            // @FrayTest; exploreMemoryOps or -Dleanchan.fray.memoryOps=true also at every shared field and array
            // access (slower)
            memoryOps,
            intProperty("leanchan.fray.maxSteps", DEFAULT_MAX_STEPS)),
        reportDir,
        iterations,
        600, // seconds for the whole exploration
        scheduler,
        new ControlledRandomProvider(),
        false, // fullSchedule
        false, // exploreMode
        true, // noExitWhenBugFound
        !replay.isBlank(), // isReplay
        false, // noFray
        false, // dummyRun
        NetworkDelegateType.NONE,
        SystemTimeDelegateType.NONE,
        100_000L, // virtualTimeDelta
        true, // ignoreTimedBlock
        false, // sleepAsYield
        true, // resetClassLoader
        false, // redirectStdout
        false, // abortThreadExecutionAfterMainExit
        false, // resolveRacingOperationStackTraceHash
        TimelineCoverageType.RESOURCE_ORDERING);
    Reported reported = new Reported();
    config.getTestStatusObservers().add(reported);
    Throwable failure = new TestRunner(config).run();
    // Fray can lose a reported bug from run()'s result (see FrayTrampoline), so the observer's copy comes first.
    if (reported.first != null) {
      failure = reported.first;
    }
    System.getProperties().remove(FrayTrampoline.LIVENESS);
    String liveness = FrayTrampoline.describe(livenessNote);
    if (liveness != null) { // first, as the deadlock Fray reports after it is its consequence
      failure = new AssertionError(liveness + "\n(" + scenarios.getSimpleName() + "." + method + ", by schedule "
          + reported.iteration + "; what Fray reported: " + failure + ")", failure);
    }
    if (failure != null) {
      sneakyThrow(failure);
    }
  }

  /** Keeps the first error Fray reports, whatever run() returns. */
  private static final class Reported implements TestStatusObserver {
    Throwable first;
    int iteration;

    @Override
    public void onExecutionStart() {
      if (first == null) {
        iteration++;
      }
    }

    @Override
    public void onReportError(Throwable t) {
      if (first == null) {
        first = t;
      }
    }

    @Override
    public void onExecutionDone(Throwable t) {
      if (first == null && t != null) {
        first = t;
      }
    }

    @Override
    public void saveToReportFolder(Path path) {}
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }
}
