package io.leanchan.stress.fray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leanchan.Channel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Fray runs at all: one blocking sender and one blocking receiver on bounded(1). */
@Tag("fray")
class FraySmokeTest {

  @Test
  void smoke() {
    Fray.explore(FraySmokeTest.class, "pingPong", 20);
  }

  public static void pingPong() throws Exception {
    Channel<Integer> ch = Channel.bounded(1);
    Thread s = new Thread(() -> {
      try {
        ch.sender().send(1);
        ch.sender().send(2);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    s.start();
    int a = ch.receiver().receive();
    int b = ch.receiver().receive();
    s.join();
    assertEquals(1, a);
    assertEquals(2, b);
  }
}
