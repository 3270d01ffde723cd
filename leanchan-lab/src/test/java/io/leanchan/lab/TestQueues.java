package io.leanchan.lab;

import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.List;

/** Queues whose memory is known by construction. */
final class TestQueues {
    private TestQueues() {
    }

    /** A preallocated ring; on every offer it also allocates one long[words] and keeps it (so it escapes). */
    static class AllocatingRing extends AbstractQueue<Object> {
        final Object[] slots;
        final int words;
        long head;
        long tail;
        Object last;

        AllocatingRing(int capacity, int words) {
            this.slots = new Object[capacity];
            this.words = words;
        }

        @Override
        public boolean offer(Object o) {
            if (tail - head == slots.length) {
                return false;
            }
            if (words >= 0) {
                last = new long[words];
            }
            slots[(int) (tail++ % slots.length)] = o;
            return true;
        }

        @Override
        public Object poll() {
            if (head == tail) {
                return null;
            }
            int i = (int) (head++ % slots.length);
            Object m = slots[i];
            slots[i] = null;
            return m;
        }

        @Override
        public Object peek() {
            return head == tail ? null : slots[(int) (head % slots.length)];
        }

        @Override
        public Iterator<Object> iterator() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int size() {
            return (int) (tail - head);
        }
    }

    /** Every instance points at one static sentinel array, and owns one small array of its own. */
    static final class SentinelQueue extends AllocatingRing {
        static final Object[] SENTINEL = new Object[100];
        final Object[] shared = SENTINEL;
        final Object[] own = new Object[4];

        SentinelQueue(int capacity) {
            super(capacity, -1);
        }
    }

    /** Carried messages after which {@link AgingQueue} and {@link AgingRing} add their statistics block. */
    static final int AGE = 65_536;

    /**
     * A preallocated ring that is a BlockingQueue with no lock or condition of its own (so waiting leaves nothing
     * behind): once it has carried {@link #AGE} messages it adds a long[6] statistics block, and the first time
     * its consumer waits in poll(timeout) it drops its spare Object[8]. Aged cost by construction:
     * create + long[6] - Object[8].
     */
    static final class AgingQueue extends AllocatingRing implements java.util.concurrent.BlockingQueue<Object> {
        long carried;
        long[] stats;
        Object[] spare = new Object[8];
        long waitedMillis = -1;

        public AgingQueue(int capacity) {
            super(capacity, -1);
        }

        @Override
        public boolean offer(Object o) {
            if (++carried == AGE) {
                stats = new long[6];
            }
            return super.offer(o);
        }

        @Override
        public Object poll(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
            spare = null;
            waitedMillis = unit.toMillis(timeout);
            Object m = poll();
            if (m == null) {
                unit.sleep(timeout);
            }
            return m;
        }

        @Override
        public void put(Object o) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean offer(Object o, long timeout, java.util.concurrent.TimeUnit unit) {
            return offer(o);
        }

        @Override
        public Object take() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int remainingCapacity() {
            return slots.length - size();
        }

        @Override
        public int drainTo(java.util.Collection<? super Object> c) {
            return drainTo(c, Integer.MAX_VALUE);
        }

        @Override
        public int drainTo(java.util.Collection<? super Object> c, int max) {
            int n = 0;
            Object m;
            while (n < max && (m = poll()) != null) {
                c.add(m);
                n++;
            }
            return n;
        }
    }

    /** The same aging on a preallocated ring that is no BlockingQueue: the lab cannot wait on it, so the spare stays. */
    static final class AgingRing extends AllocatingRing {
        long carried;
        long[] stats;
        Object[] spare = new Object[8];

        AgingRing(int capacity) {
            super(capacity, -1);
        }

        @Override
        public boolean offer(Object o) {
            if (++carried == AGE) {
                stats = new long[6];
            }
            return super.offer(o);
        }
    }

    /** A preallocated ring that allocates one long[words] exactly once, at its message number {@code at}, and keeps it. */
    static final class OneOffRing extends AllocatingRing {
        final long at;
        final int oneOffWords;
        long carried;
        long[] kept;

        OneOffRing(int capacity, long at, int words) {
            super(capacity, -1);
            this.at = at;
            this.oneOffWords = words;
        }

        @Override
        public boolean offer(Object o) {
            if (++carried == at) {
                kept = new long[oneOffWords];
            }
            return super.offer(o);
        }
    }

    /**
     * A preallocated ring that is a BlockingQueue: it counts the times an offer filled it, the polls that found it
     * empty and the timed polls, and each time it is filled it replaces its history with a long[times
     * filled]. After 3 bursts polled until empty, its cost by construction is create + long[3]. Every instance is
     * listed in {@link #MADE} with when it was made and when it was last called.
     */
    static final class BurstRing extends AllocatingRing implements java.util.concurrent.BlockingQueue<Object> {
        static final List<BurstRing> MADE = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        final long madeNanos = System.nanoTime();
        int fills;
        int emptyPolls;
        int timedPolls;
        long[] history;
        volatile long lastCallNanos;

        BurstRing(int capacity) {
            super(capacity, -1);
            MADE.add(this);
        }

        @Override
        public boolean offer(Object o) {
            lastCallNanos = System.nanoTime();
            boolean in = super.offer(o);
            if (in && size() == slots.length) {
                history = new long[++fills];
            }
            return in;
        }

        @Override
        public Object poll() {
            lastCallNanos = System.nanoTime();
            Object m = super.poll();
            if (m == null) {
                emptyPolls++;
            }
            return m;
        }

        /** Counted, and no wait: the column must never call it (the aged column does, on instances of its own). */
        @Override
        public Object poll(long timeout, java.util.concurrent.TimeUnit unit) {
            timedPolls++;
            return poll();
        }

        @Override
        public Object take() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void put(Object o) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean offer(Object o, long timeout, java.util.concurrent.TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int remainingCapacity() {
            return slots.length - size();
        }

        @Override
        public int drainTo(java.util.Collection<? super Object> c) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int drainTo(java.util.Collection<? super Object> c, int max) {
            throw new UnsupportedOperationException();
        }
    }

    /** A Queue whose public constructor throws: the lab must report it and go on. */
    public static final class Exploding extends AllocatingRing {
        public Exploding() {
            super(1, -1);
            throw new IllegalStateException("boom in the constructor");
        }
    }
}
