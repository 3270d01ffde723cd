package io.leanchan.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a scenario: one table plus what it means. The last column, "failed", is null for a subject that
 * was measured and says what failed otherwise (its figures are then null).
 */
public record ScenarioReport(String name, String title, JvmInfo jvm, Map<String, String> libraries, List<String> method,
                             List<String> columns, List<List<Object>> rows, List<String> quoted, List<String> verdict,
                             List<String> notes) {

    /** Whether some subject could not be measured. */
    public boolean anyFailed() {
        return rows.stream().anyMatch(r -> r.get(r.size() - 1) != null);
    }

    Table table(boolean withFailed, String missing) {
        int n = withFailed ? columns.size() : columns.size() - 1;
        Table t = new Table(columns.subList(0, n));
        for (int i = 1; i < n; i++) {
            t.numeric(i);
        }
        for (List<Object> r : rows) {
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Object o = r.get(i);
                cells.add(o == null ? (i == columns.size() - 1 ? "" : missing) : o instanceof Double d ? Fmt.number(d) : String.valueOf(o));
            }
            t.row(cells);
        }
        return t;
    }

    public String format(Format f) {
        return switch (f) {
            case csv -> table(true, "").csv();
            case json -> Json.write(toMap());
            case text -> text();
            case markdown -> markdown();
        };
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("leanchan footprint lab, scenario ").append(name).append(": ").append(title).append('\n');
        sb.append("JVM: ").append(jvm.describe()).append('\n');
        sb.append("Libraries:");
        libraries.forEach((k, v) -> sb.append(' ').append(k).append(' ').append(v));
        sb.append('\n');
        for (String m : method) {
            sb.append(m).append('\n');
        }
        sb.append('\n').append(table(anyFailed(), "-").text()).append('\n');
        for (String n : notes) {
            sb.append("Note: ").append(n).append('\n');
        }
        for (String q : quoted) {
            sb.append("QUOTED from the study ").append(TokioStudy.NAME).append(", not measured here: ").append(q).append('\n');
        }
        sb.append("\nVerdict:\n");
        for (String v : verdict) {
            sb.append("  - ").append(v).append('\n');
        }
        return sb.toString();
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("## Scenario ").append(name).append(": ").append(title).append("\n\n");
        sb.append("- **JVM**: ").append(jvm.describe()).append('\n');
        for (String m : method) {
            sb.append("- ").append(m).append('\n');
        }
        sb.append('\n').append(table(anyFailed(), "-").markdown()).append('\n');
        for (String n : notes) {
            sb.append("- Note: ").append(n).append('\n');
        }
        for (String q : quoted) {
            sb.append("- **QUOTED** from the study ").append(TokioStudy.NAME).append(", not measured here: ").append(q).append('\n');
        }
        sb.append('\n');
        for (String v : verdict) {
            sb.append("- ").append(v).append('\n');
        }
        return sb.toString();
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tool", "leanchan-lab");
        m.put("scenario", name);
        m.put("title", title);
        m.put("jvm", jvm.toMap());
        m.put("libraries", libraries);
        m.put("method", method);
        m.put("columns", columns);
        List<Object> rs = new ArrayList<>();
        for (List<Object> r : rows) {
            Map<String, Object> x = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                x.put(columns.get(i), r.get(i));
            }
            rs.add(x);
        }
        m.put("rows", rs);
        m.put("quoted", quoted);
        m.put("notes", notes);
        m.put("verdict", verdict);
        return m;
    }
}
