package io.leanchan.stress;

import io.leanchan.Channel;
import io.leanchan.Receiver;

import java.util.concurrent.CompletableFuture;

/** Child-JVM probe for core bug 2: exits 0 if the completing thread returns, hangs (spins) otherwise. */
public final class HangProbe {
    private HangProbe() {
    }

    public static void main(String[] args) throws Exception {
        Channel<String> ch = Channel.bounded(1);
        Thread t;
        if (args[0].equals("receive")) {
            Receiver<String> r = ch.receiver();
            CompletableFuture<String> f = r.receiveAsync();
            f.whenComplete((v, x) -> f.cancel(false)); // e.g. "cancel all" after CompletableFuture.anyOf
            t = new Thread(() -> ch.sender().trySend("x"), "completing-sender");
        } else {
            ch.sender().trySend("p");
            CompletableFuture<Void> f = ch.sender().sendAsync("a");
            f.whenComplete((v, x) -> f.cancel(false));
            t = new Thread(() -> ch.receiver().tryReceive(), "completing-receiver");
        }
        t.setDaemon(true);
        t.start();
        t.join(10_000);
        if (t.isAlive()) {
            System.err.println("HangProbe(" + args[0] + "): " + t.getName() + " still running after 10 s, state "
                    + t.getState());
            Runtime.getRuntime().halt(3);
        }
        System.out.println("HangProbe(" + args[0] + "): completing thread returned");
    }
}
