/*
 * batchnorm.cl - batch normalisation (PyTorch's batch_norm) of a contiguous float tensor viewed as
 * [n, C, inner] (inner = 1 for [N, C], H*W for [N, C, H, W]): element (i, c, l) at (i*C + c)*inner + l.
 * Per-channel buffers (mean, var, weight, bias, running statistics, weight and bias gradients) hold
 * C floats. A channel's statistics run over its M = n*inner elements; invstd = 1/sqrt(var + eps).
 *
 *   bn_stats                 mean[c] = sum x / M, var[c] = sum (x - mean)^2 / M (two passes over the
 *                            channel, compensated sums), and when hasRunning the running statistics
 *                            in place: rm = (1-m)*rm + m*mean, rv = (1-m)*rv + m*var*M/(M-1)
 *   bn_forward               out = (x - mean[c]) * invstd * w[c] + b[c]      (w = 1, b = 0 when absent)
 *   bn_backward_reduce       gradBias[c] = sum g, gradWeight[c] = sum g*(x - mean[c])*invstd
 *   bn_backward              training: gradIn = w*invstd*(g - gradBias[c]/M - (x - mean)*invstd*gradWeight[c]/M)
 *                            evaluation (isTraining 0): gradIn = w*invstd*g
 * Absent optional buffers are passed as another buffer with their flag 0 (no null pointer).
 *
 * Launch geometry:
 *   bn_stats, bn_backward_reduce   one work-group per channel: global size C*L, local size L (a power
 *       of two <= RED_WG). The work-items share the channel's elements as BN_CHANNEL_SUMS describes
 *       (byRows, an argument: whole rows per work-item, for CPU devices; else interleaved elements);
 *       the partial sums meet in a local-memory tree (clg_group_sum), and work-item 0 writes the
 *       channel's results.
 *   bn_forward, bn_backward        2-D: dimension 1 is the row r = i*C + c (global size n*C rounded up
 *       to its local size, bounds-checked), dimension 0 walks the row: global size G (its local size),
 *       work-item k handles l = k, k+G, ... < inner, so per-channel constants are computed once per
 *       work-item. Long rows take a group of G work-items along dimension 0 and one row; short rows
 *       (inner = 1 for [N, C]) G = 1 and a group of rows along dimension 1.
 *
 * Launched by io.clgrad.backend.opencl.BatchNormOps.
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); it supplies RED_WG, the
 * compensated sum clg_ksum and clg_group_sum.
 */

/*
 * Adds A and B, expressions of the element offset P, to the compensated sums KA and KB over every
 * element of channel c; work-item t of the L in a group takes its share. With byRows, work-item t
 * takes whole rows i = t, t+L, ... < n, sums each row of inner contiguous elements plainly (a loop a
 * CPU device vectorises) and adds the row's sum to KA/KB; otherwise it visits flat indices
 * j = t, t+L, ... < n*inner (j = i*inner + l kept incrementally, so neighbouring work-items read
 * neighbouring elements, as a GPU wants) and adds each element.
 */
#define BN_CHANNEL_SUMS(P, KA, A, KB, B)                                                            \
    if (byRows) {                                                                                   \
        for (int i_ = t; i_ < n; i_ += L) {                                                         \
            int base_ = (i_ * C + c) * inner;                                                       \
            float ra_ = 0.0f;                                                                       \
            float rb_ = 0.0f;                                                                       \
            for (int P = base_; P < base_ + inner; P++) {                                           \
                ra_ += (A);                                                                         \
                rb_ += (B);                                                                         \
            }                                                                                       \
            clg_ksum_add(&KA, ra_);                                                                 \
            clg_ksum_add(&KB, rb_);                                                                 \
        }                                                                                           \
    } else {                                                                                        \
        int m_ = n * inner;                                                                         \
        int di_ = L / inner;                                                                        \
        int dl_ = L % inner;                                                                        \
        int i_ = t / inner;                                                                         \
        int l_ = t % inner;                                                                         \
        for (int j_ = t; j_ < m_; j_ += L) {                                                        \
            int P = (i_ * C + c) * inner + l_;                                                      \
            clg_ksum_add(&KA, (A));                                                                 \
            clg_ksum_add(&KB, (B));                                                                 \
            i_ += di_;                                                                              \
            l_ += dl_;                                                                              \
            if (l_ >= inner) {                                                                      \
                l_ -= inner;                                                                        \
                i_++;                                                                               \
            }                                                                                       \
        }                                                                                           \
    }

__kernel void bn_stats(__global const float* x, __global float* mean, __global float* var,
                       __global float* runningMean, __global float* runningVar, int hasRunning, float momentum,
                       int n, int C, int inner, int byRows)
{
    __local float part[RED_WG];
    int c = get_group_id(0);
    int t = get_local_id(0);
    int L = get_local_size(0);
    float count = (float) n * (float) inner;

    clg_ksum k = {0.0f, 0.0f};
    clg_ksum unused = {0.0f, 0.0f};
    BN_CHANNEL_SUMS(p, k, x[p], unused, 0.0f)
    float mu = clg_group_sum(clg_ksum_value(k), t, L, part) / count;

    clg_ksum k2 = {0.0f, 0.0f};
    BN_CHANNEL_SUMS(p, k2, (x[p] - mu) * (x[p] - mu), unused, 0.0f)
    float v = clg_group_sum(clg_ksum_value(k2), t, L, part) / count;

    if (t == 0) {
        mean[c] = mu;
        var[c] = v;
        if (hasRunning) {
            runningMean[c] = (1.0f - momentum) * runningMean[c] + momentum * mu;
            runningVar[c] = (1.0f - momentum) * runningVar[c] + momentum * (v * (count / (count - 1.0f)));
        }
    }
}

__kernel void bn_backward_reduce(__global const float* g, __global const float* x, __global const float* mean,
                                 __global const float* var, float eps, __global float* gradWeight,
                                 __global float* gradBias, int n, int C, int inner, int byRows)
{
    __local float part[RED_WG];
    int c = get_group_id(0);
    int t = get_local_id(0);
    int L = get_local_size(0);
    float mu = mean[c];

    clg_ksum sg = {0.0f, 0.0f};
    clg_ksum sgx = {0.0f, 0.0f};
    BN_CHANNEL_SUMS(p, sg, g[p], sgx, g[p] * (x[p] - mu))
    float sumG = clg_group_sum(clg_ksum_value(sg), t, L, part);
    float sumGX = clg_group_sum(clg_ksum_value(sgx), t, L, part);
    if (t == 0) {
        gradBias[c] = sumG;
        gradWeight[c] = sumGX / sqrt(var[c] + eps);
    }
}

/* The row r = i*C + c of this work-item and its channel c; work-items past the last row return. */
#define BN_ROW(r, c)                                                                                \
    int r = get_global_id(1);                                                                       \
    if (r >= n * C) {                                                                               \
        return;                                                                                     \
    }                                                                                               \
    int c = r % C;

/* Runs BODY with e = each element offset of row r that this work-item takes (l = k, k+G, ...). */
#define BN_ROW_ELEMENTS(e, r, BODY)                                                                 \
    for (int l_ = get_global_id(0); l_ < inner; l_ += get_global_size(0)) {                         \
        int e = (r) * inner + l_;                                                                   \
        BODY                                                                                        \
    }

__kernel void bn_forward(__global const float* x, __global const float* mean, __global const float* var,
                         __global const float* weight, __global const float* bias, int hasWeight, int hasBias,
                         float eps, __global float* out, int n, int C, int inner)
{
    BN_ROW(r, c)
    float mu = mean[c];
    float s = (hasWeight ? weight[c] : 1.0f) / sqrt(var[c] + eps);
    float b = hasBias ? bias[c] : 0.0f;
    BN_ROW_ELEMENTS(e, r, out[e] = (x[e] - mu) * s + b;)
}

__kernel void bn_backward(__global const float* g, __global const float* x, __global const float* mean,
                          __global const float* var, __global const float* weight, int hasWeight,
                          __global const float* gradWeight, __global const float* gradBias, int isTraining,
                          float eps, __global float* gradIn, int n, int C, int inner)
{
    BN_ROW(r, c)
    float invstd = 1.0f / sqrt(var[c] + eps);
    float k = (hasWeight ? weight[c] : 1.0f) * invstd;
    float count = (float) n * (float) inner;
    float a = isTraining ? gradBias[c] / count : 0.0f;
    float b = isTraining ? invstd * gradWeight[c] / count : 0.0f;
    float mu = mean[c];
    BN_ROW_ELEMENTS(e, r, gradIn[e] = k * (g[e] - a - (x[e] - mu) * b);)
}
