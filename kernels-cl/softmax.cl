/*
 * softmax.cl - softmax and log-softmax of a contiguous float tensor viewed as [outer, len, inner],
 * along the middle axis, computed stably:
 *     m = max_l x[l],  s = sum_l exp(x[l] - m)
 *     softmax: out[l] = exp(x[l] - m) / s        log-softmax: out[l] = (x[l] - m) - log(s)
 * Element x[o][l][j] is at o*len*inner + l*inner + j; out has the same layout. A NaN anywhere in a
 * row makes the whole row NaN (as in PyTorch). The sum is compensated (Neumaier) per work-item.
 *
 * Two launch geometries (isLog selects log-softmax):
 *   softmax_rows(x, out, outer, len, inner, isLog)   1-D, one work-item per row (o, j): global size
 *       outer*inner rounded up to the group size, bounds-checked; neighbouring work-items read
 *       neighbouring j. Used for short rows.
 *   softmax_group(x, out, outer, len, inner, isLog)  one work-group per row: global size
 *       outer*inner*L, local size L (a power of two <= RED_WG); max and sum meet in local-memory
 *       trees, then each work-item writes l = t, t+L, ...
 *
 * Launched by io.clgrad.backend.opencl.SoftmaxOps.
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); it supplies RED_WG, the
 * compensated sum clg_ksum, CLG_GROUP_TREE and clg_group_sum.
 */

__kernel void softmax_rows(__global const float* x, __global float* out, int outer, int len, int inner,
                           int isLog)
{
    int o = get_global_id(0);
    if (o >= outer * inner) {
        return;
    }
    int base = (o / inner) * len * inner + (o % inner);
    __global const float* p = x + base;
    __global float* q = out + base;
    float m = -INFINITY;
    for (int l = 0; l < len; l++) {
        m = fmax(m, p[l * inner]);
    }
    clg_ksum k = {0.0f, 0.0f};
    for (int l = 0; l < len; l++) {
        clg_ksum_add(&k, exp(p[l * inner] - m));
    }
    float s = clg_ksum_value(k);
    if (isLog) {
        float ls = log(s);
        for (int l = 0; l < len; l++) {
            q[l * inner] = (p[l * inner] - m) - ls;
        }
    } else {
        for (int l = 0; l < len; l++) {
            q[l * inner] = exp(p[l * inner] - m) / s;
        }
    }
}

__kernel void softmax_group(__global const float* x, __global float* out, int outer, int len, int inner,
                            int isLog)
{
    __local float part[RED_WG];
    int o = get_group_id(0);
    int t = get_local_id(0);
    int L = get_local_size(0);
    int base = (o / inner) * len * inner + (o % inner);
    __global const float* p = x + base;
    __global float* q = out + base;

    float m = -INFINITY;
    for (int l = t; l < len; l += L) {
        m = fmax(m, p[l * inner]);
    }
    part[t] = m;
    CLG_GROUP_TREE(t, L, h, part[t] = fmax(part[t], part[t + h]);)
    m = part[0];
    barrier(CLK_LOCAL_MEM_FENCE);

    clg_ksum k = {0.0f, 0.0f};
    for (int l = t; l < len; l += L) {
        clg_ksum_add(&k, exp(p[l * inner] - m));
    }
    float s = clg_group_sum(clg_ksum_value(k), t, L, part);

    if (isLog) {
        float ls = log(s);
        for (int l = t; l < len; l += L) {
            q[l * inner] = (p[l * inner] - m) - ls;
        }
    } else {
        for (int l = t; l < len; l += L) {
            q[l * inner] = exp(p[l * inner] - m) / s;
        }
    }
}
