package io.leanchan.bench;

import java.util.concurrent.TimeUnit;

/**
 * Two channels and an echo thread: the caller puts a message into {@code ping} and takes the reply from
 * {@code pong}; the echo thread takes from {@code ping} and puts into {@code pong}. Both sides block (park)
 * when there is nothing to take. Used by the JMH ping-pong benchmarks and by {@link LatencyHarness}.
 */
final class PingPong implements AutoCloseable {
    static final Integer MSG = 777;

    final BlockingPipe ping;
    final BlockingPipe pong;
    final Thread echo;

    PingPong(BlockingSubject subject, boolean virtual) {
        ping = subject.create();
        pong = subject.create();
        Runnable loop = () -> {
            try {
                for (;;) {
                    pong.put(ping.take());
                }
            } catch (InterruptedException | IllegalStateException e) {
                // closed or interrupted: the run is over
            }
        };
        echo = (virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true)).name("echo").start(loop);
    }

    Object roundTrip() throws InterruptedException {
        ping.put(MSG);
        return pong.take();
    }

    @Override
    public void close() throws InterruptedException {
        ping.close();
        echo.interrupt();
        echo.join(TimeUnit.SECONDS.toMillis(5));
    }
}
