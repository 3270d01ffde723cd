package io.leanchan.flowtck;

import org.reactivestreams.tck.flow.FlowPublisherVerification;

import java.util.concurrent.Flow;

/** The Reactive Streams TCK on {@code Flows.publisher(receiver)}: signals run in the calling threads. */
public class ReceiverPublisherTckTest extends FlowPublisherVerification<Long> {

    public ReceiverPublisherTckTest() {
        super(Tck.env(), 1_000);
    }

    @Override
    public Flow.Publisher<Long> createFlowPublisher(long elements) {
        return Tck.publisher(elements, null);
    }

    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        return Tck.failed(null);
    }
}
