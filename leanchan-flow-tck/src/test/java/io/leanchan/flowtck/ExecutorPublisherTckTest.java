package io.leanchan.flowtck;

import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;

/** The Reactive Streams TCK on {@code Flows.publisher(receiver, executor)}: signals run in a pool of 4 threads. */
public class ExecutorPublisherTckTest extends FlowPublisherVerification<Long> {
    private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "tck-signals");
        t.setDaemon(true);
        return t;
    });

    public ExecutorPublisherTckTest() {
        super(Tck.env(), 1_000);
    }

    @AfterClass
    public void shutdown() {
        pool.shutdownNow();
    }

    @Override
    public Flow.Publisher<Long> createFlowPublisher(long elements) {
        return Tck.publisher(elements, pool);
    }

    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        return Tck.failed(pool);
    }
}
