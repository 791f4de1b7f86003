/*
 * optim.cl - optimizer steps, in place on contiguous float parameter and state buffers [n].
 *
 * adam_step(p, g, m, v, vMax, n, stepSize, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps,
 *           weightDecay, decay, bc2Sqrt, flags)
 *     PyTorch's single-tensor Adam/AdamW, with bc1 = 1-beta1^t, bc2 = 1-beta2^t computed on the
 *     host in double (stepSize = lr/bc1, bc2Sqrt = sqrt(bc2), decay = 1 - lr*weightDecay):
 *         if DECOUPLED: p = p * decay                  else if WEIGHT_DECAY: g = g + wd*p
 *         m = beta1*m + (1-beta1)*g ;  v = beta2*v + (1-beta2)*g*g
 *         vHat = AMSGRAD ? (vMax = max(vMax, v)) : v      (max propagates NaN)
 *         p = p - stepSize * m / (sqrt(vHat)/bc2Sqrt + eps)
 *     The gradient buffer is not modified. vMax is only read when AMSGRAD (else the host passes m).
 *
 * sgd_step(p, g, buf, n, lr, momentum, oneMinusDampening, weightDecay, flags)
 *     PyTorch's SGD:
 *         if WEIGHT_DECAY: g = g + wd*p
 *         if MOMENTUM: buf = FIRST_STEP ? g : momentum*buf + oneMinusDampening*g   (1-dampening, from the host in double)
 *                      g = NESTEROV ? g + momentum*buf : buf
 *         p = p - lr*g
 *     buf is only touched when MOMENTUM (else the host passes p).
 *
 * adam_step_many(p0..p7, g0..g7, m0..m7, v0..v7, x0..x7, ends, total, ...)
 *     adam_step on up to 8 tensors in one launch (a multi-tensor kernel; described above its code).
 *
 * Launch geometry: 1-D, one work-item per parameter (adam_step_many: per element of all its tensors),
 * global size rounded up to the group size, bounds-checked. Launched by
 * io.clgrad.backend.opencl.OptimOps (adamStep, adamStepMany, sgdStep).
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); nothing from it is used
 * here.
 */

#define ADAM_DECOUPLED 1
#define ADAM_WEIGHT_DECAY 2
#define ADAM_AMSGRAD 4

#define SGD_WEIGHT_DECAY 1
#define SGD_MOMENTUM 2
#define SGD_NESTEROV 4
#define SGD_FIRST_STEP 8

/* One element of an Adam/AdamW step: the single source of truth for adam_step and adam_step_many. */
inline void clg_adam_update(__global float* p, __global const float* g, __global float* m, __global float* v,
                            __global float* vMax, int i, float stepSize, float beta1, float oneMinusBeta1,
                        float beta2, float oneMinusBeta2, float eps, float weightDecay, float decay,
                        float bc2Sqrt, int flags)
{
    float pv = p[i];
    float gv = g[i];
    if (flags & ADAM_DECOUPLED) {
        pv = pv * decay;
    } else if (flags & ADAM_WEIGHT_DECAY) {
        gv = gv + weightDecay * pv;
    }
    float mv = beta1 * m[i] + oneMinusBeta1 * gv;
    float vv = beta2 * v[i] + oneMinusBeta2 * gv * gv;
    m[i] = mv;
    v[i] = vv;
    float vHat = vv;
    if (flags & ADAM_AMSGRAD) {
        float old = vMax[i];
        vHat = (old > vv || isnan(old)) ? old : vv;
        vMax[i] = vHat;
    }
    float denom = sqrt(vHat) / bc2Sqrt + eps;
    p[i] = pv - stepSize * mv / denom;
}

__kernel void adam_step(__global float* p, __global const float* g, __global float* m, __global float* v,
                        __global float* vMax, int n, float stepSize, float beta1, float oneMinusBeta1,
                        float beta2, float oneMinusBeta2, float eps, float weightDecay, float decay,
                        float bc2Sqrt, int flags)
{
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    clg_adam_update(p, g, m, v, vMax, i, stepSize, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, weightDecay,
                decay, bc2Sqrt, flags);
}

__kernel void sgd_step(__global float* p, __global const float* g, __global float* buf, int n, float lr,
                       float momentum, float oneMinusDampening, float weightDecay, int flags)
{
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    float pv = p[i];
    float gv = g[i];
    if (flags & SGD_WEIGHT_DECAY) {
        gv = gv + weightDecay * pv;
    }
    if (flags & SGD_MOMENTUM) {
        float b = (flags & SGD_FIRST_STEP) ? gv : momentum * buf[i] + oneMinusDampening * gv;
        buf[i] = b;
        gv = (flags & SGD_NESTEROV) ? gv + momentum * b : b;
    }
    p[i] = pv - lr * gv;
}

/*
 * adam_step_many(p0..p7, g0..g7, m0..m7, v0..v7, x0..x7, ends, total, stepSize, beta1, oneMinusBeta1,
 *                beta2, oneMinusBeta2, eps, weightDecay, decay, bc2Sqrt, flags)
 *     adam_step on up to ADAM_MANY_SLOTS (8) tensors in ONE launch (a multi-tensor kernel: OpenCL
 *     has no arrays of pointers, so each role gets 8 buffer arguments). The tensors are laid end to
 *     end in one index space [0, total): tensor k covers [ends.s(k-1), ends.sk), with ends.s(-1) = 0
 *     and ends non-decreasing; unused slots have ends.sk = total and NULL buffers (never read; the
 *     host passes NULL because PoCL's enqueue costs per buffer argument). Per element the arithmetic
 *     is adam_step's, statement for statement, so the result is bit for bit that of one adam_step
 *     launch per tensor. xK (vMax) is only read when AMSGRAD (NULL otherwise).
 *
 * Launch geometry: 1-D, one work-item per element of all tensors together, global size total
 * rounded up to the group size, bounds-checked. Launched by
 * io.clgrad.backend.opencl.OptimOps#adamStepMany (several launches only past 8 tensors).
 */

#define ADAM_MANY_PICK(a, k) ((k) == 0 ? a##0 : (k) == 1 ? a##1 : (k) == 2 ? a##2 : (k) == 3 ? a##3 \
                              : (k) == 4 ? a##4 : (k) == 5 ? a##5 : (k) == 6 ? a##6 : a##7)

__kernel void adam_step_many(__global float* p0, __global float* p1, __global float* p2, __global float* p3,
                             __global float* p4, __global float* p5, __global float* p6, __global float* p7,
                             __global const float* g0, __global const float* g1, __global const float* g2,
                             __global const float* g3, __global const float* g4, __global const float* g5,
                             __global const float* g6, __global const float* g7,
                             __global float* m0, __global float* m1, __global float* m2, __global float* m3,
                             __global float* m4, __global float* m5, __global float* m6, __global float* m7,
                             __global float* v0, __global float* v1, __global float* v2, __global float* v3,
                             __global float* v4, __global float* v5, __global float* v6, __global float* v7,
                             __global float* x0, __global float* x1, __global float* x2, __global float* x3,
                             __global float* x4, __global float* x5, __global float* x6, __global float* x7,
                             int8 ends, int total, float stepSize, float beta1, float oneMinusBeta1,
                             float beta2, float oneMinusBeta2, float eps, float weightDecay, float decay,
                             float bc2Sqrt, int flags)
{
    int gid = get_global_id(0);
    if (gid >= total) {
        return;
    }
    /* which tensor: the number of ends at or below gid; its start: the largest such end */
    int k = (gid >= ends.s0) + (gid >= ends.s1) + (gid >= ends.s2) + (gid >= ends.s3)
            + (gid >= ends.s4) + (gid >= ends.s5) + (gid >= ends.s6);
    int start = 0;
    start = gid >= ends.s0 ? ends.s0 : start;
    start = gid >= ends.s1 ? ends.s1 : start;
    start = gid >= ends.s2 ? ends.s2 : start;
    start = gid >= ends.s3 ? ends.s3 : start;
    start = gid >= ends.s4 ? ends.s4 : start;
    start = gid >= ends.s5 ? ends.s5 : start;
    start = gid >= ends.s6 ? ends.s6 : start;
    int i = gid - start;
    __global float* p = ADAM_MANY_PICK(p, k);
    __global const float* g = ADAM_MANY_PICK(g, k);
    __global float* m = ADAM_MANY_PICK(m, k);
    __global float* v = ADAM_MANY_PICK(v, k);
    __global float* vMax = ADAM_MANY_PICK(x, k);

    clg_adam_update(p, g, m, v, vMax, i, stepSize, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps, weightDecay,
                decay, bc2Sqrt, flags);
}
