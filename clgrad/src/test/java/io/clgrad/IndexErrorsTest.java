package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Index strings parse to the entries Python means, and every bad index or view argument is an
 * error that names the problem: the entry's position and text for a string that cannot be read,
 * PyTorch's wording for out-of-range positions ("index 5 is out of bounds for dimension 0 with
 * size 3") and for the split/chunk/narrow rules.
 */
class IndexErrorsTest {
    private final Tensor x = Tensor.zeros(3, 4);

    private static void fails(Class<? extends Throwable> type, String message, Executable e) {
        assertEquals(message, assertThrows(type, e).getMessage());
    }

    @Test
    void indexStringsParseAsPythonReadsThem() {
        assertArrayEquals(new Index[] {Index.all(), Index.slice(1, 5)}, Index.parse(":, 1:5"));
        assertArrayEquals(new Index[] {Index.ellipsis(), Index.slice(null, null, 2)}, Index.parse("...,::2"));
        assertArrayEquals(new Index[] {Index.at(-1), Index.newAxis(), Index.newAxis(), Index.from(-3), Index.to(2)},
                Index.parse(" -1 , None, newaxis, -3:, :2"));
        assertArrayEquals(new Index[] {Index.slice(1, null, 3), Index.slice(null, -1, null)}, Index.parse("1::3, :-1:"));
        assertEquals("[:, 1:5, ::2, -3:, 4, ..., None]", java.util.Arrays.toString(new Index[] {Index.all(),
                Index.slice(1, 5), Index.slice(null, null, 2), Index.from(-3), Index.at(4), Index.ellipsis(),
                Index.newAxis()}));
    }

    @Test
    void badIndexStringsNameTheEntryAndItsText() {
        unreadable(":, 1:x", 1, "1:x", "'x' is not an integer slice bound");
        unreadable("a", 0, "a", "'a' is not an integer, a slice, '...' or None");
        unreadable("0,,1", 1, "", "the entry is empty");
        unreadable("1:2:3:4", 0, "1:2:3:4", "a slice has at most two ':' (start:stop:step)");
        unreadable("0, ::0", 1, "::0", "slice step cannot be zero");
        unreadable("::-1", 0, "::-1", "slice step must be greater than zero (negative steps are not supported)");
        fails(IllegalArgumentException.class, "index: empty index string \" \" (write \"...\" for the whole tensor)",
                () -> x.get(" "));
        fails(IllegalArgumentException.class, "index: slice(null, null, 0): slice step cannot be zero",
                () -> Index.slice(null, null, 0));
    }

    /** {@code x.get(text)} fails naming entry {@code entry} and its text {@code entryText}, and why. */
    private void unreadable(String text, int entry, String entryText, String why) {
        fails(IllegalArgumentException.class, "index: cannot read entry " + entry + " \"" + entryText + "\" of \""
                + text + "\": " + why, () -> x.get(text));
    }

    @Test
    void outOfRangeIndicesUsePyTorchsWords() {
        fails(IndexOutOfBoundsException.class, "get: index 5 is out of bounds for dimension 1 with size 4 (shape"
                + " [3, 4], index [:, 5])", () -> x.get(":, 5"));
        fails(IndexOutOfBoundsException.class, "get: index -4 is out of bounds for dimension 0 with size 3 (shape"
                + " [3, 4], index [-4])", () -> x.get(-4));
        fails(IndexOutOfBoundsException.class, "get: too many indices for tensor of dimension 2 (shape [3, 4]):"
                + " [0, 0, 0]", () -> x.get(0, 0, 0));
        fails(IndexOutOfBoundsException.class, "get: invalid index of a 0-dim tensor; use item() to read its value",
                () -> Tensor.scalar(1f).get(0));
        fails(IllegalArgumentException.class, "get: an index can only have a single ellipsis ('...'), got"
                + " [..., 0, ...]", () -> x.get("..., 0, ..."));
        fails(IndexOutOfBoundsException.class, "select: index 3 out of range for tensor of size [3, 4] at dimension 0",
                () -> x.select(0, 3));
        fails(IllegalArgumentException.class, "select: cannot be applied to a 0-dim tensor",
                () -> Tensor.scalar(1f).select(0, 0));
        fails(IllegalArgumentException.class, "select: dimension 2 out of range for shape [3, 4] (expected in [-2, 1])",
                () -> x.select(2, 0));
    }

    @Test
    void viewArgumentsFollowPyTorchsRules() {
        fails(IllegalArgumentException.class, "narrow: start (2) + length (2) exceeds dimension size (3) of dimension 0"
                + " of shape [3, 4]", () -> x.narrow(0, 2, 2));
        fails(IndexOutOfBoundsException.class, "narrow: start out of range (expected to be in range of [-4, 4], but got"
                + " 5) for dimension 1 of shape [3, 4]", () -> x.narrow(1, 5, 0));
        fails(IllegalArgumentException.class, "narrow: length must be non-negative, got -1", () -> x.narrow(1, 0, -1));
        fails(IllegalArgumentException.class, "slice: slice step must be positive, got 0", () -> x.slice(0, 0, 3, 0));
        fails(IllegalArgumentException.class, "split: split_size can only be 0 if dimension size is 0, but got"
                + " dimension size of 3 (dimension 0 of shape [3, 4])", () -> x.split(0));
        fails(IllegalArgumentException.class, "split: expects split_size be non-negative, but got split_size=-2",
                () -> x.split(-2, 1));
        fails(IllegalArgumentException.class, "split: split_with_sizes expects split_sizes to sum exactly to 4 (input"
                + " tensor's size at dimension 1), but got split_sizes=[1, 2]", () -> x.split(new int[] {1, 2}, 1));
        fails(IllegalArgumentException.class, "split: split_with_sizes expects split_sizes have only non-negative"
                + " entries, but got split_sizes=[5, -1]", () -> x.split(new int[] {5, -1}, 1));
        fails(IllegalArgumentException.class, "chunk: expects `chunks` to be greater than 0, got: 0", () -> x.chunk(0));
        fails(IllegalArgumentException.class, "unbind: cannot be applied to a 0-dim tensor",
                () -> Tensor.scalar(2f).unbind());
    }

    @Test
    void emptyDimensionsSplitAsPyTorchSplitsThem() {
        Tensor e = Tensor.zeros(0, 2);
        assertEquals(1, e.split(3).size(), "split of an empty dimension: one empty piece");
        assertEquals(1, e.split(0).size(), "split_size 0 is allowed on an empty dimension");
        assertEquals(3, e.chunk(3).size(), "chunk of an empty dimension: chunks empty pieces");
        assertEquals(0, e.unbind().size());
        assertArrayEquals(new int[] {0, 2}, e.get("1:").shape());
        assertArrayEquals(new int[] {0, 4}, x.get("5:").shape(), "a start past the end clamps to an empty slice");
    }
}
