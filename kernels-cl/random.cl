/*
 * random.cl - counter-based random fills, bit-for-bit the same as io.clgrad.backend.CounterRng.
 *
 * Element i of a fill is a pure function of (seed, offset + i): SplitMix64's finaliser over a Weyl
 * sequence, in ulong arithmetic that wraps exactly like Java's long (>> on ulong is Java's >>>).
 *   random_uniform(out, n, seed, offset, low, high)  out[i] = low + (high-low) * u(seed, offset+i)
 *       u = (bits >> 40) * 2^-24, a float in [0, 1) with 24 random bits
 *   random_normal(out, n, seed, offset, mean, std)   out[i] = mean + std * z(seed, offset+i)
 *       z = sqrt(-2 ln u1) * cos(2 pi u2) (Box-Muller) from counters 2c and 2c+1, u1 in (0, 1];
 *       computed in double where the device has fp64 (as CounterRng does), else in float
 *   random_int(out, n, seed, offset, low, range)     out[i] = low + ((bits >> 32) * range) >> 32
 *       (Lemire's multiply-shift; range = high - low >= 1 taken as unsigned 32 bits)
 * Floating-point contraction is off so that low + (high-low)*u rounds as Java's float math does.
 *
 * Memory layout: out is a contiguous float (int for random_int) buffer [n].
 * Launch geometry: 1-D, one work-item per element, global size n rounded up to the group size,
 * bounds-checked. Launched by io.clgrad.backend.opencl.RandomOps.
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); nothing from it is used
 * here.
 */

#ifndef CLGRAD_FP64
#define CLGRAD_FP64 0   /* 1 when the device supports cl_khr_fp64 */
#endif

#if CLGRAD_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

#pragma OPENCL FP_CONTRACT OFF

inline ulong clg_rng_bits(ulong seed, ulong counter)
{
    ulong z = seed + (counter + 1UL) * 0x9E3779B97F4A7C15UL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    return z ^ (z >> 31);
}

__kernel void random_uniform(__global float* out, int n, ulong seed, ulong offset, float low, float high)
{
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    float u = (float)(clg_rng_bits(seed, offset + (ulong)i) >> 40) * 0x1.0p-24f;
    out[i] = low + (high - low) * u;
}

__kernel void random_normal(__global float* out, int n, ulong seed, ulong offset, float mean, float std)
{
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    ulong c = offset + (ulong)i;
    float u1 = (float)((clg_rng_bits(seed, 2UL * c) >> 40) + 1UL) * 0x1.0p-24f;
    float u2 = (float)(clg_rng_bits(seed, 2UL * c + 1UL) >> 40) * 0x1.0p-24f;
#if CLGRAD_FP64
    float z = (float)(sqrt(-2.0 * log((double)u1)) * cos(2.0 * M_PI * (double)u2));
#else
    float z = sqrt(-2.0f * log(u1)) * cospi(2.0f * u2);
#endif
    out[i] = mean + std * z;
}

__kernel void random_int(__global int* out, int n, ulong seed, ulong offset, int low, int range)
{
    int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    ulong r32 = clg_rng_bits(seed, offset + (ulong)i) >> 32;
    uint below = (uint)((r32 * (ulong)(uint)range) >> 32);
    out[i] = (int)((uint)low + below);
}
