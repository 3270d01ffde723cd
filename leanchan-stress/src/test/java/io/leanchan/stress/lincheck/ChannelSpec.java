package io.leanchan.stress.lincheck;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The sequential specification: a FIFO queue with a capacity and a closed flag. */
public abstract class ChannelSpec {
    private final int capacity;
    private final ArrayDeque<Integer> q = new ArrayDeque<>();
    private boolean closed;

    ChannelSpec(int capacity) {
        this.capacity = capacity;
    }

    public Object trySend(int v) {
        if (closed) {
            return "closed";
        }
        if (q.size() >= capacity) {
            return false;
        }
        q.add(v);
        return true;
    }

    public Object sendNoWait(int v) {
        return trySend(v);
    }

    public void closeSender() {
        closed = true;
    }

    public void closeReceiver() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    public Integer tryReceive() {
        return q.poll();
    }

    public Object receiveNoWait() {
        Integer m = q.poll();
        if (m != null) {
            return m;
        }
        return closed ? "eos" : null;
    }

    public List<Integer> drainOne() {
        List<Integer> out = new ArrayList<>();
        Integer m = q.poll();
        if (m != null) {
            out.add(m);
        }
        return out;
    }

    public boolean isDrained() {
        return closed && q.isEmpty();
    }

    public int size() {
        return q.size();
    }

    public static final class Cap1 extends ChannelSpec {
        public Cap1() {
            super(1);
        }
    }

    public static final class Cap2 extends ChannelSpec {
        public Cap2() {
            super(2);
        }
    }

    public static final class Cap3 extends ChannelSpec {
        public Cap3() {
            super(3);
        }
    }

    public static final class Unbounded extends ChannelSpec {
        public Unbounded() {
            super(Integer.MAX_VALUE);
        }
    }

    /** Deliberately wrong (the negative control): capacity 1, but claims one message more than it holds. */
    public static final class WrongCapacity1 extends ChannelSpec {
        public WrongCapacity1() {
            super(1);
        }

        @Override
        public int size() {
            return super.size() + 1;
        }
    }
}
