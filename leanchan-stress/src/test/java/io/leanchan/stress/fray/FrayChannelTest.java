package io.leanchan.stress.fray;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The channel's waiting machinery under Fray (issue 24): each test explores one {@link ChannelScenarios} method for
 * {@code -Dleanchan.fray.iterations} schedules (default 100; bin/stress runs thousands). A failure prints Fray's
 * report folder (target/fray/fray-report/io.leanchan.stress.fray.ChannelScenarios/METHOD) with a recording that
 * {@code -Dleanchan.fray.replay=FOLDER/recording} replays.
 *
 * <p>{@link #sendAsyncDependentCallsBack} (defect 6) and {@link #sendAsyncDependentCancelsBatch} (defect 5) failed on
 * c6c8994 and pass since the issue-24 fix. The core's timed early looks are off in this JVM
 * ({@code -Dio.leanchan.timedRechecks=false}, leanchan-stress's pom), as they would hide lost wake-ups from Fray.
 *
 * <p>Run alone: {@code mvn -B -ntp -pl leanchan-stress test -Dtest='Fray*' -Dsurefire.failIfNoSpecifiedTests=false}
 * (the core installed, Maven on JDK 25).
 */
@Tag("fray")
class FrayChannelTest {

  private static void explore(String scenario) {
    Fray.explore(ChannelScenarios.class, scenario);
  }

  // 1. two blocking senders, one blocking receiver
  @Test
  void blockingSendersBounded1() {
    explore("blockingSendersBounded1");
  }

  @Test
  void blockingSendersBounded2() {
    explore("blockingSendersBounded2");
  }

  // 1b. one fast take (a SHORT claim, C stored without a fence) must wake the waiting sender by itself. Scheduled at
  // every memory access: the window lies between the take's read of P and its release-store of C. With the sender's
  // wait for a SHORT claim removed (roomNow reading only P and C), both found a DeadlockException at schedule 16 of
  // 300; with it, 1,000 schedules each pass.
  @Test
  void oneFastTakeWakesBlockedSender() {
    Fray.exploreMemoryOps(ChannelScenarios.class, "oneFastTakeWakesBlockedSender");
  }

  @Test
  void oneFastTakeCompletesPendingSendAsync() {
    Fray.exploreMemoryOps(ChannelScenarios.class, "oneFastTakeCompletesPendingSendAsync");
  }

  // 2. the async pair (the hang of issue 24's "simplest async loop")
  @Test
  void asyncPairBounded1() {
    explore("asyncPairBounded1");
  }

  @Test
  void asyncSendBlockingReceiveBounded1() {
    explore("asyncSendBlockingReceiveBounded1");
  }

  // 3. a wake spent on a cancelled sendAsync (defect 1)
  @Test
  void cancelledSendAsyncPassesTheWake() {
    explore("cancelledSendAsyncPassesTheWake");
  }

  // 4. timed and interrupted sends beside a blocking one (defect 2's give-up path)
  @Test
  void timedAndInterruptedSends() {
    explore("timedAndInterruptedSends");
  }

  // 5. close racing with waiting senders and receiver
  @Test
  void closeRacesBlockedSendersAndReceiver() {
    explore("closeRacesBlockedSendersAndReceiver");
  }

  @Test
  void closeRacesPendingSendAsync() {
    explore("closeRacesPendingSendAsync");
  }

  // 6. drainTo with blocked senders
  @Test
  void drainToWithBlockedSenders() {
    explore("drainToWithBlockedSenders");
  }

  @Test
  void drainToThrowingSinkWithBlockedSenders() {
    explore("drainToThrowingSinkWithBlockedSenders");
  }

  // 7. select
  @Test
  void selectOverTwoChannels() {
    explore("selectOverTwoChannels");
  }

  @Test
  void selectAsyncOverTwoChannels() {
    explore("selectAsyncOverTwoChannels");
  }

  // 8. dependents that call back into the channel (defects 4, 5, 6)
  @Test
  // defect 6: on c6c8994 the dependent, run from drainTo's take inside the receive claim, got IllegalStateException
  // from tryReceive (found in the first schedule)
  void sendAsyncDependentCallsBack() {
    explore("sendAsyncDependentCallsBack");
  }

  @Test
  // defect 5: on c6c8994 a dependent that cancels a pending receiveManyAsync spun while the batch's onFirst drained
  // (LivenessException, then a deadlock; 1 schedule in 20-100)
  void sendAsyncDependentCancelsBatch() {
    explore("sendAsyncDependentCancelsBatch");
  }

  @Test
  void sendAsyncDependentCancelsSelect() {
    explore("sendAsyncDependentCancelsSelect");
  }
}
