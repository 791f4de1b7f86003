package io.clgrad.backend.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A family's cases over a grid of two parameters (configurations × sizes, sizes × variants): one
 * case per pair, outer parameter first, every input drawn in that order from one seeded Random, so
 * a case's inputs depend only on the seed and its place in the grid.
 */
final class CaseGrid {
    private CaseGrid() {
    }

    /** Makes the case of one grid point from the grid's Random. */
    interface Maker<A, B> {
        OpCase make(Random r, A outer, B inner);
    }

    /** The cases of every pair of {@code outer} × {@code inner}. */
    static <A, B> List<OpCase> of(long seed, List<A> outer, List<B> inner, Maker<A, B> make) {
        Random r = new Random(seed);
        List<OpCase> cases = new ArrayList<>();
        for (A a : outer) {
            for (B b : inner) {
                cases.add(make.make(r, a, b));
            }
        }
        return cases;
    }

    /** The values as a list, for a grid axis. */
    static List<Integer> axis(int... values) {
        List<Integer> list = new ArrayList<>(values.length);
        for (int v : values) {
            list.add(v);
        }
        return list;
    }

    /** 0, 1, ..., n-1: the variant numbers of a grid axis. */
    static List<Integer> variants(int n) {
        List<Integer> list = new ArrayList<>(n);
        for (int v = 0; v < n; v++) {
            list.add(v);
        }
        return list;
    }
}
