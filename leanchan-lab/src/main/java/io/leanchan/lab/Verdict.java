package io.leanchan.lab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/** A reading of a grid in short bullets, computed from its numbers (rows that failed are left out and listed). */
public final class Verdict {

    private Verdict() {
    }

    /** The verdict as one bullet per line, each without its bullet mark. */
    public static List<String> of(GridReport r) {
        List<String> out = new ArrayList<>();
        if (r.rows.isEmpty()) {
            out.add("No rows were measured.");
            return out;
        }
        int cap = Collections.max(r.capacities);
        int msg = Collections.min(r.msgSizes);
        List<Row> at = new ArrayList<>();
        for (Row row : r.rows) {
            if (row.capacity() == cap && row.msgSize() == msg && row.ok()) {
                at.add(row);
            }
        }
        String where = "capacity " + n(cap) + ", msg_size " + msg;
        String lean = leanchanName(at);
        Row l = lean == null ? null : find(at, lean);

        List<Row> created = measured(at, x -> x.heapAfterCreate() != Row.MISSING);
        if (!created.isEmpty()) {
            long min = created.stream().mapToLong(Row::heapAfterCreate).min().orElseThrow();
            out.add("Smallest new (" + where + "): " + join(names(created, x -> x.heapAfterCreate() == min)) + ", "
                    + n(min) + " B" + leanSays(l, lean, l == null ? Row.MISSING : l.heapAfterCreate(), min) + ".");
            if (l != null && l.heapAfterCreate() != Row.MISSING) {
                List<Row> smaller = measured(created, x -> x.heapAfterCreate() < l.heapAfterCreate());
                if (!smaller.isEmpty()) {
                    List<String> what = new ArrayList<>();
                    for (Row x : smaller) {
                        what.add(x.subject() + " (" + n(x.heapAfterCreate()) + " B new, "
                                + Fmt.number(x.allocPerMsgSteady()) + " B of garbage per message"
                                + (r.subjects.stream().anyMatch(s -> s.name().equals(x.subject()) && !s.bounded())
                                ? ", no bound" : "") + ")");
                    }
                    out.add("Smaller than " + lean + " when new: " + join(what) + ".");
                }
            }
        }
        List<Row> filled = measured(at, x -> x.heapAfterFill() != Row.MISSING);
        if (!filled.isEmpty()) {
            long min = filled.stream().mapToLong(Row::heapAfterFill).min().orElseThrow();
            out.add("Smallest holding " + n(cap) + " messages (messages excluded): "
                    + join(names(filled, x -> x.heapAfterFill() == min)) + ", " + n(min) + " B ("
                    + String.format(Locale.ROOT, "%.1f", min / (double) cap) + " B per message)"
                    + leanSays(l, lean, l == null ? Row.MISSING : l.heapAfterFill(), min) + ".");
        }

        List<String> giveBack = new ArrayList<>();
        List<String> keep = new ArrayList<>();
        List<String> upfront = new ArrayList<>();
        for (Row x : measured(at, x -> x.heapAfterDrain() != Row.MISSING)) {
            long grew = x.heapAfterFill() - x.heapAfterCreate();
            long kept = x.heapAfterDrain() - x.heapAfterCreate();
            if (grew <= 0) {
                upfront.add(x.subject());
            } else if (kept <= grew / 20) {
                giveBack.add(x.subject());
            } else {
                keep.add(x.subject() + " (" + n(kept) + " B)");
            }
        }
        if (!giveBack.isEmpty()) {
            out.add("Give memory back after a fill and a drain (within 5% of what the fill added): " + join(giveBack) + ".");
        }
        if (!keep.isEmpty()) {
            out.add("Keep part of the fill after a drain (bytes above heap_after_create): " + join(keep) + ".");
        }
        if (!upfront.isEmpty()) {
            out.add("Take all their storage up front (a fill adds nothing, a drain gives nothing back): " + join(upfront) + ".");
        }

        List<Row> aged = measured(at, x -> x.heapAfterAged() != Row.MISSING && x.heapAfterCreate() != Row.MISSING);
        if (!aged.isEmpty()) {
            long min = aged.stream().mapToLong(Row::heapAfterAged).min().orElseThrow();
            String life = "after " + n(r.agedMessages) + " messages one at a time and a " + r.agedWaitMillis + " ms wait";
            out.add("Smallest " + life + " (heap_after_aged): " + join(names(aged, x -> x.heapAfterAged() == min)) + ", "
                    + n(min) + " B" + leanSays(l, lean, l == null ? Row.MISSING : l.heapAfterAged(), min) + ".");
            List<String> older = new ArrayList<>();
            for (Row x : aged) {
                if (x.heapAfterAged() > x.heapAfterCreate()) {
                    older.add(x.subject() + " (+" + n(x.heapAfterAged() - x.heapAfterCreate()) + " B)");
                }
            }
            if (!older.isEmpty()) {
                out.add("Larger " + life + " than new: " + join(older) + ".");
            }
        }

        List<Row> idle = measured(at, x -> x.heapAfterBurstsIdle() != Row.MISSING && x.heapAfterCreate() != Row.MISSING);
        if (!idle.isEmpty()) {
            long min = idle.stream().mapToLong(Row::heapAfterBurstsIdle).min().orElseThrow();
            String after = "after " + Measurer.IDLE_BURSTS + " bursts of " + n(cap) + " drained by a consumer that only polls,"
                    + " then " + n(r.idleMillis) + " ms with no call";
            out.add("Smallest " + after + " (heap_after_bursts_idle): " + join(names(idle, x -> x.heapAfterBurstsIdle() == min))
                    + ", " + n(min) + " B" + leanSays(l, lean, l == null ? Row.MISSING : l.heapAfterBurstsIdle(), min) + ".");
            List<String> back = names(idle, x -> x.heapAfterBurstsIdle() <= x.heapAfterCreate());
            List<String> kept = new ArrayList<>();
            for (Row x : idle) {
                if (x.heapAfterBurstsIdle() > x.heapAfterCreate()) {
                    kept.add(x.subject() + " (+" + n(x.heapAfterBurstsIdle() - x.heapAfterCreate()) + " B)");
                }
            }
            if (!back.isEmpty()) {
                out.add("Back to their new size after those bursts and idle time: " + join(back) + ".");
            }
            if (!kept.isEmpty()) {
                out.add("Larger than new after those bursts and idle time: " + join(kept) + ".");
            }
        }

        List<Row> alloc = measured(at, x -> !Double.isNaN(x.allocPerMsgSteady()));
        if (!alloc.isEmpty()) {
            List<String> none = names(alloc, x -> x.allocPerMsgSteady() < 0.5);
            List<String> some = new ArrayList<>();
            for (Row x : alloc) {
                if (x.allocPerMsgSteady() >= 0.5) {
                    some.add(x.subject() + " " + String.format(Locale.ROOT, "%.1f", x.allocPerMsgSteady()) + " B");
                }
            }
            StringBuilder sb = new StringBuilder("One message in flight: ");
            if (none.isEmpty()) {
                sb.append("every subject allocates per message (").append(join(some)).append(")");
            } else if (some.isEmpty()) {
                sb.append("no subject allocates per message");
            } else {
                sb.append(none.size()).append(" of ").append(alloc.size()).append(" allocate nothing per message; the others, per message: ")
                        .append(join(some));
            }
            out.add(sb.append('.').toString());
        }

        TokioStudy.Cell small = null;
        TokioStudy.Cell big = null;
        for (int m : r.msgSizes) {
            TokioStudy.Cell c = TokioStudy.find(m, cap);
            if (c != null) {
                if (small == null) {
                    small = c;
                }
                big = c;
            }
        }
        if (small != null && lean != null) {
            Row ls = r.row(lean, small.msgSize(), cap);
            if (ls != null && ls.heapAfterCreate() != Row.MISSING && ls.heapAfterFillWithMessages() != Row.MISSING) {
                StringBuilder sb = new StringBuilder("tokio in the study ").append(TokioStudy.NAME)
                        .append(" (QUOTED, messages inline): ").append(n(small.heapAfterCreate()))
                        .append(" B new at msg_size ").append(small.msgSize());
                if (big != small) {
                    sb.append(", ").append(n(big.heapAfterCreate())).append(" B at msg_size ").append(big.msgSize());
                }
                sb.append("; ").append(lean).append(": ").append(n(ls.heapAfterCreate())).append(" B. Full at msg_size ")
                        .append(small.msgSize()).append(": tokio ").append(n(small.heapAfterFill())).append(" B, ")
                        .append(lean).append(' ').append(n(ls.heapAfterFillWithMessages())).append(" B with its ")
                        .append(n(cap)).append(" message objects (")
                        .append(n(r.messageObjectSizes.getOrDefault(small.msgSize(), 0L))).append(" B each).");
                out.add(sb.toString());
            }
        }

        List<String> failed = new ArrayList<>();
        for (Row x : r.rows) {
            if (!x.ok() && failed.stream().noneMatch(f -> f.startsWith(x.subject() + " "))) {
                failed.add(x.subject() + " (" + x.failure() + ")");
            }
        }
        if (!failed.isEmpty()) {
            out.add("Not fully measured, so left out above: " + String.join("; ", failed) + ".");
        }
        return out;
    }

    /** The verdict as a single string (bullets joined by newlines), for tests and logs. */
    public static String text(GridReport r) {
        return String.join("\n", of(r));
    }

    private static String leanSays(Row l, String lean, long v, long min) {
        if (l == null || v == Row.MISSING || v == min) {
            return "";
        }
        return "; " + lean + ": " + n(v) + " B";
    }

    private static List<Row> measured(List<Row> rows, Predicate<Row> p) {
        List<Row> out = new ArrayList<>();
        for (Row x : rows) {
            if (p.test(x)) {
                out.add(x);
            }
        }
        return out;
    }

    private static String leanchanName(List<Row> at) {
        for (String s : new String[]{"leanchan-bounded", "leanchan-unbounded"}) {
            if (find(at, s) != null) {
                return s;
            }
        }
        return null;
    }

    private static Row find(List<Row> at, String subject) {
        for (Row x : at) {
            if (x.subject().equals(subject)) {
                return x;
            }
        }
        return null;
    }

    private static List<String> names(List<Row> rows, Predicate<Row> p) {
        List<String> out = new ArrayList<>();
        for (Row x : rows) {
            if (p.test(x)) {
                out.add(x.subject());
            }
        }
        return out;
    }

    static String join(List<String> names) {
        if (names.size() <= 1) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    static String n(long v) {
        return Fmt.n(v);
    }
}
