package io.clgrad.backend.cpu;

import io.clgrad.backend.StridedView;
import java.util.Arrays;

/**
 * Fills, ranges, strided gathers and type conversion. A strided gather goes through
 * {@link CpuGeometry}, so contiguous runs of the source become {@link System#arraycopy} calls.
 */
final class CpuCopy {
    private final CpuParallel par;

    CpuCopy(CpuParallel par) {
        this.par = par;
    }

    /** {@code out[0..n) = value}. */
    void fill(float[] out, int n, float value) {
        par.forEach(n, n, (lo, hi) -> Arrays.fill(out, lo, hi, value));
    }

    /** {@code out[0..n) = value}. */
    void fill(int[] out, int n, int value) {
        par.forEach(n, n, (lo, hi) -> Arrays.fill(out, lo, hi, value));
    }

    /** {@code out[i] = start + i*step}, evaluated in double and rounded once. */
    void arange(float[] out, int n, double start, double step) {
        par.forEach(n, n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = (float) (start + i * step);
            }
        });
    }

    /** {@code out[i] = start + i*step} in integer arithmetic (start and step truncated to int). */
    void arange(int[] out, int n, int start, int step) {
        par.forEach(n, n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = start + i * step;
            }
        });
    }

    /**
     * Gathers the view into {@code out[0..numel)} in row-major order. {@code src} and {@code out}
     * are both float[] or both int[] (checked by the caller).
     */
    void gather(StridedView view, Object src, int srcLength, Object out, int outLength) {
        long numel = view.numel();
        if (numel > outLength) {
            throw new IllegalArgumentException("output of " + outLength + " elements cannot hold a view of shape "
                    + Arrays.toString(view.shape()));
        }
        if (numel == 0) {
            return;
        }
        if (view.isContiguous()) {
            if (view.offset() < 0 || view.offset() + numel > srcLength) {
                throw new IllegalArgumentException("contiguous view at offset " + view.offset() + " of " + numel
                        + " elements overruns its buffer of " + srcLength);
            }
            int n = (int) numel;
            int off = view.offset();
            par.forEach(n, n / 4, (lo, hi) -> System.arraycopy(src, off + lo, out, lo, hi - lo));
            return;
        }
        CpuGeometry g = CpuGeometry.of(view.shape(), new StridedView[] {view}, new int[] {srcLength});
        int stride = g.innerStride(0);
        if (stride == 1) {
            g.run(par, (pos, len, outPos) -> System.arraycopy(src, pos[0], out, outPos, len));
        } else if (src instanceof float[] f) {
            float[] o = (float[]) out;
            g.run(par, (pos, len, outPos) -> {
                for (int i = 0, s = pos[0]; i < len; i++, s += stride) {
                    o[outPos + i] = f[s];
                }
            });
        } else {
            int[] si = (int[]) src;
            int[] o = (int[]) out;
            g.run(par, (pos, len, outPos) -> {
                for (int i = 0, s = pos[0]; i < len; i++, s += stride) {
                    o[outPos + i] = si[s];
                }
            });
        }
    }

    /**
     * Copies view {@code src} into view {@code dst} (same shape, same array type), element by
     * element in row-major order; rows are spread over the pool (dst's elements are distinct).
     */
    void scatter(StridedView src, Object from, int srcLength, StridedView dst, Object to, int dstLength) {
        CpuGeometry g = CpuGeometry.of(src.shape(), new StridedView[] {src, dst}, new int[] {srcLength, dstLength});
        int ss = g.innerStride(0);
        int ds = g.innerStride(1);
        if (ss == 1 && ds == 1) {
            g.run(par, (pos, len, outPos) -> System.arraycopy(from, pos[0], to, pos[1], len));
        } else if (from instanceof float[] f) {
            float[] o = (float[]) to;
            g.run(par, (pos, len, outPos) -> {
                for (int i = 0, s = pos[0], d = pos[1]; i < len; i++, s += ss, d += ds) {
                    o[d] = f[s];
                }
            });
        } else {
            int[] fi = (int[]) from;
            int[] o = (int[]) to;
            g.run(par, (pos, len, outPos) -> {
                for (int i = 0, s = pos[0], d = pos[1]; i < len; i++, s += ss, d += ds) {
                    o[d] = fi[s];
                }
            });
        }
    }

    /** Float to int, truncating toward zero (NaN gives 0, out-of-range values saturate). */
    void convert(float[] src, int[] out, int n) {
        par.forEach(n, n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = (int) src[i];
            }
        });
    }

    /** Int to float, rounding to nearest. */
    void convert(int[] src, float[] out, int n) {
        par.forEach(n, n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = src[i];
            }
        });
    }
}
