package io.leanchan.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON through Jackson: JMH's result files and the suite's own JSON lines are read into maps, lists and scalars
 * (objects become LinkedHashMap, arrays ArrayList); the suite's records are written one object per line. JMH
 * writes NaN and infinities as strings ("NaN"); {@link #num(Object)} reads those back, and a non-finite double is
 * written as null.
 */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** One JSON object on one line; NaN and infinities become null. */
    static String write(Map<String, ?> m) {
        Map<String, Object> finite = new LinkedHashMap<>();
        m.forEach((k, v) -> finite.put(k, v instanceof Double d && (d.isNaN() || d.isInfinite()) ? null : v));
        try {
            return MAPPER.writeValueAsString(finite);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A number, or a number written as a string ("NaN", "Infinity"); NaN if absent. */
    static double num(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String str) {
            try {
                return Double.parseDouble(str);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> arr(Object o) {
        return o instanceof List ? (List<Object>) o : List.of();
    }

    /** Follows a path of keys through nested objects; null if any step is missing. */
    static Object at(Object o, String... keys) {
        for (String k : keys) {
            if (!(o instanceof Map)) {
                return null;
            }
            o = ((Map<?, ?>) o).get(k);
        }
        return o;
    }
}
