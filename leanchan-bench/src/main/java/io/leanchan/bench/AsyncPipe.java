package io.leanchan.bench;

import java.util.concurrent.CompletableFuture;

/** The asynchronous shape: futures that complete when the message is in (send) or out (receive). */
public interface AsyncPipe {
    CompletableFuture<?> sendAsync(Object m);

    CompletableFuture<Object> receiveAsync();
}
