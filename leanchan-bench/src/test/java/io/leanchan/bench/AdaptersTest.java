package io.leanchan.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Every subject behaves as the benchmarks assume: FIFO, null when empty, false when full. */
class AdaptersTest {

    @ParameterizedTest
    @EnumSource(Subject.class)
    void pipeIsFifoAndReportsEmptyAndFull(Subject s) {
        Pipe p = s.create();
        assertThat(p.poll()).isNull();
        for (int i = 0; i < 3; i++) {
            assertThat(p.offer(i)).isTrue();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(p.poll()).isEqualTo(i);
        }
        assertThat(p.poll()).isNull();
        int room = s.capacity == Integer.MAX_VALUE ? 5000 : s.capacity;
        for (int i = 0; i < room; i++) {
            assertThat(p.offer(i)).as("offer %d of %d", i, room).isTrue();
        }
        if (s.capacity != Integer.MAX_VALUE) {
            assertThat(p.offer(-1)).as("full at capacity %d", s.capacity).isFalse();
        }
        for (int i = 0; i < room; i++) {
            assertThat(p.poll()).isEqualTo(i);
        }
        assertThat(p.poll()).isNull();
    }

    @ParameterizedTest
    @EnumSource(BlockingSubject.class)
    void pingPongRoundTripsOnPlatformAndVirtualThreads(BlockingSubject s) throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            PingPong pp = new PingPong(s, virtual);
            try {
                for (int i = 0; i < 1000; i++) {
                    assertThat(pp.roundTrip()).isSameAs(PingPong.MSG);
                }
            } finally {
                pp.close();
            }
            assertThat(pp.echo.isAlive()).as("echo thread ends on close").isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(AsyncSubject.class)
    void asyncRoundTripCompletesInline(AsyncSubject s) {
        AsyncBench b = new AsyncBench();
        b.subject = s;
        b.create();
        for (int i = 0; i < 1000; i++) {
            assertThat(b.roundTrip()).isSameAs(AsyncBench.MSG);
        }
        // A receive registered first is completed by a later send; a message sent first is received at once.
        AsyncPipe p = s.create();
        CompletableFuture<Object> r = p.receiveAsync();
        assertThat(r).isNotDone();
        assertThat(p.sendAsync("a")).isCompleted();
        assertThat(r).isCompletedWithValue("a");
        p.sendAsync("b");
        assertThat(p.receiveAsync()).isCompletedWithValue("b");
    }

    @Test
    void kotlinxMethodHandlesReachTheMangledMethods() {
        Pipe p = Subject.KOTLINX_1024.create();
        assertThat(p.offer("x")).isTrue();
        assertThat(p.poll()).isEqualTo("x");
        assertThat(p.poll()).isNull();
    }
}
