package io.leanchan.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The report's section on {@link SelectBench} (select over several channels, issue 12). */
final class SelectSection {
    private SelectSection() {
    }

    /** The subjects' kinds, in table order, with their labels. */
    static final String[][] KINDS = {
            {"LEANCHAN", "leanchan `Select` (one reusable object)"},
            {"JOX", "Jox `Select.select` (clauses built once)"},
            {"FANIN_ABQ", "thread per channel into one `ArrayBlockingQueue`"},
            {"FANIN_LBQ", "thread per channel into one `LinkedBlockingQueue`"}};

    static String markdown(Path results) throws IOException {
        List<Report.Row> rows = Report.load(results.resolve(Suite.SELECT));
        if (rows.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## 11. Select over several channels\n\n");
        md.append("`SelectBench`: n bounded channels (capacity ").append(SelectBench.CAPACITY)
                .append("), one producer thread per channel sending in a loop with a blocking send, and the JMH "
                        + "thread selecting one message per op with a blocking select. The fan-in rows are what one "
                        + "writes without select: a drain thread per channel moving messages into one queue that the "
                        + "consumer takes from (2n + 1 threads). B/select is `-prof gc`'s `gc.alloc.rate.norm`: the "
                        + "allocation of every thread, producers and drain threads included, per select. \"Least "
                        + "served\" is the smallest share of the selects that one channel got (fair: 1/n).\n\n");
        md.append("| subject | 2 channels: selects/µs | B/select | least served | 4 channels: selects/µs | B/select "
                + "| least served |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (String[] k : KINDS) {
            Report.Row two = Report.find(rows, "SelectBench.select", k[0] + "_2");
            Report.Row four = Report.find(rows, "SelectBench.select", k[0] + "_4");
            if (two == null && four == null) {
                continue;
            }
            md.append("| ").append(k[1]).append(cells(two, 2)).append(cells(four, 4)).append(" |\n");
        }
        md.append("\n");
        return md.toString();
    }

    private static String cells(Report.Row r, int channels) {
        if (r == null) {
            return " | - | - | -";
        }
        return " | " + Report.pm(r.score(), r.error()) + " | " + Report.bytes(r.metric("gc.alloc.rate.norm"))
                + " | " + leastServed(r, channels);
    }

    /** The smallest per-channel share of the selects, from the ch0..ch3 counters. */
    static String leastServed(Report.Row r, int channels) {
        double total = 0;
        double min = Double.MAX_VALUE;
        for (int i = 0; i < channels; i++) {
            double c = r.metric("ch" + i);
            if (Double.isNaN(c)) {
                return "n/a";
            }
            total += c;
            min = Math.min(min, c);
        }
        return total > 0 ? String.format(Locale.ROOT, "%.0f%%", 100 * min / total) : "n/a";
    }
}
