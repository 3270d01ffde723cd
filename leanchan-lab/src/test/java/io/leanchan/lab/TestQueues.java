package io.leanchan.lab;

import java.util.AbstractQueue;
import java.util.Iterator;

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
}
