package io.clgrad;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a basic index, the Java spelling of what goes between Python's brackets in
 * {@code x[0, 1:5, ..., None]}: an integer ({@link #at}), a slice {@code start:stop:step}
 * ({@link #slice}, {@link #all}, {@link #from}, {@link #to}), the ellipsis {@code ...}
 * ({@link #ellipsis}) or a new size-1 axis {@code None} ({@link #newAxis}). {@link Tensor#get(Index...)}
 * applies a list of them; {@link #parse} reads the same from text, as {@link Tensor#get(String)} does.
 *
 * <p>Semantics are Python's and PyTorch's: an integer removes its dimension and may be negative
 * (counting from the end); a slice keeps its dimension, its bounds may be negative or omitted and
 * are clamped to the dimension (so {@code 2:100} of a size-5 dimension is {@code 2:5}), its step
 * must be positive; {@code ...} stands for as many {@code :} as the dimensions not indexed.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(4, 6, 8);
 * x.get(Index.at(-1), Index.slice(1, 5))              // x[-1, 1:5]        -> [4, 8]
 * x.get(Index.ellipsis(), Index.slice(null, null, 2)) // x[..., ::2]       -> [4, 6, 4]
 * x.get(Index.all(), Index.newAxis(), Index.at(0))    // x[:, None, 0]     -> [4, 1, 8]
 * Index.parse(":, 1:5")                               // {all(), slice(1, 5)}
 * }</pre>
 */
public final class Index {
    /** What an entry does. */
    enum Kind { AT, SLICE, ELLIPSIS, NEW_AXIS }

    private static final Index ALL = new Index(Kind.SLICE, 0, null, null, 1);
    private static final Index ELLIPSIS = new Index(Kind.ELLIPSIS, 0, null, null, 1);
    private static final Index NEW_AXIS = new Index(Kind.NEW_AXIS, 0, null, null, 1);

    // read by Indexing, in this package
    final Kind kind;
    final int index;
    final Integer start;
    final Integer stop;
    final int step;

    private Index(Kind kind, int index, Integer start, Integer stop, int step) {
        this.kind = kind;
        this.index = index;
        this.start = start;
        this.stop = stop;
        this.step = step;
    }

    /**
     * The integer index {@code i}, Python's {@code x[i]}: picks one position and removes the
     * dimension (a {@link Tensor#select} view).
     *
     * @param i the position; negative counts from the end ({@code -1} is the last)
     * @return the entry
     */
    public static Index at(int i) {
        return new Index(Kind.AT, i, null, null, 1);
    }

    /** The whole dimension, Python's {@code :}. */
    public static Index all() {
        return ALL;
    }

    /**
     * The slice {@code start:stop}, step 1.
     *
     * @param start the first position (negative counts from the end; clamped to the dimension)
     * @param stop  one past the last position (negative counts from the end; clamped)
     * @return the entry
     */
    public static Index slice(int start, int stop) {
        return new Index(Kind.SLICE, 0, start, stop, 1);
    }

    /**
     * The slice {@code start:stop:step}.
     *
     * @param start the first position (negative counts from the end; clamped to the dimension)
     * @param stop  one past the last position (negative counts from the end; clamped)
     * @param step  the distance between positions, at least 1
     * @return the entry
     * @throws IllegalArgumentException when {@code step} is not positive
     */
    public static Index slice(int start, int stop, int step) {
        return slice((Integer) start, (Integer) stop, (Integer) step);
    }

    /**
     * The slice {@code start:stop:step} with any part omitted ({@code null}), as in Python:
     * {@code slice(null, null, 2)} is {@code ::2}, {@code slice(-3, null, null)} is {@code -3:}.
     *
     * @param start the first position, or null for the start of the dimension
     * @param stop  one past the last position, or null for the end of the dimension
     * @param step  the step (at least 1), or null for 1
     * @return the entry
     * @throws IllegalArgumentException when {@code step} is not positive
     */
    public static Index slice(Integer start, Integer stop, Integer step) {
        int s = step == null ? 1 : step;
        checkStep(s, "slice(" + start + ", " + stop + ", " + step + ")");
        return new Index(Kind.SLICE, 0, start, stop, s);
    }

    /** The slice {@code start:} (to the end of the dimension). */
    public static Index from(int start) {
        return new Index(Kind.SLICE, 0, start, null, 1);
    }

    /** The slice {@code :stop} (from the start of the dimension). */
    public static Index to(int stop) {
        return new Index(Kind.SLICE, 0, null, stop, 1);
    }

    /** Python's {@code ...}: as many {@code :} as the dimensions the other entries leave; at most one per index. */
    public static Index ellipsis() {
        return ELLIPSIS;
    }

    /** Python's {@code None} (NumPy's {@code newaxis}): inserts a dimension of size 1 here. */
    public static Index newAxis() {
        return NEW_AXIS;
    }

    /**
     * Reads an index written as between Python's brackets: entries separated by commas, each an
     * integer ({@code -1}), a slice with any part omitted ({@code 1:5}, {@code ::2}, {@code :},
     * {@code -3:}), {@code ...}, or {@code None} / {@code newaxis}. Spaces are ignored.
     *
     * @param text e.g. {@code ":, 1:5"} or {@code "..., ::2"} or {@code "-1"}
     * @return the entries, in order
     * @throws IllegalArgumentException naming the entry's position and text when one cannot be read
     */
    public static Index[] parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("index: empty index string \"" + (text == null ? "null" : text)
                    + "\" (write \"...\" for the whole tensor)");
        }
        String[] parts = text.split(",", -1);
        List<Index> out = new ArrayList<>(parts.length);
        for (int p = 0; p < parts.length; p++) {
            out.add(parseEntry(text, p, parts[p].strip()));
        }
        return out.toArray(new Index[0]);
    }

    private static Index parseEntry(String text, int position, String entry) {
        if (entry.isEmpty()) {
            throw bad(text, position, entry, "the entry is empty");
        }
        if (entry.equals("...")) {
            return ELLIPSIS;
        }
        if (entry.equals("None") || entry.equals("newaxis")) {
            return NEW_AXIS;
        }
        if (!entry.contains(":")) {
            return at(parseInt(text, position, entry, entry, "an integer, a slice, '...' or None"));
        }
        String[] bounds = entry.split(":", -1);
        if (bounds.length > 3) {
            throw bad(text, position, entry, "a slice has at most two ':' (start:stop:step)");
        }
        Integer start = optionalInt(text, position, entry, bounds[0]);
        Integer stop = optionalInt(text, position, entry, bounds[1]);
        Integer step = bounds.length == 3 ? optionalInt(text, position, entry, bounds[2]) : null;
        if (step != null && step <= 0) {
            throw bad(text, position, entry, step == 0 ? "slice step cannot be zero"
                    : "slice step must be greater than zero (negative steps are not supported)");
        }
        return slice(start, stop, step);
    }

    private static Integer optionalInt(String text, int position, String entry, String part) {
        String p = part.strip();
        return p.isEmpty() ? null : parseInt(text, position, entry, p, "an integer slice bound");
    }

    private static int parseInt(String text, int position, String entry, String s, String expected) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw bad(text, position, entry, "'" + s.strip() + "' is not " + expected);
        }
    }

    private static IllegalArgumentException bad(String text, int position, String entry, String why) {
        return new IllegalArgumentException("index: cannot read entry " + position + " \"" + entry + "\" of \""
                + text + "\": " + why);
    }

    private static void checkStep(int step, String what) {
        if (step == 0) {
            throw new IllegalArgumentException("index: " + what + ": slice step cannot be zero");
        }
        if (step < 0) {
            throw new IllegalArgumentException("index: " + what + ": slice step must be greater than zero"
                    + " (negative steps are not supported)");
        }
    }

    /** Python's text of the entry: {@code 3}, {@code 1:5}, {@code ::2}, {@code :}, {@code ...}, {@code None}. */
    @Override
    public String toString() {
        return switch (kind) {
            case AT -> Integer.toString(index);
            case ELLIPSIS -> "...";
            case NEW_AXIS -> "None";
            case SLICE -> (start == null ? "" : start.toString()) + ":" + (stop == null ? "" : stop.toString())
                    + (step == 1 ? "" : ":" + step);
        };
    }

    /** Entries are equal when they index the same way. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Index i && i.kind == kind && i.index == index && java.util.Objects.equals(i.start, start)
                && java.util.Objects.equals(i.stop, stop) && i.step == step;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kind, index, start, stop, step);
    }
}
