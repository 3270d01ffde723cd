package io.leanchan.lab;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;
import kotlinx.coroutines.channels.BufferOverflow;
import kotlinx.coroutines.channels.ChannelKt;
import kotlinx.coroutines.channels.ChannelResult;
import kotlinx.coroutines.channels.ReceiveChannel;
import kotlinx.coroutines.channels.SendChannel;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.MpscChunkedArrayQueue;
import org.jctools.queues.MpscGrowableArrayQueue;
import org.jctools.queues.MpscLinkedQueue;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;
import org.jctools.queues.unpadded.MpscUnpaddedArrayQueue;
import com.softwaremill.jox.ChannelClosed;
import com.softwaremill.jox.Select;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.function.IntFunction;

/** The subjects the lab knows by name, and user-named {@link Queue} classes. */
public final class Subjects {

    /** JCTools' unbounded queue is measured with the chunk size Netty's event loops use. */
    public static final int JCTOOLS_UNBOUNDED_CHUNK = 1024;

    private static final Map<String, Subject> BUILT_IN = new LinkedHashMap<>();

    static {
        add(new LeanchanSubject(true));
        add(new LeanchanSubject(false));
        add(queue("ArrayBlockingQueue", true, ArrayBlockingQueue::new, c -> "new ArrayBlockingQueue<>(" + c + ")"));
        add(queue("LinkedBlockingQueue", true, LinkedBlockingQueue::new, c -> "new LinkedBlockingQueue<>(" + c + ")"));
        add(queue("ConcurrentLinkedQueue", false, c -> new ConcurrentLinkedQueue<>(), c -> "new ConcurrentLinkedQueue<>()"));
        add(queue("LinkedTransferQueue", false, c -> new LinkedTransferQueue<>(), c -> "new LinkedTransferQueue<>()"));
        add(queue("MpscArrayQueue", true, MpscArrayQueue::new,
                c -> "new MpscArrayQueue<>(" + c + "): one array of " + pow2(c) + " slots (power of two), preallocated"));
        add(queue("MpscChunkedArrayQueue", true, c -> new MpscChunkedArrayQueue<>(Math.max(4, c)),
                c -> "new MpscChunkedArrayQueue<>(" + Math.max(4, c) + "): JCTools' default chunk of "
                        + chunkedChunk(Math.max(4, c)) + " slots = max(8, min(1024, pow2(cap/8))); chunks linked as needed"
                        + (c < 4 ? "; JCTools' minimum capacity is 4" : "")));
        add(queue("MpscGrowableArrayQueue", true, c -> new MpscGrowableArrayQueue<>(Math.max(4, c)),
                c -> "new MpscGrowableArrayQueue<>(" + Math.max(4, c) + "): JCTools' default initial size of "
                        + growableInitial(Math.max(4, c)) + " slots = max(2, pow2(cap/8)), doubles up to pow2(cap), never shrinks"
                        + (c < 4 ? "; JCTools' minimum capacity is 4" : "")));
        add(queue("MpscUnboundedArrayQueue", false, c -> new MpscUnboundedArrayQueue<>(JCTOOLS_UNBOUNDED_CHUNK),
                c -> "new MpscUnboundedArrayQueue<>(" + JCTOOLS_UNBOUNDED_CHUNK + "): chunk size as in Netty's event loops"));
        add(queue("MpscUnpaddedArrayQueue", true, MpscUnpaddedArrayQueue::new,
                c -> "new org.jctools.queues.unpadded.MpscUnpaddedArrayQueue<>(" + c + "): MpscArrayQueue without the"
                        + " padding; one array of " + pow2(c) + " slots (power of two), preallocated"));
        add(queue("MpscUnboundedXaddArrayQueue", false, c -> new MpscUnboundedXaddArrayQueue<>(JCTOOLS_UNBOUNDED_CHUNK),
                c -> "new MpscUnboundedXaddArrayQueue<>(" + JCTOOLS_UNBOUNDED_CHUNK + "): chunks of "
                        + JCTOOLS_UNBOUNDED_CHUNK + " slots (as in the benchmarks), up to 2 spare chunks pooled (JCTools' default)"));
        add(queue("MpscLinkedQueue", false, c -> new MpscLinkedQueue<>(), c -> "new MpscLinkedQueue<>()"));
        add(queue("ManyToOneConcurrentArrayQueue", true, ManyToOneConcurrentArrayQueue::new,
                c -> "Agrona new ManyToOneConcurrentArrayQueue<>(" + c + "): one array of " + pow2(c) + " slots, preallocated"));
        add(new KotlinxSubject());
        add(new DisruptorSubject());
        add(new JoxSubject(true));
        add(new JoxSubject(false));
    }

    private Subjects() {
    }

    private static void add(Subject s) {
        BUILT_IN.put(s.name().toLowerCase(Locale.ROOT), s);
    }

    /** The built-in subjects, in the order the lab prints them. */
    public static List<Subject> builtIn() {
        return new ArrayList<>(BUILT_IN.values());
    }

    /** The built-in subject names. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Subject s : BUILT_IN.values()) {
            out.add(s.name());
        }
        return out;
    }

    /**
     * Resolves a subject: a built-in name (case-insensitive) or the binary name of a {@link Queue} class with a
     * public (int) or no-arg constructor, loaded through {@code loader}.
     *
     * @throws IllegalArgumentException with a one-line message if the name does not resolve
     */
    public static Subject resolve(String name, ClassLoader loader) {
        Subject s = BUILT_IN.get(name.toLowerCase(Locale.ROOT));
        if (s != null) {
            return s;
        }
        if (!name.contains(".")) {
            throw new IllegalArgumentException("unknown subject '" + name + "' (known: " + String.join(", ", names())
                    + "; or a fully qualified java.util.Queue class name)");
        }
        Class<?> c;
        try {
            c = Class.forName(name, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("unknown subject '" + name + "': class not found on the class path"
                    + " (add jars with --classpath)");
        }
        return userQueue(c);
    }

    /** A subject for a user's {@link Queue} class: its (int) constructor gets the capacity, else its no-arg one. */
    public static Subject userQueue(Class<?> c) {
        if (!Queue.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("subject '" + c.getName() + "' is not a java.util.Queue");
        }
        if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
            throw new IllegalArgumentException("subject '" + c.getName() + "' is abstract");
        }
        Constructor<?> withInt = null;
        Constructor<?> noArg = null;
        for (Constructor<?> k : c.getConstructors()) {
            if (k.getParameterCount() == 1 && k.getParameterTypes()[0] == int.class) {
                withInt = k;
            } else if (k.getParameterCount() == 0) {
                noArg = k;
            }
        }
        if (withInt == null && noArg == null) {
            throw new IllegalArgumentException("subject '" + c.getName() + "' has no public (int) or no-arg constructor");
        }
        final Constructor<?> k = withInt != null ? withInt : noArg;
        final boolean takesInt = withInt != null;
        String simple = c.getName();
        return queue(simple, takesInt, cap -> {
            try {
                return (Queue<Object>) (takesInt ? k.newInstance(cap) : k.newInstance());
            } catch (ReflectiveOperationException e) {
                Throwable t = e.getCause() != null ? e.getCause() : e;
                throw new IllegalArgumentException("cannot create " + c.getName() + ": " + t, t);
            }
        }, cap -> "new " + c.getName() + (takesInt ? "(" + cap + ")" : "()")
                + (takesInt ? "; the (int) constructor got the capacity" : "; no-arg constructor, capacity = messages per fill"));
    }

    static int pow2(int c) {
        return c <= 1 ? 1 : Integer.highestOneBit(c - 1) << 1;
    }

    private static int chunkedChunk(int cap) {
        return Math.max(Math.min(pow2(cap / 8), 1024), 8);
    }

    private static int growableInitial(int cap) {
        return Math.max(pow2(cap / 8), 2);
    }

    @SuppressWarnings("unchecked")
    static Subject queue(String name, boolean bounded, IntFunction<? extends Queue<?>> factory, IntFunction<String> config) {
        return new Subject() {
            private String waits;

            @Override
            public String waits() {
                if (waits == null) {
                    boolean blocking;
                    try {
                        blocking = factory.apply(16) instanceof BlockingQueue;
                    } catch (RuntimeException e) {
                        blocking = false;
                    }
                    waits = blocking ? "BlockingQueue.poll(timeout)" : "cannot wait (not a BlockingQueue): poll()";
                }
                return waits;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean bounded() {
                return bounded;
            }

            @Override
            public String config(int capacity) {
                return config.apply(capacity);
            }

            @Override
            public Instance create(int capacity) {
                return new QueueInstance((Queue<Object>) factory.apply(capacity));
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    /** Any {@link Queue}: offer and poll. */
    static final class QueueInstance implements Subject.Instance {
        final Queue<Object> q;

        QueueInstance(Queue<Object> q) {
            this.q = q;
        }

        @Override
        public Object[] roots() {
            return new Object[]{q};
        }

        @Override
        public boolean offer(Object message) {
            return q.offer(message);
        }

        @Override
        public Object poll() {
            return q.poll();
        }

        @Override
        public Object pollWaiting(long millis) throws InterruptedException {
            return q instanceof BlockingQueue<Object> b ? b.poll(millis, TimeUnit.MILLISECONDS) : q.poll();
        }
    }

    /** leanchan: roots are the channel, its sender and its receiver (one receiver view, kept, as a user would). */
    static final class LeanchanSubject implements Subject {
        private final boolean bounded;

        LeanchanSubject(boolean bounded) {
            this.bounded = bounded;
        }

        @Override
        public String name() {
            return bounded ? "leanchan-bounded" : "leanchan-unbounded";
        }

        @Override
        public boolean bounded() {
            return bounded;
        }

        @Override
        public String config(int capacity) {
            return bounded ? "Channel.bounded(" + capacity + "); roots: channel, sender(), receiver()"
                    : "Channel.unbounded(); roots: channel, sender(), receiver()";
        }

        @Override
        public String waits() {
            return "Receiver.receive(timeout)";
        }

        @Override
        public Instance create(int capacity) {
            Channel<Object> ch = bounded ? Channel.bounded(capacity) : Channel.unbounded();
            return new LeanchanInstance(ch);
        }

        @Override
        public String toString() {
            return name();
        }
    }

    static final class LeanchanInstance implements Subject.Instance {
        final Channel<Object> channel;
        final Sender<Object> sender;
        final Receiver<Object> receiver;

        LeanchanInstance(Channel<Object> channel) {
            this.channel = channel;
            this.sender = channel.sender();
            this.receiver = channel.receiver();
        }

        @Override
        public Object[] roots() {
            return new Object[]{channel, sender, receiver};
        }

        @Override
        public boolean offer(Object message) {
            return sender.trySend(message);
        }

        @Override
        public Object poll() {
            return receiver.tryReceive();
        }

        @Override
        public Object pollWaiting(long millis) throws InterruptedException {
            return receiver.receive(millis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * kotlinx.coroutines {@code Channel(capacity)} through trySend/tryReceive. Their JVM names are mangled (they
     * return the inline class ChannelResult), so they are reached through MethodHandles, which do not allocate
     * per call (reflection's Method.invoke would).
     */
    static final class KotlinxSubject implements Subject {
        static final MethodHandle TRY_SEND;
        static final MethodHandle TRY_RECEIVE;
        static final MethodHandle IS_SUCCESS;
        static final MethodHandle GET_OR_NULL;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.publicLookup();
                TRY_SEND = l.findVirtual(SendChannel.class, "trySend-JP2dKIU", MethodType.methodType(Object.class, Object.class));
                TRY_RECEIVE = l.findVirtual(ReceiveChannel.class, "tryReceive-PtdJZtk", MethodType.methodType(Object.class));
                IS_SUCCESS = l.findStatic(ChannelResult.class, "isSuccess-impl", MethodType.methodType(boolean.class, Object.class));
                GET_OR_NULL = l.findStatic(ChannelResult.class, "getOrNull-impl", MethodType.methodType(Object.class, Object.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @Override
        public String name() {
            return "kotlinx-Channel";
        }

        @Override
        public boolean bounded() {
            return true;
        }

        @Override
        public String config(int capacity) {
            return "kotlinx.coroutines Channel(" + capacity + ", BufferOverflow.SUSPEND) through trySend/tryReceive (MethodHandles)";
        }

        @Override
        public String waits() {
            return "runBlocking { withTimeoutOrNull(timeout) { receive() } }";
        }

        @Override
        public Instance create(int capacity) {
            kotlinx.coroutines.channels.Channel<Object> ch = ChannelKt.Channel(capacity, BufferOverflow.SUSPEND, null);
            return new KotlinxInstance(ch);
        }

        @Override
        public String toString() {
            return name();
        }
    }

    static final class KotlinxInstance implements Subject.Instance {
        final kotlinx.coroutines.channels.Channel<Object> ch;

        KotlinxInstance(kotlinx.coroutines.channels.Channel<Object> ch) {
            this.ch = ch;
        }

        @Override
        public Object[] roots() {
            return new Object[]{ch};
        }

        @Override
        public boolean offer(Object message) {
            try {
                Object r = (Object) KotlinxSubject.TRY_SEND.invokeExact((SendChannel<Object>) ch, message);
                return (boolean) KotlinxSubject.IS_SUCCESS.invokeExact(r);
            } catch (Throwable t) {
                throw sneaky(t);
            }
        }

        @Override
        public Object poll() {
            try {
                Object r = (Object) KotlinxSubject.TRY_RECEIVE.invokeExact((ReceiveChannel<Object>) ch);
                return (Object) KotlinxSubject.GET_OR_NULL.invokeExact(r);
            } catch (Throwable t) {
                throw sneaky(t);
            }
        }

        /** A suspending receive with a timeout, in a coroutine that blocks this thread until it ends. */
        @Override
        public Object pollWaiting(long millis) throws InterruptedException {
            kotlin.jvm.functions.Function2<kotlinx.coroutines.CoroutineScope, kotlin.coroutines.Continuation<? super Object>, Object>
                    receive = (scope, cont) -> ch.receive(cont);
            return kotlinx.coroutines.BuildersKt.runBlocking(kotlin.coroutines.EmptyCoroutineContext.INSTANCE,
                    (scope, cont) -> kotlinx.coroutines.TimeoutKt.withTimeoutOrNull(millis, receive, cont));
        }
    }

    /**
     * LMAX Disruptor: a multi-producer RingBuffer of events that are Object[1] holders, with one gating Sequence
     * for the single consumer. Send = tryNext, store, publish; receive = read the next published event, clear it,
     * advance the consumer sequence (the lab is single-threaded, so the cursor is the last published sequence).
     */
    static final class DisruptorSubject implements Subject {
        @Override
        public String name() {
            return "Disruptor-RingBuffer";
        }

        @Override
        public boolean bounded() {
            return true;
        }

        @Override
        public String config(int capacity) {
            return "RingBuffer.createMultiProducer(() -> new Object[1], " + pow2(capacity)
                    + ") (power of two, events preallocated) + one consumer Sequence";
        }

        @Override
        public String waits() {
            return "cannot wait without an event processor: poll of the cursor";
        }

        @Override
        public Instance create(int capacity) {
            RingBuffer<Object[]> ring = RingBuffer.createMultiProducer(DisruptorSubject::newEvent, pow2(capacity));
            Sequence consumer = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
            ring.addGatingSequences(consumer);
            return new DisruptorInstance(ring, consumer);
        }

        private static Object[] newEvent() {
            return new Object[1];
        }

        @Override
        public String toString() {
            return name();
        }
    }

    static final class DisruptorInstance implements Subject.Instance {
        final RingBuffer<Object[]> ring;
        final Sequence consumer;

        DisruptorInstance(RingBuffer<Object[]> ring, Sequence consumer) {
            this.ring = ring;
            this.consumer = consumer;
        }

        @Override
        public Object[] roots() {
            return new Object[]{ring, consumer};
        }

        @Override
        public boolean offer(Object message) {
            long seq;
            try {
                seq = ring.tryNext();
            } catch (InsufficientCapacityException full) {
                return false;
            }
            ring.get(seq)[0] = message;
            ring.publish(seq);
            return true;
        }

        @Override
        public Object poll() {
            long next = consumer.get() + 1;
            if (next > ring.getCursor()) {
                return null;
            }
            Object[] event = ring.get(next);
            Object m = event[0];
            event[0] = null;
            consumer.set(next);
            return m;
        }
    }

    /**
     * softwaremill Jox {@code Channel}: {@code newBufferedChannel(capacity)} or {@code newUnlimitedChannel()}. Jox 1.0.1
     * has no trySend/tryReceive (a select with a default clause would allocate per call), so the adapter counts what
     * the channel holds and calls the plain {@code send}/{@code receive} only when they cannot wait, as a
     * single-threaded user would. The aged wait is a {@code Select.selectOrClosedWithin(timeout, receiveClause())}.
     */
    static final class JoxSubject implements Subject {
        private final boolean bounded;

        JoxSubject(boolean bounded) {
            this.bounded = bounded;
        }

        @Override
        public String name() {
            return bounded ? "Jox-Channel" : "Jox-Channel-unlimited";
        }

        @Override
        public boolean bounded() {
            return bounded;
        }

        @Override
        public String config(int capacity) {
            return (bounded ? "Jox Channel.newBufferedChannel(" + capacity + ")" : "Jox Channel.newUnlimitedChannel()")
                    + " through send/receive when they cannot wait (Jox 1.0.1 has no trySend/tryReceive)";
        }

        @Override
        public String waits() {
            return "Select.selectOrClosedWithin(timeout, receiveClause())";
        }

        @Override
        public Instance create(int capacity) {
            com.softwaremill.jox.Channel<Object> ch = bounded ? com.softwaremill.jox.Channel.newBufferedChannel(capacity)
                    : com.softwaremill.jox.Channel.newUnlimitedChannel();
            return new JoxInstance(ch, bounded ? capacity : Integer.MAX_VALUE);
        }

        @Override
        public String toString() {
            return name();
        }
    }

    static final class JoxInstance implements Subject.Instance {
        private static final Object TIMED_OUT = new Object();
        final com.softwaremill.jox.Channel<Object> ch;
        final int capacity;
        int held;

        JoxInstance(com.softwaremill.jox.Channel<Object> ch, int capacity) {
            this.ch = ch;
            this.capacity = capacity;
        }

        @Override
        public Object[] roots() {
            return new Object[]{ch};
        }

        @Override
        public boolean offer(Object message) {
            if (held >= capacity) {
                return false;
            }
            try {
                ch.send(message);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            held++;
            return true;
        }

        @Override
        public Object poll() {
            if (held == 0) {
                return null;
            }
            Object m;
            try {
                m = ch.receive();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            held--;
            return m;
        }

        @Override
        public Object pollWaiting(long millis) throws InterruptedException {
            if (held > 0) {
                return poll();
            }
            Object r = Select.selectOrClosedWithin(Duration.ofMillis(millis), TIMED_OUT, ch.receiveClause());
            if (r == TIMED_OUT) {
                return null;
            }
            if (r instanceof ChannelClosed) {
                throw new IllegalStateException("the Jox channel is closed: " + r);
            }
            held--;
            return r;
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
