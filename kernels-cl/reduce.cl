/*
 * reduce.cl - reductions of a contiguous float tensor viewed as [outer, len, inner] along the
 * middle axis into the contiguous [outer, inner] output (output o = oi*inner + j).
 *
 * Element x[oi][l][j] is at oi*len*inner + l*inner + j. The ops: sum and mean (sum_group with
 * divisor = len), max, min (float results, NaN propagates), argmax, argmin (int32 results: the
 * first index among ties; NaN counts as the extreme value, so the first NaN wins, as in PyTorch).
 * Sums are compensated (Neumaier) per work-item and combined pairwise across work-items, so long
 * rows stay accurate.
 *
 * Launch geometries:
 *   reduce_OP_rows(x, out, outer, len, inner)
 *       1-D, one work-item per output (global size outer*inner rounded up to the group size,
 *       bounds-checked); neighbouring work-items read neighbouring j. For short rows or many outputs.
 *   reduce_OP_group(x, out, outer, len, inner, splits, chunk[, divisor])    (OP = sum, max, min)
 *   reduce_ARG_group(x, outVal, outIdx, outer, len, inner, splits, chunk, writeVal)  (argmax, argmin)
 *       1-D, outer*inner*splits work-groups of L work-items (L a power of two <= RED_WG); group g
 *       reduces the slice [c*chunk, min(len, (c+1)*chunk)) of output o = g / splits, c = g % splits:
 *       work-item t reads l = start+t, start+t+L, ... (or, with RED_ITEM_CONTIGUOUS, the t-th
 *       contiguous run of the slice) and the partial results meet in a local-memory tree (sums
 *       carry their compensation through the tree); the group writes out[g] (argmax/argmin: the index l, and its value when
 *       writeVal). With splits == 1 that is the result. With splits > 1 (long rows and few
 *       outputs, so that every compute unit gets work) the host reduces the [outputs, splits]
 *       partials in a second launch: sum/max/min with the same kernel (len = splits, inner = 1),
 *       argmax/argmin with reduce_ARG_final.
 *   reduce_ARG_final(vals, idxs, out, outputs, splits)
 *       1-D, one work-item per output; scans its splits partials in order.
 *
 * int32 twins (OP_i32: sum_i32, max_i32, min_i32, argmax_i32, argmin_i32, the reductions whose
 * entry says Int32Support.KERNEL) come from the same macros on int: the same launch geometries and
 * arguments, sums wrap modulo 2^32 (added as uint; no divisor argument), no NaN; their partial
 * values are int32.
 *
 * Launched by io.clgrad.backend.opencl.ReduceOps#reduce.
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); it supplies RED_WG,
 * the compensated sum clg_ksum and CLG_GROUP_TREE.
 */

#ifndef RED_ITEM_CONTIGUOUS
#define RED_ITEM_CONTIGUOUS 0   /* 1: each work-item of a group reads one contiguous run of its slice
                                   (CPUs, where a work-item runs its loop alone); 0: work-items
                                   interleave, t, t+L, ... (GPUs, coalesced) */
#endif

/* NaN-propagating comparisons: does v replace the current extreme m? */
#define CLG_MAX_BETTER(v, m) ((v) > (m) || (isnan(v) && !isnan(m)))
#define CLG_MIN_BETTER(v, m) ((v) < (m) || (isnan(v) && !isnan(m)))
#define CLG_SAME(v, m) ((v) == (m) || (isnan(v) && isnan(m)))

/* Start of output o's row (elements of type T), and the slice of it that group g covers. */
#define CLG_GROUP_SLICE(T)                                                                        \
    int g = get_group_id(0);                                                                      \
    int t = get_local_id(0);                                                                      \
    int L = get_local_size(0);                                                                    \
    int o = g / splits;                                                                           \
    int start = (g % splits) * chunk;                                                             \
    int end = min(len, start + chunk);                                                            \
    __global const T* p = x + (o / inner) * len * inner + (o % inner);

/* Output o of a _rows kernel (work-items past the last output return) and the start p of its row. */
#define CLG_ROW_START(T)                                                                          \
    int o = get_global_id(0);                                                                     \
    if (o >= outer * inner) {                                                                     \
        return;                                                                                   \
    }                                                                                             \
    __global const T* p = x + (o / inner) * len * inner + (o % inner);

/* The indices l of the slice that work-item t visits, in increasing order. */
#if RED_ITEM_CONTIGUOUS
#define CLG_FOR_ITEM(l)                                                                           \
    int per_ = (end - start + L - 1) / L;                                                         \
    int hi_ = min(end, start + (t + 1) * per_);                                                   \
    for (int l = start + t * per_; l < hi_; l++)
#else
#define CLG_FOR_ITEM(l) for (int l = start + t; l < end; l += L)
#endif

/* ---- sum (and mean) ----------------------------------------------------------------------- */

/* The compensated sum of output o's row: x viewed as [outer, len, inner], o = outer index * inner + inner index. */
inline float clg_row_sum(__global const float* x, int o, int len, int inner)
{
    __global const float* p = x + (o / inner) * len * inner + (o % inner);
    clg_ksum k = {0.0f, 0.0f};
    for (int l = 0; l < len; l++) {
        clg_ksum_add(&k, p[l * inner]);
    }
    return clg_ksum_value(k);
}

__kernel void reduce_sum_rows(__global const float* x, __global float* out, int outer, int len, int inner)
{
    int o = get_global_id(0);
    if (o < outer * inner) {
        out[o] = clg_row_sum(x, o, len, inner);
    }
}

__kernel void reduce_mean_rows(__global const float* x, __global float* out, int outer, int len, int inner)
{
    int o = get_global_id(0);
    if (o < outer * inner) {
        out[o] = clg_row_sum(x, o, len, inner) / (float)len;
    }
}

/* Merges the compensated sum in slot b into slot a (sums ps, errors pc): adds the sums exactly, keeps both errors. */
inline void clg_ksum_merge(__local float* ps, __local float* pc, int a, int b)
{
    clg_ksum k = {ps[a], pc[a] + pc[b]};
    clg_ksum_add(&k, ps[b]);
    ps[a] = k.s;
    pc[a] = k.c;
}

__kernel void reduce_sum_group(__global const float* x, __global float* out, int outer, int len, int inner,
                               int splits, int chunk, float divisor)
{
    __local float ps[RED_WG];
    __local float pc[RED_WG];
    CLG_GROUP_SLICE(float)
    clg_ksum k = {0.0f, 0.0f};
    CLG_FOR_ITEM(l) {
        clg_ksum_add(&k, p[l * inner]);
    }
    ps[t] = k.s;
    pc[t] = k.c;
    CLG_GROUP_TREE(t, L, h, clg_ksum_merge(ps, pc, t, t + h);)
    if (t == 0) {
        clg_ksum total = {ps[0], pc[0]};
        out[g] = clg_ksum_value(total) / divisor;
    }
}

/* ---- max and min (and the int32 sum) ------------------------------------------------------ */

/* A fold over the row: m = STEP(v, m) from INIT, and the same STEP merges the work-items' results. */
#define FOLD_KERNELS(NAME, T, STEP, INIT)                                                         \
__kernel void reduce_##NAME##_rows(__global const T* x, __global T* out, int outer,               \
                                   int len, int inner)                                            \
{                                                                                                 \
    CLG_ROW_START(T)                                                                              \
    T m = INIT;                                                                                   \
    for (int l = 0; l < len; l++) {                                                               \
        T v = p[l * inner];                                                                       \
        m = STEP(v, m);                                                                           \
    }                                                                                             \
    out[o] = m;                                                                                   \
}                                                                                                 \
__kernel void reduce_##NAME##_group(__global const T* x, __global T* out, int outer,              \
                                    int len, int inner, int splits, int chunk)                    \
{                                                                                                 \
    __local T part[RED_WG];                                                                       \
    CLG_GROUP_SLICE(T)                                                                            \
    T m = INIT;                                                                                   \
    CLG_FOR_ITEM(l) {                                                                             \
        T v = p[l * inner];                                                                       \
        m = STEP(v, m);                                                                           \
    }                                                                                             \
    part[t] = m;                                                                                  \
    CLG_GROUP_TREE(t, L, h,                                                                       \
        part[t] = STEP(part[t + h], part[t]);)                                                    \
    if (t == 0) {                                                                                 \
        out[g] = part[0];                                                                         \
    }                                                                                             \
}

/* Keep v when it is BETTER than the extreme m so far. */
#define CLG_MAX_STEP(v, m) (CLG_MAX_BETTER(v, m) ? (v) : (m))
#define CLG_MIN_STEP(v, m) (CLG_MIN_BETTER(v, m) ? (v) : (m))

FOLD_KERNELS(max, float, CLG_MAX_STEP, -INFINITY)
FOLD_KERNELS(min, float, CLG_MIN_STEP, INFINITY)

/* int32: no NaN; the sum wraps modulo 2^32. */
#define CLG_IMAX_BETTER(v, m) ((v) > (m))
#define CLG_IMIN_BETTER(v, m) ((v) < (m))
#define CLG_ISAME(v, m) ((v) == (m))
#define CLG_ISUM_STEP(v, m) as_int(as_uint(v) + as_uint(m))

FOLD_KERNELS(max_i32, int, max, INT_MIN)
FOLD_KERNELS(min_i32, int, min, INT_MAX)
FOLD_KERNELS(sum_i32, int, CLG_ISUM_STEP, 0)

/* ---- argmax and argmin -------------------------------------------------------------------- */

#define ARG_KERNELS(NAME, T, BETTER, SAME)                                                        \
__kernel void reduce_##NAME##_rows(__global const T* x, __global int* out, int outer,             \
                                   int len, int inner)                                            \
{                                                                                                 \
    CLG_ROW_START(T)                                                                              \
    T m = p[0];                                                                                   \
    int best = 0;                                                                                 \
    for (int l = 1; l < len; l++) {                                                               \
        T v = p[l * inner];                                                                       \
        if (BETTER(v, m)) {                                                                       \
            m = v;                                                                                \
            best = l;                                                                             \
        }                                                                                         \
    }                                                                                             \
    out[o] = best;                                                                                \
}                                                                                                 \
__kernel void reduce_##NAME##_group(__global const T* x, __global T* outVal,                      \
                                    __global int* outIdx, int outer, int len, int inner,          \
                                    int splits, int chunk, int writeVal)                          \
{                                                                                                 \
    __local T pv[RED_WG];                                                                         \
    __local int pi[RED_WG];                                                                       \
    CLG_GROUP_SLICE(T)                                                                            \
    T m = 0;                                                                                      \
    int best = -1;                                                                                \
    CLG_FOR_ITEM(l) {                                                                             \
        T v = p[l * inner];                                                                       \
        if (best < 0 || BETTER(v, m)) {                                                           \
            m = v;                                                                                \
            best = l;                                                                             \
        }                                                                                         \
    }                                                                                             \
    pv[t] = m;                                                                                    \
    pi[t] = best;                                                                                 \
    CLG_GROUP_TREE(t, L, h,                                                                       \
        T v = pv[t + h];                                                                          \
        int vi = pi[t + h];                                                                       \
        T cur = pv[t];                                                                            \
        int ci = pi[t];                                                                           \
        if (vi >= 0 && (ci < 0 || BETTER(v, cur) || (SAME(v, cur) && vi < ci))) {                 \
            pv[t] = v;                                                                            \
            pi[t] = vi;                                                                           \
        })                                                                                        \
    if (t == 0) {                                                                                 \
        outIdx[g] = pi[0];                                                                        \
        if (writeVal) {                                                                           \
            outVal[g] = pv[0];                                                                    \
        }                                                                                         \
    }                                                                                             \
}                                                                                                 \
__kernel void reduce_##NAME##_final(__global const T* vals, __global const int* idxs,             \
                                    __global int* out, int outputs, int splits)                   \
{                                                                                                 \
    int o = get_global_id(0);                                                                     \
    if (o >= outputs) {                                                                           \
        return;                                                                                   \
    }                                                                                             \
    T m = vals[o * splits];                                                                       \
    int best = idxs[o * splits];                                                                  \
    for (int c = 1; c < splits; c++) { /* slices are in index order: ties keep the earlier */     \
        T v = vals[o * splits + c];                                                               \
        if (BETTER(v, m)) {                                                                       \
            m = v;                                                                                \
            best = idxs[o * splits + c];                                                          \
        }                                                                                         \
    }                                                                                             \
    out[o] = best;                                                                                \
}

ARG_KERNELS(argmax, float, CLG_MAX_BETTER, CLG_SAME)
ARG_KERNELS(argmin, float, CLG_MIN_BETTER, CLG_SAME)
ARG_KERNELS(argmax_i32, int, CLG_IMAX_BETTER, CLG_ISAME)
ARG_KERNELS(argmin_i32, int, CLG_IMIN_BETTER, CLG_ISAME)
