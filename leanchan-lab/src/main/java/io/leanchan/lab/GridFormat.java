package io.leanchan.lab;

import java.util.ArrayList;
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

    static Table table(GridReport r) {
        Table t = new Table(List.of(Row.COLUMNS)).numeric(1, 2, 3, 4, 5, 6, 7, 8);
        for (Row x : r.rows) {
            t.row(cells(x));
        }
        return t;
    }

    static List<String> cells(Row x) {
        return List.of(x.subject(), String.valueOf(x.msgSize()), String.valueOf(x.capacity()),
                String.valueOf(x.heapAfterCreate()), String.valueOf(x.heapAfterFill()),
                String.valueOf(x.heapAfterFillWithMessages()), String.valueOf(x.heapAfterDrain()),
                Json.number(x.allocPerMsgSteady()), Json.number(x.allocPerMsgBurst()));
    }

    public static String csv(GridReport r) {
        if (r.compact == null) {
            return table(r).csv();
        }
        List<String> header = new ArrayList<>(List.of(Row.COLUMNS));
        header.add("object_headers");
        Table t = new Table(header);
        for (Row x : r.rows) {
            List<String> c = new ArrayList<>(cells(x));
            c.add("default");
            t.row(c);
        }
        for (Row x : r.compact.rows) {
            List<String> c = new ArrayList<>(cells(x));
            c.add("compact");
            t.row(c);
        }
        return t.csv();
    }

    public static String json(GridReport r, String chartRef) {
        Map<String, Object> m = r.toMap();
        m.put("seed_quoted", seedMap());
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

    static Map<String, Object> seedMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", "QUOTED, not measured");
        m.put("source", SeedQuote.SOURCE);
        m.put("subject", "tokio::sync::mpsc::channel (Rust), messages stored inline");
        List<Object> rows = new ArrayList<>();
        for (SeedQuote.Cell c : SeedQuote.TOKIO) {
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
        l.add("Allocation: ThreadMXBean bytes per message (to 0.01 B) after a warm-up of at least 200,000 messages on the"
                + " same instance, messages preallocated; steady = send one, receive one; burst = fill to capacity, drain until"
                + " empty, repeated; the smallest of at least 3 windows of " + n(r.ops / 3) + "+ messages (more while the JIT settles); the measuring loop's"
                + " own allocation (" + r.loopOverheadBytes + " B per window at most) subtracted.");
        return l;
    }

    public static String text(GridReport r, String chartRef) {
        StringBuilder sb = new StringBuilder();
        sb.append("leanchan footprint lab: retained heap and allocation per message, leanchan vs JVM peers\n");
        for (String l : headerLines(r)) {
            sb.append(l).append('\n');
        }
        sb.append('\n').append(table(r).text());
        sb.append("\nSubjects (as built for capacity ").append(Collections.max(r.capacities)).append("):\n");
        for (GridReport.SubjectInfo s : r.subjects) {
            sb.append("  ").append(s.name()).append(s.bounded() ? "" : " (unbounded: capacity = messages per fill)")
                    .append(": ").append(s.configs().get(Collections.max(r.capacities))).append('\n');
        }
        for (String note : r.notes) {
            sb.append("Note: ").append(note).append('\n');
        }
        sb.append("\nThe seed's tokio numbers (QUOTED from the seed study, not measured here; tokio stores messages inline,"
                + " so compare with heap_after_fill_with_messages):\n");
        sb.append(seedTable(r).text());
        sb.append("\nVerdict: ").append(Verdict.of(r)).append('\n');
        if (r.compact != null) {
            sb.append("\nThe same grid in a child JVM with -XX:+UseCompactObjectHeaders\n");
            sb.append("JVM: ").append(r.compact.jvm.describe()).append('\n');
            sb.append('\n').append(table(r.compact).text());
            sb.append("\nWhat compact headers change (msg_size ").append(Collections.min(r.msgSizes)).append("):\n");
            sb.append(compactChange(r).text());
            sb.append("\nVerdict with compact headers: ").append(Verdict.of(r.compact)).append('\n');
        }
        if (chartRef != null) {
            sb.append("\nChart: ").append(chartRef).append('\n');
        }
        return sb.toString();
    }

    /** The seed's tokio cells beside leanchan's (or the first subject's) measured ones. */
    static Table seedTable(GridReport r) {
        String lean = r.subjects.stream().map(GridReport.SubjectInfo::name).filter(s -> s.equals("leanchan-bounded"))
                .findFirst().orElse(r.subjects.isEmpty() ? "-" : r.subjects.get(0).name());
        Table t = new Table(List.of("msg_size", "capacity", "tokio heap_after_create (QUOTED)", "tokio heap_after_fill (QUOTED)",
                lean + " heap_after_create", lean + " heap_after_fill", lean + " heap_after_fill_with_messages"))
                .numeric(0, 1, 2, 3, 4, 5, 6);
        for (SeedQuote.Cell c : SeedQuote.TOKIO) {
            Row x = r.row(lean, c.msgSize(), c.capacity());
            t.row(List.of(String.valueOf(c.msgSize()), String.valueOf(c.capacity()), String.valueOf(c.heapAfterCreate()),
                    String.valueOf(c.heapAfterFill()), x == null ? "-" : String.valueOf(x.heapAfterCreate()),
                    x == null ? "-" : String.valueOf(x.heapAfterFill()),
                    x == null ? "-" : String.valueOf(x.heapAfterFillWithMessages())));
        }
        return t;
    }

    static Table compactChange(GridReport r) {
        int msg = Collections.min(r.msgSizes);
        Table t = new Table(List.of("subject", "capacity", "create default", "create compact", "fill default", "fill compact",
                "drain default", "drain compact")).numeric(1, 2, 3, 4, 5, 6, 7);
        for (Row d : r.rows) {
            if (d.msgSize() != msg) {
                continue;
            }
            Row c = r.compact.row(d.subject(), d.msgSize(), d.capacity());
            if (c == null) {
                continue;
            }
            t.row(List.of(d.subject(), String.valueOf(d.capacity()), String.valueOf(d.heapAfterCreate()),
                    String.valueOf(c.heapAfterCreate()), String.valueOf(d.heapAfterFill()), String.valueOf(c.heapAfterFill()),
                    String.valueOf(d.heapAfterDrain()), String.valueOf(c.heapAfterDrain())));
        }
        return t;
    }

    public static String markdown(GridReport r, String chartRef) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Measured: every subject, msg_size x capacity\n\n");
        for (String l : headerLines(r)) {
            int colon = l.indexOf(':');
            sb.append("- **").append(l, 0, colon).append("**").append(l.substring(colon)).append('\n');
        }
        sb.append('\n').append(table(r).markdown());
        sb.append("\nSubjects (as built for capacity ").append(Collections.max(r.capacities)).append("):\n\n");
        for (GridReport.SubjectInfo s : r.subjects) {
            sb.append("- `").append(s.name()).append("`").append(s.bounded() ? "" : " (unbounded: capacity = messages per fill)")
                    .append(": ").append(s.configs().get(Collections.max(r.capacities))).append('\n');
        }
        if (!r.notes.isEmpty()) {
            sb.append('\n');
            for (String note : r.notes) {
                sb.append("- Note: ").append(note).append('\n');
            }
        }
        sb.append("\n## The seed's tokio numbers beside ours\n\n");
        sb.append("tokio figures are **QUOTED** from the seed study, not measured here; tokio stores messages inline, so compare"
                + " its heap_after_fill with heap_after_fill_with_messages.\n\n");
        sb.append(seedTable(r).markdown());
        if (chartRef != null) {
            sb.append("\n## Chart\n\n![heap after create and after fill against capacity](").append(chartRef).append(")\n");
        }
        sb.append("\n## Verdict (computed from the table)\n\n").append(Verdict.of(r)).append('\n');
        if (r.compact != null) {
            sb.append("\n## With -XX:+UseCompactObjectHeaders\n\n- **JVM**: ").append(r.compact.jvm.describe()).append("\n\n");
            sb.append(compactChange(r).markdown());
            sb.append("\nVerdict with compact headers: ").append(Verdict.of(r.compact)).append('\n');
        }
        return sb.toString();
    }

    static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
