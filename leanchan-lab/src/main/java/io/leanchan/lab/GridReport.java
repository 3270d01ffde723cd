package io.leanchan.lab;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Everything one grid run produced, with what is needed to print it in any format. */
public final class GridReport {
    public final JvmInfo jvm;
    public final Map<String, String> libraries;
    public final int ops;
    public final int agedMessages;
    public final long agedWaitMillis;
    /** How long each instance was left with no call after its {@link Measurer#IDLE_BURSTS} bursts (heap_after_bursts_idle). */
    public final long idleMillis;
    public final long loopOverheadBytes;
    public final List<Integer> msgSizes;
    public final List<Integer> capacities;
    public final Map<Integer, Long> messageObjectSizes;
    public final List<SubjectInfo> subjects;
    public final List<Row> rows;
    public final List<String> notes;
    /** The same grid measured in a child JVM with compact object headers, or null. */
    public GridReport compact;

    /** A subject's name, whether it is bounded, how it was built at each capacity, and how its consumer waits. */
    public record SubjectInfo(String name, boolean bounded, Map<Integer, String> configs, String waits) {
    }

    public GridReport(JvmInfo jvm, Map<String, String> libraries, int ops, int agedMessages, long agedWaitMillis,
                      long loopOverheadBytes, List<Integer> msgSizes, List<Integer> capacities,
                      Map<Integer, Long> messageObjectSizes, List<SubjectInfo> subjects, List<Row> rows, List<String> notes) {
        this(jvm, libraries, ops, agedMessages, agedWaitMillis, Measurer.IDLE_MILLIS, loopOverheadBytes, msgSizes, capacities,
                messageObjectSizes, subjects, rows, notes);
    }

    public GridReport(JvmInfo jvm, Map<String, String> libraries, int ops, int agedMessages, long agedWaitMillis,
                      long idleMillis, long loopOverheadBytes, List<Integer> msgSizes, List<Integer> capacities,
                      Map<Integer, Long> messageObjectSizes, List<SubjectInfo> subjects, List<Row> rows, List<String> notes) {
        this.idleMillis = idleMillis;
        this.jvm = jvm;
        this.libraries = libraries;
        this.ops = ops;
        this.agedMessages = agedMessages;
        this.agedWaitMillis = agedWaitMillis;
        this.loopOverheadBytes = loopOverheadBytes;
        this.msgSizes = msgSizes;
        this.capacities = capacities;
        this.messageObjectSizes = messageObjectSizes;
        this.subjects = subjects;
        this.rows = rows;
        this.notes = notes;
    }

    /** Measures the grid in this JVM. */
    public static GridReport measure(List<Subject> subjects, List<Integer> msgSizes, List<Integer> capacities, int ops,
                                     Progress progress) {
        return measure(subjects, msgSizes, capacities, new Measurer(ops), progress);
    }

    /** Measures the grid in this JVM with the given method settings. */
    public static GridReport measure(List<Subject> subjects, List<Integer> msgSizes, List<Integer> capacities, Measurer m,
                                     Progress progress) {
        List<String> notes = new ArrayList<>();
        List<Row> rows = m.grid(subjects, msgSizes, capacities, notes, progress);
        List<SubjectInfo> infos = new ArrayList<>();
        for (Subject s : subjects) {
            Map<Integer, String> cfg = new LinkedHashMap<>();
            for (int c : capacities) {
                cfg.put(c, s.config(c));
            }
            String waits;
            try {
                waits = s.waits();
            } catch (RuntimeException e) {
                waits = "unknown";
            }
            infos.add(new SubjectInfo(s.name(), s.bounded(), cfg, waits));
        }
        Map<Integer, Long> sizes = new LinkedHashMap<>();
        for (int ms : msgSizes) {
            sizes.put(ms, Messages.objectSize(ms));
        }
        return new GridReport(JvmInfo.current(), libraryVersions(), m.ops(), m.agedMessages(), m.agedWaitMillis(),
                m.idleMillis(), m.maxOverheadBytes(), msgSizes, capacities, sizes, infos, rows, notes);
    }

    /** The versions of the libraries the lab was built with (filled in by Maven). */
    public static Map<String, String> libraryVersions() {
        Map<String, String> out = new LinkedHashMap<>();
        Properties p = new Properties();
        try (InputStream in = GridReport.class.getResourceAsStream("versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // leave empty
        }
        for (String k : new String[]{"leanchan-core", "jctools-core", "agrona", "disruptor", "kotlinx-coroutines-core",
                "jox-channels", "jol-core", "jackson-databind"}) {
            String v = p.getProperty(k);
            out.put(k, v == null || v.startsWith("${") ? "unknown" : v);
        }
        return out;
    }

    /** The rows in which some figure could not be measured. */
    public List<Row> failed() {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (!r.ok()) {
                out.add(r);
            }
        }
        if (compact != null) {
            out.addAll(compact.failed());
        }
        return out;
    }

    public Row row(String subject, int msgSize, int capacity) {
        for (Row r : rows) {
            if (r.subject().equals(subject) && r.msgSize() == msgSize && r.capacity() == capacity) {
                return r;
            }
        }
        return null;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", "leanchan-lab");
        m.put("jvm", jvm.toMap());
        m.put("libraries", libraries);
        Map<String, Object> method = new LinkedHashMap<>();
        method.put("retained", "JOL sizes over the graph reachable from the subject's roots; objects also reachable from an"
                + " independent second instance in the same state are excluded; messages excluded except in"
                + " heap_after_fill_with_messages");
        method.put("aged", "heap_after_aged: after " + agedMessages + " messages sent and received one at a time and one"
                + " receive that waits " + agedWaitMillis + " ms on the empty instance (subjects that cannot wait poll);"
                + " measured once per subject and capacity");
        method.put("bursts_idle", "heap_after_bursts_idle: after " + Measurer.IDLE_BURSTS + " bursts (capacity messages"
                + " offered, then polled until a poll returns null: a consumer that only polls, never a blocking or timed"
                + " receive), then " + idleMillis + " ms with no call; measured once per subject and capacity, all subjects"
                + " burst first and then measured each " + idleMillis + " ms after its own last call");
        method.put("allocation", "ThreadMXBean.getCurrentThreadAllocatedBytes over the whole measured run divided by its"
                + " messages (as JMH's gc.alloc.rate.norm), after a warm-up on the same instance, messages preallocated,"
                + " minus the measuring loop's own allocation");
        method.put("ops", ops);
        method.put("aged_messages", agedMessages);
        method.put("aged_wait_ms", agedWaitMillis);
        method.put("idle_bursts", Measurer.IDLE_BURSTS);
        method.put("idle_ms", idleMillis);
        method.put("loop_overhead_bytes", loopOverheadBytes);
        Map<String, Object> sizes = new LinkedHashMap<>();
        messageObjectSizes.forEach((k, v) -> sizes.put(String.valueOf(k), v));
        method.put("message_object_bytes", sizes);
        m.put("method", method);
        m.put("msg_sizes", msgSizes);
        m.put("capacities", capacities);
        List<Object> subs = new ArrayList<>();
        for (SubjectInfo s : subjects) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", s.name());
            x.put("bounded", s.bounded());
            Map<String, Object> cfg = new LinkedHashMap<>();
            s.configs().forEach((k, v) -> cfg.put(String.valueOf(k), v));
            x.put("config", cfg);
            x.put("waits", s.waits());
            subs.add(x);
        }
        m.put("subjects", subs);
        m.put("columns", List.of(Row.COLUMNS));
        List<Object> rs = new ArrayList<>();
        for (Row r : rows) {
            rs.add(r.toMap());
        }
        m.put("rows", rs);
        m.put("notes", notes);
        return m;
    }

    @SuppressWarnings("unchecked")
    public static GridReport fromMap(Map<String, Object> m) {
        Map<String, Object> method = (Map<String, Object>) m.get("method");
        Map<Integer, Long> sizes = new LinkedHashMap<>();
        ((Map<String, Object>) method.get("message_object_bytes")).forEach((k, v) -> sizes.put(Integer.parseInt(k), ((Number) v).longValue()));
        List<SubjectInfo> subs = new ArrayList<>();
        for (Object o : (List<Object>) m.get("subjects")) {
            Map<String, Object> x = (Map<String, Object>) o;
            Map<Integer, String> cfg = new LinkedHashMap<>();
            ((Map<String, Object>) x.get("config")).forEach((k, v) -> cfg.put(Integer.parseInt(k), (String) v));
            subs.add(new SubjectInfo((String) x.get("name"), (Boolean) x.get("bounded"), cfg, (String) x.get("waits")));
        }
        List<Row> rows = new ArrayList<>();
        for (Object o : (List<Object>) m.get("rows")) {
            rows.add(Row.fromMap((Map<String, Object>) o));
        }
        Map<String, String> libs = new LinkedHashMap<>();
        ((Map<String, Object>) m.get("libraries")).forEach((k, v) -> libs.put(k, (String) v));
        return new GridReport(JvmInfo.fromMap((Map<String, Object>) m.get("jvm")), libs,
                ((Number) method.get("ops")).intValue(), ((Number) method.get("aged_messages")).intValue(),
                ((Number) method.get("aged_wait_ms")).longValue(),
                method.get("idle_ms") == null ? Measurer.IDLE_MILLIS : ((Number) method.get("idle_ms")).longValue(),
                ((Number) method.get("loop_overhead_bytes")).longValue(),
                ints((List<Object>) m.get("msg_sizes")), ints((List<Object>) m.get("capacities")), sizes, subs, rows,
                new ArrayList<>((List<String>) (List<?>) m.get("notes")));
    }

    private static List<Integer> ints(List<Object> l) {
        List<Integer> out = new ArrayList<>();
        for (Object o : l) {
            out.add(((Number) o).intValue());
        }
        return out;
    }
}
