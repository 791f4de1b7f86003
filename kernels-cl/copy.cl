/*
 * copy.cl - fill, arange, strided gather and F32<->I32 conversion.
 *
 * Memory layout: every output is a contiguous buffer written from element 0, except that of
 * copy_strided_into_u32, which writes a strided view of its buffer and leaves the rest alone. F32 and I32 elements
 * are both 4 bytes, so fill and the strided copies move raw 32-bit patterns (uint) and serve both
 * element types. The strided copy reads its source through a view: element (i0, i1, ...) of the
 * view is at srcOffset + i0*strides[0] + i1*strides[1] + ... (in elements, strides may be 0 or
 * negative). Shape and strides arrive as int8 vectors passed by value; only the first `rank`
 * lanes are used (the host drops size-1 dimensions and merges contiguous ones first, so rank is
 * usually 1 or 2).
 *
 * Launch geometry: 1-D, one work-item per output element; the global size is n rounded up to the
 * work-group size and every kernel bounds-checks i < n.
 *
 * Launched by io.clgrad.backend.opencl.CopyOps: fill (fill_u32), arange (arange_f32,
 * arange_i32), copy (copy_strided_u32; a contiguous source uses clEnqueueCopyBuffer instead),
 * convert (convert_f32_to_i32, convert_i32_to_f32), copyInto (copy_strided_into_u32: view to
 * view, one work-item per element; two contiguous views use clEnqueueCopyBuffer instead).
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); nothing from it is used
 * here.
 */

/* out[i] = bits: the float's bit pattern for F32 buffers, the int itself for I32 buffers. */
__kernel void fill_u32(__global uint* out, int n, uint bits)
{
    int i = get_global_id(0);
    if (i < n) {
        out[i] = bits;
    }
}

/* out[i] = start + i*step in float arithmetic. */
__kernel void arange_f32(__global float* out, int n, float start, float step)
{
    int i = get_global_id(0);
    if (i < n) {
        out[i] = start + (float)i * step;
    }
}

/* out[i] = start + i*step in (wrapping) 32-bit integer arithmetic. */
__kernel void arange_i32(__global int* out, int n, int start, int step)
{
    int i = get_global_id(0);
    if (i < n) {
        out[i] = (int)((uint)start + (uint)i * (uint)step);
    }
}

/* The element offset of the i-th element, in row-major order, of the view (shape, strides) from offset. */
int view_offset(int i, int offset, int rank, int8 shape, int8 strides)
{
    int sh[8];
    int st[8];
    vstore8(shape, 0, sh);
    vstore8(strides, 0, st);
    int rem = i;
    int off = offset;
    for (int d = rank - 1; d >= 0; d--) {
        int idx = rem % sh[d];
        rem /= sh[d];
        off += idx * st[d];
    }
    return off;
}

/* out[i] = src[offset of the i-th element, in row-major order, of the view (shape, strides)]. */
__kernel void copy_strided_u32(__global const uint* src, int srcOffset, int rank, int8 shape, int8 strides,
                               __global uint* out, int n)
{
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    out[i] = src[view_offset(i, srcOffset, rank, shape, strides)];
}

/* out[i] = (int) src[srcOffset + i]: truncation toward zero, saturating, NaN -> 0 (as Java's cast). */
__kernel void convert_f32_to_i32(__global const float* src, __global int* out, int n)
{
    int i = get_global_id(0);
    if (i < n) {
        out[i] = convert_int_sat(src[i]);
    }
}

/* out[i] = (float) src[i], rounded to nearest (as Java's cast). */
__kernel void convert_i32_to_f32(__global const int* src, __global float* out, int n)
{
    int i = get_global_id(0);
    if (i < n) {
        out[i] = convert_float(src[i]);
    }
}

/*
 * dst[view element i] = src[view element i] for the i-th element, in row-major order, of two views
 * of one shape: (shape, srcStrides) from srcOffset and (shape, dstStrides) from dstOffset. The
 * destination view reaches each element once, so work-items never write the same element.
 */
__kernel void copy_strided_into_u32(__global const uint* src, int srcOffset, int rank, int8 shape, int8 srcStrides,
                                    __global uint* dst, int dstOffset, int8 dstStrides, int n)
{
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    dst[view_offset(i, dstOffset, rank, shape, dstStrides)] = src[view_offset(i, srcOffset, rank, shape, srcStrides)];
}
