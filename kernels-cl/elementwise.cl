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
 * Memory layout: float32 buffers; offsets and strides in elements; out is contiguous from 0.
 * Launch geometry: 1-D, one work-item per output element, global size n rounded up to the
 * work-group size, every kernel bounds-checks i < n.
 * Launched by io.clgrad.backend.opencl.ElementwiseOps (unary, binary, binaryScalar).
 *
 * Semantics follow PyTorch: MAXIMUM/MINIMUM propagate NaN, comparisons give 1.0f/0.0f,
 * RELU keeps NaN, SIGMOID is evaluated in the overflow-free form. The backward helpers take the
 * upstream gradient as the first operand: RELU_BACKWARD(g, x) = x <= 0 ? 0 : g (so g passes where
 * x is NaN, as PyTorch's threshold_backward does), SIGMOID_BACKWARD(g, y) = g*y*(1-y),
 * TANH_BACKWARD(g, y) = g*(1-y*y).
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); it supplies
 * clg_sigmoid.
 */

#define UNARY(NAME, EXPR)                                                        \
__kernel void unary_##NAME(__global const float* x, __global float* out, int n) \
{                                                                                \
    int i = get_global_id(0);                                                    \
    if (i < n) {                                                                 \
        float v = x[i];                                                          \
        out[i] = (EXPR);                                                         \
    }                                                                            \
}

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

#define BINARY(NAME, EXPR)                                                                        \
__kernel void binary_##NAME(__global const float* a, int aOff, __global const float* b, int bOff, \
                            __global float* out, int n)                                           \
{                                                                                                 \
    int i = get_global_id(0);                                                                     \
    if (i < n) {                                                                                  \
        float x = a[aOff + i];                                                                    \
        float y = b[bOff + i];                                                                    \
        out[i] = (EXPR);                                                                          \
    }                                                                                             \
}                                                                                                 \
__kernel void binary_##NAME##_nd(__global const float* a, int aOff, __global const float* b,     \
                                 int bOff, __global float* out, int n, int rank, int8 shape,      \
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
    float x = a[oa];                                                                              \
    float y = b[ob];                                                                              \
    out[i] = (EXPR);                                                                              \
}                                                                                                 \
__kernel void binary_##NAME##_scalar(__global const float* xs, float s, int scalarFirst,         \
                                     __global float* out, int n)                                  \
{                                                                                                 \
    int i = get_global_id(0);                                                                     \
    if (i < n) {                                                                                  \
        float v = xs[i];                                                                          \
        float x = scalarFirst ? s : v;                                                            \
        float y = scalarFirst ? v : s;                                                            \
        out[i] = (EXPR);                                                                          \
    }                                                                                             \
}

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
