package io.leanchan.lab;

import org.openjdk.jol.vm.VirtualMachine;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * What the framework scenarios (pekko-mailboxes, reactor-sinks, netty-event-loops) share: the library versions with
 * Pekko's, Reactor's and Netty's, a JOL walk that stops at framework-wide objects, the whole JVM's allocation counter, subject selection by
 * name and the command base that plugs them into {@code scenario}.
 */
final class FrameworkScenarios {

    private FrameworkScenarios() {
    }

    /** The lab's library versions plus the frameworks' (filled in by Maven into frameworks.properties). */
    static Map<String, String> libraries() {
        Map<String, String> out = new LinkedHashMap<>(GridReport.libraryVersions());
        Properties p = new Properties();
        try (InputStream in = FrameworkScenarios.class.getResourceAsStream("frameworks.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // leave unknown
        }
        for (String k : new String[]{"leanchan-pekko", "pekko-actor", "leanchan-reactor", "reactor-core", "leanchan-netty",
                "netty-transport"}) {
            String v = p.getProperty(k);
            out.put(k, v == null || v.startsWith("${") ? "unknown" : v);
        }
        return out;
    }

    /** Bytes allocated so far by every live thread of this JVM (ThreadMXBean), as PingAllocationTest counts them. */
    static long allThreadsAllocatedBytes() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long a : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            if (a > 0) {
                sum += a;
            }
        }
        return sum;
    }

    /**
     * {@link HeapWalker#walk} with a boundary: objects for which {@code stop} is true are neither counted nor walked
     * through (the actor system, the dispatcher, other actors' references...). Everything else is walked exactly like
     * HeapWalker (every non-static reference field, every element of reference arrays) with JOL's sizes.
     */
    static HeapWalker.Graph walk(Predicate<Object> stop, Object... roots) {
        VirtualMachine vm = Jol.vm();
        IdentityHashMap<Object, Long> seen = new IdentityHashMap<>();
        ArrayDeque<Object> todo = new ArrayDeque<>();
        for (Object r : roots) {
            if (r != null && !stop.test(r) && seen.put(r, vm.sizeOf(r)) == null) {
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
                    visit(e, seen, todo, stop, vm);
                }
            } else {
                for (Reader f : READERS.get(c)) {
                    visit(f.read(o), seen, todo, stop, vm);
                }
            }
        }
        return new HeapWalker.Graph(seen);
    }

    private static void visit(Object e, IdentityHashMap<Object, Long> seen, ArrayDeque<Object> todo, Predicate<Object> stop,
                              VirtualMachine vm) {
        if (e != null && !seen.containsKey(e) && !stop.test(e)) {
            seen.put(e, vm.sizeOf(e));
            todo.add(e);
        }
    }

    private interface Reader {
        Object read(Object o);
    }

    private static final ClassValue<Reader[]> READERS = new ClassValue<>() {
        @Override
        protected Reader[] computeValue(Class<?> type) {
            List<Reader> out = new ArrayList<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue;
                    }
                    if (f.trySetAccessible()) {
                        out.add(o -> {
                            try {
                                return f.get(o);
                            } catch (IllegalAccessException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                    } else {
                        long offset = Jol.vm().fieldOffset(f);
                        out.add(o -> Jol.vm().getObject(o, offset));
                    }
                }
            }
            return out.toArray(new Reader[0]);
        }
    };

    /** Bytes per instance of the graph of {@code all} without the objects also reachable from {@code other}. */
    static double perInstance(Predicate<Object> stop, Object[] all, Object other) {
        HeapWalker.Graph g = walk(stop, all);
        return g.sizeExcluding(g.shared(walk(stop, other))) / (double) all.length;
    }

    /** The named subjects among {@code all} (by name, case-insensitive, "all" for every one), in the order named. */
    static <T> List<T> select(List<String> names, List<T> all, java.util.function.Function<T, String> name, String scenario) {
        if (names == null || names.isEmpty()) {
            return all;
        }
        List<T> out = new ArrayList<>();
        for (String raw : names) {
            String n = raw.strip();
            if (n.isEmpty()) {
                continue;
            }
            if (n.equalsIgnoreCase("all")) {
                all.stream().filter(x -> !out.contains(x)).forEach(out::add);
                continue;
            }
            T found = all.stream().filter(x -> name.apply(x).equalsIgnoreCase(n)).findFirst().orElseThrow(() ->
                    new LabMain.UsageError("unknown subject '" + n + "' for scenario " + scenario + "; its subjects are "
                            + String.join(", ", all.stream().map(name).toList())));
            if (!out.contains(found)) {
                out.add(found);
            }
        }
        if (out.isEmpty()) {
            throw new LabMain.UsageError("--subjects named no subject");
        }
        return out;
    }

    /** Bytes as "12.3 KB" or "1.2 MB" (decimal units), signed when {@code signed}. */
    static String bytes(double b, boolean signed) {
        String sign = signed && b > 0 ? "+" : b < 0 ? "-" : "";
        double a = Math.abs(b);
        String v = a >= 1e6 ? Fmt.number(Math.round(a / 1e5) / 10.0) + " MB"
                : a >= 1e3 ? Fmt.number(Math.round(a / 1e2) / 10.0) + " KB" : Fmt.number(Math.round(a)) + " B";
        return sign + v;
    }

    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /**
     * A framework scenario's command: its subjects are its own (mailboxes, sinks), not the lab's queues, so
     * {@code --subjects} (here or before {@code scenario}) selects among them and is taken away before the common
     * part resolves queue subjects. Everything else (--format, --out, --quiet, --jvm-flag, --compact-headers) is the
     * other scenarios'.
     */
    abstract static class Command extends LabMain.ScenarioBase {
        List<String> selected;

        @Override
        List<Subject> defaults() {
            return List.of();
        }

        @Override
        public Integer call() throws Exception {
            LabMain main = root();
            selected = common.subjects != null ? common.subjects : main.common.subjects;
            common.subjects = null;
            main.common.subjects = null;
            return super.call();
        }
    }
}
