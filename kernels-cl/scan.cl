/*
 * scan.cl - ops that walk the middle axis of a contiguous float tensor viewed as [outer, len, inner]
 * (element x[o][l][j] at o*len*inner + l*inner + j; outputs have the same layout):
 *
 *   cumsum_rows(x, out, outer, len, inner)   the cumulative sum out[o][l][j] = sum_{m <= l} x[o][m][j].
 *       1-D, one work-item per row (o, j): global size outer*inner rounded up to the group size,
 *       bounds-checked; neighbouring work-items read neighbouring j. The running sum is compensated
 *       (Neumaier, clg_ksum), so it stays as close to the exact prefix sum as PyTorch's CPU cumsum,
 *       which accumulates float in double.
 *
 *   argsort_rank(x, indices, outer, len, inner, descending)   the stable argsort: indices (int32)
 *       [o][r][j] = l, the position of the element of rank r, where
 *           rank(l) = #{m : x[m] before x[l]} + #{m < l : x[m] ties x[l]}
 *       "before" is "<" ascending and ">" descending, NaN counting as larger than every number and
 *       tying with NaN (PyTorch's order: NaN last ascending, first descending); equal elements keep
 *       their order (PyTorch's stable=True). 1-D, one work-item per element (o, l, j): global size
 *       outer*len*inner rounded up to the group size, bounds-checked. Each counts its rank over its
 *       row (len reads) and writes its own position there; the ranks of a row are a permutation, so
 *       no two work-items write one element. Work is len^2 a row: meant for the lengths of model
 *       code (class scores, top-k), not for sorting millions.
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

/* a before b ascending: a < b with NaN the largest */
inline int sort_less(float a, float b)
{
    return !isnan(a) && (isnan(b) || a < b);
}

inline int sort_ties(float a, float b)
{
    return a == b || (isnan(a) && isnan(b));
}

__kernel void argsort_rank(__global const float* x, __global int* indices, int outer, int len, int inner,
                           int descending)
{
    int e = get_global_id(0);
    if (e >= outer * len * inner) {
        return;
    }
    int j = e % inner;
    int l = (e / inner) % len;
    int first = e - l * inner;
    float v = x[e];
    int rank = 0;
    for (int m = 0; m < len; m++) {
        float w = x[first + m * inner];
        int before = descending ? sort_less(v, w) : sort_less(w, v);
        rank += before || (m < l && sort_ties(w, v));
    }
    indices[first + rank * inner] = l;
}
