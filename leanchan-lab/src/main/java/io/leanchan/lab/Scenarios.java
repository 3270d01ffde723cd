package io.leanchan.lab;


import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The two real cases of the study "Tokio mpsc channels and memory": agentgateway's thousands of small per-service
 * channels, and hyper's per-connection request-dispatch channel (hyper issue #4057). Each subject is measured on
 * its own: one that throws gets a row that says what failed, and the others go on.
 */
public final class Scenarios {

    private Scenarios() {
    }

    /**
     * {@code count} channels of capacity {@code capacity}, each holding one message of {@code msgSize} bytes: retained
     * bytes per channel and in total (messages excluded, and with them), per subject.
     */
    public static ScenarioReport manyChannels(List<Subject> subjects, int count, int capacity, int msgSize, Progress progress) {
        List<List<Object>> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int i = 0;
        for (Subject s : subjects) {
            progress.step(++i, subjects.size(), s.name() + ": " + count + " channels");
            try {
                Object[] msgs = Messages.make(msgSize, count);
                List<Object> roots = new ArrayList<>();
                for (int k = 0; k < count; k++) {
                    Subject.Instance x = s.create(capacity);
                    if (!x.offer(msgs[k])) {
                        throw new IllegalStateException("refused its first message");
                    }
                    java.util.Collections.addAll(roots, x.roots());
                }
                Subject.Instance other = s.create(capacity);
                other.offer(Messages.make(msgSize, 1)[0]);
                HeapWalker.Graph g = HeapWalker.walk(roots.toArray());
                Set<Object> shared = g.shared(HeapWalker.walk(other.roots()));
                Set<Object> messages = HeapWalker.identitySet(msgs);
                long total = g.sizeExcluding(shared, messages);
                long totalWith = g.sizeExcluding(shared);
                rows.add(Arrays.asList(s.name(), count, capacity, total / (double) count, totalWith / (double) count, total,
                        totalWith, null));
            } catch (Throwable t) {
                rows.add(Arrays.asList(s.name(), count, capacity, null, null, null, null, Measurer.describe(t)));
            }
        }
        progress.done(subjects.size() + " subjects");
        List<String> method = List.of(
                "Each channel: created with capacity " + capacity + " (unbounded subjects: no bound), then one message of "
                        + msgSize + " B (a " + Messages.objectSize(msgSize) + "-byte object) sent into it.",
                "Bytes: JOL retained size of all " + String.format(Locale.ROOT, "%,d", count)
                        + " channels' roots together; objects shared with an independent extra channel (statics) excluded;"
                        + " messages excluded except in the *_with_message(s) columns.");
        List<String> quoted = List.of("agentgateway's tokio mpsc channels, one per Kubernetes service with 24-byte messages: "
                + TokioStudy.TOKIO_PER_SERVICE_CHANNEL_24B + " B per channel (24 x 32 + 544), messages stored inline.");
        sortOkFirst(rows, 3);
        List<List<Object>> ok = ok(rows);
        List<String> v = new ArrayList<>();
        if (!ok.isEmpty()) {
            List<Object> best = ok.get(0);
            List<Object> largest = ok.get(ok.size() - 1);
            v.add(String.format(Locale.ROOT, "Smallest per channel: %s, %s B per channel (%s B for %,d channels).",
                    best.get(0), Fmt.number((Double) best.get(3)), Fmt.n((Long) best.get(5)), count));
            v.add(String.format(Locale.ROOT, "Largest: %s, %s B per channel.", largest.get(0), Fmt.number((Double) largest.get(3))));
            for (List<Object> r : ok) {
                if (String.valueOf(r.get(0)).startsWith("leanchan")) {
                    v.add(String.format(Locale.ROOT, "%s: %s B per channel, %s B with its message.", r.get(0),
                            Fmt.number((Double) r.get(3)), Fmt.number((Double) r.get(4))));
                }
            }
        }
        if (msgSize == 24) {
            v.add("agentgateway's tokio channel in the study " + TokioStudy.NAME + " (QUOTED): "
                    + TokioStudy.TOKIO_PER_SERVICE_CHANNEL_24B + " B per channel with the message inline.");
        }
        failedBullet(rows, v);
        return new ScenarioReport("many-channels",
                String.format(Locale.ROOT, "%,d channels of capacity %d, each holding one %d-byte message", count, capacity, msgSize),
                JvmInfo.current(), GridReport.libraryVersions(), method,
                List.of("subject", "channels", "capacity", "bytes_per_channel", "bytes_per_channel_with_message", "total_bytes",
                        "total_bytes_with_messages", "failed"),
                rows, quoted, v, notes);
    }

    /**
     * {@code count} connections, each an 8 KB read buffer plus a request-dispatch channel that has carried
     * {@code requests} requests of {@code requestSize} bytes ({@code inFlight} at a time) and been drained.
     */
    public static ScenarioReport perConnection(List<Subject> subjects, int count, int requests, int requestSize, int inFlight,
                                               int capacity, int bufferSize, Progress progress) {
        List<List<Object>> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Object[] pool = Messages.make(requestSize, requests);
        Set<Object> poolSet = HeapWalker.identitySet(pool);
        long bufferBytes = Jol.vm().sizeOf(new byte[bufferSize]);
        int i = 0;
        for (Subject s : subjects) {
            progress.step(++i, subjects.size(), s.name() + ": " + count + " connections");
            try {
                List<Object> roots = new ArrayList<>();
                for (int k = 0; k < count; k++) {
                    roots.add(new byte[bufferSize]);
                    java.util.Collections.addAll(roots, carry(s, capacity, pool, inFlight).roots());
                }
                Subject.Instance other = carry(s, capacity, pool, inFlight);
                HeapWalker.Graph g = HeapWalker.walk(roots.toArray());
                Set<Object> shared = g.shared(HeapWalker.walk(other.roots()));
                shared.removeAll(poolSet);
                long total = g.sizeExcluding(shared, poolSet);
                long channel = total - bufferBytes * count;
                int kept = g.countOf(poolSet);
                if (kept > 0) {
                    notes.add(s.name() + " still references " + kept + " of the drained requests (not counted)");
                }
                rows.add(Arrays.asList(s.name(), count, total / (double) count, channel / (double) count,
                        Math.round(1000.0 * channel / total) / 10.0, total, null));
            } catch (Throwable t) {
                rows.add(Arrays.asList(s.name(), count, null, null, null, null, Measurer.describe(t)));
            }
        }
        progress.done(subjects.size() + " subjects");
        sortOkFirst(rows, 2);
        List<String> method = List.of(
                String.format(Locale.ROOT, "Each connection: a byte[%d] read buffer (%d B) and a channel that carried %d requests of"
                        + " %d B (%d-byte objects), %d in flight at a time, then was drained (receive until empty).",
                        bufferSize, bufferBytes, requests, requestSize, Messages.objectSize(requestSize), inFlight, inFlight),
                "Unbounded subjects are unbounded; bounded subjects are created with capacity " + capacity + ".",
                "Bytes: JOL retained size of all connections together, shared objects (statics) and the requests excluded;"
                        + " channel_share = channel bytes / bytes per connection.");
        List<String> quoted = List.of("hyper + tokio (hyper issue #4057): about 16 KB per connection, an 8 KB read buffer"
                + " (INIT_BUFFER_SIZE 8192) plus about 8 KB of request-dispatch channel (250 B requests x 32 inline slots); the"
                + " channel grows to about 16.5 KB once more than 32 requests have passed.");
        List<String> v = new ArrayList<>();
        List<List<Object>> ok = ok(rows);
        if (!ok.isEmpty()) {
            List<Object> best = ok.get(0);
            List<Object> worst = ok.get(ok.size() - 1);
            v.add(String.format(Locale.ROOT, "Smallest per connection: %s, %s B, of which the channel is %s B (%s%%).",
                    best.get(0), Fmt.number((Double) best.get(2)), Fmt.number((Double) best.get(3)), Fmt.number((Double) best.get(4))));
            v.add(String.format(Locale.ROOT, "Largest: %s, %s B (channel %s%%).", worst.get(0), Fmt.number((Double) worst.get(2)),
                    Fmt.number((Double) worst.get(4))));
            for (List<Object> r : ok) {
                if (String.valueOf(r.get(0)).startsWith("leanchan")) {
                    v.add(String.format(Locale.ROOT, "%s: %s B per connection, channel %s B (%s%%).", r.get(0),
                            Fmt.number((Double) r.get(2)), Fmt.number((Double) r.get(3)), Fmt.number((Double) r.get(4))));
                }
            }
        }
        v.add("hyper's connection in the study " + TokioStudy.NAME + " (QUOTED, hyper #4057): about 16 KB, half of it"
                + " channel; the channel alone about 16.5 KB after more than 32 requests.");
        failedBullet(rows, v);
        return new ScenarioReport("per-connection",
                String.format(Locale.ROOT, "%,d connections: %d B read buffer + a dispatch channel that carried %d requests of %d B",
                        count, bufferSize, requests, requestSize),
                JvmInfo.current(), GridReport.libraryVersions(), method,
                List.of("subject", "connections", "bytes_per_connection", "channel_bytes_per_connection", "channel_share_percent",
                        "total_bytes", "failed"),
                rows, quoted, v, notes);
    }

    /** Measured rows by the given column, smallest first; rows that failed last, in their order. */
    private static void sortOkFirst(List<List<Object>> rows, int column) {
        rows.sort(Comparator.comparing((List<Object> r) -> r.get(column) == null)
                .thenComparingDouble(r -> r.get(column) == null ? 0 : (Double) r.get(column)));
    }

    private static List<List<Object>> ok(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (List<Object> r : rows) {
            if (r.get(r.size() - 1) == null) {
                out.add(r);
            }
        }
        return out;
    }

    private static void failedBullet(List<List<Object>> rows, List<String> v) {
        List<String> failed = new ArrayList<>();
        for (List<Object> r : rows) {
            if (r.get(r.size() - 1) != null) {
                failed.add(r.get(0) + " (" + r.get(r.size() - 1) + ")");
            }
        }
        if (!failed.isEmpty()) {
            v.add("Not measured: " + String.join("; ", failed) + ".");
        }
    }

    private static Subject.Instance carry(Subject s, int capacity, Object[] pool, int inFlight) {
        Subject.Instance x = s.create(capacity);
        int sent = 0;
        while (sent < pool.length) {
            int batch = Math.min(inFlight, pool.length - sent);
            for (int j = 0; j < batch; j++) {
                if (!x.offer(pool[sent + j])) {
                    throw new IllegalStateException("refused a request with " + j + " in flight");
                }
            }
            for (int j = 0; j < batch; j++) {
                if (x.poll() == null) {
                    throw new IllegalStateException("lost a request");
                }
            }
            sent += batch;
        }
        while (x.poll() != null) {
            // drain until empty
        }
        return x;
    }
}
