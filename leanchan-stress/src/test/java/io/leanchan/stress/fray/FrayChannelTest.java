package io.leanchan.stress.fray;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The channel's waiting machinery under Fray (issue 24): each test explores one {@link ChannelScenarios} method for
 * {@code -Dleanchan.fray.iterations} schedules (default 100; bin/stress runs thousands). A failure prints Fray's
 * report folder (target/fray/fray-report/io.leanchan.stress.fray.ChannelScenarios/METHOD) with a recording that
 * {@code -Dleanchan.fray.replay=FOLDER/recording} replays.
 *
 * <p>Disabled until the issue-24 fix of the core (each fails on c6c8994; re-enable them with the fix):
 * {@link #sendAsyncDependentCallsBack} (defect 6) and {@link #sendAsyncDependentCancelsBatch} (defect 5). Run a
 * disabled one with {@code -Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition}.
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
  @Disabled("fails on the core before the issue-24 fix: defect 6, a sendAsync dependent run from drainTo's take"
      + " (inside the receive claim) gets IllegalStateException from tryReceive; found in the first schedule")
  void sendAsyncDependentCallsBack() {
    explore("sendAsyncDependentCallsBack");
  }

  @Test
  @Disabled("fails on the core before the issue-24 fix: defect 5, a sendAsync dependent that cancels a pending"
      + " receiveManyAsync spins while the batch's onFirst drains (LivenessException, then a deadlock; 1 schedule in"
      + " 20-100)")
  void sendAsyncDependentCancelsBatch() {
    explore("sendAsyncDependentCancelsBatch");
  }

  @Test
  void sendAsyncDependentCancelsSelect() {
    explore("sendAsyncDependentCancelsSelect");
  }
}
