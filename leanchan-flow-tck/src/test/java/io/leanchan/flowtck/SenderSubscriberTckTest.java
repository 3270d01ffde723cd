package io.leanchan.flowtck;

import io.leanchan.Channel;
import io.leanchan.Flows;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;

import java.util.concurrent.Flow;

/**
 * The Reactive Streams TCK (blackbox) on {@code Flows.subscriber(sender, 4)} feeding a bounded(2) channel that a
 * virtual thread drains until the end of the stream, so that both the direct send and the send that waits for room
 * (sendAsync) are exercised.
 */
public class SenderSubscriberTckTest extends FlowSubscriberBlackboxVerification<Integer> {

    public SenderSubscriberTckTest() {
        super(Tck.env());
    }

    @Override
    public Flow.Subscriber<Integer> createFlowSubscriber() {
        Channel<Integer> ch = Channel.bounded(2);
        Thread.ofVirtual().name("tck-consumer").start(() -> {
            for (Integer ignored : ch.receiver()) {
                Thread.onSpinWait();
            }
        });
        return Flows.subscriber(ch.sender(), 4);
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }
}
