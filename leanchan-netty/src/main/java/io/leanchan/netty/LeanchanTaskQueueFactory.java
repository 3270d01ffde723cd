package io.leanchan.netty;

import io.netty.channel.EventLoopTaskQueueFactory;
import java.util.Queue;

/**
 * leanchan task queues for the event loop groups that still take an {@link EventLoopTaskQueueFactory} (Netty 4.1's
 * hook, deprecated in 4.2 but honoured by its {@code NioEventLoopGroup}, {@code EpollEventLoopGroup} and
 * {@code KQueueEventLoopGroup} constructors). On Netty 4.2 prefer {@link LeanchanIoEventLoopGroup}.
 *
 * <pre>{@code
 * new NioEventLoopGroup(n, null, DefaultEventExecutorChooserFactory.INSTANCE, SelectorProvider.provider(),
 *         DefaultSelectStrategyFactory.INSTANCE, RejectedExecutionHandlers.reject(),
 *         LeanchanTaskQueueFactory.INSTANCE, LeanchanTaskQueueFactory.INSTANCE);
 * }</pre>
 */
@SuppressWarnings("deprecation")
public final class LeanchanTaskQueueFactory implements EventLoopTaskQueueFactory {
    public static final LeanchanTaskQueueFactory INSTANCE = new LeanchanTaskQueueFactory();

    private LeanchanTaskQueueFactory() {
    }

    @Override
    public Queue<Runnable> newTaskQueue(int maxCapacity) {
        return LeanchanTaskQueue.of(maxCapacity);
    }
}
