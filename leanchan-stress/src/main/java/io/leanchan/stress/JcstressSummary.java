package io.leanchan.stress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the text output of a verbose jcstress run ({@code -v}, as saved by JcstressIT in
 * {@code jcstress-output.txt}) into a markdown table: each test, its status, and every outcome with its sample
 * count across all JVM configurations. Used by bin/stress for docs/stress.md.
 *
 * <p>Usage: {@code java -cp jcstress.jar io.leanchan.stress.JcstressSummary jcstress-output.txt}
 */
public final class JcstressSummary {
    private static final Pattern TEST = Pattern.compile("^\\.+ \\[(\\w+)\\] (\\S+)$");
    private static final Pattern ROW = Pattern.compile(
            "^\\s*(.*?)\\s+([\\d,]+)\\s+(<?[\\d.]+%)\\s+(Acceptable|Interesting|Forbidden|Unknown)\\s+(.*)$");

    private JcstressSummary() {
    }

    public static void main(String[] args) throws IOException {
        List<String> lines = Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8);
        // The RUN RESULTS section repeats each test once with its results across all configurations.
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("RUN RESULTS")) {
                start = i;
            }
        }
        Map<String, String> status = new LinkedHashMap<>();
        Map<String, List<String[]>> rows = new LinkedHashMap<>();
        String current = null;
        boolean inTable = false;
        for (int i = start; i < lines.size(); i++) {
            String l = lines.get(i);
            Matcher t = TEST.matcher(l.trim());
            if (t.matches()) {
                current = shortName(t.group(2));
                status.put(current, t.group(1));
                rows.putIfAbsent(current, new ArrayList<>());
                inTable = false;
                continue;
            }
            if (current == null) {
                continue;
            }
            if (l.contains("Results across all configurations")) {
                inTable = true;
                rows.get(current).clear();
                continue;
            }
            if (!inTable || l.contains("SAMPLES")) {
                continue;
            }
            Matcher r = ROW.matcher(l);
            if (r.matches()) {
                rows.get(current).add(new String[] {r.group(1).trim(), r.group(2), r.group(4)});
            } else {
                inTable = false;
            }
        }
        long total = 0;
        StringBuilder sb = new StringBuilder();
        sb.append("| test | status | samples | outcomes seen (samples; I = acceptable-interesting, F = forbidden) |\n");
        sb.append("|---|---|---|---|\n");
        for (Map.Entry<String, String> e : status.entrySet()) {
            long n = 0;
            StringBuilder seen = new StringBuilder();
            for (String[] row : rows.get(e.getKey())) {
                long k = Long.parseLong(row[1].replace(",", ""));
                n += k;
                if (seen.length() > 0) {
                    seen.append("; ");
                }
                String tag = row[2].equals("Interesting") ? " I" : row[2].equals("Forbidden") || row[2].equals("Unknown") ? " F" : "";
                seen.append('`').append(row[0].replace("|", "/")).append("` ").append(String.format("%,d", k)).append(tag);
            }
            total += n;
            sb.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" | ")
                    .append(String.format("%,d", n)).append(" | ").append(seen).append(" |\n");
        }
        System.out.print(sb);
        System.out.printf("%n%d tests, %,d samples in all.%n", status.size(), total);
    }

    private static String shortName(String fqcn) {
        String p = "io.leanchan.stress.jcstress.";
        return fqcn.startsWith(p) ? fqcn.substring(p.length()) : fqcn;
    }
}
