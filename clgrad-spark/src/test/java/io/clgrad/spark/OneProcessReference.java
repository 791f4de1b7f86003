package io.clgrad.spark;

import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.nn.Loss;
import io.clgrad.nn.Module;
import io.clgrad.optim.Optimizer;
import java.util.List;

/**
 * The independent reference of the Spark trainer: plain clgrad in one process, no Spark, no ring:
 * the same global batches (each task's shard of each step, concatenated in task order, as
 * {@link ShardPlan} cuts them), the same initial weights, one model, the mean loss over the global
 * batch, one optimizer.
 */
final class OneProcessReference {
    private OneProcessReference() {
    }

    /** The trained state and the per-epoch mean losses. */
    record Result(HostState state, double[] epochLosses) {
    }

    static Result train(List<LocalShard> partitions, int batchSize, int epochs, long seed, HostState initial) {
        int[] sizes = partitions.stream().mapToInt(LocalShard::size).toArray();
        ShardPlan plan = new ShardPlan(sizes, batchSize);
        Device d = Device.cpu();
        Module<?> model = FashionMnistFixture.mlp();
        model.to(d);
        initial.loadInto(model);
        model.train();
        Loss<?> loss = FashionMnistFixture.loss();
        Optimizer opt = FashionMnistFixture.adam(model.parameters());
        int features = partitions.get(0).features();
        double[] losses = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            int[][] orders = new int[sizes.length][];
            for (int t = 0; t < sizes.length; t++) {
                orders[t] = ShardPlan.permutation(sizes[t], seed, e, t);
            }
            for (int s = 0; s < plan.steps(); s++) {
                int n = plan.globalBatch(s);
                float[] xs = new float[n * features];
                int[] ys = new int[n];
                int at = 0;
                for (int t = 0; t < sizes.length; t++) {
                    int from = plan.from(t, s);
                    int to = plan.to(t, s);
                    float[] px = new float[(to - from) * features];
                    int[] py = new int[to - from];
                    partitions.get(t).gather(orders[t], from, to, px, py);
                    System.arraycopy(px, 0, xs, at * features, px.length);
                    System.arraycopy(py, 0, ys, at, py.length);
                    at += to - from;
                }
                opt.zeroGrad();
                try (TensorScope sc = Tensors.scope()) {
                    Tensor l = loss.forward(model.forward(Tensor.of(d, xs, n, features)), Tensor.of(d, ys, n));
                    l.backward();
                    losses[e] += l.item();
                }
                opt.step();
            }
            losses[e] /= plan.steps();
        }
        return new Result(HostState.of(model), losses);
    }
}
