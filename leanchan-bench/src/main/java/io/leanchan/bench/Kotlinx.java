package io.leanchan.bench;

import kotlin.coroutines.Continuation;
import kotlin.coroutines.CoroutineContext;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlin.coroutines.intrinsics.IntrinsicsKt;
import kotlinx.coroutines.channels.BufferOverflow;
import kotlinx.coroutines.channels.Channel;
import kotlinx.coroutines.channels.ChannelKt;
import kotlinx.coroutines.channels.ChannelResult;
import kotlinx.coroutines.channels.ReceiveChannel;
import kotlinx.coroutines.channels.SendChannel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.CompletableFuture;

/**
 * kotlinx.coroutines {@code Channel} from Java. {@code trySend} and {@code tryReceive} return the inline class
 * {@code ChannelResult}, so Kotlin compiles them under mangled names; they are reached through constant
 * method handles (reflection's {@code Method.invoke} would allocate per call and pollute the allocation
 * figures). The suspending {@code send} / {@code receive} are called with a {@link Continuation} that is a
 * {@link CompletableFuture} and has no dispatcher, so a resumption runs in the resuming thread (like
 * {@code Dispatchers.Unconfined}).
 */
final class Kotlinx {
    private Kotlinx() {
    }

    static final MethodHandle TRY_SEND;
    static final MethodHandle TRY_RECEIVE;
    static final MethodHandle IS_SUCCESS;
    static final MethodHandle GET_OR_NULL;
    static final MethodHandle RESULT_EXCEPTION;
    static final Object SUSPENDED = IntrinsicsKt.getCOROUTINE_SUSPENDED();

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.publicLookup();
            TRY_SEND = l.findVirtual(SendChannel.class, "trySend-JP2dKIU",
                    MethodType.methodType(Object.class, Object.class));
            TRY_RECEIVE = l.findVirtual(ReceiveChannel.class, "tryReceive-PtdJZtk",
                    MethodType.methodType(Object.class));
            IS_SUCCESS = l.findStatic(ChannelResult.class, "isSuccess-impl",
                    MethodType.methodType(boolean.class, Object.class));
            GET_OR_NULL = l.findStatic(ChannelResult.class, "getOrNull-impl",
                    MethodType.methodType(Object.class, Object.class));
            RESULT_EXCEPTION = l.findStatic(kotlin.Result.class, "exceptionOrNull-impl",
                    MethodType.methodType(Throwable.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static Channel<Object> channel(int capacity) {
        return ChannelKt.Channel(capacity, BufferOverflow.SUSPEND, null);
    }

    static boolean trySend(Channel<Object> ch, Object m) {
        try {
            return (boolean) IS_SUCCESS.invokeExact((Object) TRY_SEND.invokeExact((SendChannel) ch, m));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @return the element, or null if the channel is empty */
    static Object tryReceive(Channel<Object> ch) {
        try {
            return (Object) GET_OR_NULL.invokeExact((Object) TRY_RECEIVE.invokeExact((ReceiveChannel) ch));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /** Non-blocking subject. */
    static final class KPipe implements Pipe {
        final Channel<Object> ch;

        KPipe(int capacity) {
            this.ch = channel(capacity);
        }

        @Override
        public boolean offer(Object m) {
            return trySend(ch, m);
        }

        @Override
        public Object poll() {
            return tryReceive(ch);
        }
    }

    /** A continuation that completes a future; resumed in whatever thread resumes it. */
    static final class FutureContinuation extends CompletableFuture<Object> implements Continuation<Object> {
        @Override
        public CoroutineContext getContext() {
            return EmptyCoroutineContext.INSTANCE;
        }

        @Override
        public void resumeWith(Object result) {
            Throwable t;
            try {
                t = (Throwable) RESULT_EXCEPTION.invokeExact(result);
            } catch (Throwable e) {
                throw rethrow(e);
            }
            if (t != null) {
                completeExceptionally(t);
            } else {
                complete(result);
            }
        }
    }

    static final CompletableFuture<Object> DONE = CompletableFuture.completedFuture(null);

    /**
     * Asynchronous subject: the same shape as leanchan's own sendAsync/receiveAsync, a non-blocking attempt
     * first (trySend / tryReceive) and a suspension (send / receive with a future as continuation) only when
     * it must wait.
     */
    static final class KAsync implements AsyncPipe {
        final Channel<Object> ch;

        KAsync(int capacity) {
            this.ch = channel(capacity);
        }

        @Override
        public CompletableFuture<?> sendAsync(Object m) {
            if (trySend(ch, m)) {
                return DONE;
            }
            FutureContinuation f = new FutureContinuation();
            Object r = ch.send(m, f);
            if (r != SUSPENDED) {
                f.complete(null);
            }
            return f;
        }

        @Override
        public CompletableFuture<Object> receiveAsync() {
            Object e = tryReceive(ch);
            if (e != null) {
                return CompletableFuture.completedFuture(e);
            }
            FutureContinuation f = new FutureContinuation();
            Object r = ch.receive(f);
            if (r != SUSPENDED) {
                f.complete(r);
            }
            return f;
        }
    }
}
