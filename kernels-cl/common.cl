/*
 * common.cl - the prelude: definitions that several kernel families share. It holds no kernel.
 *
 * io.clgrad.backend.opencl.ProgramCache prepends this file to every kernels-cl/<family>.cl before
 * building it, as
 *     #line 1 "kernels-cl/common.cl"  <this file>  #line 1 "kernels-cl/<family>.cl"  <the family file>
 * so the compiler's build log names the file and line a message belongs to. Every family file
 * therefore compiles on its own together with this prelude (and only with it), with its defaults
 * or with the -D options of io.clgrad.backend.opencl.DeviceTuning. The prelude's text is part of
 * each program's cache key (in memory and on disk), so a change here rebuilds every program.
 *
 * Contents:
 *   RED_WG                   largest work-group size of the reduction kernels of reduce.cl,
 *                            softmax.cl and loss.cl (a power of two; DeviceTuning sets it with -D)
 *   clg_ksum, clg_ksum_add, clg_ksum_value
 *                            compensated (Neumaier) summation: a running sum and its rounding error
 *   CLG_GROUP_TREE           the rounds of a local-memory tree over a work-group (barriers included)
 *   clg_group_sum            sum over a work-group of one float per work-item (local-memory tree)
 *   clg_sigmoid              the logistic function in its overflow-free two-branch form
 *   clg_report_target        records the first bad class target or index of a launch in an error
 *                            record (loss.cl, index.cl; read back by backend.opencl.TargetErrors)
 * Names defined here start with clg_ (functions, types), CLG_ (macros) or are the documented
 * tunables above.
 */

#ifndef RED_WG
#define RED_WG 256      /* largest work-group size of the reduction kernels (power of two) */
#endif

/* ---- compensated summation ---------------------------------------------------------------- */

/* A Neumaier running sum: s is the float sum so far, c the accumulated rounding error. */
typedef struct {
    float s;
    float c;
} clg_ksum;

inline void clg_ksum_add(clg_ksum* k, float v)
{
    float t = k->s + v;
    if (fabs(k->s) >= fabs(v)) {
        k->c += (k->s - t) + v;
    } else {
        k->c += (v - t) + k->s;
    }
    k->s = t;
}

inline float clg_ksum_value(clg_ksum k)
{
    /* with an infinite or NaN running sum the correction is meaningless */
    return isfinite(k.s) ? k.s + k.c : k.s;
}

/* ---- work-group reductions ---------------------------------------------------------------- */

/*
 * The rounds of a local-memory tree over the L work-items of a group (L a power of two; every
 * work-item of the group runs it): a barrier that publishes each work-item's slot, then rounds
 * h = L/2, L/4, ..., 1 in which work-item t < h runs STEP, a statement that merges slot t + h into
 * slot t (it names the round's h); a barrier ends every round, so slot 0 then holds the result.
 */
#define CLG_GROUP_TREE(t, L, h, STEP)                                                             \
    barrier(CLK_LOCAL_MEM_FENCE);                                                                 \
    for (int h = (L) / 2; h > 0; h >>= 1) {                                                       \
        if ((t) < h) {                                                                            \
            STEP                                                                                  \
        }                                                                                         \
        barrier(CLK_LOCAL_MEM_FENCE);                                                             \
    }

/*
 * Sum over the group of one float per work-item t of L (L a power of two, every work-item of the
 * group calls it): a pairwise tree in part, scratch of at least L floats. Ends with a barrier, so
 * part may be reused at once.
 */
inline float clg_group_sum(float v, int t, int L, __local float* part)
{
    part[t] = v;
    CLG_GROUP_TREE(t, L, h, part[t] += part[t + h];)
    float r = part[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return r;
}

/* ---- activation functions ----------------------------------------------------------------- */

/* 1 / (1 + exp(-v)) without overflow: exp is only taken of a non-positive argument. */
inline float clg_sigmoid(float v)
{
    if (v >= 0.0f) {
        return 1.0f / (1.0f + exp(-v));
    }
    float e = exp(v);
    return e / (1.0f + e);
}

/* ---- error records ------------------------------------------------------------------------ */

/*
 * Records a bad value unless one is recorded already: err = {1, value, position, bound, op, extra}
 * (err[0] is the flag, claimed with atomic_cmpxchg, so the first work-item to find one wins). The
 * host reads err back with its next read (io.clgrad.backend.opencl.TargetErrors): a class target
 * outside [0, bound) that is not ignore_index extra (loss.cl), or an index outside [0, bound) of
 * dimension extra (index.cl), named by the op code.
 */
inline void clg_report_target(__global int* err, int value, int position, int bound, int op, int extra)
{
    if (atomic_cmpxchg((volatile __global int*)err, 0, 1) == 0) {
        err[1] = value;
        err[2] = position;
        err[3] = bound;
        err[4] = op;
        err[5] = extra;
    }
}
