package io.leanchan.lab;

import org.openjdk.jol.vm.VirtualMachine;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the object graph reachable from some roots, the way JOL's {@code GraphLayout.parseInstance} does
 * (every non-static reference field and every element of reference arrays), with JOL's sizes, but keeps the
 * objects themselves so that the lab can remove objects by identity (shared sentinels, messages).
 *
 * <p>A test checks that the raw total equals {@code GraphLayout.parseInstance(roots).totalSize()}.
 */
public final class HeapWalker {

    private static final ClassValue<FieldReader[]> READERS = new ClassValue<>() {
        @Override
        protected FieldReader[] computeValue(Class<?> type) {
            List<FieldReader> out = new ArrayList<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue;
                    }
                    out.add(FieldReader.of(f));
                }
            }
            return out.toArray(new FieldReader[0]);
        }
    };

    private HeapWalker() {
    }

    /** The set of objects reachable from the roots (roots included), each with its size in bytes. */
    public static Graph walk(Object... roots) {
        VirtualMachine vm = Jol.vm();
        IdentityHashMap<Object, Long> seen = new IdentityHashMap<>();
        ArrayDeque<Object> todo = new ArrayDeque<>();
        for (Object r : roots) {
            if (r != null && seen.put(r, vm.sizeOf(r)) == null) {
                todo.add(r);
            }
        }
        while (!todo.isEmpty()) {
            Object o = todo.poll();
            Class<?> c = o.getClass();
            if (c.isArray()) {
                if (c.getComponentType().isPrimitive()) {
                    continue;
                }
                for (Object e : (Object[]) o) {
                    if (e != null && !seen.containsKey(e)) {
                        seen.put(e, vm.sizeOf(e));
                        todo.add(e);
                    }
                }
            } else {
                for (FieldReader f : READERS.get(c)) {
                    Object e = f.read(o);
                    if (e != null && !seen.containsKey(e)) {
                        seen.put(e, vm.sizeOf(e));
                        todo.add(e);
                    }
                }
            }
        }
        return new Graph(seen);
    }

    /** Objects with their sizes, compared by identity. */
    public static final class Graph {
        private final IdentityHashMap<Object, Long> objects;

        Graph(IdentityHashMap<Object, Long> objects) {
            this.objects = objects;
        }

        /** Total bytes of every object in the graph. */
        public long totalSize() {
            long s = 0;
            for (long v : objects.values()) {
                s += v;
            }
            return s;
        }

        public int count() {
            return objects.size();
        }

        public boolean contains(Object o) {
            return objects.containsKey(o);
        }

        /** The objects of this graph that are also in {@code other}, by identity. */
        public Set<Object> shared(Graph other) {
            Set<Object> s = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Object o : objects.keySet()) {
                if (other.objects.containsKey(o)) {
                    s.add(o);
                }
            }
            return s;
        }

        /** Total bytes of the objects not in any of the excluded sets. */
        @SafeVarargs
        public final long sizeExcluding(Set<Object>... excluded) {
            long s = 0;
            outer:
            for (Map.Entry<Object, Long> e : objects.entrySet()) {
                for (Set<Object> x : excluded) {
                    if (x.contains(e.getKey())) {
                        continue outer;
                    }
                }
                s += e.getValue();
            }
            return s;
        }

        /** How many of the given objects this graph holds. */
        public int countOf(Set<Object> those) {
            int n = 0;
            for (Object o : those) {
                if (objects.containsKey(o)) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Reads one reference field: by reflection where the field can be made accessible, else through JOL's VM. */
    private interface FieldReader {
        Object read(Object o);

        static FieldReader of(Field f) {
            if (f.trySetAccessible()) {
                return o -> {
                    try {
                        return f.get(o);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                };
            }
            long offset = Jol.vm().fieldOffset(f);
            return o -> Jol.vm().getObject(o, offset);
        }
    }

    /** An identity set of the given objects. */
    public static Set<Object> identitySet(Object... objects) {
        Set<Object> s = Collections.newSetFromMap(new IdentityHashMap<>());
        Collections.addAll(s, objects);
        return s;
    }
}
