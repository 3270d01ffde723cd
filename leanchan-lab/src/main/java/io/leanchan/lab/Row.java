package io.leanchan.lab;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured cell of the grid. heap_after_bursts_idle is the subject after {@link Measurer#IDLE_BURSTS} bursts
 * of capacity messages drained by a consumer that only polls, then {@link Measurer#IDLE_MILLIS} ms with no call.
 * Byte columns exclude the messages except heap_after_fill_with_messages, and
 * exclude objects shared by every instance of the subject. Allocation columns are bytes per message. A figure
 * that could not be measured is {@link #MISSING} (bytes) or NaN (allocation), and {@link #failure} says why; it
 * is null when every figure was measured.
 */
public record Row(String subject, int msgSize, int capacity, long heapAfterCreate, long heapAfterFill,
                  long heapAfterFillWithMessages, long heapAfterDrain, long heapAfterAged, long heapAfterBurstsIdle, double allocPerMsgSteady,
                  double allocPerMsgBurst, String failure) {

    /** A byte figure that was not measured. */
    public static final long MISSING = -1;

    /** Column names, in order, as every format prints them. */
    public static final String[] COLUMNS = {"subject", "msg_size", "capacity", "heap_after_create", "heap_after_fill",
            "heap_after_fill_with_messages", "heap_after_drain", "heap_after_aged", "heap_after_bursts_idle", "alloc_per_msg_steady",
            "alloc_per_msg_burst", "failed"};

    /** Whether every figure of the row was measured. */
    public boolean ok() {
        return failure == null;
    }

    /** The values in column order; a missing figure is null, and so is failed when nothing failed. */
    public Object[] values() {
        return new Object[]{subject, msgSize, capacity, bytes(heapAfterCreate), bytes(heapAfterFill),
                bytes(heapAfterFillWithMessages), bytes(heapAfterDrain), bytes(heapAfterAged), bytes(heapAfterBurstsIdle), alloc(allocPerMsgSteady),
                alloc(allocPerMsgBurst), failure};
    }

    private static Long bytes(long v) {
        return v == MISSING ? null : v;
    }

    private static Double alloc(double v) {
        return Double.isNaN(v) ? null : v;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        Object[] v = values();
        for (int i = 0; i < COLUMNS.length; i++) {
            m.put(COLUMNS[i], v[i]);
        }
        return m;
    }

    public static Row fromMap(Map<String, Object> m) {
        return new Row((String) m.get("subject"), num(m, "msg_size").intValue(), num(m, "capacity").intValue(),
                lng(m, "heap_after_create"), lng(m, "heap_after_fill"), lng(m, "heap_after_fill_with_messages"),
                lng(m, "heap_after_drain"), lng(m, "heap_after_aged"), lng(m, "heap_after_bursts_idle"),
                dbl(m, "alloc_per_msg_steady"),
                dbl(m, "alloc_per_msg_burst"), (String) m.get("failed"));
    }

    private static long lng(Map<String, Object> m, String k) {
        return m.get(k) == null ? MISSING : num(m, k).longValue();
    }

    private static double dbl(Map<String, Object> m, String k) {
        return m.get(k) == null ? Double.NaN : num(m, k).doubleValue();
    }

    private static Number num(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("missing number " + k);
        }
        return n;
    }
}
