package io.leanchan.lab;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured cell of the grid. Byte columns exclude the messages except heap_after_fill_with_messages, and
 * exclude objects shared by every instance of the subject. Allocation columns are bytes per message.
 */
public record Row(String subject, int msgSize, int capacity, long heapAfterCreate, long heapAfterFill,
                  long heapAfterFillWithMessages, long heapAfterDrain, double allocPerMsgSteady, double allocPerMsgBurst) {

    /** Column names, in order, as every format prints them. */
    public static final String[] COLUMNS = {"subject", "msg_size", "capacity", "heap_after_create", "heap_after_fill",
            "heap_after_fill_with_messages", "heap_after_drain", "alloc_per_msg_steady", "alloc_per_msg_burst"};

    public Object[] values() {
        return new Object[]{subject, msgSize, capacity, heapAfterCreate, heapAfterFill, heapAfterFillWithMessages,
                heapAfterDrain, allocPerMsgSteady, allocPerMsgBurst};
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
                num(m, "heap_after_create").longValue(), num(m, "heap_after_fill").longValue(),
                num(m, "heap_after_fill_with_messages").longValue(), num(m, "heap_after_drain").longValue(),
                num(m, "alloc_per_msg_steady").doubleValue(), num(m, "alloc_per_msg_burst").doubleValue());
    }

    private static Number num(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("missing number " + k);
        }
        return n;
    }
}
