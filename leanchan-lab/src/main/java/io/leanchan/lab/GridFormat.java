package io.leanchan.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a {@link GridReport} as text, CSV, JSON or markdown. */
public final class GridFormat {

    private GridFormat() {
    }

    public static String format(GridReport r, Format f, String chartRef) {
        return switch (f) {
            case text -> text(r, chartRef);
            case csv -> csv(r);
            case json -> json(r, chartRef);
            case markdown -> markdown(r, chartRef);
        };
    }

    /** Whether any row of the report (or of its compact-headers run) failed. */
    static boolean anyFailed(GridReport r) {
        return !r.failed().isEmpty();
    }

    /** The columns a table prints: every column, without "failed" unless something failed (CSV always has it). */
    static List<String> columns(boolean withFailed) {
        List<String> c = new ArrayList<>(Arrays.asList(Row.COLUMNS));
        if (!withFailed) {
            c.remove("failed");
        }
        return c;
    }

    static Table table(GridReport r, boolean withFailed, String missing) {
        Table t = new Table(columns(withFailed)).numeric(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        for (Row x : r.rows) {
            t.row(cells(x, withFailed, missing));
        }
        return t;
    }

    /** A row's cells as printed: a figure that was not measured is {@code missing}. */
    static List<String> cells(Row x, boolean withFailed, String missing) {
        List<String> c = new ArrayList<>();
        for (Object v : x.values()) {
            c.add(v == null ? missing : v instanceof Double d ? Fmt.number(d) : String.valueOf(v));
        }
        if (x.failure() == null) {
            c.set(c.size() - 1, "");
        }
        if (!withFailed) {
            c.remove(c.size() - 1);
        }
        return c;
    }

    public static String csv(GridReport r) {
        List<String> header = columns(true);
        if (r.compact != null) {
            header.add("object_headers");
        }
        Table t = new Table(header);
        for (Row x : r.rows) {
            List<String> c = cells(x, true, "");
            if (r.compact != null) {
                c.add("default");
            }
            t.row(c);
        }
        if (r.compact != null) {
            for (Row x : r.compact.rows) {
                List<String> c = cells(x, true, "");
                c.add("compact");
                t.row(c);
            }
        }
        return t.csv();
    }

    public static String json(GridReport r, String chartRef) {
        Map<String, Object> m = r.toMap();
        m.put("tokio_study_quoted", tokioMap());
        m.put("verdict", Verdict.of(r));
        if (chartRef != null) {
            m.put("chart", chartRef);
        }
        if (r.compact != null) {
            Map<String, Object> c = r.compact.toMap();
            c.put("verdict", Verdict.of(r.compact));
            m.put("compact_object_headers", c);
        }
        return Json.write(m);
    }

    static Map<String, Object> tokioMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", "QUOTED, not measured");
        m.put("source", TokioStudy.SOURCE);
        m.put("subject", "tokio::sync::mpsc::channel (Rust), messages stored inline");
        List<Object> rows = new ArrayList<>();
        for (TokioStudy.Cell c : TokioStudy.TOKIO) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("msg_size", c.msgSize());
            x.put("capacity", c.capacity());
            x.put("heap_after_create", c.heapAfterCreate());
            x.put("heap_after_fill", c.heapAfterFill());
            rows.add(x);
        }
        m.put("rows", rows);
        return m;
    }

    static List<String> headerLines(GridReport r) {
        List<String> l = new ArrayList<>();
        l.add("JVM: " + r.jvm.describe());
        StringBuilder libs = new StringBuilder("Libraries:");
        r.libraries.forEach((k, v) -> libs.append(' ').append(k).append(' ').append(v).append(','));
        libs.setLength(libs.length() - 1);
        l.add(libs.toString());
        StringBuilder msgs = new StringBuilder("Messages: one byte[] per message, sized so that the object totals msg_size bytes"
                + " (rounded up to the alignment, at least 16):");
        r.messageObjectSizes.forEach((k, v) -> msgs.append(' ').append(k).append(" -> ").append(v).append(" B,"));
        msgs.setLength(msgs.length() - 1);
        l.add(msgs.toString());
        l.add("Bytes: JOL retained size from the subject's roots; messages excluded except in heap_after_fill_with_messages;"
                + " objects also reachable from an independent second instance (shared by every instance) excluded.");
        l.add("Aged: heap_after_aged is a channel that has lived: " + Fmt.n(r.agedMessages) + " messages sent and received one"
                + " at a time, then one receive that waits " + r.agedWaitMillis + " ms on the empty channel where the subject's"
                + " consumer can wait (a poll otherwise; see Subjects); it does not depend on msg_size.");
        l.add("Bursts, then idle: heap_after_bursts_idle is the channel after " + Measurer.IDLE_BURSTS + " bursts of capacity"
                + " messages drained by a consumer that only polls (poll/tryReceive until empty, never a blocking or timed"
                + " receive), then " + Fmt.n(r.idleMillis) + " ms with no call at all; it does not depend on msg_size.");
        l.add("Allocation: ThreadMXBean bytes per message (to 0.01 B), the total over the whole measured run of "
                + Fmt.n(r.ops) + " messages divided by the messages (as JMH's gc.alloc.rate.norm), after a warm-up of at"
                + " least 200,000 messages on the same instance, messages preallocated; steady = send one, receive one;"
                + " burst = fill to capacity, drain until empty, repeated; the measuring loop's own allocation ("
                + r.loopOverheadBytes + " B per window at most) subtracted.");
        return l;
    }

    public static String text(GridReport r, String chartRef) {
        boolean failed = anyFailed(r);
        StringBuilder sb = new StringBuilder();
        sb.append("leanchan footprint lab: retained heap and allocation per message, leanchan vs JVM peers\n");
        for (String l : headerLines(r)) {
            sb.append(l).append('\n');
        }
        sb.append('\n').append(table(r, failed, "-").text());
        sb.append("\nSubjects (as built for capacity ").append(Collections.max(r.capacities)).append("; how the consumer waits):\n");
        for (GridReport.SubjectInfo s : r.subjects) {
            sb.append("  ").append(s.name()).append(s.bounded() ? "" : " (unbounded: capacity = messages per fill)")
                    .append(": ").append(s.configs().get(Collections.max(r.capacities))).append("; waits: ")
                    .append(s.waits()).append('\n');
        }
        for (String note : r.notes) {
            sb.append("Note: ").append(note).append('\n');
        }
        sb.append("\ntokio's numbers from the study ").append(TokioStudy.NAME).append(" (QUOTED, not measured here;"
                + " tokio stores messages inline, so compare with heap_after_fill_with_messages):\n");
        sb.append(tokioTable(r).text());
        sb.append("\nVerdict (computed from the table):\n");
        bullets(sb, Verdict.of(r), "  - ");
        if (r.compact != null) {
            sb.append("\nThe same grid in a child JVM with -XX:+UseCompactObjectHeaders\n");
            sb.append("JVM: ").append(r.compact.jvm.describe()).append('\n');
            sb.append('\n').append(table(r.compact, failed, "-").text());
            sb.append("\nWhat compact headers change (msg_size ").append(Collections.min(r.msgSizes)).append("):\n");
            sb.append(compactChange(r).text());
            sb.append("\nVerdict with compact headers:\n");
            bullets(sb, Verdict.of(r.compact), "  - ");
        }
        if (chartRef != null) {
            sb.append("\nChart: ").append(chartRef).append('\n');
        }
        return sb.toString();
    }

    static void bullets(StringBuilder sb, List<String> lines, String mark) {
        for (String l : lines) {
            sb.append(mark).append(l).append('\n');
        }
    }

    /** tokio's cells from the study beside leanchan's (or the first subject's) measured ones. */
    static Table tokioTable(GridReport r) {
        String lean = r.subjects.stream().map(GridReport.SubjectInfo::name).filter(s -> s.equals("leanchan-bounded"))
                .findFirst().orElse(r.subjects.isEmpty() ? "-" : r.subjects.get(0).name());
        Table t = new Table(List.of("msg_size", "capacity", "tokio heap_after_create (QUOTED)", "tokio heap_after_fill (QUOTED)",
                lean + " heap_after_create", lean + " heap_after_fill", lean + " heap_after_fill_with_messages"))
                .numeric(0, 1, 2, 3, 4, 5, 6);
        for (TokioStudy.Cell c : TokioStudy.TOKIO) {
            Row x = r.row(lean, c.msgSize(), c.capacity());
            t.row(List.of(String.valueOf(c.msgSize()), String.valueOf(c.capacity()), String.valueOf(c.heapAfterCreate()),
                    String.valueOf(c.heapAfterFill()), x == null ? "-" : b(x.heapAfterCreate()),
                    x == null ? "-" : b(x.heapAfterFill()), x == null ? "-" : b(x.heapAfterFillWithMessages())));
        }
        return t;
    }

    static String b(long v) {
        return v == Row.MISSING ? "-" : String.valueOf(v);
    }

    static Table compactChange(GridReport r) {
        int msg = Collections.min(r.msgSizes);
        Table t = new Table(List.of("subject", "capacity", "create default", "create compact", "fill default", "fill compact",
                "drain default", "drain compact", "aged default", "aged compact", "bursts idle default",
                "bursts idle compact")).numeric(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        for (Row d : r.rows) {
            if (d.msgSize() != msg) {
                continue;
            }
            Row c = r.compact.row(d.subject(), d.msgSize(), d.capacity());
            if (c == null) {
                continue;
            }
            t.row(List.of(d.subject(), String.valueOf(d.capacity()), b(d.heapAfterCreate()), b(c.heapAfterCreate()),
                    b(d.heapAfterFill()), b(c.heapAfterFill()), b(d.heapAfterDrain()), b(c.heapAfterDrain()),
                    b(d.heapAfterAged()), b(c.heapAfterAged()), b(d.heapAfterBurstsIdle()), b(c.heapAfterBurstsIdle())));
        }
        return t;
    }

    public static String markdown(GridReport r, String chartRef) {
        boolean failed = anyFailed(r);
        StringBuilder sb = new StringBuilder();
        sb.append("## Measured: every subject, msg_size x capacity\n\n");
        for (String l : headerLines(r)) {
            int colon = l.indexOf(':');
            sb.append("- **").append(l, 0, colon).append("**").append(l.substring(colon)).append('\n');
        }
        sb.append('\n').append(table(r, failed, "-").markdown());
        sb.append("\nSubjects (as built for capacity ").append(Collections.max(r.capacities)).append("; how the consumer waits):\n\n");
        for (GridReport.SubjectInfo s : r.subjects) {
            sb.append("- `").append(s.name()).append("`").append(s.bounded() ? "" : " (unbounded: capacity = messages per fill)")
                    .append(": ").append(s.configs().get(Collections.max(r.capacities))).append("; waits: ")
                    .append(s.waits()).append('\n');
        }
        if (!r.notes.isEmpty()) {
            sb.append('\n');
            for (String note : r.notes) {
                sb.append("- Note: ").append(note).append('\n');
            }
        }
        sb.append("\n## tokio's numbers from the study ").append(TokioStudy.NAME).append(" beside ours\n\n");
        sb.append("tokio figures are **QUOTED** from the study (agentgateway's memory investigation), not measured here;"
                + " tokio stores messages inline, so compare its heap_after_fill with heap_after_fill_with_messages.\n\n");
        sb.append(tokioTable(r).markdown());
        if (chartRef != null) {
            sb.append("\n## Chart\n\n![heap after create and after fill against capacity](").append(chartRef).append(")\n");
        }
        sb.append("\n## Verdict (computed from the table)\n\n");
        bullets(sb, Verdict.of(r), "- ");
        if (r.compact != null) {
            sb.append("\n## With -XX:+UseCompactObjectHeaders\n\n- **JVM**: ").append(r.compact.jvm.describe()).append("\n\n");
            sb.append(compactChange(r).markdown());
            sb.append("\nVerdict with compact headers:\n\n");
            bullets(sb, Verdict.of(r.compact), "- ");
        }
        return sb.toString();
    }

    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
