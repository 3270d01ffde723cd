package io.leanchan.bench;

import io.leanchan.Channel;
import io.leanchan.Receiver;
import io.leanchan.Sender;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Do leanchan's {@code trySend} / {@code tryReceive} fast paths inline (issue 8)? Runs a driver loop (the
 * patterns of {@link CostBench}: send+receive pairs, batches of 64, empty polls, calling {@link Sender} and
 * {@link Receiver} directly) in a child JVM with {@code -XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining
 * -XX:-TieredCompilation} (C2 only, so that every line of the log is C2's decision), then reads C2's inlining
 * trees and prints one verdict per {@code io.leanchan} method that appears at any call site:
 * <ul>
 * <li>{@code INLINED}: every site says {@code inline (hot)} (or another {@code inline ...});</li>
 * <li>{@code NOT INLINED (hot, too big)}: a hot site says {@code hot method too big} or {@code already compiled
 * into a big method} (the callee's compiled code is over {@code InlineSmallCode}) and none inlines it: the
 * fast path pays a real call there;</li>
 * <li>{@code NOT INLINED (too big, not hot)}: {@code too big} (a site C2 did not find hot, over
 * {@code MaxInlineSize}) or {@code already compiled into a medium method}: usually a slow path;</li>
 * <li>{@code MIXED}: some sites inline it, some do not (the detail says which reasons);</li>
 * <li>{@code COLD}: not inlined only because the site (almost) never ran ({@code never executed}, {@code call
 * site not reached}, {@code low call site frequency}): a slow path, not the fast path.</li>
 * </ul>
 * It names methods by what the log prints, so it works unchanged whatever the core's internals are called.
 *
 * <pre>
 * java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.InliningCheck [--smoke] [--out FILE.jsonl] [--log DIR]
 * java -cp leanchan-bench/target/benchmarks.jar io.leanchan.bench.InliningCheck --parse LOG   # any PrintInlining log, e.g.
 * java -jar leanchan-bench/target/benchmarks.jar CostBench -p subject=LEANCHAN_1024 -f 1 -wi 3 -i 1 \
 *     -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining" &gt; LOG
 * </pre>
 */
public final class InliningCheck {
    static final Integer MSG = 777;
    static final Pattern SITE = Pattern.compile("@\\s+\\d+\\s+([\\w.$]+::[\\w$<>]+)\\s+\\((\\d+) bytes\\)\\s+(.*)$");

    private InliningCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--child")) {
            child(args[1], Long.parseLong(args[2]));
            return;
        }
        if (args.length == 2 && args[0].equals("--parse")) {
            Map<String, Verdict> v = parse(Files.readAllLines(Path.of(args[1])));
            v.values().forEach(x -> System.out.println(x.line()));
            return;
        }
        boolean smoke = false;
        Path out = null;
        Path logs = null;
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--smoke" -> smoke = true;
                case "--out" -> out = Path.of(args[++k]);
                case "--log" -> logs = Path.of(args[++k]);
                default -> {
                    System.err.println("usage: InliningCheck [--smoke] [--out FILE.jsonl] [--log DIR] | --parse LOG");
                    System.exit(2);
                }
            }
        }
        run(smoke, out, logs);
    }

    /** Checks each channel shape (smoke: bounded(1024) only) and prints (and appends to {@code out}) the verdicts. */
    static void run(boolean smoke, Path out, Path logs) throws IOException, InterruptedException {
        List<String> channels = smoke ? List.of("1024") : List.of("16", "1024", "unbounded");
        long ms = smoke ? 1500 : 4000;
        for (String c : channels) {
            List<String> log = runChild(c, ms);
            if (logs != null) {
                Files.createDirectories(logs);
                Files.write(logs.resolve("inlining-" + c + ".log"), log, StandardCharsets.UTF_8);
            }
            Map<String, Verdict> verdicts = parse(log);
            if (verdicts.isEmpty()) {
                throw new IllegalStateException("no io.leanchan call site in the PrintInlining log of channel " + c);
            }
            String name = c.equals("unbounded") ? "unbounded()" : "bounded(" + c + ")";
            System.out.println("inlining, leanchan " + name + " (C2, -XX:-TieredCompilation):");
            System.out.println("  " + summary(verdicts));
            for (Verdict v : verdicts.values()) {
                System.out.println("  " + v.line());
                if (out != null) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("channel", name);
                    r.put("method", v.method);
                    r.put("bytes", v.bytes);
                    r.put("verdict", v.verdict());
                    r.put("detail", v.detail());
                    r.put("hotSitesNotInlined", v.hotTooBig);
                    Files.createDirectories(out.toAbsolutePath().getParent());
                    Files.writeString(out, Json.write(r) + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
        }
    }

    static List<String> runChild(String channel, long ms) throws IOException, InterruptedException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m", "-Xmx256m", "-XX:+UnlockDiagnosticVMOptions", "-XX:+PrintInlining",
                "-XX:-TieredCompilation", "-cp", System.getProperty("java.class.path"),
                InliningCheck.class.getName(), "--child", channel, Long.toString(ms));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                for (String l : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // gone
            }
        });
        if (!p.waitFor(ms + 60_000, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("inlining check of channel " + channel + " timed out");
        }
        reader.join(10_000);
        if (p.exitValue() != 0) {
            throw new IOException("inlining check of channel " + channel + " failed (exit " + p.exitValue() + "): "
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        }
        return lines;
    }

    /** One method's sites: what C2 said about each. */
    static final class Verdict {
        final String method;
        final int bytes;
        final Map<String, Integer> reasons = new TreeMap<>();
        int inlined;
        int tooBig;
        /** Of tooBig: sites C2 found hot ("hot method too big", "already compiled into a big method"). */
        int hotTooBig;
        int cold;
        int other;

        Verdict(String method, int bytes) {
            this.method = method;
            this.bytes = bytes;
        }

        void add(String reason) {
            reasons.merge(reason, 1, Integer::sum);
            if (reason.startsWith("inline") || reason.equals("accessor") || reason.startsWith("intrinsic")) {
                inlined++;
            } else if (reason.contains("too big") || reason.contains("big method") || reason.contains("medium method")
                    || reason.contains("too large")) {
                tooBig++;
                if (reason.contains("hot") || reason.contains("big method")) {
                    hotTooBig++;
                }
            } else if (reason.contains("never executed") || reason.contains("not reached")
                    || reason.contains("low call site frequency")) {
                cold++;
            } else {
                other++;
            }
        }

        String verdict() {
            if (inlined > 0 && tooBig + other == 0) {
                return "INLINED";
            }
            if (inlined > 0) {
                return "MIXED";
            }
            if (hotTooBig > 0) {
                return "NOT INLINED (hot, too big)";
            }
            if (tooBig > 0) {
                return "NOT INLINED (too big, not hot)";
            }
            if (other > 0) {
                return "NOT INLINED";
            }
            return "COLD";
        }

        String detail() {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Integer> e : reasons.entrySet()) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(e.getKey()).append(" x").append(e.getValue());
            }
            return sb.toString();
        }

        String line() {
            return String.format(Locale.ROOT, "%-22s %s (%d bytes): %s", verdict(), method, bytes, detail());
        }
    }

    /** One line: the hot call sites that C2 did not inline, or that there are none. */
    static String summary(Map<String, Verdict> verdicts) {
        List<String> hot = new ArrayList<>();
        for (Verdict v : verdicts.values()) {
            if (v.hotTooBig > 0) {
                hot.add(v.method.substring(v.method.lastIndexOf('.') + 1) + " (" + v.bytes + " bytes)");
            }
        }
        return hot.isEmpty() ? "verdict: every hot io.leanchan call site is inlined"
                : "verdict: hot call sites NOT inlined: " + String.join(", ", hot);
    }

    /** The verdict per io.leanchan method (the bench module's own methods left out), in order of first appearance. */
    static Map<String, Verdict> parse(List<String> log) {
        Map<String, Verdict> out = new LinkedHashMap<>();
        for (String line : log) {
            Matcher m = SITE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String method = m.group(1);
            if (!method.startsWith("io.leanchan.") || method.startsWith("io.leanchan.bench.")) {
                continue;
            }
            // The reason, without what follows it on the line ("callee changed to ...", "\\-> TypeProfile ...").
            String reason = m.group(3).trim().split("\\s{3,}")[0];
            if (reason.startsWith("failed to inline:")) {
                reason = reason.substring("failed to inline:".length()).trim();
            }
            out.computeIfAbsent(method, k -> new Verdict(k, Integer.parseInt(m.group(2)))).add(reason);
        }
        return out;
    }

    // ---- the child: the driver loop

    static void child(String channel, long ms) {
        Channel<Object> ch = channel.equals("unbounded") ? Channel.unbounded() : Channel.bounded(Integer.parseInt(channel));
        Sender<Object> tx = ch.sender();
        Receiver<Object> rx = ch.receiver();
        int chunk = Math.min(64, ch.capacity());
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long sink = 0;
        while (System.nanoTime() < end) {
            sink += pairs(tx, rx, 10_000);
            sink += batches(tx, rx, chunk, 100);
            sink += emptyPolls(rx, 10_000);
        }
        System.out.println("driver done: " + sink);
    }

    static long pairs(Sender<Object> tx, Receiver<Object> rx, int n) {
        long got = 0;
        for (int i = 0; i < n; i++) {
            tx.trySend(MSG);
            if (rx.tryReceive() != null) {
                got++;
            }
        }
        return got;
    }

    static long batches(Sender<Object> tx, Receiver<Object> rx, int chunk, int n) {
        long got = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < chunk; k++) {
                tx.trySend(MSG);
            }
            for (int k = 0; k < chunk; k++) {
                if (rx.tryReceive() != null) {
                    got++;
                }
            }
        }
        return got;
    }

    static long emptyPolls(Receiver<Object> rx, int n) {
        long got = 0;
        for (int i = 0; i < n; i++) {
            if (rx.tryReceive() != null) {
                got++;
            }
        }
        return got;
    }
}
