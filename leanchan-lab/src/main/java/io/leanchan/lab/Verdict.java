package io.leanchan.lab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** A one-paragraph reading of a grid, computed from its numbers. */
public final class Verdict {

    private Verdict() {
    }

    public static String of(GridReport r) {
        if (r.rows.isEmpty()) {
            return "No rows were measured.";
        }
        int cap = Collections.max(r.capacities);
        int msg = Collections.min(r.msgSizes);
        List<Row> at = new ArrayList<>();
        for (Row row : r.rows) {
            if (row.capacity() == cap && row.msgSize() == msg) {
                at.add(row);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("At capacity ").append(n(cap)).append(" (msg_size ").append(msg).append(", messages excluded), ");

        long minCreate = at.stream().mapToLong(Row::heapAfterCreate).min().orElse(0);
        List<String> idle = names(at, x -> x.heapAfterCreate() == minCreate);
        sb.append("the smallest idle ").append(idle.size() == 1 ? "subject is " : "subjects are ").append(join(idle))
                .append(" (").append(n(minCreate)).append(" B after create)");
        List<String> idleEverywhere = new ArrayList<>();
        for (String s : idle) {
            boolean everywhere = true;
            for (int c : r.capacities) {
                Row mine = r.row(s, msg, c);
                for (Row o : r.rows) {
                    if (o.msgSize() == msg && o.capacity() == c && mine != null && o.heapAfterCreate() < mine.heapAfterCreate()) {
                        everywhere = false;
                    }
                }
            }
            if (everywhere) {
                idleEverywhere.add(s);
            }
        }
        if (!idleEverywhere.isEmpty() && r.capacities.size() > 1) {
            sb.append(", and ").append(idleEverywhere.size() == 1 ? "it is" : "they are").append(" the smallest at every capacity measured");
        }
        long minFill = at.stream().mapToLong(Row::heapAfterFill).min().orElse(0);
        List<String> full = names(at, x -> x.heapAfterFill() == minFill);
        sb.append("; the smallest full ").append(full.size() == 1 ? "is " : "are ").append(join(full)).append(" (")
                .append(n(minFill)).append(" B holding ").append(n(cap)).append(" messages, ")
                .append(String.format(Locale.ROOT, "%.1f", minFill / (double) cap)).append(" B per held message)");
        String lean = leanchanName(at);
        if (lean != null && (!idle.contains(lean) || !full.contains(lean))) {
            Row l = find(at, lean);
            sb.append("; ").append(lean).append(" holds ").append(n(l.heapAfterCreate())).append(" B idle and ")
                    .append(n(l.heapAfterFill())).append(" B full");
        }
        sb.append(". ");

        List<String> giveBack = new ArrayList<>();
        List<String> keep = new ArrayList<>();
        List<String> upfront = new ArrayList<>();
        for (Row x : at) {
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
        sb.append("After filling and draining, ");
        if (!giveBack.isEmpty()) {
            sb.append(join(giveBack)).append(giveBack.size() == 1 ? " gives" : " give")
                    .append(" memory back (heap_after_drain returns to heap_after_create, give or take 5% of what the fill added)");
        } else {
            sb.append("no subject gives memory back");
        }
        if (!keep.isEmpty()) {
            sb.append("; ").append(join(keep)).append(keep.size() == 1 ? " keeps" : " keep")
                    .append(" part of what the fill added (bytes above heap_after_create after the drain)");
        }
        if (!upfront.isEmpty()) {
            sb.append("; ").append(join(upfront)).append(upfront.size() == 1 ? " does" : " do")
                    .append(" not grow when filled (storage allocated up front, or fixed), so there is nothing to give back");
        }
        sb.append(". ");

        List<String> noGarbage = names(at, x -> x.allocPerMsgSteady() < 0.5);
        Row worst = at.stream().max((a, b) -> Double.compare(a.allocPerMsgSteady(), b.allocPerMsgSteady())).orElseThrow();
        sb.append("With one message in flight, ");
        if (noGarbage.isEmpty()) {
            sb.append("every subject allocates per message");
        } else {
            sb.append(noGarbage.size()).append(" of ").append(at.size()).append(" subjects allocate nothing per message (")
                    .append(join(noGarbage)).append(")");
        }
        if (worst.allocPerMsgSteady() >= 0.5) {
            sb.append(", and ").append(worst.subject()).append(" allocates the most (")
                    .append(String.format(Locale.ROOT, "%.1f", worst.allocPerMsgSteady())).append(" B per message)");
        }
        sb.append('.');

        SeedQuote.Cell seedSmall = null;
        SeedQuote.Cell seedBig = null;
        for (int m : r.msgSizes) {
            SeedQuote.Cell c = SeedQuote.find(m, cap);
            if (c != null) {
                if (seedSmall == null) {
                    seedSmall = c;
                }
                seedBig = c;
            }
        }
        if (seedSmall != null && lean != null) {
            Row ls = r.row(lean, seedSmall.msgSize(), cap);
            sb.append(" For comparison, the seed's tokio channel (QUOTED, not measured; messages stored inline) holds ")
                    .append(n(seedSmall.heapAfterCreate())).append(" B after create at msg_size ").append(seedSmall.msgSize());
            if (seedBig != seedSmall) {
                sb.append(" and ").append(n(seedBig.heapAfterCreate())).append(" B at msg_size ").append(seedBig.msgSize());
            }
            sb.append(", where ").append(lean).append(" holds ").append(n(ls.heapAfterCreate())).append(" B");
            sb.append("; full at msg_size ").append(seedSmall.msgSize()).append(" tokio holds ")
                    .append(n(seedSmall.heapAfterFill())).append(" B and ").append(lean).append(" ")
                    .append(n(ls.heapAfterFillWithMessages())).append(" B with its ").append(n(cap))
                    .append(" message objects (").append(n(r.messageObjectSizes.getOrDefault(seedSmall.msgSize(), 0L)))
                    .append(" B each on this JVM).");
        }
        return sb.toString();
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

    private static List<String> names(List<Row> rows, java.util.function.Predicate<Row> p) {
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
        return String.format(Locale.ROOT, "%,d", v);
    }
}
