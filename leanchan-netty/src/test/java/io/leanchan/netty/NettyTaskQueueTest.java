package io.leanchan.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultEventExecutorChooserFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.RejectedExecutionHandlers;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** leanchan as the task queue of real Netty 4.2 event loops, over loopback (127.0.0.1 only). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NettyTaskQueueTest {
    static final String LOOPBACK = "127.0.0.1";

    static void shutdown(EventLoopGroup... groups) throws InterruptedException {
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
        for (EventLoopGroup g : groups) {
            assertThat(g.terminationFuture().await(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Counts echoed bytes; completes when all came back. */
    static final class Counter extends ChannelInboundHandlerAdapter {
        final long expected;
        final CompletableFuture<Long> done;
        long received;

        Counter(long expected, CompletableFuture<Long> done) {
            this.expected = expected;
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received += ((ByteBuf) msg).readableBytes();
            ReferenceCountUtil.release(msg);
            if (received >= expected) {
                done.complete(received);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }

    static void assertLeanchanLoops(EventLoopGroup group) {
        for (EventExecutor e : group) {
            assertThat(e).isInstanceOf(LeanchanIoEventLoop.class);
            assertThat(((LeanchanIoEventLoop) e).taskQueue()).isNotNull();
            assertThat(((LeanchanIoEventLoop) e).tailTaskQueue()).isNotNull();
        }
    }

    @Test
    void echoServerAndClientOverManyConnections() throws Exception {
        EventLoopGroup boss = new LeanchanIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new LeanchanIoEventLoopGroup(2, NioIoHandler.newFactory());
        EventLoopGroup clients = new LeanchanIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            assertLeanchanLoops(boss);
            assertLeanchanLoops(workers);
            assertLeanchanLoops(clients);
            io.netty.channel.Channel server = new ServerBootstrap().group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new Echo());
                        }
                    })
                    .bind(LOOPBACK, 0).sync().channel();
            InetSocketAddress address = (InetSocketAddress) server.localAddress();
            assertThat(address.getAddress().isLoopbackAddress()).isTrue();

            int connections = 200;
            int writes = 20;
            int size = 256;
            List<CompletableFuture<Long>> done = new ArrayList<>();
            List<io.netty.channel.Channel> channels = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                CompletableFuture<Long> f = new CompletableFuture<>();
                done.add(f);
                Counter counter = new Counter((long) writes * size, f);
                ChannelFuture connect = new Bootstrap().group(clients).channel(NioSocketChannel.class)
                        .handler(counter).connect(address);
                channels.add(connect.sync().channel());
            }
            // Every write below comes from the test thread, outside the loops: Netty turns each into a task on the
            // channel's event loop, through its leanchan task queue.
            byte[] payload = new byte[size];
            for (int w = 0; w < writes; w++) {
                for (io.netty.channel.Channel ch : channels) {
                    ch.writeAndFlush(Unpooled.wrappedBuffer(payload));
                }
            }
            long total = 0;
            for (CompletableFuture<Long> f : done) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo((long) connections * writes * size);
            for (io.netty.channel.Channel ch : channels) {
                ch.close().await(10, TimeUnit.SECONDS);
            }
            server.close().await(10, TimeUnit.SECONDS);
        } finally {
            shutdown(clients, workers, boss);
        }
    }

    @Test
    void tasksFromManyOutsideThreadsAllRunInOrderPerSubmitter() throws Exception {
        EventLoopGroup group = new LeanchanIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            int submitters = 4;
            int perSubmitter = 20_000;
            LongAdder ran = new LongAdder();
            AtomicInteger disorder = new AtomicInteger();
            int[][] next = new int[2][submitters]; // per loop, per submitter: only that loop's thread touches its row
            List<EventExecutor> loops = new ArrayList<>();
            group.forEach(loops::add);
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < submitters; s++) {
                int submitter = s;
                Thread t = new Thread(() -> {
                    for (int i = 0; i < perSubmitter; i++) {
                        int loop = i & 1;
                        int seq = i >> 1;
                        loops.get(loop).execute(() -> {
                            if (next[loop][submitter] != seq) {
                                disorder.incrementAndGet();
                            }
                            next[loop][submitter] = seq + 1;
                            ran.increment();
                        });
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(30_000);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ran.sum() < (long) submitters * perSubmitter && System.nanoTime() - deadline < 0) {
                Thread.sleep(2);
            }
            assertThat(ran.sum()).isEqualTo((long) submitters * perSubmitter);
            assertThat(disorder.get()).isZero();
            for (EventExecutor loop : loops) {
                assertThat(((LeanchanIoEventLoop) loop).pendingTasks()).isZero();
            }
        } finally {
            shutdown(group);
        }
    }

    @Test
    void gracefulShutdownRunsTheTasksPendingAndThenRejects() throws Exception {
        EventLoopGroup group = new LeanchanIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoop loop = group.next();
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            try {
                release.await(20, TimeUnit.SECONDS); // hold the loop so that the tasks below stay queued
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicLong ran = new AtomicLong();
        int pending = 10_000;
        for (int i = 0; i < pending; i++) {
            loop.execute(ran::incrementAndGet);
        }
        AtomicLong tail = new AtomicLong();
        ((io.netty.channel.SingleThreadEventLoop) loop).executeAfterEventLoopIteration(tail::incrementAndGet);
        assertThat(((LeanchanIoEventLoop) loop).pendingTasks()).isGreaterThanOrEqualTo(pending);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        release.countDown();
        assertThat(group.terminationFuture().await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(ran.get()).isEqualTo(pending);
        assertThat(tail.get()).isEqualTo(1);
        assertThatThrownBy(() -> loop.execute(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aBoundedTaskQueueRejectsWhatDoesNotFit() throws Exception {
        EventLoopGroup group = new LeanchanIoEventLoopGroup(1, null, NioIoHandler.newFactory(), 16,
                RejectedExecutionHandlers.reject());
        try {
            LeanchanIoEventLoop loop = (LeanchanIoEventLoop) group.next();
            assertThat(loop.taskQueue().remainingCapacity()).isEqualTo(16);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> {
                entered.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            AtomicInteger ran = new AtomicInteger();
            int accepted = 0;
            int rejected = 0;
            for (int i = 0; i < 40; i++) {
                try {
                    loop.execute(ran::incrementAndGet);
                    accepted++;
                } catch (RejectedExecutionException full) {
                    rejected++;
                }
            }
            assertThat(accepted).isEqualTo(16);
            assertThat(rejected).isEqualTo(24);
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ran.get() < 16 && System.nanoTime() - deadline < 0) {
                Thread.sleep(2);
            }
            assertThat(ran.get()).isEqualTo(16);
        } finally {
            shutdown(group);
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void theDeprecatedTaskQueueFactoryHookOfNioEventLoopGroup() throws Exception {
        AtomicInteger queues = new AtomicInteger();
        io.netty.channel.EventLoopTaskQueueFactory counting = max -> {
            queues.incrementAndGet();
            Queue<Runnable> q = LeanchanTaskQueueFactory.INSTANCE.newTaskQueue(max);
            assertThat(q.getClass().getName()).startsWith("io.leanchan."); // the channel's BlockingQueue view
            return q;
        };
        EventLoopGroup group = new NioEventLoopGroup(2, null, DefaultEventExecutorChooserFactory.INSTANCE,
                SelectorProvider.provider(), DefaultSelectStrategyFactory.INSTANCE, RejectedExecutionHandlers.reject(),
                counting, counting);
        EventLoopGroup clients = new LeanchanIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertThat(queues.get()).isEqualTo(4); // a task queue and a tail-task queue per loop
            io.netty.channel.Channel server = new ServerBootstrap().group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new Echo())
                    .bind(LOOPBACK, 0).sync().channel();
            CompletableFuture<Long> done = new CompletableFuture<>();
            io.netty.channel.Channel client = new Bootstrap().group(clients).channel(NioSocketChannel.class)
                    .handler(new Counter(10 * 1024, done)).connect(server.localAddress()).sync().channel();
            for (int i = 0; i < 10; i++) {
                client.writeAndFlush(Unpooled.wrappedBuffer(new byte[1024]));
            }
            assertThat(done.get(20, TimeUnit.SECONDS)).isEqualTo(10 * 1024L);
            client.close().await(10, TimeUnit.SECONDS);
            server.close().await(10, TimeUnit.SECONDS);
        } finally {
            shutdown(clients, group);
        }
    }

    @Test
    void queueContractAsNettyUsesIt() {
        java.util.concurrent.BlockingQueue<Runnable> q = LeanchanTaskQueueFactory.INSTANCE.newTaskQueue(2);
        Runnable a = () -> { };
        Runnable b = () -> { };
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.offer(a)).isTrue();
        assertThat(q.offer(b)).isTrue();
        assertThat(q.offer(a)).isFalse();
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.size()).isEqualTo(2);
        assertThat(q.peek()).isSameAs(a);
        assertThat(q.offer(a)).isFalse(); // a real peek takes nothing
        assertThat(q.poll()).isSameAs(a);
        assertThat(q.poll()).isSameAs(b);
        assertThat(q.poll()).isNull();
        assertThat(q.isEmpty()).isTrue();
        // Netty's execute() tries remove(task) when it races with a shutdown and catches exactly this:
        assertThatThrownBy(() -> q.remove(a)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(LeanchanTaskQueueFactory.INSTANCE.newTaskQueue(Integer.MAX_VALUE).remainingCapacity())
                .isEqualTo(Integer.MAX_VALUE);
        assertThat(q.remainingCapacity()).isEqualTo(2);
    }
}
