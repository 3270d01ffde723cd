package io.leanchan.netty;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.Executor;

/**
 * A Netty 4.2 {@link MultiThreadIoEventLoopGroup} whose event loops ({@link LeanchanIoEventLoop}) keep their tasks
 * in leanchan channels. Use it wherever a {@code MultiThreadIoEventLoopGroup} goes:
 *
 * <pre>{@code
 * EventLoopGroup group = new LeanchanIoEventLoopGroup(NioIoHandler.newFactory());   // or 2 * cores threads:
 * EventLoopGroup workers = new LeanchanIoEventLoopGroup(4, NioIoHandler.newFactory());
 * new ServerBootstrap().group(group, workers).channel(NioServerSocketChannel.class)...
 * }</pre>
 *
 * Works with any {@link IoHandlerFactory} (NIO, epoll, io_uring, kqueue, local).
 */
public class LeanchanIoEventLoopGroup extends MultiThreadIoEventLoopGroup {

    /** Netty's default number of threads (twice the cores, or {@code io.netty.eventLoopThreads}) and task limit. */
    public LeanchanIoEventLoopGroup(IoHandlerFactory ioHandlerFactory) {
        this(0, ioHandlerFactory);
    }

    /** {@code nThreads} loops (0: Netty's default); Netty's default task limit ({@code io.netty.eventLoop.maxPendingTasks}). */
    public LeanchanIoEventLoopGroup(int nThreads, IoHandlerFactory ioHandlerFactory) {
        super(nThreads, (Executor) null, ioHandlerFactory);
    }

    /**
     * Loops whose task queues hold at most {@code maxPendingTasks} tasks each; a task that does not fit goes to
     * {@code rejectedExecutionHandler} ({@code RejectedExecutionHandlers.reject()} throws
     * {@code RejectedExecutionException}). A {@code null} executor means Netty's default (a thread per loop).
     */
    public LeanchanIoEventLoopGroup(int nThreads, Executor executor, IoHandlerFactory ioHandlerFactory,
            int maxPendingTasks, RejectedExecutionHandler rejectedExecutionHandler) {
        super(nThreads, executor, ioHandlerFactory, maxPendingTasks, rejectedExecutionHandler);
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
        if (args.length == 0) { // Netty's defaults: io.netty.eventLoop.maxPendingTasks (unbounded), reject when full
            return new LeanchanIoEventLoop(this, executor, ioHandlerFactory);
        }
        int maxPendingTasks = (Integer) args[0];
        RejectedExecutionHandler rejected = (RejectedExecutionHandler) args[1];
        return new LeanchanIoEventLoop(this, executor, ioHandlerFactory, maxPendingTasks, rejected, 0);
    }
}
