package io.leanchan.stress.fray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.Select;
import io.leanchan.Sender;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The channel's waiting machinery under Fray, through the public API only: each method is one scenario (2-4 threads,
 * a few messages) that Fray runs under many schedules ({@link FrayChannelTest} lists them with the issue-24 defect
 * each targets).
 *
 * <p>Every scenario checks liveness and an exact ledger. Liveness: the main thread joins every thread it started
 * (a waiter stranded in any schedule leaves all threads blocked, which Fray reports as a {@code DeadlockException};
 * one that spins for ever ends in a {@code LivenessException} after {@code leanchan.fray.maxSteps}). Ledger: every
 * message whose send succeeded is received exactly once, none whose send failed (timed out, interrupted, cancelled,
 * closed) is received, every failure by close hands back its own message ({@code undelivered()}), and the channel is
 * empty at the end. An exception in any thread fails the schedule.
 *
 * <p>Lists written by one thread are read by main only after {@code join}, which orders them.
 */
public final class ChannelScenarios {

  private ChannelScenarios() {}

  // ---------------------------------------------------------------------------------------------------------------
  // helpers

  interface Body {
    void run() throws Exception;
  }

  static Thread start(String name, Body body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (RuntimeException | Error e) {
        FrayTrampoline.note(Thread.currentThread(), e);
        throw e;
      } catch (Exception e) {
        throw new AssertionError(name + " failed", e);
      }
    }, name);
    t.start();
    return t;
  }

  static void joinAll(Thread... threads) throws InterruptedException {
    for (Thread t : threads) {
      t.join();
    }
  }

  /** Sends each message with a blocking send. */
  static Body blockingSender(Sender<String> tx, String... messages) {
    return () -> {
      for (String m : messages) {
        tx.send(m);
      }
    };
  }

  static String[] messages(String prefix, int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = prefix + i;
    }
    return out;
  }

  /** Receives one message with a blocking receive, adding it to {@code got}. */
  static String take(Receiver<String> rx, List<String> got) throws InterruptedException {
    String m = rx.receive();
    got.add(m);
    return m;
  }

  /** The exact ledger: {@code got} holds each of {@code expected} once, in any order, and nothing else. */
  static void assertLedger(List<String> expected, List<String> got) {
    List<String> e = new ArrayList<>(expected);
    List<String> g = new ArrayList<>(got);
    Collections.sort(e);
    Collections.sort(g);
    assertEquals(e, g, "ledger: received " + got + ", expected each of " + expected + " once");
  }

  /** Messages of one sender arrive in its order. */
  static void assertSenderOrder(List<String> got, String prefix) {
    List<String> mine = got.stream().filter(m -> m.startsWith(prefix)).toList();
    List<String> sorted = new ArrayList<>(mine);
    Collections.sort(sorted);
    assertEquals(sorted, mine, "per-sender FIFO order for " + prefix + " in " + got);
  }

  static void assertEmpty(Receiver<String> rx) {
    assertNull(rx.tryReceive(), "the channel must be empty at the end");
  }

  static List<String> concat(String[]... parts) {
    List<String> out = new ArrayList<>();
    for (String[] p : parts) {
      out.addAll(List.of(p));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 1. two blocking senders and a blocking receiver

  static void twoBlockingSenders(int capacity, int perSender) throws InterruptedException {
    Channel<String> ch = Channel.bounded(capacity);
    String[] a = messages("a", perSender);
    String[] b = messages("b", perSender);
    Thread sa = start("sender-a", blockingSender(ch.sender(), a));
    Thread sb = start("sender-b", blockingSender(ch.sender(), b));
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 2 * perSender; i++) {
      take(ch.receiver(), got);
    }
    joinAll(sa, sb);
    assertLedger(concat(a, b), got);
    assertSenderOrder(got, "a");
    assertSenderOrder(got, "b");
    assertEmpty(ch.receiver());
  }

  public static void blockingSendersBounded1() throws InterruptedException {
    twoBlockingSenders(1, 2);
  }

  public static void blockingSendersBounded2() throws InterruptedException {
    twoBlockingSenders(2, 3);
  }

  /**
   * One take must wake a sender waiting for room, with no later receive to make up for a lost wake: a full
   * bounded(1), a blocking send of "a" on one thread, one tryReceive by main (the owner's fast take, a SHORT claim
   * that stores C without a fence), and then the join. A lost wake leaves the sender parked: Fray reports it as a
   * deadlock. This is the schedule of the fast take reading P before a sender sets SWAIT while the
   * sender reads C before the take stores it ("Waking senders" in ChannelSend).
   */
  public static void oneFastTakeWakesBlockedSender() throws InterruptedException {
    Channel<String> ch = Channel.bounded(1);
    Receiver<String> rx = ch.receiver();
    assertNull(rx.tryReceive()); // main takes the receive state (a handover): its next take is the fast one
    ch.sender().send("p");
    Thread s = start("sender", blockingSender(ch.sender(), "a"));
    assertEquals("p", rx.tryReceive()); // the fast take, racing the sender's link, SWAIT and look
    s.join();
    assertEquals("a", rx.tryReceive());
    assertEmpty(rx);
  }

  /** {@link #oneFastTakeWakesBlockedSender} with a pending sendAsync in place of the blocking send. */
  public static void oneFastTakeCompletesPendingSendAsync() throws Exception {
    Channel<String> ch = Channel.bounded(1);
    Receiver<String> rx = ch.receiver();
    assertNull(rx.tryReceive());
    ch.sender().send("p");
    Thread s = start("async-sender", () -> ch.sender().sendAsync("a").get());
    assertEquals("p", rx.tryReceive());
    s.join();
    assertEquals("a", rx.tryReceive());
    assertEmpty(rx);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 2. the async pair: sendAsync(..).get() on one thread, receiveAsync().get() (or receive()) on another

  public static void asyncPairBounded1() throws Exception {
    Channel<String> ch = Channel.bounded(1);
    String[] a = messages("a", 3);
    Thread s = start("async-sender", () -> {
      for (String m : a) {
        ch.sender().sendAsync(m).get();
      }
    });
    List<String> got = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      got.add(ch.receiver().receiveAsync().get());
    }
    s.join();
    assertEquals(List.of(a), got);
    assertEmpty(ch.receiver());
  }

  public static void asyncSendBlockingReceiveBounded1() throws Exception {
    Channel<String> ch = Channel.bounded(1);
    String[] a = messages("a", 3);
    Thread s = start("async-sender", () -> {
      for (String m : a) {
        ch.sender().sendAsync(m).get();
      }
    });
    List<String> got = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      take(ch.receiver(), got);
    }
    s.join();
    assertEquals(List.of(a), got);
    assertEmpty(ch.receiver());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 3. a pending sendAsync cancelled by a third thread while the receiver takes: the wake must reach the blocking
  //    sender queued behind it (defect 1)

  public static void cancelledSendAsyncPassesTheWake() throws InterruptedException {
    Channel<String> ch = Channel.bounded(1);
    assertTrue(ch.sender().trySend("x"));
    CompletableFuture<Void> f = ch.sender().sendAsync("a"); // pending: the channel is full
    Thread b = start("blocking-sender", blockingSender(ch.sender(), "b"));
    Thread c = start("canceller", () -> f.cancel(false));
    List<String> got = new ArrayList<>();
    take(ch.receiver(), got); // x
    while (!got.contains("b")) {
      take(ch.receiver(), got); // a (if it got in before the cancel), then b: b's sender must be woken
    }
    joinAll(b, c);
    assertTrue(f.isDone(), "cancel returned, so the future is done");
    List<String> expected = new ArrayList<>(List.of("x", "b"));
    if (!f.isCancelled()) {
      expected.add("a");
      if (!got.contains("a")) {
        take(ch.receiver(), got);
      }
    }
    assertLedger(expected, got);
    assertEmpty(ch.receiver());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 4. a timed send and an interrupted send beside a blocking sender

  public static void timedAndInterruptedSends() throws InterruptedException {
    Channel<String> ch = Channel.bounded(1);
    assertTrue(ch.sender().trySend("x"));
    boolean[] timedOk = new boolean[1];
    boolean[] interruptedOk = new boolean[1];
    Thread t = start("timed-sender", () -> timedOk[0] = ch.sender().send("t", 1, TimeUnit.MILLISECONDS));
    Thread i = start("interrupted-sender", () -> {
      try {
        ch.sender().send("i");
        interruptedOk[0] = true;
      } catch (InterruptedException e) {
        interruptedOk[0] = false;
      }
    });
    Thread b = start("blocking-sender", blockingSender(ch.sender(), "b"));
    i.interrupt();
    List<String> got = new ArrayList<>();
    take(ch.receiver(), got); // x
    while (!got.contains("b")) {
      take(ch.receiver(), got);
    }
    joinAll(t, i, b);
    List<String> expected = new ArrayList<>(List.of("x", "b"));
    if (timedOk[0]) {
      expected.add("t");
    }
    if (interruptedOk[0]) {
      expected.add("i");
    }
    while (got.size() < expected.size()) {
      take(ch.receiver(), got);
    }
    assertLedger(expected, got);
    assertEmpty(ch.receiver());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 5. close racing with blocked senders and a blocked receiver

  /** Sends each message (blocking) until the channel is closed; returns the delivered ones. */
  static Body sendUntilClosed(Sender<String> tx, List<String> delivered, String... messages) {
    return () -> {
      for (String m : messages) {
        try {
          tx.send(m);
          delivered.add(m);
        } catch (ChannelClosedException e) {
          assertEquals(m, e.undelivered(), "a failed send hands back its own message");
          return;
        }
      }
    };
  }

  static Body receiveUntilClosed(Receiver<String> rx, List<String> got) {
    return () -> {
      for (;;) {
        try {
          got.add(rx.receive());
        } catch (ChannelClosedException end) {
          assertTrue(rx.isDrained(), "end of stream only when drained");
          return;
        }
      }
    };
  }

  public static void closeRacesBlockedSendersAndReceiver() throws InterruptedException {
    Channel<String> ch = Channel.bounded(1);
    List<String> da = new ArrayList<>();
    List<String> db = new ArrayList<>();
    List<String> got = new ArrayList<>();
    Thread sa = start("sender-a", sendUntilClosed(ch.sender(), da, messages("a", 2)));
    Thread sb = start("sender-b", sendUntilClosed(ch.sender(), db, messages("b", 2)));
    Thread r = start("receiver", receiveUntilClosed(ch.receiver(), got));
    ch.close();
    joinAll(sa, sb, r);
    List<String> delivered = new ArrayList<>(da);
    delivered.addAll(db);
    assertLedger(delivered, got);
    assertTrue(ch.receiver().isDrained());
  }

  public static void closeRacesPendingSendAsync() throws InterruptedException {
    Channel<String> ch = Channel.bounded(1);
    List<String> db = new ArrayList<>();
    List<String> got = new ArrayList<>();
    List<String> da = new ArrayList<>();
    Thread sa = start("async-sender", () -> {
      for (String m : messages("a", 2)) {
        try {
          ch.sender().sendAsync(m).get();
          da.add(m);
        } catch (ExecutionException e) {
          ChannelClosedException c = (ChannelClosedException) e.getCause();
          assertEquals(m, c.undelivered(), "a failed sendAsync hands back its own message");
          return;
        }
      }
    });
    Thread sb = start("sender-b", sendUntilClosed(ch.sender(), db, messages("b", 2)));
    Thread r = start("receiver", receiveUntilClosed(ch.receiver(), got));
    ch.close();
    joinAll(sa, sb, r);
    List<String> delivered = new ArrayList<>(da);
    delivered.addAll(db);
    assertLedger(delivered, got);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 6. a receiver using drainTo (with a sink, and with a sink that throws) beside blocked senders

  public static void drainToWithBlockedSenders() throws InterruptedException {
    Channel<String> ch = Channel.bounded(1);
    String[] a = messages("a", 2);
    String[] b = messages("b", 2);
    Thread sa = start("sender-a", blockingSender(ch.sender(), a));
    Thread sb = start("sender-b", blockingSender(ch.sender(), b));
    List<String> got = new ArrayList<>();
    while (got.size() < 4) {
      if (ch.receiver().drainTo(got) == 0) {
        take(ch.receiver(), got); // nothing there: wait for one
      }
    }
    joinAll(sa, sb);
    assertLedger(concat(a, b), got);
    assertSenderOrder(got, "a");
    assertSenderOrder(got, "b");
    assertEmpty(ch.receiver());
  }

  /** A sink that throws on its second add (once): that message must stay in the channel. */
  static final class ThrowingOnceSink extends ArrayList<String> {
    private int adds;

    @Override
    public boolean add(String m) {
      if (++adds == 2) {
        throw new IllegalStateException("sink refuses " + m);
      }
      return super.add(m);
    }
  }

  public static void drainToThrowingSinkWithBlockedSenders() throws InterruptedException {
    Channel<String> ch = Channel.bounded(2);
    String[] a = messages("a", 2);
    String[] b = messages("b", 2);
    Thread sa = start("sender-a", blockingSender(ch.sender(), a));
    Thread sb = start("sender-b", blockingSender(ch.sender(), b));
    ThrowingOnceSink sink = new ThrowingOnceSink();
    List<String> got = new ArrayList<>();
    int refused = 0;
    while (got.size() + sink.size() < 4) {
      try {
        if (ch.receiver().drainTo(sink) == 0) {
          take(ch.receiver(), got);
        }
      } catch (IllegalStateException expected) {
        assertTrue(expected.getMessage().startsWith("sink refuses"), expected.toString());
        refused++;
      }
    }
    joinAll(sa, sb);
    assertTrue(refused <= 1);
    got.addAll(sink);
    assertLedger(concat(a, b), got);
    assertEmpty(ch.receiver());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 7. select over two channels with a sender on each

  public static void selectOverTwoChannels() throws InterruptedException {
    Channel<String> p = Channel.bounded(1);
    Channel<String> q = Channel.bounded(1);
    String[] a = messages("a", 2);
    String[] b = messages("b", 2);
    Thread sa = start("sender-p", blockingSender(p.sender(), a));
    Thread sb = start("sender-q", blockingSender(q.sender(), b));
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      got.add(new Select<String>().onReceive(p.receiver(), m -> m).onReceive(q.receiver(), m -> m).select());
    }
    joinAll(sa, sb);
    assertLedger(concat(a, b), got);
    assertSenderOrder(got, "a");
    assertSenderOrder(got, "b");
    assertEmpty(p.receiver());
    assertEmpty(q.receiver());
  }

  public static void selectAsyncOverTwoChannels() throws Exception {
    Channel<String> p = Channel.bounded(1);
    Channel<String> q = Channel.bounded(1);
    String[] a = messages("a", 2);
    String[] b = messages("b", 2);
    Thread sa = start("sender-p", blockingSender(p.sender(), a));
    Thread sb = start("sender-q", blockingSender(q.sender(), b));
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      got.add(new Select<String>().onReceive(p.receiver(), m -> m).onReceive(q.receiver(), m -> m).selectAsync().get());
    }
    joinAll(sa, sb);
    assertLedger(concat(a, b), got);
    assertSenderOrder(got, "a");
    assertSenderOrder(got, "b");
    assertEmpty(p.receiver());
    assertEmpty(q.receiver());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 8. dependents of a sendAsync that call back into the channel and its futures (defects 4, 5, 6)

  /**
   * f = sendAsync("a") and g = sendAsync("b") wait on a full bounded(1); f's dependent receives with tryReceive (only
   * when it runs on the receiver's thread: elsewhere it would be a second receive at once), sends "d" with trySend
   * and cancels g. The receiver drains with drainTo, so the room comes from a drain (defect 6: a dependent run inside
   * the drain's claim throws IllegalStateException). A third thread sends "c" with a blocking send.
   */
  public static void sendAsyncDependentCallsBack() throws InterruptedException {
    Channel<String> ch = Channel.bounded(1);
    Thread receiver = Thread.currentThread();
    assertTrue(ch.sender().trySend("x"));
    CompletableFuture<Void> f = ch.sender().sendAsync("a");
    CompletableFuture<Void> g = ch.sender().sendAsync("b");
    List<String> byDependent = new ArrayList<>();
    boolean[] dSent = new boolean[1];
    AtomicReference<Throwable> dependentFailure = new AtomicReference<>();
    CompletableFuture<Void> dep = f.thenRun(() -> {
      try {
        if (Thread.currentThread() == receiver) {
          String m = ch.receiver().tryReceive();
          if (m != null) {
            byDependent.add(m);
          }
        }
        dSent[0] = ch.sender().trySend("d");
        g.cancel(false);
      } catch (Throwable t) {
        dependentFailure.set(t);
      }
    });
    Thread c = start("blocking-sender", blockingSender(ch.sender(), "c"));
    List<String> got = new ArrayList<>();
    while (!(got.contains("a") || byDependent.contains("a")) || !(got.contains("c") || byDependent.contains("c"))) {
      if (ch.receiver().drainTo(got) == 0) {
        take(ch.receiver(), got);
      }
    }
    c.join();
    dep.join(); // "a" was received, so f completes (maybe on c's thread, just after "a" went in) and its dependent runs
    assertTrue(g.isDone(), "f's dependent cancelled g");
    if (dependentFailure.get() != null) {
      throw new AssertionError("f's dependent failed: " + dependentFailure.get(), dependentFailure.get());
    }
    got.addAll(byDependent);
    List<String> expected = new ArrayList<>(List.of("x", "a", "c"));
    if (!g.isCancelled()) {
      expected.add("b");
    }
    if (dSent[0]) {
      expected.add("d");
    }
    while (got.size() < expected.size()) {
      take(ch.receiver(), got);
    }
    assertFalse(f.isCompletedExceptionally());
    assertLedger(expected, got);
    assertEmpty(ch.receiver());
  }

  /**
   * A pending receiveManyAsync batch, and a sendAsync whose dependent cancels that batch (defect 5: the batch's
   * onFirst drains, the drain completes the send future, its dependent cancels the batch and waits for itself).
   */
  public static void sendAsyncDependentCancelsBatch() throws Exception {
    Channel<String> ch = Channel.bounded(1);
    CompletableFuture<List<String>> batch = ch.receiver().receiveManyAsync(4);
    List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    Thread s = start("async-sender", () -> {
      CompletableFuture<Void> f1 = ch.sender().sendAsync("a");
      CompletableFuture<Void> f2 = ch.sender().sendAsync("b");
      f2.thenRun(() -> batch.cancel(false));
      f1.get();
      delivered.add("a");
      f2.get();
      delivered.add("b");
    });
    Thread c = start("blocking-sender", () -> {
      ch.sender().send("c");
      delivered.add("c");
    });
    List<String> got = new ArrayList<>();
    // While the batch is pending, no other receive may run; wait for it to end (a batch, or cancelled).
    try {
      got.addAll(batch.join());
    } catch (java.util.concurrent.CancellationException cancelled) {
      // consumed nothing
    }
    while (got.size() < 3) {
      take(ch.receiver(), got);
    }
    joinAll(s, c);
    assertLedger(List.copyOf(delivered), got);
    assertEmpty(ch.receiver());
  }

  /**
   * A pending selectAsync over (p, q), and a sendAsync on p whose dependent cancels that select (defect 4: the
   * select's take wakes the sender while the select is CLAIMED, and the dependent's cancel spins on that claim).
   */
  public static void sendAsyncDependentCancelsSelect() throws Exception {
    Channel<String> p = Channel.bounded(1);
    Channel<String> q = Channel.bounded(1);
    CompletableFuture<String> sel =
        new Select<String>().onReceive(p.receiver(), m -> m).onReceive(q.receiver(), m -> m).selectAsync();
    Thread s = start("async-sender", () -> {
      CompletableFuture<Void> f1 = p.sender().sendAsync("a");
      CompletableFuture<Void> f2 = p.sender().sendAsync("b");
      f2.thenRun(() -> sel.cancel(false));
      f1.get();
      f2.get();
    });
    Thread t = start("sender-q", blockingSender(q.sender(), "c"));
    List<String> got = new ArrayList<>();
    try {
      got.add(sel.join());
    } catch (java.util.concurrent.CancellationException cancelled) {
      // consumed nothing
    }
    while (got.size() < 3) { // the senders wait for room: receive the rest before joining them
      got.add(new Select<String>().onReceive(p.receiver(), m -> m).onReceive(q.receiver(), m -> m).select());
    }
    joinAll(s, t);
    assertLedger(List.of("a", "b", "c"), got);
    assertEmpty(p.receiver());
    assertEmpty(q.receiver());
  }
}
