/*
 * index.cl - index-driven copies: gather (and index_select, a gather whose index view repeats),
 * out-of-place scatter and scatter_add, and where (masked_fill is a where).
 *
 * Memory layout: every output is a contiguous buffer written from element 0 in row-major order.
 * Inputs are strided views: element (c0, c1, ...) of a view is at offset + c0*strides[0] +
 * c1*strides[1] + ... (in elements; a stride may be 0). Shapes and strides arrive as int8 vectors
 * by value; only the first `rank` lanes are used (rank <= 8). Indices are int; F32 and I32 elements
 * are both 4 bytes, so the copies move raw 32-bit patterns (uint) and serve both element types;
 * scatter_add adds as float (mode 1) or as wrapping int (mode 2).
 *
 * gather_u32(self, selfOffset, selfStrides, index, indexOffset, indexStrides, rank, shape, dim,
 *            bound, out, n, err, op)
 *     out[c] = self[c with c[dim] = index[c]] for every position c of shape (the index's shape);
 *     self's stride along dim is selfStrides[dim]. An index outside [0, bound) is reported into
 *     err (clg_report_target of common.cl: value, its element offset from indexOffset, bound, op,
 *     dim) and its element is written as 0: no read goes through it.
 * scatter_u32(self, selfOffset, selfStrides, hasSelf, index, indexOffset, indexStrides, indexShape,
 *             src, srcOffset, srcStrides, rank, shape, dim, mode, out, n, err, op)
 *     out has `shape`; element c starts as self[c] (0 when hasSelf is 0; self is then an unread
 *     placeholder). When c lies inside the index's shape off dim, the work-item walks the index's
 *     line through c along dim, k = 0 .. indexShape[dim]-1 in order, and where index = c[dim]
 *     takes src at (c with c[dim] = k): replaces (mode 0: the last match wins) or adds (mode 1
 *     float, mode 2 int; one rounding per add, in k order). So each output element is made by one
 *     work-item that gathers its terms in a fixed order: no atomics, and the same bits as the CPU
 *     twin (io.clgrad.backend.cpu.CpuIndex), which adds in that order too. The work-item at
 *     c[dim] = 0 checks its line's indices against [0, shape[dim]) and reports a bad one into err.
 *     Work: out elements times indexShape[dim] index reads.
 * where_u32(cond, condOffset, condIsFloat, x, xOffset, y, yOffset, rank, shape, condStrides,
 *           xStrides, yStrides, out, n)
 *     out[c] = cond[c] ? x[c] : y[c]; a float condition is true where non-zero (NaN true, -0.0
 *     false), an int one where non-zero.
 *
 * Launch geometry: 1-D, one work-item per output element; the global size is n rounded up to the
 * work-group size and every kernel bounds-checks i < n.
 *
 * Launched by io.clgrad.backend.opencl.IndexOps. Built after the prelude common.cl (which
 * io.clgrad.backend.opencl.ProgramCache prepends) and compiles on its own with it; it has no -D
 * tunables.
 */

/* Lane d (0 <= d < 8) of v. */
inline int clg_lane(int8 v, int d)
{
    int a[8];
    vstore8(v, 0, a);
    return a[d];
}

/* The row-major coordinates of element i of shape (the first rank lanes). */
inline void clg_coords(int i, int rank, int8 shape, int* c)
{
    int sh[8];
    vstore8(shape, 0, sh);
    int rem = i;
    for (int d = rank - 1; d >= 0; d--) {
        c[d] = rem % sh[d];
        rem /= sh[d];
    }
}

/* offset + sum of c[d]*strides[d] over d != skip (skip = -1 for none). */
inline int clg_offset(int offset, int rank, const int* c, int8 strides, int skip)
{
    int st[8];
    vstore8(strides, 0, st);
    int off = offset;
    for (int d = 0; d < rank; d++) {
        off += d == skip ? 0 : c[d] * st[d];
    }
    return off;
}

/*
 * Every kernel's prologue: the work-item's output element i (items at or past n return) and its
 * row-major coordinates c[0 .. rank-1] in shape.
 */
#define CLG_ELEMENT_COORDS(i, n, rank, shape, c) \
    int i = get_global_id(0);                     \
    if (i >= (n)) {                               \
        return;                                   \
    }                                             \
    int c[8];                                     \
    clg_coords(i, (rank), (shape), c)

__kernel void gather_u32(__global const uint* self, int selfOffset, int8 selfStrides,
                         __global const int* index, int indexOffset, int8 indexStrides,
                         int rank, int8 shape, int dim, int bound,
                         __global uint* out, int n, __global int* err, int op)
{
    CLG_ELEMENT_COORDS(i, n, rank, shape, c);
    int io = clg_offset(indexOffset, rank, c, indexStrides, -1);
    int v = index[io];
    if (v < 0 || v >= bound) {
        clg_report_target(err, v, io - indexOffset, bound, op, dim);
        out[i] = 0u;
        return;
    }
    out[i] = self[clg_offset(selfOffset, rank, c, selfStrides, dim) + v * clg_lane(selfStrides, dim)];
}

__kernel void scatter_u32(__global const uint* self, int selfOffset, int8 selfStrides, int hasSelf,
                          __global const int* index, int indexOffset, int8 indexStrides, int8 indexShape,
                          __global const uint* src, int srcOffset, int8 srcStrides,
                          int rank, int8 shape, int dim, int mode,
                          __global uint* out, int n, __global int* err, int op)
{
    CLG_ELEMENT_COORDS(i, n, rank, shape, c);
    int ish[8];
    vstore8(indexShape, 0, ish);
    uint acc = hasSelf ? self[clg_offset(selfOffset, rank, c, selfStrides, -1)] : 0u;
    int inside = 1;
    for (int d = 0; d < rank; d++) {
        inside &= d == dim || c[d] < ish[d];
    }
    if (inside) {
        int target = c[dim];
        int bound = clg_lane(shape, dim);
        int indexStep = clg_lane(indexStrides, dim);
        int srcStep = clg_lane(srcStrides, dim);
        int ib = clg_offset(indexOffset, rank, c, indexStrides, dim);
        int vb = clg_offset(srcOffset, rank, c, srcStrides, dim);
        int len = ish[dim];
        for (int k = 0; k < len; k++) {
            int io = ib + k * indexStep;
            int v = index[io];
            if (target == 0 && (v < 0 || v >= bound)) {
                clg_report_target(err, v, io - indexOffset, bound, op, dim);
            }
            if (v == target) {
                uint s = src[vb + k * srcStep];
                acc = mode == 0 ? s
                    : mode == 1 ? as_uint(as_float(acc) + as_float(s))
                    : acc + s;   /* wrapping int add: the same bits as unsigned */
            }
        }
    }
    out[i] = acc;
}

__kernel void where_u32(__global const uint* cond, int condOffset, int condIsFloat,
                        __global const uint* x, int xOffset, __global const uint* y, int yOffset,
                        int rank, int8 shape, int8 condStrides, int8 xStrides, int8 yStrides,
                        __global uint* out, int n)
{
    CLG_ELEMENT_COORDS(i, n, rank, shape, c);
    uint t = cond[clg_offset(condOffset, rank, c, condStrides, -1)];
    int truth = condIsFloat ? (t & 0x7fffffffu) != 0u : t != 0u;
    out[i] = truth ? x[clg_offset(xOffset, rank, c, xStrides, -1)] : y[clg_offset(yOffset, rank, c, yStrides, -1)];
}
