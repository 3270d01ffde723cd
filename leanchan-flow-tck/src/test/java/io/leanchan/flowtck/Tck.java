package io.leanchan.flowtck;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Flows;
import org.reactivestreams.tck.TestEnvironment;

import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/** What the TCK classes share: the environment's timeouts and the publishers under test. */
final class Tck {
    /**
     * How long the TCK waits for an expected signal (its default is 100 ms): 2 shared cores, a parallel build and a
     * virtual-thread producer need more. -Dleanchan.tck.timeout=ms overrides it.
     */
    static final long TIMEOUT_MS = Long.getLong("leanchan.tck.timeout", 1_000);
    /** How long the TCK waits to be sure that no signal comes. */
    static final long NO_SIGNALS_MS = Long.getLong("leanchan.tck.noSignals", 100);
    /** Up to this many elements a publisher's channel is filled and closed before it is returned. */
    static final long PREFILLED = 1_024;

    private Tck() {
    }

    static TestEnvironment env() {
        return new TestEnvironment(TIMEOUT_MS, NO_SIGNALS_MS);
    }

    /**
     * A publisher of exactly {@code elements} messages (0, 1, ...) followed by the end of the stream. Up to
     * {@link #PREFILLED} the channel holds them all before the publisher exists; beyond (the TCK's "infinite"
     * streams, Long.MAX_VALUE - 1) a virtual thread sends them into a bounded(16) channel, and gives up once a send has
     * waited a second (the subscriber cancelled: cancel leaves the channel open, by design, so nothing else tells the
     * producer).
     */
    static Flow.Publisher<Long> publisher(long elements, Executor executor) {
        Channel<Long> ch;
        if (elements <= PREFILLED) {
            ch = Channel.unbounded();
            for (long i = 0; i < elements; i++) {
                ch.sender().trySend(i);
            }
            ch.close();
        } else {
            ch = Channel.bounded(16);
            Channel<Long> c = ch;
            Thread.ofVirtual().name("tck-producer").start(() -> {
                try {
                    for (long i = 0; i < elements; i++) {
                        if (!c.sender().send(i, 1, TimeUnit.SECONDS)) {
                            return;
                        }
                    }
                    c.close();
                } catch (InterruptedException | ChannelClosedException e) {
                    // stop
                }
            });
        }
        return executor == null ? Flows.publisher(ch.receiver()) : Flows.publisher(ch.receiver(), executor);
    }

    /**
     * A publisher that fails every subscriber: one that already has its one subscriber. A subscriber gets
     * onSubscribe, then onError(IllegalStateException) (rules 1.9, 2.13).
     */
    static Flow.Publisher<Long> failed(Executor executor) {
        Channel<Long> ch = Channel.unbounded();
        Flow.Publisher<Long> pub = executor == null ? Flows.publisher(ch.receiver())
                : Flows.publisher(ch.receiver(), executor);
        pub.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
            }

            @Override
            public void onNext(Long item) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        return pub;
    }
}
