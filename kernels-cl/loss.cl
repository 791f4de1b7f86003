/*
 * loss.cl - binary cross-entropy with logits and softmax cross-entropy, forward and backward.
 *
 * bce_with_logits(x, y, w, pw, out, n, hasW, hasPw)
 *     out[i] = w * [(1-y)*x + (1+(pw-1)*y) * (log1p(exp(-|x|)) + max(-x, 0))]
 *     (the overflow-free form; equals max(x,0) - x*y + log1p(exp(-|x|)) times w when pw = 1).
 * bce_with_logits_backward(x, y, w, pw, g, gStride, scale, out, n, hasW, hasPw)
 *     out[i] = scale * g[i*gStride] * w * ((pw*y + 1 - y)*sigmoid(x) - pw*y)
 *   x, y, out are contiguous float [n]; w and pw are contiguous [n] when hasW/hasPw, otherwise 1
 *   (the host then passes x in their place, unread). 1-D launch, one work-item per element,
 *   global size n rounded up to the group size, bounds-checked.
 *
 * bce_with_logits_fused(x, y, w, pw, loss, grad, n, hasW, hasPw, wantGrad, scale)
 *     the forward and backward of a reduced BCE in one launch: loss[0] = scale * sum_i l_i (l_i as
 *     in bce_with_logits, summed with compensation), and when wantGrad
 *     grad[i] = scale * w * ((pw*y + 1 - y)*sigmoid(x) - pw*y) (scale 1/n for mean, 1 for sum).
 *     One work-group of L work-items (a power of two <= RED_WG; grad and loss are unused
 *     placeholders when not wanted); work-item t walks i = t, t+L, ...; the group's partial sums
 *     meet in a local-memory tree.
 *
 * cross_entropy_fused(logits, targets, loss, grad, rows, classes, ignoreIndex, eps, wantGrad, mean, err, op)
 *     a reduced softmax cross-entropy and its gradient in one launch: loss[0] = scale * sum of the
 *     row losses of cross_entropy over the rows that are not ignored, scale = 1/count (mean; NaN
 *     when every row is ignored, as 0/0 in PyTorch) or 1 (sum); when wantGrad, grad[r][c] as in
 *     cross_entropy_backward with g = scale. One work-group of L work-items (a power of two <= RED_WG);
 *     work-item t owns rows t, t+L, ...; pass 1 sums losses and counts (local-memory trees), pass 2
 *     writes the gradient rows once the count is known. A target outside [0, C) that is not
 *     ignoreIndex is also reported into err, as check_class_targets does.
 *
 * check_class_targets(targets, n, classes, ignoreIndex, err, op)
 *     err = {1, value, index, classes, op, ignoreIndex} for a target outside [0, C) that is not
 *     ignoreIndex (the first work-item to find one wins, through atomic_cmpxchg on err[0]; the
 *     host reads err back with its next read and raises TargetOutOfBoundsException). 1-D launch,
 *     one work-item per target.
 *
 * cross_entropy(logits, targets, loss, valid, rows, classes, ignoreIndex, eps, validIsInt)
 *     loss[r] = -((1-eps)*logp[r][t] + (eps/C)*sum_c logp[r][c]), valid[r] = 1, with t = targets[r];
 *     both 0 where t == ignoreIndex; loss NaN (valid 1) where t is outside [0, C).
 *     valid is written as float 1.0/0.0, or as int 1/0 when validIsInt.
 * cross_entropy_backward(logits, targets, g, gStride, out, rows, classes, ignoreIndex, eps)
 *     out[r][c] = g[r*gStride] * (softmax[r][c] - (1-eps)*[c == t] - eps/C); 0 on ignored rows;
 *     NaN on rows whose target is outside [0, C).
 *   logits/out are contiguous float [rows, classes], targets int32 [rows]. One work-group per row:
 *   global size rows*L, local size L (a power of two <= RED_WG, about the number of classes); the
 *   row's max and sums meet in local-memory trees.
 *
 * Launched by io.clgrad.backend.opencl.LossOps.
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); it supplies RED_WG, the
 * compensated sum clg_ksum, CLG_GROUP_TREE, clg_group_sum and clg_sigmoid.
 */

/* ---- binary cross-entropy with logits ------------------------------------------------------ */

/* Element i's operands x, y, w, pw as xv, yv, wv, pv (w and pw are 1 without hasW / hasPw). */
#define CLG_BCE_OPERANDS(i)                                                                       \
    float xv = x[i];                                                                              \
    float yv = y[i];                                                                              \
    float wv = hasW ? w[i] : 1.0f;                                                                \
    float pv = hasPw ? pw[i] : 1.0f;

/* One element's loss w * [(1-y)*x + (1+(pw-1)*y) * softplus(-x)], overflow-free. */
inline float clg_bce_term(float xv, float yv, float wv, float pv)
{
    float softplusNeg = log1p(exp(-fabs(xv))) + fmax(-xv, 0.0f); /* -log(sigmoid(x)) */
    return wv * ((1.0f - yv) * xv + (1.0f + (pv - 1.0f) * yv) * softplusNeg);
}

/* The derivative of clg_bce_term by x, without the factor w: (pw*y + 1 - y)*sigmoid(x) - pw*y. */
inline float clg_bce_slope(float xv, float yv, float pv)
{
    return (pv * yv + 1.0f - yv) * clg_sigmoid(xv) - pv * yv;
}

__kernel void bce_with_logits(__global const float* x, __global const float* y, __global const float* w,
                              __global const float* pw, __global float* out, int n, int hasW, int hasPw)
{
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    CLG_BCE_OPERANDS(i)
    out[i] = clg_bce_term(xv, yv, wv, pv);
}

__kernel void bce_with_logits_backward(__global const float* x, __global const float* y,
                                       __global const float* w, __global const float* pw,
                                       __global const float* g, int gStride, float scale,
                                       __global float* out, int n, int hasW, int hasPw)
{
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    CLG_BCE_OPERANDS(i)
    float gv = g[i * gStride];
    out[i] = scale * gv * wv * clg_bce_slope(xv, yv, pv);
}

/* ---- helpers of the one-group reductions below (clg_group_sum is in common.cl) ------------ */

/* Max of row p[0..C) over the group, NaN-propagating; part is scratch of the group's size. */
inline float clg_group_max(__global const float* p, int C, int t, int L, __local float* part)
{
    float m = -INFINITY;
    for (int c = t; c < C; c += L) {
        float v = p[c];
        m = (v > m || isnan(v)) ? v : m;
    }
    part[t] = m;
    CLG_GROUP_TREE(t, L, h,
        float v = part[t + h];
        if (v > part[t] || isnan(v)) {
            part[t] = v;
        })
    float r = part[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

/*
 * The row's max m (NaN-propagating, into *mOut) and the group's sum of exp(p[c] - m) over
 * c in [0, C), compensated per work-item; every work-item of the group calls it.
 */
inline float clg_group_sum_exp(__global const float* p, int C, int t, int L, __local float* part, float* mOut)
{
    float m = clg_group_max(p, C, t, L, part);
    clg_ksum acc = {0.0f, 0.0f};
    for (int k = t; k < C; k += L) {
        clg_ksum_add(&acc, exp(p[k] - m));
    }
    *mOut = m;
    return clg_group_sum(clg_ksum_value(acc), t, L, part);
}

/* ---- class-target checks ------------------------------------------------------------------ */

/* clg_report_target (common.cl) records a bad target: {1, value, index, classes, op, ignoreIndex}. */

__kernel void check_class_targets(__global const int* targets, int n, int classes, int ignoreIndex,
                                  __global int* err, int op)
{
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    int target = targets[i];
    if (target != ignoreIndex && (target < 0 || target >= classes)) {
        clg_report_target(err, target, i, classes, op, ignoreIndex);
    }
}

/* ---- softmax cross-entropy: one work-group per row --------------------------------------- */

/* The row of work-group r and this work-item t of L: its target, its logits p, and scratch part. */
#define CLG_CE_ROW                                                                                \
    __local float part[RED_WG];                                                                   \
    int r = get_group_id(0);                                                                      \
    int t = get_local_id(0);                                                                      \
    int L = get_local_size(0);                                                                    \
    int target = targets[r];                                                                      \
    __global const float* p = logits + r * classes;

__kernel void cross_entropy(__global const float* logits, __global const int* targets, __global float* loss,
                            __global uint* valid, int rows, int classes, int ignoreIndex, float eps,
                            int validIsInt)
{
    CLG_CE_ROW
    /* Ignored rows run the same barriers and discard the result: no work-item may leave early
       (PoCL mis-executes kernels that return before a barrier, even group-uniformly). */
    float m;
    float sumExp = clg_group_sum_exp(p, classes, t, L, part, &m);
    float lse = m + log(sumExp);
    float sumLogp = 0.0f;
    if (eps != 0.0f) {
        clg_ksum acc = {0.0f, 0.0f};
        for (int k = t; k < classes; k += L) {
            clg_ksum_add(&acc, p[k] - lse);
        }
        sumLogp = clg_group_sum(clg_ksum_value(acc), t, L, part);
    }
    if (t == 0) {
        if (target == ignoreIndex) {
            loss[r] = 0.0f;
            valid[r] = 0u;
        } else {
            float result;
            if (target < 0 || target >= classes) {
                result = NAN;
            } else {
                float logpt = p[target] - lse;
                result = eps != 0.0f ? -((1.0f - eps) * logpt + (eps / (float)classes) * sumLogp) : -logpt;
            }
            loss[r] = result;
            valid[r] = validIsInt ? 1u : as_uint(1.0f);
        }
    }
}

__kernel void cross_entropy_backward(__global const float* logits, __global const int* targets,
                                     __global const float* g, int gStride, __global float* out,
                                     int rows, int classes, int ignoreIndex, float eps)
{
    CLG_CE_ROW
    __global float* q = out + r * classes;
    float m;   /* ignored rows too: no early return (see cross_entropy) */
    float sum = clg_group_sum_exp(p, classes, t, L, part, &m);
    bool ignored = target == ignoreIndex;
    bool bad = !ignored && (target < 0 || target >= classes);
    float gv = ignored ? 0.0f : g[r * gStride];
    float smooth = eps / (float)classes;
    for (int k = t; k < classes; k += L) {
        float sm = exp(p[k] - m) / sum;
        float hit = k == target ? 1.0f - eps : 0.0f;
        q[k] = ignored ? 0.0f : bad ? NAN : gv * (sm - hit - smooth);
    }
}

/* ---- fused reduced BCE-with-logits: loss and gradient in one work-group ------------------- */

__kernel void bce_with_logits_fused(__global const float* x, __global const float* y, __global const float* w,
                                    __global const float* pw, __global float* loss, __global float* grad,
                                    int n, int hasW, int hasPw, int wantGrad, float scale)
{
    __local float part[RED_WG];
    const int t = get_local_id(0);
    const int L = get_local_size(0);
    clg_ksum acc = {0.0f, 0.0f};
    for (int i = t; i < n; i += L) {
        CLG_BCE_OPERANDS(i)
        clg_ksum_add(&acc, clg_bce_term(xv, yv, wv, pv));
        if (wantGrad) {
            grad[i] = scale * wv * clg_bce_slope(xv, yv, pv);
        }
    }
    float total = clg_group_sum(clg_ksum_value(acc), t, L, part);
    if (t == 0) {
        loss[0] = total * scale;
    }
}

/* ---- fused reduced softmax cross-entropy: loss and gradient in one work-group ------------- */

/* Row max (NaN-propagating) and log-sum-exp of p[0..C). */
inline float clg_row_lse(__global const float* p, int C, float* mOut)
{
    float m = p[0];
    for (int k = 1; k < C; k++) {
        float v = p[k];
        if (v > m || isnan(v)) {
            m = v;
        }
    }
    clg_ksum acc = {0.0f, 0.0f};
    for (int k = 0; k < C; k++) {
        clg_ksum_add(&acc, exp(p[k] - m));
    }
    *mOut = m;
    return m + log(clg_ksum_value(acc));
}

__kernel void cross_entropy_fused(__global const float* logits, __global const int* targets, __global float* loss,
                                  __global float* grad, int rows, int classes, int ignoreIndex, float eps,
                                  int wantGrad, int mean, __global int* err, int op)
{
    __local float part[RED_WG];
    const int t = get_local_id(0);
    const int L = get_local_size(0);
    clg_ksum acc = {0.0f, 0.0f};
    float count = 0.0f;
    for (int r = t; r < rows; r += L) {
        int target = targets[r];
        if (target == ignoreIndex) {
            continue;
        }
        count += 1.0f;
        if (target < 0 || target >= classes) {
            clg_report_target(err, target, r, classes, op, ignoreIndex);
            clg_ksum_add(&acc, NAN);
            continue;
        }
        __global const float* p = logits + (long)r * classes;
        float m;
        float lse = clg_row_lse(p, classes, &m);
        float logpt = p[target] - lse;
        float result = -logpt;
        if (eps != 0.0f) {
            clg_ksum accx = {0.0f, 0.0f};
            for (int k = 0; k < classes; k++) {
                clg_ksum_add(&accx, p[k]);
            }
            float sumLogp = clg_ksum_value(accx) - (float)classes * lse;
            result = -((1.0f - eps) * logpt + (eps / (float)classes) * sumLogp);
        }
        clg_ksum_add(&acc, result);
    }
    float total = clg_group_sum(clg_ksum_value(acc), t, L, part);
    float n = clg_group_sum(count, t, L, part);
    float scale = mean ? 1.0f / n : 1.0f;
    if (t == 0) {
        loss[0] = mean ? total / n : total;
    }
    if (!wantGrad) {
        return;     /* after the last barrier: safe */
    }
    float smooth = eps / (float)classes;
    for (int r = t; r < rows; r += L) {
        int target = targets[r];
        __global float* q = grad + (long)r * classes;
        if (target == ignoreIndex || target < 0 || target >= classes) {
            float v = target == ignoreIndex ? 0.0f : NAN;
            for (int k = 0; k < classes; k++) {
                q[k] = v;
            }
            continue;
        }
        __global const float* p = logits + (long)r * classes;
        float m;
        float lse = clg_row_lse(p, classes, &m);
        for (int k = 0; k < classes; k++) {
            float sm = exp(p[k] - lse);
            float hit = k == target ? 1.0f - eps : 0.0f;
            q[k] = scale * (sm - hit - smooth);
        }
    }
}
