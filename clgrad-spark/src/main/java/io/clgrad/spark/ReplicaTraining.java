package io.clgrad.spark;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.nn.Loss;
import io.clgrad.nn.Module;
import io.clgrad.optim.Optimizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's training loop (no Spark in it: {@link BarrierTask} is the glue). Each step: forward and
 * backward of this task's shard, the gradients scaled by the shard's share of the global batch
 * ({@code n_i/N}, as {@code DataParallel} weights its shards) and put in one flat vector with the
 * weighted loss at the end, a ring all-reduce of that vector, the summed gradients written back,
 * the optimizer step. Task 0 saves a checkpoint every {@code checkpointEvery} steps.
 */
final class ReplicaTraining {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaTraining.class);

    private final TrainOptions cfg;
    private final HostState initial;

    ReplicaTraining(TrainOptions cfg, HostState initial) {
        this.cfg = cfg;
        this.initial = initial;
    }

    /**
     * Trains this task's replica to the end.
     *
     * @param shard        this task's samples
     * @param rank         this task's index
     * @param sizes        every task's sample count, by index
     * @param ring         the connected ring of all tasks
     * @param stageAttempt the stage attempt (0 first; the fault hook fires on 0 only)
     * @param killed       true when the task should stop (Spark killed it)
     */
    TaskResult run(LocalShard shard, int rank, int[] sizes, RingAllReduce ring, int stageAttempt, BooleanSupplier killed)
            throws IOException {
        ShardPlan plan = new ShardPlan(sizes, cfg.batchSize());
        Device device = cfg.device().resolve();
        Module<?> model = cfg.model().create();
        model.to(device);
        model.train();
        Loss<?> loss = cfg.loss().create();
        loss.to(device);
        Optimizer opt = cfg.optimizer().create(model.parameters());
        CheckpointStore store = cfg.checkpointDir() == null ? null : new CheckpointStore(cfg.checkpointDir());
        CheckpointStore.Position pos = store == null ? null : store.load(model, opt);
        if (pos == null) {
            initial.loadInto(model);
        } else {
            LOG.info("task {}: resuming from the checkpoint {} at step {} (epoch {}, step {} of it)", rank, store,
                    pos.step(), pos.epoch() + 1, pos.stepInEpoch());
        }
        agreeOnStart(ring, rank, pos == null ? 0 : pos.step(), store);
        double[] lossSums = new double[cfg.epochs()];
        if (pos != null) {
            System.arraycopy(pos.lossSums(), 0, lossSums, 0, Math.min(lossSums.length, pos.lossSums().length));
        }
        List<Tensor> params = model.parameters();
        int[] offsets = new int[params.size() + 1];
        for (int p = 0; p < params.size(); p++) {
            offsets[p + 1] = offsets[p] + params.get(p).numel();
        }
        float[] flat = new float[offsets[params.size()] + 1];   // the gradients, then the weighted loss
        float[][] back = new float[params.size()][];
        for (int p = 0; p < params.size(); p++) {
            back[p] = new float[offsets[p + 1] - offsets[p]];
        }
        int features = shard.features();
        int maxShard = 1;
        for (int s = 0; s < plan.steps(); s++) {
            maxShard = Math.max(maxShard, plan.to(rank, s) - plan.from(rank, s));
        }
        float[] xs = new float[maxShard * features];
        int[] ys = new int[maxShard];
        long step = pos == null ? 0 : pos.step();
        long[] nanos = new long[(int) Math.max(0, (long) cfg.epochs() * plan.steps() - step)];
        int done = 0;
        int failRank = Math.min(1, sizes.length - 1);
        for (int epoch = pos == null ? 0 : pos.epoch(); epoch < cfg.epochs(); epoch++) {
            int[] order = ShardPlan.permutation(shard.size(), cfg.seed(), epoch, rank);
            int first = pos != null && epoch == pos.epoch() ? pos.stepInEpoch() : 0;
            for (int s = first; s < plan.steps(); s++) {
                if (killed.getAsBoolean()) {
                    throw new IllegalStateException("clgrad-spark: task " + rank + " was killed at step " + step);
                }
                int from = plan.from(rank, s);
                int m = plan.to(rank, s) - from;
                float w = (float) m / plan.globalBatch(s);
                if (m == 0) {
                    // a step past this small partition's samples: it adds nothing to the sums, and runs no
                    // forward (a BatchNorm layer would refuse a batch of one and move its statistics)
                    defineGrads(params);
                    Arrays.fill(flat, 0f);
                } else {
                    shard.gather(order, from, from + m, xs, ys);
                    float value = forwardBackward(model, loss, opt, device, xs, ys, m, features);
                    for (int p = 0; p < params.size(); p++) {
                        Tensor g = params.get(p).grad();
                        if (g == null) {
                            throw new IllegalStateException("clgrad-spark: parameter " + p + " " + Arrays.toString(params.get(p).shape())
                                    + " got no gradient; every parameter must take part in the loss");
                        }
                        float[] gv = g.toFloatArray();
                        int o = offsets[p];
                        for (int j = 0; j < gv.length; j++) {
                            flat[o + j] = w * gv[j];
                        }
                    }
                    flat[flat.length - 1] = w * value;
                }
                long t0 = System.nanoTime();
                ring.allReduce(flat);
                nanos[done++] = System.nanoTime() - t0;
                applyAndStep(params, offsets, flat, back, device, opt);
                lossSums[epoch] += flat[flat.length - 1];
                step++;
                if (store != null && rank == 0 && step % cfg.checkpointEvery() == 0) {
                    boolean last = s + 1 == plan.steps();
                    store.save(model, opt, new CheckpointStore.Position(step, last ? epoch + 1 : epoch, last ? 0 : s + 1,
                            lossSums));
                }
                if (step == cfg.failAtStep() && stageAttempt == 0 && rank == failRank) {
                    cfg.failMode().fail(rank, step);
                }
            }
        }
        return new TaskResult(rank, device.id(), rank == 0 ? HostState.of(model) : null, lossSums, step,
                pos == null ? -1 : pos.step(), Arrays.copyOf(nanos, done));
    }

    /**
     * Checks that every task starts from the same step: a checkpoint directory that only some
     * executors see (a local path on a cluster) would otherwise let replicas start apart and drift.
     */
    private static void agreeOnStart(RingAllReduce ring, int rank, long step, CheckpointStore store) throws IOException {
        float[] steps = new float[ring.size()];
        steps[rank] = step;   // exact up to 2^24 steps
        ring.allReduce(steps);
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] != steps[0]) {
                throw new IllegalStateException("clgrad-spark: task " + i + " starts at step " + (long) steps[i]
                        + " but task 0 at step " + (long) steps[0] + ": the checkpoint directory " + store
                        + " must be the same for every executor (a shared or Hadoop file system, not a local path"
                        + " of one machine)");
            }
        }
    }

    private static float forwardBackward(Module<?> model, Loss<?> loss, Optimizer opt, Device d, float[] xs, int[] ys,
                                         int m, int features) {
        opt.zeroGrad();
        try (TensorScope s = Tensors.scope()) {
            Tensor x = Tensor.of(d, m * features == xs.length ? xs : Arrays.copyOf(xs, m * features), m, features);
            Tensor y = Tensor.of(d, m == ys.length ? ys : Arrays.copyOf(ys, m), m);
            Tensor l = loss.forward(model.forward(x), y);
            l.backward();
            return l.item();
        }
    }

    /**
     * Gives every parameter without a gradient a zero one (the backward of Σ 0·p), so that the
     * all-reduced sums can be copied into {@code grad()} on a step where this task had no samples.
     */
    private static void defineGrads(List<Tensor> params) {
        for (Tensor p : params) {
            if (p.grad() == null) {
                try (TensorScope s = Tensors.scope()) {
                    p.mul(0f).sum().backward();
                }
            }
        }
    }

    private static void applyAndStep(List<Tensor> params, int[] offsets, float[] flat, float[][] back, Device d,
                                     Optimizer opt) {
        try (var g = Autograd.noGrad(); TensorScope s = Tensors.scope()) {
            for (int p = 0; p < params.size(); p++) {
                System.arraycopy(flat, offsets[p], back[p], 0, back[p].length);
                params.get(p).grad().copyFrom(Tensor.of(d, back[p], params.get(p).shape()));
            }
        }
        opt.step();
    }
}
