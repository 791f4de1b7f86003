package io.clgrad.backend;

import io.clgrad.backend.conformance.Bufs;

/** Runs one random fill on a backend and reads the numbers back (buffers freed). */
final class RandomFills {
    private RandomFills() {
    }

    static float[] uniform(Backend b, int n, long seed, long offset, float low, float high) {
        try (Bufs m = new Bufs(b)) {
            Buffer out = m.out(n);
            b.randomUniform(out, n, seed, offset, low, high);
            return toFloats(m.readOut(out, n));
        }
    }

    static float[] normal(Backend b, int n, long seed, long offset, float mean, float std) {
        try (Bufs m = new Bufs(b)) {
            Buffer out = m.out(n);
            b.randomNormal(out, n, seed, offset, mean, std);
            return toFloats(m.readOut(out, n));
        }
    }

    static int[] ints(Backend b, int n, long seed, long offset, int low, int high) {
        try (Bufs m = new Bufs(b)) {
            Buffer out = m.out(ElementType.I32, n);
            b.randomInt(out, n, seed, offset, low, high);
            double[] d = m.readOut(out, n);
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                r[i] = (int) d[i];
            }
            return r;
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
