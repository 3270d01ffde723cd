package io.leanchan.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON lines of {@link ScaleHarness}, {@link WaiterFootprint} and {@link InliningCheck}: flat objects whose
 * values are strings, numbers or booleans. Kept apart from {@link Json} (JMH's nested results) so that these
 * tools depend on nothing else in the module.
 */
final class FlatJson {
    private FlatJson() {
    }

    static String write(Map<String, ?> m) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, ?> e : m.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            quote(sb, e.getKey());
            sb.append(':');
            Object v = e.getValue();
            if (v == null) {
                sb.append("null");
            } else if (v instanceof Boolean) {
                sb.append(v);
            } else if (v instanceof Double d) {
                sb.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%s", d));
            } else if (v instanceof Number) {
                sb.append(v);
            } else {
                quote(sb, String.valueOf(v));
            }
        }
        return sb.append('}').toString();
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Parses one flat object: numbers become {@link Double}, {@code true}/{@code false} {@link Boolean}. */
    static Map<String, Object> parse(String s) {
        Map<String, Object> m = new LinkedHashMap<>();
        int[] pos = {skip(s, 0)};
        expect(s, pos, '{');
        if (peek(s, pos) == '}') {
            pos[0]++;
            return m;
        }
        while (true) {
            String key = string(s, pos);
            expect(s, pos, ':');
            pos[0] = skip(s, pos[0]);
            char c = s.charAt(pos[0]);
            Object v;
            if (c == '"') {
                v = string(s, pos);
            } else {
                int e = pos[0];
                while (e < s.length() && ",} \t".indexOf(s.charAt(e)) < 0) {
                    e++;
                }
                String tok = s.substring(pos[0], e);
                pos[0] = e;
                v = switch (tok) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    case "null" -> null;
                    default -> Double.parseDouble(tok);
                };
            }
            m.put(key, v);
            char n = peek(s, pos);
            pos[0]++;
            if (n == '}') {
                return m;
            }
            if (n != ',') {
                throw new IllegalArgumentException("bad flat JSON at " + pos[0] + ": " + s);
            }
        }
    }

    private static int skip(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static char peek(String s, int[] pos) {
        pos[0] = skip(s, pos[0]);
        if (pos[0] >= s.length()) {
            throw new IllegalArgumentException("truncated flat JSON: " + s);
        }
        return s.charAt(pos[0]);
    }

    private static void expect(String s, int[] pos, char c) {
        if (peek(s, pos) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + pos[0] + ": " + s);
        }
        pos[0]++;
    }

    private static String string(String s, int[] pos) {
        expect(s, pos, '"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = s.charAt(pos[0]++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                char e = s.charAt(pos[0]++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(s.substring(pos[0], pos[0] + 4), 16));
                        pos[0] += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }
}
