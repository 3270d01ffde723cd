package io.leanchan.netty;

import io.leanchan.Channel;
import io.netty.channel.EventLoopTaskQueueFactory;
import java.util.concurrent.BlockingQueue;

/**
 * leanchan task queues: {@link Channel#asBlockingQueue()} views of leanchan channels, unbounded for Netty's
 * {@code Integer.MAX_VALUE}, bounded otherwise. An idle one holds no storage for tasks (Netty's default, a JCTools
 * unbounded MPSC queue, allocates a 1,024-slot chunk with every loop), and a drained one gives back what a burst of
 * tasks made it grow.
 *
 * <p>{@link LeanchanIoEventLoop} uses it for Netty 4.2's loops. It is also an {@link EventLoopTaskQueueFactory},
 * Netty 4.1's hook, deprecated in 4.2 but honoured by its {@code NioEventLoopGroup}, {@code EpollEventLoopGroup} and
 * {@code KQueueEventLoopGroup} constructors:
 *
 * <pre>{@code
 * new NioEventLoopGroup(n, null, DefaultEventExecutorChooserFactory.INSTANCE, SelectorProvider.provider(),
 *         DefaultSelectStrategyFactory.INSTANCE, RejectedExecutionHandlers.reject(),
 *         LeanchanTaskQueueFactory.INSTANCE, LeanchanTaskQueueFactory.INSTANCE);
 * }</pre>
 *
 * <h2>How Netty uses the queue</h2>
 * Any thread offers; the event loop polls, peeks and asks {@code isEmpty} (Netty asserts {@code inEventLoop()} around
 * them), which is the channel's "one receive at a time"; a loop that changes threads (4.2's suspension) gets the
 * happens-before from Netty's state transitions. {@code pendingTasks()} ({@code size}) is a snapshot from any thread.
 * {@code remove(Object)} and iteration throw {@link UnsupportedOperationException}, as JCTools' queues do: Netty
 * expects it (a task submitted while the loop shuts down cannot be withdrawn; it is run or logged at termination).
 */
@SuppressWarnings("deprecation")
public final class LeanchanTaskQueueFactory implements EventLoopTaskQueueFactory {
    public static final LeanchanTaskQueueFactory INSTANCE = new LeanchanTaskQueueFactory();

    private LeanchanTaskQueueFactory() {
    }

    /** A leanchan task queue of at most {@code maxCapacity} tasks; {@link Integer#MAX_VALUE} means unbounded. */
    @Override
    public BlockingQueue<Runnable> newTaskQueue(int maxCapacity) {
        Channel<Runnable> channel = maxCapacity == Integer.MAX_VALUE ? Channel.unbounded() : Channel.bounded(maxCapacity);
        return channel.asBlockingQueue();
    }
}
