package io.clgrad.io;

import static io.clgrad.io.ModelFileException.shorten;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON (RFC 8259) reader and writer for safetensors headers and checkpoint
 * metadata. Objects read as insertion-ordered {@code Map<String, Object>} (a repeated key is an
 * error), arrays as {@code List<Object>}, integers as {@link Long} (or {@link BigInteger} beyond
 * its range), other numbers as {@link Double}, plus {@link String}, {@link Boolean} and null.
 * Nesting is limited to {@link #MAX_DEPTH} levels; the input's size is limited by the caller.
 */
final class Json {
    /** The deepest nesting of arrays and objects accepted. */
    static final int MAX_DEPTH = 64;

    /** The longest number token accepted (BigInteger parsing is quadratic in the digits). */
    static final int MAX_NUMBER_CHARS = 400;

    /** A JSON syntax error, with a message that says what and where. */
    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message);
        }
    }

    /**
     * The two-character escapes, for reading and writing: {@code ESCAPED.charAt(i)} stands as a
     * backslash and {@code ESCAPE_LETTERS.charAt(i)}.
     */
    private static final String ESCAPE_LETTERS = "\"\\/bfnrt";
    private static final String ESCAPED = "\"\\/\b\f\n\r\t";

    private final String s;
    private int pos;

    private Json(String s) {
        this.s = s;
    }

    /**
     * Parses one JSON value that fills {@code text} (surrounding whitespace allowed).
     *
     * @throws ParseException on any syntax error, a repeated object key, a lone surrogate escape or
     *                        nesting deeper than {@link #MAX_DEPTH}
     */
    static Object parse(String text) throws ParseException {
        Json p = new Json(text);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected " + p.describe() + " after the JSON value");
        }
        return v;
    }

    private Object value(int depth) throws ParseException {
        if (pos >= s.length()) {
            throw error("unexpected end of JSON");
        }
        char c = s.charAt(pos);
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected " + describe());
        }
    }

    private Map<String, Object> object(int depth) throws ParseException {
        Map<String, Object> out = new LinkedHashMap<>();
        if (opensEmpty(depth, '}')) {
            return out;
        }
        do {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key, got " + describe());
            }
            int keyPos = pos;
            String key = string();
            if (out.containsKey(key)) {
                pos = keyPos;
                throw error("duplicate key \"" + shorten(key) + "\"");
            }
            skipWhitespace();
            expect(':');
            skipWhitespace();
            out.put(key, value(depth));
        } while (!closes('}'));
        return out;
    }

    private List<Object> array(int depth) throws ParseException {
        List<Object> out = new ArrayList<>();
        if (opensEmpty(depth, ']')) {
            return out;
        }
        do {
            skipWhitespace();
            out.add(value(depth));
        } while (!closes(']'));
        return out;
    }

    /**
     * Steps over the opening bracket of an object or array at nesting {@code depth}; true when
     * {@code close} follows at once (then stepped over too).
     */
    private boolean opensEmpty(int depth, char close) throws ParseException {
        checkDepth(depth);
        pos++;
        skipWhitespace();
        if (peek() == close) {
            pos++;
            return true;
        }
        return false;
    }

    /** After a member or element: steps over ',' (false: another follows) or {@code close} (true). */
    private boolean closes(char close) throws ParseException {
        skipWhitespace();
        char c = peek();
        if (c != ',' && c != close) {
            throw error("expected ',' or '" + close + "', got " + describe());
        }
        pos++;
        return c == close;
    }

    private void checkDepth(int depth) throws ParseException {
        if (depth > MAX_DEPTH) {
            throw error("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() throws ParseException {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("control character U+" + String.format("%04X", (int) c) + " in a string");
            }
            if (c != '\\') {
                if (Character.isSurrogate(c)) {
                    // the text came from a strict UTF-8 decoder, so surrogates arrive in valid pairs
                    sb.append(c);
                    continue;
                }
                sb.append(c);
                continue;
            }
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char e = s.charAt(pos++);
            int escape = ESCAPE_LETTERS.indexOf(e);
            if (escape >= 0) {
                sb.append(ESCAPED.charAt(escape));
                continue;
            }
            if (e != 'u') {
                pos--;
                throw error("invalid escape '\\" + printable(e) + "' in a string");
            }
            char u = hex4();
            if (Character.isHighSurrogate(u)) {
                if (pos + 1 < s.length() && s.charAt(pos) == '\\' && s.charAt(pos + 1) == 'u') {
                    pos += 2;
                    char low = hex4();
                    if (!Character.isLowSurrogate(low)) {
                        throw error("lone surrogate in a \\u escape");
                    }
                    sb.append(u).append(low);
                } else {
                    throw error("lone surrogate in a \\u escape");
                }
            } else if (Character.isLowSurrogate(u)) {
                throw error("lone surrogate in a \\u escape");
            } else {
                sb.append(u);
            }
        }
    }

    private char hex4() throws ParseException {
        if (pos + 4 > s.length()) {
            throw error("unterminated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos + i), 16);
            if (d < 0 || s.charAt(pos + i) > 'f') {
                throw error("invalid \\u escape");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Object number() throws ParseException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw error("invalid number");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("invalid number: digits must follow '.'");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("invalid number: digits must follow the exponent");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (pos - start > MAX_NUMBER_CHARS) {
            pos = start;
            throw error("number longer than " + MAX_NUMBER_CHARS + " characters");
        }
        String text = s.substring(start, pos);
        if (integral) {
            if (text.length() <= 18) {
                return Long.parseLong(text);
            }
            BigInteger b = new BigInteger(text);
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        return Double.parseDouble(text);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void literal(String word) throws ParseException {
        if (!s.startsWith(word, pos)) {
            throw error("unexpected " + describe());
        }
        pos += word.length();
    }

    private void expect(char c) throws ParseException {
        if (peek() != c) {
            throw error("expected '" + c + "', got " + describe());
        }
        pos++;
    }

    /** The next character, or NUL at the end (NUL never appears unescaped in valid JSON here). */
    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private String describe() {
        return pos >= s.length() ? "end of JSON" : "'" + printable(s.charAt(pos)) + "'";
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("U+%04X", (int) c);
    }

    private ParseException error(String message) {
        return new ParseException(message + " at character " + pos);
    }


    // ------------------------------------------------------------------ writing

    /**
     * Writes {@code value} as compact JSON: maps (string keys, in iteration order), lists, strings,
     * booleans, null and finite numbers (integral types as integers, others as Java's shortest
     * round-tripping decimal).
     *
     * @throws IllegalArgumentException on another type, a non-string key or a non-finite number
     */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value);
        return sb.toString();
    }

    static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String) {
            writeString(sb, (String) v);
        } else if (v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger) {
            sb.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON can't hold the number " + d);
            }
            sb.append(v instanceof Float ? Float.toString((Float) v) : Double.toString(d));
        } else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                writeString(sb, (String) e.getKey());
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object o : (List<?>) v) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                write(sb, o);
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("can't write a " + v.getClass().getSimpleName() + " as JSON: " + v);
        }
    }

    static void writeString(StringBuilder sb, String str) {
        sb.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            int escape = c == '/' ? -1 : ESCAPED.indexOf(c);   // '/' may stand as it is
            if (escape >= 0) {
                sb.append('\\').append(ESCAPE_LETTERS.charAt(escape));
            } else if (Character.isSurrogate(c) && !validPair(str, i)) {
                throw new IllegalArgumentException("string has a lone UTF-16 surrogate at index " + i
                        + ", which UTF-8 cannot encode: \"" + shorten(str) + "\"");
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    private static boolean validPair(String str, int i) {
        char c = str.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < str.length() && Character.isLowSurrogate(str.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(str.charAt(i - 1));
    }
}
