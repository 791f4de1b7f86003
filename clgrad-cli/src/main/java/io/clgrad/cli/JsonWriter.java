package io.clgrad.cli;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes a tree of plain Java values as pretty-printed JSON (RFC 8259), so that the CLI's
 * {@code --json} output needs no library.
 *
 * <p>Accepted values: {@code null}, {@link Boolean}, {@link Number} (non-finite doubles become
 * {@code null}, which JSON has no other spelling for), {@link CharSequence}, {@link Enum} (its name),
 * {@link Map} with string keys (written in iteration order, so use a {@code LinkedHashMap}) and
 * {@link Iterable}. Anything else is written as the string of its {@code toString()}.
 *
 * <p>Strings are escaped completely: quote, backslash, every control character, and every
 * non-ASCII character as {@code \}{@code uXXXX}, so the output is plain ASCII and reads the same
 * whatever the terminal's encoding.
 */
final class JsonWriter {
    private static final String INDENT = "  ";

    private JsonWriter() {
    }

    /** The JSON text of a value, indented by two spaces per level, without a trailing newline. */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, 0);
        return sb.toString();
    }

    /** The JSON string literal of {@code s}, quotes included. */
    static String quote(CharSequence s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        quote(s, sb);
        return sb.toString();
    }

    private static void write(Object value, StringBuilder sb, int depth) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof Boolean) {
            sb.append(value.toString());
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                // Double.toString gives "1.0E-5" or "12.5": both valid JSON numbers.
                sb.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d));
            } else {
                sb.append("null");
            }
        } else if (value instanceof Number) {
            sb.append(value.toString());
        } else if (value instanceof CharSequence) {
            quote((CharSequence) value, sb);
        } else if (value instanceof Enum<?>) {
            quote(((Enum<?>) value).name(), sb);
        } else if (value instanceof Map<?, ?>) {
            writeObject((Map<?, ?>) value, sb, depth);
        } else if (value instanceof Iterable<?>) {
            writeArray((Iterable<?>) value, sb, depth);
        } else {
            quote(value.toString(), sb);
        }
    }

    private static void writeObject(Map<?, ?> map, StringBuilder sb, int depth) {
        if (map.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof CharSequence)) {
                throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
            }
            sb.append(first ? "\n" : ",\n");
            first = false;
            indent(sb, depth + 1);
            quote((CharSequence) e.getKey(), sb);
            sb.append(": ");
            write(e.getValue(), sb, depth + 1);
        }
        sb.append('\n');
        indent(sb, depth);
        sb.append('}');
    }

    private static void writeArray(Iterable<?> items, StringBuilder sb, int depth) {
        Iterator<?> it = items.iterator();
        if (!it.hasNext()) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        boolean first = true;
        while (it.hasNext()) {
            sb.append(first ? "\n" : ",\n");
            first = false;
            indent(sb, depth + 1);
            write(it.next(), sb, depth + 1);
        }
        sb.append('\n');
        indent(sb, depth);
        sb.append(']');
    }

    private static void indent(StringBuilder sb, int depth) {
        for (int i = 0; i < depth; i++) {
            sb.append(INDENT);
        }
    }

    private static void quote(CharSequence s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
