package io.clgrad.nn;

import io.clgrad.Function;
import io.clgrad.Tensor;
import java.util.stream.IntStream;

/**
 * The op of one {@link SyncBatchNorm} call in a data-parallel step, on one replica: inputs
 * {@code x [N_i, C, *]} and, when affine, {@code weight [C]} and {@code bias [C]}.
 *
 * <p>Forward: all-reduce {@code [m_i, Σ x]} (m_i = this replica's elements per channel) for the
 * global mean {@code μ = Σ x / M}, then {@code Σ (x − μ)²} for the biased variance {@code σ² = · / M};
 * {@code y = (x − μ) / sqrt(σ² + eps) · γ + β}.
 *
 * <p>Backward, with {@code x̂ = (x − μ) · invstd}, this replica's share {@code w_i = m_i / M} and
 * {@code dy} the gradient of its own (shard-mean) loss: all-reduce {@code w_i · [Σ dy, Σ dy·x̂]} to
 * {@code [S1, S2]} (the gradient sums of the global loss); then
 * {@code dx = γ·invstd · (dy − (S1 + x̂·S2) / m_i)}, which is the global loss's input gradient scaled
 * by {@code 1 / w_i}, as the data-parallel weighting by {@code n_i / N} expects; {@code dγ = Σ dy·x̂}
 * and {@code dβ = Σ dy} stay local (the trainer's all-reduce weights and sums them).
 *
 * <p>Not thread-safe: one instance per call; {@link #mean()} and {@link #unbiasedVar()} are the
 * global statistics after {@code apply}.
 */
final class SyncBatchNormFunction extends Function {
    private final ProcessGroup.Member group;
    private final double eps;
    private double[] mean;
    private double[] var;
    private double elements;

    SyncBatchNormFunction(ProcessGroup.Member group, double eps) {
        this.group = group;
        this.eps = eps;
    }

    @Override
    public String name() {
        return "SyncBatchNorm";
    }

    /** The global batch mean per channel. */
    double[] mean() {
        return mean;
    }

    /** The global unbiased variance per channel ({@code σ² · M / (M − 1)}; the biased one for M = 1). */
    double[] unbiasedVar() {
        double[] out = new double[var.length];
        double k = elements > 1 ? elements / (elements - 1) : 1;
        for (int c = 0; c < out.length; c++) {
            out[c] = var[c] * k;
        }
        return out;
    }

    @Override
    protected Tensor forward(Context ctx, Tensor... in) {
        Tensor x = in[0];
        int c = x.shape(1);
        int[] dims = reduceDims(x.dim());
        int[] bshape = broadcastShape(x.dim(), c);
        long local = x.numel() / c;
        float[] sum = x.sum(dims, false).toFloatArray();
        double[] send = new double[c + 1];
        send[0] = local;
        for (int k = 0; k < c; k++) {
            send[k + 1] = sum[k];
        }
        double[] got = group.allReduceSum(send);
        elements = got[0];
        mean = new double[c];
        float[] meanF = new float[c];   // what the device subtracts and the backward reuses
        for (int k = 0; k < c; k++) {
            mean[k] = got[k + 1] / elements;
            meanF[k] = (float) mean[k];
        }
        Tensor xc = x.sub(Tensor.of(x.device(), meanF, bshape));
        float[] sq = xc.mul(xc).sum(dims, false).toFloatArray();
        double[] sqSum = group.allReduceSum(IntStream.range(0, c).mapToDouble(k -> sq[k]).toArray());
        var = new double[c];
        float[] invstd = new float[c];
        for (int k = 0; k < c; k++) {
            var[k] = sqSum[k] / elements;
            invstd[k] = (float) (1.0 / Math.sqrt(var[k] + eps));
        }
        Tensor xhat = xc.mul(Tensor.of(x.device(), invstd, bshape));
        if (in.length > 1) {
            ctx.saveForBackward(x, in[1]);
        } else {
            ctx.saveForBackward(x);
        }
        ctx.put("mean", meanF);
        ctx.put("invstd", invstd);
        ctx.put("share", local / elements);
        ctx.put("local", (double) local);
        if (in.length == 1) {
            return xhat;
        }
        return xhat.mul(in[1].reshape(bshape)).add(in[2].reshape(bshape));
    }

    @Override
    protected Tensor[] backward(Context ctx, Tensor dy) {
        Tensor[] saved = ctx.savedTensors();
        Tensor x = saved[0];
        Tensor w = saved.length > 1 ? saved[1] : null;
        int c = x.shape(1);
        int[] dims = reduceDims(x.dim());
        int[] bshape = broadcastShape(x.dim(), c);
        float[] invstd = ctx.get("invstd");
        Tensor invstdT = Tensor.of(x.device(), invstd, bshape);
        Tensor xhat = x.sub(Tensor.of(x.device(), (float[]) ctx.get("mean"), bshape)).mul(invstdT);
        Tensor sumDy = dy.sum(dims, false);
        Tensor sumDyXhat = dy.mul(xhat).sum(dims, false);
        Tensor[] grads = new Tensor[w == null ? 1 : 3];
        if (w != null) {
            grads[1] = sumDyXhat;
            grads[2] = sumDy;
        }
        if (ctx.needsInputGrad(0)) {
            double share = ctx.get("share");
            double local = ctx.get("local");
            float[] s1 = sumDy.toFloatArray();
            float[] s2 = sumDyXhat.toFloatArray();
            double[] send = new double[2 * c];
            for (int k = 0; k < c; k++) {
                send[k] = share * s1[k];
                send[c + k] = share * s2[k];
            }
            double[] got = group.allReduceSum(send);
            float[] b1 = new float[c];
            float[] b2 = new float[c];
            for (int k = 0; k < c; k++) {
                b1[k] = (float) (got[k] / local);
                b2[k] = (float) (got[c + k] / local);
            }
            Tensor scale = w == null ? invstdT : invstdT.mul(w.reshape(bshape));
            grads[0] = dy.sub(Tensor.of(x.device(), b1, bshape)).sub(xhat.mul(Tensor.of(x.device(), b2, bshape))).mul(scale);
        }
        return grads;
    }

    /** Every dimension but the channels' (1). */
    private static int[] reduceDims(int rank) {
        int[] dims = new int[rank - 1];
        dims[0] = 0;
        for (int d = 2; d < rank; d++) {
            dims[d - 1] = d;
        }
        return dims;
    }

    /** {@code [1, C, 1, ...]} of the input's rank. */
    private static int[] broadcastShape(int rank, int c) {
        int[] s = new int[rank];
        java.util.Arrays.fill(s, 1);
        s[1] = c;
        return s;
    }
}
