package io.leanchan.netty;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.RejectedExecutionHandler;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;

/**
 * Netty 4.2's {@link SingleThreadIoEventLoop} with leanchan task queues ({@link LeanchanTaskQueueFactory}): both the
 * task queue and the tail-task queue come from {@link #newTaskQueue(int)}, Netty's hook for them. Everything else (I/O through the
 * {@link IoHandlerFactory}, scheduling, shutdown) is Netty's.
 */
public class LeanchanIoEventLoop extends SingleThreadIoEventLoop {
    // Assigned by newTaskQueue, which Netty's constructors call: no initializer, or it would be reset after them.
    private BlockingQueue<Runnable> taskQueue;
    private BlockingQueue<Runnable> tailTaskQueue;

    public LeanchanIoEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory) {
        super(parent, executor, ioHandlerFactory);
    }

    public LeanchanIoEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory,
            int maxPendingTasks, RejectedExecutionHandler rejectedExecutionHandler, long maxTaskProcessingQuantumMs) {
        super(parent, executor, ioHandlerFactory, maxPendingTasks, rejectedExecutionHandler, maxTaskProcessingQuantumMs);
    }

    @Override
    protected Queue<Runnable> newTaskQueue(int maxPendingTasks) {
        BlockingQueue<Runnable> q = LeanchanTaskQueueFactory.INSTANCE.newTaskQueue(maxPendingTasks);
        if (taskQueue == null) {
            taskQueue = q;
        } else if (tailTaskQueue == null) {
            tailTaskQueue = q;
        }
        return q;
    }

    /** The loop's task queue, for diagnostics and tests (its size is a snapshot; do not poll it). */
    BlockingQueue<Runnable> taskQueue() {
        return taskQueue;
    }

    /** The loop's tail-task queue ({@code executeAfterEventLoopIteration}), for diagnostics and tests. */
    BlockingQueue<Runnable> tailTaskQueue() {
        return tailTaskQueue;
    }
}
