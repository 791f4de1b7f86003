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
 * Launch geometry: 1-D, one work-item per parameter, global size n rounded up to the group size,
 * bounds-checked. Launched by io.clgrad.backend.opencl.OptimOps (adamStep, sgdStep).
 */

#define ADAM_DECOUPLED 1
#define ADAM_WEIGHT_DECAY 2
#define ADAM_AMSGRAD 4

#define SGD_WEIGHT_DECAY 1
#define SGD_MOMENTUM 2
#define SGD_NESTEROV 4
#define SGD_FIRST_STEP 8

__kernel void adam_step(__global float* p, __global const float* g, __global float* m, __global float* v,
                        __global float* vMax, int n, float stepSize, float beta1, float oneMinusBeta1,
                        float beta2, float oneMinusBeta2, float eps, float weightDecay, float decay,
                        float bc2Sqrt, int flags)
{
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
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
