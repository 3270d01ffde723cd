package io.leanchan;

import io.leanchan.FeatureSupport.Worker;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 25: the reclaimer (io.leanchan.internal.Reclaimer) gives an idle channel's kept ring back while its consumer
 * keeps calling: it must never make a receive fail, wait for long, lose or duplicate a message. Bursts of 1,024 with
 * pauses longer than the reclaimer's quiet time (400 ms), so that it gives the ring back between bursts, beside a
 * consumer that polls, one that waits with timeouts, one that alternates receiveAsync and drainTo. FootprintTest
 * asserts the idle size itself (F0-idle).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReclaimerTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"poll", "timed", "async-and-drain"})
    void receivesBesideTheReclaimerNeverFailAndLoseNothing(String consumer) throws Exception {
        Channel<Integer> ch = Channel.bounded(1024);
        int bursts = 4;
        int each = 1024;
        AtomicBoolean done = new AtomicBoolean();
        Worker sender = Worker.start("bursts", () -> {
            for (int b = 0; b < bursts; b++) {
                for (int i = 0; i < each; i++) {
                    ch.sender().send(b * each + i);
                }
                Thread.sleep(600); // quiet for longer than the reclaimer's 400 ms
            }
            done.set(true);
        });
        List<Integer> got = new ArrayList<>();
        List<Integer> batch = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int round = 0;
        while (got.size() < bursts * each) {
            assertThat(System.nanoTime()).as("received %d", got.size()).isLessThan(deadline);
            switch (consumer) {
                case "poll": {
                    Integer e = ch.receiver().tryReceive(); // throws IllegalStateException if the reclaimer broke it
                    if (e != null) {
                        got.add(e);
                    } else {
                        // an event loop with other work: too few empty polls for the retention policy to give the
                        // ring back by itself within 400 ms, so the reclaimer does it, beside these polls
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                    }
                    break;
                }
                case "timed": {
                    Integer e = ch.receiver().receive(5, TimeUnit.MILLISECONDS);
                    if (e != null) {
                        got.add(e);
                    }
                    break;
                }
                default: {
                    if ((round++ & 1) == 0) {
                        got.add(ch.receiver().receiveAsync().get(10, TimeUnit.SECONDS));
                    } else {
                        batch.clear();
                        ch.receiver().drainTo(batch, 64);
                        got.addAll(batch);
                    }
                }
            }
        }
        sender.finish();
        for (int i = 0; i < bursts * each; i++) {
            assertThat(got.get(i)).isEqualTo(i);
        }
        assertThat(ch.receiver().tryReceive()).isNull();
    }
}
