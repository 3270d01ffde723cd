package io.leanchan.stress.lincheck;

import io.leanchan.Channel;
import io.leanchan.ChannelClosedException;
import io.leanchan.Receiver;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.IntGen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The channel under lincheck: the operations that complete without waiting, sends from any thread, receives
 * (and the receiver's queries) in one non-parallel group, as the single-consumer contract requires. Results are
 * plain values so that lincheck can compare them with {@link ChannelSpec}: {@code true}/{@code false} for a send,
 * "closed" for a send refused by a closed channel (after checking that the exception hands the message back),
 * the message or {@code null} for a receive, "eos" for the end of the stream.
 */
@Param(name = "v", gen = IntGen.class, conf = "1:9")
public abstract class ChannelOps {
    final Channel<Integer> ch;
    final Receiver<Integer> r;

    ChannelOps(Channel<Integer> ch) {
        this.ch = ch;
        this.r = ch.receiver();
    }

    @Operation
    public Object trySend(@Param(name = "v") int v) {
        Integer m = v;
        try {
            return ch.sender().trySend(m);
        } catch (ChannelClosedException e) {
            return e.undelivered() == m ? "closed" : "WRONG-UNDELIVERED";
        }
    }

    /** A timed send with a zero timeout: spins, then gives up without waiting; same result as trySend. */
    @Operation
    public Object sendNoWait(@Param(name = "v") int v) {
        Integer m = v;
        try {
            return ch.sender().send(m, 0, TimeUnit.NANOSECONDS);
        } catch (ChannelClosedException e) {
            return e.undelivered() == m ? "closed" : "WRONG-UNDELIVERED";
        } catch (InterruptedException e) {
            return "INTERRUPTED";
        }
    }

    @Operation
    public void closeSender() {
        ch.sender().close();
    }

    @Operation
    public void closeReceiver() {
        r.close();
    }

    @Operation
    public boolean isClosed() {
        return ch.sender().isClosed();
    }

    @Operation(nonParallelGroup = "consumer")
    public Integer tryReceive() {
        return r.tryReceive();
    }

    /** A timed receive with a zero timeout: the message, null if empty, "eos" at the end of the stream. */
    @Operation(nonParallelGroup = "consumer")
    public Object receiveNoWait() {
        try {
            return r.receive(0, TimeUnit.NANOSECONDS);
        } catch (ChannelClosedException e) {
            return e.undelivered() == null ? "eos" : "EOS-WITH-MESSAGE";
        } catch (InterruptedException e) {
            return "INTERRUPTED";
        }
    }

    /**
     * drainTo with a limit of one message. A larger limit is not one atomic step (drainTo takes message after
     * message, and sends may land in between: on bounded(1), {@code [send 6] {drainTo(2) | send 5}} rightly
     * returns [6, 5]), so it has no single linearization point; jcstress and the soak cover multi-message drains.
     */
    @Operation(nonParallelGroup = "consumer")
    public List<Integer> drainOne() {
        List<Integer> sink = new ArrayList<>();
        int n = r.drainTo(sink, 1);
        if (n != sink.size()) {
            sink.add(-1);
        }
        return sink;
    }

    @Operation(nonParallelGroup = "consumer")
    public boolean isDrained() {
        return r.isDrained();
    }

    @Operation(nonParallelGroup = "consumer")
    public int size() {
        return r.size();
    }
}
