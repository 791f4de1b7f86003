/*
 * scan.cl - the cumulative sum (inclusive scan) of a contiguous float tensor viewed as
 * [outer, len, inner], along the middle axis:
 *     out[o][l][j] = sum_{m <= l} x[o][m][j]
 * Element x[o][l][j] is at o*len*inner + l*inner + j; out has the same layout. The running sum is
 * compensated (Neumaier, clg_ksum), so it stays as close to the exact prefix sum as PyTorch's CPU
 * cumsum, which accumulates float in double.
 *
 * Launch geometry:
 *   cumsum_rows(x, out, outer, len, inner)   1-D, one work-item per row (o, j): global size
 *       outer*inner rounded up to the group size, bounds-checked; neighbouring work-items read
 *       neighbouring j, so rows along an inner axis are read coalesced.
 *
 * Launched by io.clgrad.backend.opencl.ScanOps.
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); it supplies clg_ksum.
 */

__kernel void cumsum_rows(__global const float* x, __global float* out, int outer, int len, int inner)
{
    int row = get_global_id(0);
    if (row < outer * inner) {
        clg_ksum k = {0.0f, 0.0f};
        int at = (row / inner) * len * inner + (row % inner);
        for (int l = 0; l < len; l++, at += inner) {
            clg_ksum_add(&k, x[at]);
            out[at] = clg_ksum_value(k);
        }
    }
}
