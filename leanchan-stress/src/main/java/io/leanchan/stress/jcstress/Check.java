package io.leanchan.stress.jcstress;

import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import io.leanchan.Sender;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Small helpers shared by the jcstress tests: outcomes are strings so that a result names what happened. */
final class Check {
    private Check() {
    }

    /** Receives until the channel reports empty; the messages joined by spaces ("" if none). */
    static String drain(Receiver<String> r) {
        StringBuilder sb = new StringBuilder();
        for (String m; (m = r.tryReceive()) != null; ) {
            append(sb, m);
        }
        return sb.toString();
    }

    /** After a close: receives what is left, then checks the end of the stream ("... eos", or a complaint). */
    static String drainClosed(Receiver<String> r) {
        StringBuilder sb = new StringBuilder(drain(r));
        if (!r.isDrained()) {
            append(sb, "NOT-DRAINED");
        }
        try {
            String m = r.receive();
            append(sb, "EXTRA-" + m);
        } catch (ChannelClosedException e) {
            append(sb, e.undelivered() == null ? "eos" : "EOS-WITH-" + e.undelivered());
        } catch (InterruptedException e) {
            append(sb, "INTERRUPTED");
        }
        return sb.toString();
    }

    static void append(StringBuilder sb, String s) {
        if (sb.length() > 0) {
            sb.append(' ');
        }
        sb.append(s);
    }

    static String join(String a, String b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() ? a : a + " " + b;
    }

    /** trySend as a word: "sent", "full", "handed back" (closed, the exception carries the message) or a complaint. */
    static String trySend(Sender<String> s, String m) {
        try {
            return s.trySend(m) ? "sent" : "full";
        } catch (ChannelClosedException e) {
            return e.undelivered() == m ? "handed back" : "WRONG-UNDELIVERED-" + e.undelivered();
        }
    }

    /** A blocking send as a word: "sent", "handed back" or a complaint. */
    static String send(Sender<String> s, String m) {
        try {
            s.send(m);
            return "sent";
        } catch (ChannelClosedException e) {
            return e.undelivered() == m ? "handed back" : "WRONG-UNDELIVERED-" + e.undelivered();
        } catch (InterruptedException e) {
            return "INTERRUPTED";
        }
    }

    /** The state of a send future as a word: "delivered", "handed back", "cancelled", "PENDING" or a complaint. */
    static String sendFuture(CompletableFuture<Void> f, String m) {
        if (!f.isDone()) {
            return "PENDING";
        }
        if (f.isCancelled()) {
            return "cancelled";
        }
        if (!f.isCompletedExceptionally()) {
            return "delivered";
        }
        Throwable t = f.handle((v, x) -> x).join();
        if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ChannelClosedException) {
            return ((ChannelClosedException) t).undelivered() == m ? "handed back" : "WRONG-UNDELIVERED";
        }
        return "FAILED-" + t;
    }

    /**
     * The verdict on one run: every message sent ("sent" in {@code results}) received exactly once, every other
     * never, and each producer's messages in its order.
     *
     * @param received  the messages in the order the receiver got them
     * @param producers each producer's messages in the order it sent them
     * @param results   each producer's send results, parallel to {@code producers} ("sent" means delivered)
     * @return "ok" or what went wrong
     */
    static String verdict(List<String> received, String[][] producers, String[][] results) {
        Set<String> seen = new HashSet<>();
        for (String m : received) {
            if (!seen.add(m)) {
                return "DUPLICATE " + m;
            }
        }
        for (int p = 0; p < producers.length; p++) {
            int last = -1;
            for (int k = 0; k < producers[p].length; k++) {
                String m = producers[p][k];
                boolean sent = "sent".equals(results[p][k]);
                int at = received.indexOf(m);
                if (sent && at < 0) {
                    return "LOST " + m;
                }
                if (!sent && at >= 0) {
                    return "NOT-SENT-BUT-RECEIVED " + m;
                }
                if (at >= 0) {
                    if (at < last) {
                        return "REORDERED " + m;
                    }
                    last = at;
                }
            }
        }
        return "ok";
    }

    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.split(" ")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }
}
