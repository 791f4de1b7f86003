/*
 * matmul.cl - batched matrix product C[b] = A[b] . B[b]: three register-tiled kernels, and one variant.
 *   matmul_tiled   stages tiles in local memory (GPUs)
 *   matmul_direct  the same tiling without local memory (CPU devices, small products)
 *   matmul_direct_grad_*  matmul_direct with A masked by ReLU's backward and/or A's row sums beside
 *                  C (a Linear layer's weight and bias gradients in one launch)
 *   matmul_vec     explicit floatN micro-kernel (CPU devices, products from a few MFLOP)
 * io.clgrad.backend.opencl.DeviceTuning picks the kernel and its -D values per device, and
 * `clgrad tune` (MatmulTuner) times candidates on the user's device and saves the fastest.
 *
 * Memory layout: A[b][i][p] = a[aOff + b*aBs + i*aRs + p*aCs] and B[b][p][j] = b[bOff + b*bBs +
 * p*bRs + j*bCs] (in elements; io.clgrad.backend.MatmulSpec), so transposed operands are views
 * with swapped strides and a batch stride of 0 broadcasts one matrix over the batch: nothing is
 * copied. C is contiguous [batch, m, n] from element cOff of c.
 *
 * Launch geometry: a 3-D range of work-groups of MM_WG_N x MM_WG_M x 1 work-items.
 *   dimension 0: ceil(n / MM_BN) groups over the columns of C
 *   dimension 1: ceil(m / MM_BM) groups over the rows of C
 *   dimension 2: batch
 * A work-group computes an MM_BM x MM_BN block of C (MM_BM = MM_WG_M*MM_WPT_M, MM_BN =
 * MM_WG_N*MM_WPT_N); each work-item owns MM_WPT_M x MM_WPT_N accumulators in registers at rows
 * row0 + ly + i*MM_WG_M and columns col0 + lx + j*MM_WG_N (interleaved, so neighbouring
 * work-items touch neighbouring columns of C and of the local B tile). The k axis is walked in
 * slices of MM_TILE_K: the group stages an MM_TILE_K x MM_BM slice of A and an MM_TILE_K x MM_BN
 * slice of B in local memory (zero-padded past m, n and k, so any m, n, k >= 1 is correct), then
 * every work-item accumulates outer products from it. Loads follow the operand's contiguous axis.
 *
 * Launched by io.clgrad.backend.opencl.MatmulOps#matmul (and #linearGrad).
 *
 * Built after the prelude common.cl, which io.clgrad.backend.opencl.ProgramCache prepends: this
 * file compiles on its own together with that prelude (and only with it); the row sums of
 * matmul_direct_grad_* use its compensated sum (clg_ksum).
 */

#ifndef MM_WG_M
#define MM_WG_M 8       /* work-items per group along the rows of C */
#endif
#ifndef MM_WG_N
#define MM_WG_N 8       /* work-items per group along the columns of C */
#endif
#ifndef MM_WPT_M
#define MM_WPT_M 4      /* rows of C per work-item */
#endif
#ifndef MM_WPT_N
#define MM_WPT_N 4      /* columns of C per work-item */
#endif
#ifndef MM_TILE_K
#define MM_TILE_K 16    /* depth of the k-slice staged in local memory */
#endif

#define MM_BM (MM_WG_M * MM_WPT_M)
#define MM_BN (MM_WG_N * MM_WPT_N)
#define MM_WG_SIZE (MM_WG_M * MM_WG_N)

/*
 * The epilogue of a fused Linear (every kernel here takes it as its last two arguments): with
 * MM_EPI_BIAS in epi, bias[j] (n floats) is added to column j; with MM_EPI_RELU the result is then
 * clamped at 0 (NaN passes, as in torch.relu). epi = 0 is the plain product; bias is then unused
 * (the host passes any buffer).
 */
#define MM_EPI_BIAS 1
#define MM_EPI_RELU 2

inline float mm_epilogue(float v, __global const float* bias, int col, int epi)
{
    if (epi & MM_EPI_BIAS) {
        v += bias[col];
    }
    if ((epi & MM_EPI_RELU) && v < 0.0f) {
        v = 0.0f;
    }
    return v;
}

__kernel __attribute__((reqd_work_group_size(MM_WG_N, MM_WG_M, 1)))
void matmul_tiled(__global const float* a, int aOff, int aBs, int aRs, int aCs,
                  __global const float* b, int bOff, int bBs, int bRs, int bCs,
                  __global float* c, int cOff, int m, int n, int k,
                  __global const float* bias, int epi)
{
    __local float As[MM_TILE_K][MM_BM];
    __local float Bs[MM_TILE_K][MM_BN];

    const int lx = get_local_id(0);
    const int ly = get_local_id(1);
    const int lid = ly * MM_WG_N + lx;
    const int col0 = get_group_id(0) * MM_BN;
    const int row0 = get_group_id(1) * MM_BM;
    const int batch = get_global_id(2);
    __global const float* A = a + aOff + (long)batch * aBs;
    __global const float* B = b + bOff + (long)batch * bBs;

    float acc[MM_WPT_M][MM_WPT_N];
    for (int i = 0; i < MM_WPT_M; i++) {
        for (int j = 0; j < MM_WPT_N; j++) {
            acc[i][j] = 0.0f;
        }
    }

    for (int k0 = 0; k0 < k; k0 += MM_TILE_K) {
        /* Stage A[row0 .. row0+BM)[k0 .. k0+TILE_K) as As[kk][r]. */
        for (int l = lid; l < MM_BM * MM_TILE_K; l += MM_WG_SIZE) {
            int r, kk;
            if (aCs == 1) {          /* k is A's contiguous axis: consecutive l walk along k */
                r = l / MM_TILE_K;
                kk = l % MM_TILE_K;
            } else {                 /* otherwise walk along the rows */
                r = l % MM_BM;
                kk = l / MM_BM;
            }
            int gr = row0 + r;
            int gk = k0 + kk;
            As[kk][r] = (gr < m && gk < k) ? A[gr * aRs + gk * aCs] : 0.0f;
        }
        /* Stage B[k0 .. k0+TILE_K)[col0 .. col0+BN) as Bs[kk][cc]. */
        for (int l = lid; l < MM_BN * MM_TILE_K; l += MM_WG_SIZE) {
            int cc, kk;
            if (bCs == 1 || bRs != 1) {  /* n is B's contiguous axis (or neither is): walk along n */
                cc = l % MM_BN;
                kk = l / MM_BN;
            } else {                     /* k is B's contiguous axis (B transposed): walk along k */
                cc = l / MM_TILE_K;
                kk = l % MM_TILE_K;
            }
            int gc = col0 + cc;
            int gk = k0 + kk;
            Bs[kk][cc] = (gc < n && gk < k) ? B[gk * bRs + gc * bCs] : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        #pragma unroll
        for (int kk = 0; kk < MM_TILE_K; kk++) {
            float ar[MM_WPT_M];
            float br[MM_WPT_N];
            #pragma unroll
            for (int i = 0; i < MM_WPT_M; i++) {
                ar[i] = As[kk][ly + i * MM_WG_M];
            }
            #pragma unroll
            for (int j = 0; j < MM_WPT_N; j++) {
                br[j] = Bs[kk][lx + j * MM_WG_N];
            }
            #pragma unroll
            for (int i = 0; i < MM_WPT_M; i++) {
                #pragma unroll
                for (int j = 0; j < MM_WPT_N; j++) {
                    acc[i][j] += ar[i] * br[j];
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    __global float* C = c + cOff + (long)batch * m * n;
    for (int i = 0; i < MM_WPT_M; i++) {
        int r = row0 + ly + i * MM_WG_M;
        for (int j = 0; j < MM_WPT_N; j++) {
            int cc = col0 + lx + j * MM_WG_N;
            if (r < m && cc < n) {
                C[r * n + cc] = mm_epilogue(acc[i][j], bias, cc, epi);
            }
        }
    }
}

/*
 * matmul_direct: the same product and the same work-group/register tiling as matmul_tiled, but
 * without local memory or barriers: every work-item reads its MM_WPT_M rows of A and MM_WPT_N
 * columns of B straight from global memory (for CPU devices, where the caches do the staging and
 * barrier-free kernels vectorise across work-items; neighbouring work-items read neighbouring
 * columns of B). A work-item whose first row or column is past the edge leaves at once (small or
 * narrow products); other out-of-range rows/columns are clamped for the loads and skipped for the
 * stores.
 * Launch geometry as matmul_tiled. Chosen by MatmulOps when the device's tuning row says so.
 */
inline void mm_direct(__global const float* a, int aOff, int aBs, int aRs, int aCs,
                      __global const float* b, int bOff, int bBs, int bRs, int bCs,
                      __global float* c, int cOff, int m, int n, int k,
                      __global const float* bias, int epi,
                      __global const float* amask, __global float* rowsum, const int masked, const int sums)
{
    const int lx = get_local_id(0);
    const int ly = get_local_id(1);
    const int col0 = get_group_id(0) * MM_BN + lx;
    const int row0 = get_group_id(1) * MM_BM + ly;
    const int batch = get_global_id(2);
    if (row0 >= m || col0 >= n) {
        return;     /* all of this work-item's rows or columns are past the edge; no barrier here */
    }
    __global const float* A = a + aOff + (long)batch * aBs;
    __global const float* B = b + bOff + (long)batch * bBs;
    __global const float* M = amask + aOff + (long)batch * aBs;   /* the mask is laid out as A */

    int aRow[MM_WPT_M];
    int bCol[MM_WPT_N];
    for (int i = 0; i < MM_WPT_M; i++) {
        aRow[i] = min(row0 + i * MM_WG_M, m - 1) * aRs;
    }
    for (int j = 0; j < MM_WPT_N; j++) {
        bCol[j] = min(col0 + j * MM_WG_N, n - 1) * bCs;
    }
    float acc[MM_WPT_M][MM_WPT_N];
    for (int i = 0; i < MM_WPT_M; i++) {
        for (int j = 0; j < MM_WPT_N; j++) {
            acc[i][j] = 0.0f;
        }
    }
    for (int p = 0; p < k; p++) {
        float ar[MM_WPT_M];
        float br[MM_WPT_N];
        int ap = p * aCs;
        int bp = p * bRs;
        #pragma unroll
        for (int i = 0; i < MM_WPT_M; i++) {
            ar[i] = A[aRow[i] + ap];
            if (masked) {
                /* RELU_BACKWARD(g, y) = y <= 0 ? 0 : g, so g passes where y is NaN */
                ar[i] = M[aRow[i] + ap] <= 0.0f ? 0.0f : ar[i];
            }
        }
        #pragma unroll
        for (int j = 0; j < MM_WPT_N; j++) {
            br[j] = B[bp + bCol[j]];
        }
        #pragma unroll
        for (int i = 0; i < MM_WPT_M; i++) {
            #pragma unroll
            for (int j = 0; j < MM_WPT_N; j++) {
                acc[i][j] += ar[i] * br[j];
            }
        }
    }
    __global float* C = c + cOff + (long)batch * m * n;
    for (int i = 0; i < MM_WPT_M; i++) {
        int r = row0 + i * MM_WG_M;
        for (int j = 0; j < MM_WPT_N; j++) {
            int cc = col0 + j * MM_WG_N;
            if (r < m && cc < n) {
                C[r * n + cc] = mm_epilogue(acc[i][j], bias, cc, epi);
            }
        }
    }
    if (sums && col0 == 0) {
        /* the work-items of column 0 then add up their rows of (masked) A, outside the product's loop */
        for (int i = 0; i < MM_WPT_M; i++) {
            int r = row0 + i * MM_WG_M;
            if (r < m) {
                clg_ksum s = {0.0f, 0.0f};
                for (int p = 0; p < k; p++) {
                    float v = A[aRow[i] + p * aCs];
                    if (masked && M[aRow[i] + p * aCs] <= 0.0f) {
                        v = 0.0f;
                    }
                    clg_ksum_add(&s, v);
                }
                rowsum[(long)batch * m + r] = clg_ksum_value(s);
            }
        }
    }
}

__kernel __attribute__((reqd_work_group_size(MM_WG_N, MM_WG_M, 1)))
void matmul_direct(__global const float* a, int aOff, int aBs, int aRs, int aCs,
                   __global const float* b, int bOff, int bBs, int bRs, int bCs,
                   __global float* c, int cOff, int m, int n, int k,
                   __global const float* bias, int epi)
{
    mm_direct(a, aOff, aBs, aRs, aCs, b, bOff, bBs, bRs, bCs, c, cOff, m, n, k, bias, epi, 0, 0, 0, 0);
}

/*
 * matmul_direct_grad_{mask,sums,mask_sums}: matmul_direct for a Linear layer's parameter gradients
 * (A = g^T, B = x, C = gW), in three compiled variants so that none tests at run time what it does:
 * _mask takes A[i][p] as 0 where amask, laid out as A, is <= 0 (ReLU's backward fused into the
 * load); _sums has the work-items of column 0, after the product, add up their rows of the (masked)
 * A in compensated sums, rowsum[batch*m + i] = sum_p A[i][p] (the bias gradient); _mask_sums both.
 * An argument a variant does not use is NULL. Launch geometry as matmul_direct;
 * io.clgrad.backend.opencl.MatmulOps#linearGrad launches them for the products matmul_direct serves.
 */
#define MM_DIRECT_GRAD(NAME, MASKED, SUMS)                                                        \
__kernel __attribute__((reqd_work_group_size(MM_WG_N, MM_WG_M, 1)))                              \
void NAME(__global const float* a, int aOff, int aBs, int aRs, int aCs,                          \
          __global const float* b, int bOff, int bBs, int bRs, int bCs,                          \
          __global float* c, int cOff, int m, int n, int k,                                      \
          __global const float* amask, __global float* rowsum)                                   \
{                                                                                                \
    mm_direct(a, aOff, aBs, aRs, aCs, b, bOff, bBs, bRs, bCs, c, cOff, m, n, k, 0, 0,            \
              amask, rowsum, MASKED, SUMS);                                                      \
}

MM_DIRECT_GRAD(matmul_direct_grad_mask, 1, 0)
MM_DIRECT_GRAD(matmul_direct_grad_sums, 0, 1)
MM_DIRECT_GRAD(matmul_direct_grad_mask_sums, 1, 1)

/*
 * matmul_vec: the same product for large matrices on CPU devices, written the way a BLAS
 * micro-kernel is (the register loops are unrolled with #pragma unroll: without it PoCL's LLVM
 * kept the accumulators in memory and ran at a third of the speed): every work-item owns an MV_ROWS x (MV_VN * MV_VW) block of C in
 * MV_ROWS x MV_VN vector accumulators, and for each p loads the block's row of B as MV_VN
 * floatMV_VW vectors and broadcasts each A[i][p] into them (mad). Explicit
 * vectors map onto the CPU's SIMD registers; PoCL's work-item vectoriser has nothing left to do.
 *
 * Requires B contiguous along n (bCs == 1; MatmulOps copies a transposed B first). Columns past n
 * at the right edge take a scalar path, rows past m are clamped for loads and skipped for stores,
 * so any m, n, k >= 1 is correct.
 *
 * Launch geometry: global (ceil(n / MV_COLS) rounded up to MV_WG_N, ceil(m / MV_ROWS) rounded up
 * to MV_WG_M, batch), local (MV_WG_N, MV_WG_M, 1), MV_COLS = MV_VN * MV_VW. Neighbouring work-items along dimension 1
 * share their columns of B, which a CPU device runs one after another on one core, so that strip
 * of B stays in cache across the group.
 */
#ifndef MV_VW
#define MV_VW 16        /* vector width of the accumulators and of the loads of B: 4, 8 or 16 */
#endif
#ifndef MV_VN
#define MV_VN 2         /* vectors per row of a work-item's block */
#endif
#ifndef MV_ROWS
#define MV_ROWS 6       /* rows of C per work-item */
#endif
#ifndef MV_WG_M
#define MV_WG_M 16      /* work-items per group along the rows of C (they share a strip of B) */
#endif
#ifndef MV_WG_N
#define MV_WG_N 1       /* work-items per group along the columns of C */
#endif
#define MV_COLS (MV_VN * MV_VW)

#if MV_VW == 4
#define MV_FLOATV float4
#define MV_VLOAD vload4
#define MV_VSTORE vstore4
#elif MV_VW == 8
#define MV_FLOATV float8
#define MV_VLOAD vload8
#define MV_VSTORE vstore8
#else
#define MV_FLOATV float16
#define MV_VLOAD vload16
#define MV_VSTORE vstore16
#endif

__kernel __attribute__((reqd_work_group_size(MV_WG_N, MV_WG_M, 1)))
void matmul_vec(__global const float* a, int aOff, int aBs, int aRs, int aCs,
                __global const float* b, int bOff, int bBs, int bRs, int bCs,
                __global float* c, int cOff, int m, int n, int k,
                __global const float* bias, int epi)
{
    const int col0 = get_global_id(0) * MV_COLS;
    const int row0 = get_global_id(1) * MV_ROWS;
    const int batch = get_global_id(2);
    if (col0 >= n || row0 >= m) {
        return;     /* no barrier in this kernel, so leaving early is safe */
    }
    __global const float* A = a + aOff + (long)batch * aBs;
    __global const float* B = b + bOff + (long)batch * bBs;
    __global float* C = c + cOff + (long)batch * m * n;

    int aRow[MV_ROWS];
    for (int i = 0; i < MV_ROWS; i++) {
        aRow[i] = min(row0 + i, m - 1) * aRs;
    }

    if (col0 + MV_COLS <= n) {
        MV_FLOATV acc[MV_ROWS][MV_VN];
        for (int i = 0; i < MV_ROWS; i++) {
            for (int v = 0; v < MV_VN; v++) {
                acc[i][v] = (MV_FLOATV)(0.0f);
            }
        }
        for (int p = 0; p < k; p++) {
            __global const float* Bp = B + p * bRs + col0;
            MV_FLOATV bv[MV_VN];
            #pragma unroll
            for (int v = 0; v < MV_VN; v++) {
                bv[v] = MV_VLOAD(v, Bp);
            }
            int ap = p * aCs;
            #pragma unroll
            for (int i = 0; i < MV_ROWS; i++) {
                MV_FLOATV av = (MV_FLOATV)(A[aRow[i] + ap]);
                #pragma unroll
                for (int v = 0; v < MV_VN; v++) {
                    acc[i][v] = mad(av, bv[v], acc[i][v]);
                }
            }
        }
        MV_FLOATV bv[MV_VN];
        for (int v = 0; v < MV_VN; v++) {
            bv[v] = (epi & MM_EPI_BIAS) ? MV_VLOAD(v, bias + col0) : (MV_FLOATV)(0.0f);
        }
        for (int i = 0; i < MV_ROWS; i++) {
            if (row0 + i < m) {
                for (int v = 0; v < MV_VN; v++) {
                    MV_FLOATV out = acc[i][v] + bv[v];
                    if (epi & MM_EPI_RELU) {
                        out = select(out, (MV_FLOATV)(0.0f), out < (MV_FLOATV)(0.0f));
                    }
                    MV_VSTORE(out, v, C + (long)(row0 + i) * n + col0);
                }
            }
        }
        return;
    }

    /* Right edge: fewer than MV_COLS columns left. */
    for (int i = 0; i < MV_ROWS; i++) {
        if (row0 + i >= m) {
            break;
        }
        for (int j = col0; j < n; j++) {
            float s = 0.0f;
            for (int p = 0; p < k; p++) {
                s = mad(A[aRow[i] + p * aCs], B[p * bRs + j], s);
            }
            C[(long)(row0 + i) * n + j] = mm_epilogue(s, bias, j, epi);
        }
    }
}
