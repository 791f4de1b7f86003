package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.DeviceKind;
import io.clgrad.backend.ElementType;

/**
 * Batch normalisation, statistics, forward and backward: the kernels of {@code kernels-cl/batchnorm.cl}.
 * The per-channel sums run one work-group per channel; the elementwise passes run a 2-D range of
 * rows (i, c) by positions along the row. Absent optional buffers are passed as the input buffer
 * with a flag of 0. On an OpenCL CPU device (PoCL) the sums give each work-item whole rows: the
 * interleaved walk a GPU wants, with its compensated sum per element, measured 5 times slower there
 * (fwd+bwd of [128, 32, 28, 28]: 20 ms against 90 ms on 2 cores).
 */
final class BatchNormOps extends FamilyOps {
    /** Rows at least this long get a work-group along the row; shorter ones share a group of rows. */
    private static final int LONG_ROW = 16;
    /** The largest work-group along a row, and the group of short rows. */
    private static final int ROW_WG = 64;

    BatchNormOps(Kernels kernels, Operands operands) {
        super("batchnorm", kernels, operands);
    }

    /** The operands every batch-norm kernel reads: the input [n, C, inner] and the statistics [C]. */
    private record Input(ClBuffer x, ClBuffer mean, ClBuffer var, int total) {
    }

    private Input input(Buffer x, Buffer mean, Buffer var, int n, int channels, int inner) {
        int total = Operands.product(n, channels, inner);
        return new Input(operands.of(x, "batch_norm input", ElementType.F32, total),
                operands.of(mean, "batch_norm mean", ElementType.F32, channels),
                operands.of(var, "batch_norm var", ElementType.F32, channels), total);
    }

    private ClBuffer perChannel(Buffer b, String role, int channels) {
        return operands.optional(b, "batch_norm " + role, ElementType.F32, channels);
    }

    void stats(Buffer x, Buffer mean, Buffer var, Buffer runningMean, Buffer runningVar, double momentum,
               int n, int channels, int inner) {
        Input in = input(x, mean, var, n, channels, inner);
        ClBuffer rm = perChannel(runningMean, "running_mean", channels);
        ClBuffer rv = perChannel(runningVar, "running_var", channels);
        if ((rm == null) != (rv == null)) {
            throw new IllegalArgumentException("batch_norm: running_mean and running_var must be given together");
        }
        if (channels == 0) {
            return;
        }
        ClKernel k = kernel("bn_stats");
        long local = perChannelGroup(k, n, inner);
        kernels.launch(k, new long[] {channels * local}, new long[] {local}, in.x(), in.mean(), in.var(),
                rm != null ? rm : in.mean(), rv != null ? rv : in.var(), rm != null ? 1 : 0, (float) momentum, n, channels, inner, byRows(inner));
    }

    void forward(Buffer x, Buffer mean, Buffer var, Buffer weight, Buffer bias, double eps, Buffer out,
                 int n, int channels, int inner) {
        Input in = input(x, mean, var, n, channels, inner);
        ClBuffer wb = perChannel(weight, "weight", channels);
        ClBuffer bb = perChannel(bias, "bias", channels);
        ClBuffer ob = operands.of(out, "batch_norm output", ElementType.F32, in.total());
        if (in.total() == 0) {
            return;
        }
        ClBuffer mb = in.mean();
        launchRows(kernel("bn_forward"), n, channels, inner, in.x(), mb, in.var(), wb != null ? wb : mb,
                bb != null ? bb : mb,
                wb != null ? 1 : 0, bb != null ? 1 : 0, (float) eps, ob, n, channels, inner);
    }

    void backwardReduce(Buffer gradOut, Buffer x, Buffer mean, Buffer var, double eps, Buffer gradWeight,
                        Buffer gradBias, int n, int channels, int inner) {
        Input in = input(x, mean, var, n, channels, inner);
        ClBuffer gb = operands.of(gradOut, "batch_norm output gradient", ElementType.F32, in.total());
        ClBuffer gw = operands.of(gradWeight, "batch_norm weight gradient", ElementType.F32, channels);
        ClBuffer gbias = operands.of(gradBias, "batch_norm bias gradient", ElementType.F32, channels);
        if (channels == 0) {
            return;
        }
        ClKernel k = kernel("bn_backward_reduce");
        long local = perChannelGroup(k, n, inner);
        kernels.launch(k, new long[] {channels * local}, new long[] {local}, gb, in.x(), in.mean(), in.var(),
                (float) eps, gw, gbias,
                n, channels, inner, byRows(inner));
    }

    void backward(Buffer gradOut, Buffer x, Buffer mean, Buffer var, Buffer weight, Buffer gradWeight,
                  Buffer gradBias, double eps, Buffer gradInput, int n, int channels, int inner) {
        Input in = input(x, mean, var, n, channels, inner);
        ClBuffer gb = operands.of(gradOut, "batch_norm output gradient", ElementType.F32, in.total());
        ClBuffer wb = perChannel(weight, "weight", channels);
        ClBuffer gw = perChannel(gradWeight, "weight gradient", channels);
        ClBuffer gbias = perChannel(gradBias, "bias gradient", channels);
        ClBuffer ib = operands.of(gradInput, "batch_norm input gradient", ElementType.F32, in.total());
        if ((gw == null) != (gbias == null)) {
            throw new IllegalArgumentException("batch_norm backward: the weight and bias gradient sums must be given"
                    + " together (training) or both be null (evaluation)");
        }
        if (in.total() == 0) {
            return;
        }
        boolean training = gw != null;
        ClBuffer mb = in.mean();
        launchRows(kernel("bn_backward"), n, channels, inner, gb, in.x(), mb, in.var(), wb != null ? wb : mb,
                wb != null ? 1 : 0,
                training ? gw : mb, training ? gbias : mb, training ? 1 : 0, (float) eps, ib, n, channels, inner);
    }

    /** A power-of-two group for one channel's n·inner elements, at most the tuned reduction group. */
    private long perChannelGroup(ClKernel k, int n, int inner) {
        int items = byRows(inner) == 1 ? n : n * inner;
        return ReduceOps.groupSize(k, kernels.device().tuning().reduceWg(), Math.max(1, items));
    }

    /**
     * Whether the per-channel sums walk whole rows per work-item (1) rather than neighbouring
     * elements across work-items (0): on a CPU device, where a work-item is a loop iteration and
     * a contiguous row streams through the cache, when rows are long enough.
     */
    private int byRows(int inner) {
        return inner >= LONG_ROW && kernels.device().info().kind() == DeviceKind.OPENCL_CPU ? 1 : 0;
    }

    /** The 2-D launch of an elementwise kernel over rows (i, c) and positions along a row. */
    private void launchRows(ClKernel k, int n, int channels, int inner, Object... args) {
        long rows = (long) n * channels;
        if (inner >= LONG_ROW) {
            long along = k.powerOfTwoLocalSize(Math.min(ROW_WG, Long.highestOneBit(inner)));
            kernels.launch(k, new long[] {along, rows}, new long[] {along, 1}, args);
        } else {
            long group = k.powerOfTwoLocalSize(ROW_WG);
            kernels.launch(k, new long[] {1, Kernels.roundUp(rows, group)}, new long[] {1, group}, args);
        }
    }
}
