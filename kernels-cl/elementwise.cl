/*
 * elementwise.cl - unary and binary float functions, one kernel per op and operand layout.
 *
 * Kernels (NAME is the lower-case io.clgrad.backend.UnaryOp / BinaryOp name):
 *   unary_NAME(x, out, n)                out[i] = f(x[i])                  contiguous, from element 0
 *   binary_NAME(a, aOff, b, bOff, out, n)                                    fast path: both operands
 *                                        out[i] = f(a[aOff+i], b[bOff+i])  contiguous, same shape
 *   binary_NAME_nd(a, aOff, b, bOff, out, n, rank, shape, aStrides, bStrides)
 *                                        out[i] = f(a[...], b[...])        general strided/broadcast:
 *                                        i is decomposed row-major over shape (int8, first `rank`
 *                                        lanes) and each operand is read through its own int8 of
 *                                        strides (stride 0 = broadcast)
 *   binary_NAME_scalar(x, s, scalarFirst, out, n)
 *                                        out[i] = f(x[i], s), or f(s, x[i]) when scalarFirst != 0
 *
 * int32 twins (NAME_i32, for the ops whose entry says Int32Support.KERNEL) come from the same
 * macros with int operands: arithmetic writes int32 and wraps modulo 2^32 (computed on uint, as
 * PyTorch's int32 wraps), comparisons write 1.0f/0.0f.
 *
 * Memory layout: float32 buffers (int32 for the _i32 kernels' operands and arithmetic results);
 * offsets and strides in elements; out is contiguous from 0.
 * Launch geometry: 1-D, one work-item per output element, global size n rounded up to the
 * work-group size, every kernel bounds-checks i < n.
 * Launched by io.clgrad.backend.opencl.ElementwiseOps (unary, binary, binaryScalar).
 *
 * Semantics follow PyTorch: MAXIMUM/MINIMUM propagate NaN, comparisons give 1.0f/0.0f,
 * RELU keeps NaN, SIGMOID is evaluated in the overflow-free form, GELU is x/2 * erfc(-x/sqrt 2)
 * (no cancellation in 1 + erf for negative x), SILU is x * sigmoid(x). The backward helpers take the
 * upstream gradient as the first operand: RELU_BACKWARD(g, x) = x <= 0 ? 0 : g (so g passes where
 * x is NaN, as PyTorch's threshold_backward does), SIGMOID_BACKWARD(g, y) = g*y*(1-y),
 * TANH_BACKWARD(g, y) = g*(1-y*y).
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); it supplies
 * clg_sigmoid.
 */

/* The kernel KNAME on elements of type T (UNARY and UNARY_I32 paste the name first: a NAME such
   as exp may be a macro of the OpenCL headers, and a pasted token is not expanded). */
#define UNARY_T(KNAME, T, EXPR)                                                  \
__kernel void KNAME(__global const T* x, __global T* out, int n)                \
{                                                                                \
    int i = get_global_id(0);                                                    \
    if (i < n) {                                                                 \
        T v = x[i];                                                              \
        out[i] = (EXPR);                                                         \
    }                                                                            \
}
#define UNARY(NAME, EXPR) UNARY_T(unary_##NAME, float, EXPR)
#define UNARY_I32(NAME, EXPR) UNARY_T(unary_##NAME##_i32, int, EXPR)

UNARY(neg, -v)
UNARY(exp, exp(v))
UNARY(log, log(v))
UNARY(sqrt, sqrt(v))
UNARY(abs, fabs(v))
UNARY(relu, v < 0.0f ? 0.0f : v)
UNARY(sigmoid, clg_sigmoid(v))
UNARY(tanh, tanh(v))
UNARY(sin, sin(v))
UNARY(cos, cos(v))
UNARY(log1p, log1p(v))
UNARY(expm1, expm1(v))
UNARY(erf, erf(v))
UNARY(gelu, 0.5f * v * erfc(-v * M_SQRT1_2_F))
UNARY(silu, v * clg_sigmoid(v))

/* The kernels KNAME, KNAME_nd and KNAME_scalar on operands of type T, writing TOUT. */
#define BINARY_T(KNAME, T, TOUT, EXPR)                                                            \
__kernel void KNAME(__global const T* a, int aOff, __global const T* b, int bOff,                  \
                   __global TOUT* out, int n)                                                     \
{                                                                                                 \
    int i = get_global_id(0);                                                                     \
    if (i < n) {                                                                                  \
        T x = a[aOff + i];                                                                        \
        T y = b[bOff + i];                                                                        \
        out[i] = (EXPR);                                                                          \
    }                                                                                             \
}                                                                                                 \
__kernel void KNAME##_nd(        __global const T* a, int aOff, __global const T* b,              \
                                 int bOff, __global TOUT* out, int n, int rank, int8 shape,       \
                                 int8 aStrides, int8 bStrides)                                    \
{                                                                                                 \
    int i = get_global_id(0);                                                                     \
    if (i >= n) {                                                                                 \
        return;                                                                                   \
    }                                                                                             \
    int sh[8], sa[8], sb[8];                                                                      \
    vstore8(shape, 0, sh);                                                                        \
    vstore8(aStrides, 0, sa);                                                                     \
    vstore8(bStrides, 0, sb);                                                                     \
    int oa = aOff, ob = bOff, rem = i;                                                            \
    for (int d = rank - 1; d >= 0; d--) {                                                         \
        int idx = rem % sh[d];                                                                    \
        rem /= sh[d];                                                                             \
        oa += idx * sa[d];                                                                        \
        ob += idx * sb[d];                                                                        \
    }                                                                                             \
    T x = a[oa];                                                                                  \
    T y = b[ob];                                                                                  \
    out[i] = (EXPR);                                                                              \
}                                                                                                 \
__kernel void KNAME##_scalar(        __global const T* xs, T s, int scalarFirst,                  \
                                     __global TOUT* out, int n)                                   \
{                                                                                                 \
    int i = get_global_id(0);                                                                     \
    if (i < n) {                                                                                  \
        T v = xs[i];                                                                              \
        T x = scalarFirst ? s : v;                                                                \
        T y = scalarFirst ? v : s;                                                                \
        out[i] = (EXPR);                                                                          \
    }                                                                                             \
}
#define BINARY(NAME, EXPR) BINARY_T(binary_##NAME, float, float, EXPR)
#define BINARY_I32(NAME, TOUT, EXPR) BINARY_T(binary_##NAME##_i32, int, TOUT, EXPR)

BINARY(add, x + y)
BINARY(sub, x - y)
BINARY(mul, x * y)
BINARY(div, x / y)
BINARY(pow, pow(x, y))
BINARY(maximum, (x > y || isnan(x)) ? x : y)
BINARY(minimum, (x < y || isnan(x)) ? x : y)
BINARY(eq, x == y ? 1.0f : 0.0f)
BINARY(ne, x != y ? 1.0f : 0.0f)
BINARY(lt, x < y ? 1.0f : 0.0f)
BINARY(le, x <= y ? 1.0f : 0.0f)
BINARY(gt, x > y ? 1.0f : 0.0f)
BINARY(ge, x >= y ? 1.0f : 0.0f)
BINARY(relu_backward, y <= 0.0f ? 0.0f : x)
BINARY(sigmoid_backward, x * y * (1.0f - y))
BINARY(tanh_backward, x * (1.0f - y * y))

/* int32 twins. */
UNARY_I32(neg, as_int(0u - as_uint(v)))
UNARY_I32(abs, as_int(abs(v)))
UNARY_I32(relu, max(v, 0))
BINARY_I32(add, int, as_int(as_uint(x) + as_uint(y)))
BINARY_I32(sub, int, as_int(as_uint(x) - as_uint(y)))
BINARY_I32(mul, int, as_int(as_uint(x) * as_uint(y)))
BINARY_I32(maximum, int, max(x, y))
BINARY_I32(minimum, int, min(x, y))
BINARY_I32(eq, float, x == y ? 1.0f : 0.0f)
BINARY_I32(ne, float, x != y ? 1.0f : 0.0f)
BINARY_I32(lt, float, x < y ? 1.0f : 0.0f)
BINARY_I32(le, float, x <= y ? 1.0f : 0.0f)
BINARY_I32(gt, float, x > y ? 1.0f : 0.0f)
BINARY_I32(ge, float, x >= y ? 1.0f : 0.0f)
