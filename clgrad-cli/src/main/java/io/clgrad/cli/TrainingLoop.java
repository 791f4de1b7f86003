package io.clgrad.cli;

import io.clgrad.Autograd;
import io.clgrad.CompiledStep;
import io.clgrad.Step;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.data.BatchIterator;
import io.clgrad.data.DataLoader;
import io.clgrad.nn.Loss;
import io.clgrad.nn.Module;
import io.clgrad.nn.parallel.DataParallel;
import io.clgrad.optim.Optimizer;

/**
 * The training loop behind {@code clgrad train}, written as a user would write it with the public
 * API: each step replayed ({@link Step#compile}), one scope per step, running sums kept on the
 * device so that no step waits for it (the host reads them for the progress bar a few times a
 * second and at the end of the epoch).
 */
final class TrainingLoop {
    private final Module<?> model;
    private final Loss<?> criterion;
    private final ModelSpec spec;

    TrainingLoop(Module<?> model, Loss<?> criterion, ModelSpec spec) {
        this.model = model;
        this.criterion = criterion;
        this.spec = spec;
    }

    /** Loss and accuracy over a data set. */
    record Score(double loss, double accuracy, int samples) {
    }

    /**
     * One epoch of training over {@code loader}'s batches in the order of epoch {@code epochIndex}
     * (0-based, so a resumed run shuffles as an uninterrupted one); returns the mean training loss
     * and accuracy. The running loss, read from the device a few times a second and at the end,
     * goes through {@code guard}, which stops the epoch when it is not finite (unless allowed).
     */
    Score trainEpoch(DataLoader<?> loader, int epochIndex, Optimizer optimizer, ProgressReporter progress,
                     DivergenceGuard guard) {
        model.train();
        Tensor sums = null; // [Σ loss·n, Σ correct] on the device
        int samples = 0;
        int done = 0;
        int batches = loader.numBatches();
        long lastRead = System.nanoTime();
        double shownLoss = Double.NaN;
        boolean finished = false;
        // each step is replayed (io.clgrad.Step): recorded at the first batch and at each change of batch size
        try (BatchIterator it = loader.iterator(epochIndex);
             CompiledStep step = Step.compile(model.parameters().get(0).device(), (x, y) -> trainStep(x, y, optimizer))) {
            while (it.hasNext()) {
                Tensor[] batch = it.next();
                int n = batch[0].shape(0);
                try (TensorScope s = Tensors.scope()) {
                    Tensor stepSums = step.run(batch[0], batch[1]);
                    try (var g = Autograd.noGrad()) {
                        sums = accumulate(s, sums, stepSums);
                    }
                } finally {
                    for (Tensor t : batch) {
                        t.close();
                    }
                }
                samples += n;
                done++;
                // read the device a few times a second only, and after batches 1, 2, 4, 8, ... so that a
                // divergence early in a fast epoch is placed within a few batches (a dozen reads an epoch)
                if (System.nanoTime() - lastRead > 250_000_000L || Integer.bitCount(done) == 1) {
                    shownLoss = sums.toFloatArray()[0] / samples;
                    lastRead = System.nanoTime();
                    guard.checkTrainLoss(shownLoss, done, batches);
                }
                progress.batch(done, samples, shownLoss);
            }
            Score score = finish(sums, samples);
            finished = true;
            try {
                guard.checkTrainLoss(score.loss(), done, batches);
            } catch (RuntimeException e) {
                progress.abort();
                throw e;
            }
            return score;
        } finally {
            if (!finished) {
                closeAll(sums);
                progress.abort();
            }
        }
    }

    /**
     * One epoch of data-parallel training ({@code clgrad train --devices}): as
     * {@link #trainEpoch}, but each batch (on the host) is split across {@code dp}'s replicas and
     * stepped eagerly by {@link DataParallel#step}; the loss and the correct predictions are summed
     * on the host (each step already waits for every replica).
     */
    Score trainEpochParallel(DataParallel dp, DataLoader<?> loader, int epochIndex, ProgressReporter progress,
                             DivergenceGuard guard) {
        dp.replicas().forEach(Module::train);
        double lossSum = 0;
        java.util.concurrent.atomic.AtomicLong correct = new java.util.concurrent.atomic.AtomicLong();
        int samples = 0;
        int done = 0;
        int batches = loader.numBatches();
        boolean finished = false;
        DataParallel.ShardLoss shardLoss = (m, x, y) -> {
            Tensor target = target(y);
            Tensor output = m.forward(spec.input(x));
            Tensor loss = criterion.forward(output, target);
            try (var g = Autograd.noGrad()) {
                correct.addAndGet((long) hits(output, target).item());
            }
            return loss;
        };
        try (BatchIterator it = loader.iterator(epochIndex)) {
            while (it.hasNext()) {
                Tensor[] batch = it.next();
                int n = batch[0].shape(0);
                if (n < dp.devices().size()) {
                    // the epoch's last, partial batch has fewer samples than there are replicas: skipped,
                    // as drop_last would (the batch size itself was checked against the devices up front)
                    for (Tensor t : batch) {
                        t.close();
                    }
                    continue;
                }
                try {
                    lossSum += dp.step(batch[0], batch[1], shardLoss) * n;
                } finally {
                    for (Tensor t : batch) {
                        t.close();
                    }
                }
                samples += n;
                done++;
                guard.checkTrainLoss(lossSum / samples, done, batches);
                progress.batch(done, samples, lossSum / samples);
            }
            finished = true;
            return new Score(samples == 0 ? Double.NaN : lossSum / samples,
                    samples == 0 ? Double.NaN : (double) correct.get() / samples, samples);
        } finally {
            if (!finished) {
                progress.abort();
            }
        }
    }

    /**
     * One training step on a batch (the function {@link Step#compile} records): returns
     * {@code [loss·n, correct]}, float32 on the device.
     */
    private Tensor trainStep(Tensor x, Tensor y, Optimizer optimizer) {
        int n = x.shape(0);
        Tensor target = target(y);
        optimizer.zeroGrad();
        Tensor output = model.forward(spec.input(x));
        Tensor loss = criterion.forward(output, target);
        loss.backward();
        optimizer.step();
        try (var g = Autograd.noGrad()) {
            return Tensor.stack(new Tensor[] {loss.mul((float) n).reshape(), hits(output, target).toFloat()}, 0);
        }
    }

    /** Loss and accuracy without recording gradients. */
    Score evaluate(DataLoader<?> loader) {
        model.eval();
        Tensor sums = null;
        int samples = 0;
        try (var g = Autograd.noGrad()) {
            for (Tensor[] batch : loader) {
                int n = batch[0].shape(0);
                try (TensorScope s = Tensors.scope()) {
                    Tensor target = target(batch[1]);
                    Tensor output = model.forward(spec.input(batch[0]));
                    Tensor pair = Tensor.stack(new Tensor[] {criterion.forward(output, target).mul((float) n).reshape(),
                            hits(output, target).toFloat()}, 0);
                    sums = accumulate(s, sums, pair);
                } finally {
                    for (Tensor t : batch) {
                        t.close();
                    }
                }
                samples += n;
            }
        }
        model.train();
        return finish(sums, samples);
    }

    /** Predictions for a batch of inputs: probabilities of class 1 (binary) or class indices. */
    Tensor predict(Tensor x) {
        model.eval();
        try (var g = Autograd.noGrad()) {
            Tensor out = model.forward(spec.input(x));
            return spec.binary() ? out.sigmoid() : out.argmax(1);
        }
    }

    /**
     * Class probabilities for {@code x}: float32 {@code [B, 1]} (p(class 1), sigmoid) for a binary
     * task, {@code [B, C]} (softmax) otherwise.
     */
    Tensor probabilities(Tensor x) {
        model.eval();
        try (var g = Autograd.noGrad()) {
            Tensor out = model.forward(spec.input(x));
            return spec.binary() ? out.sigmoid() : out.softmax(1);
        }
    }

    /** The loss's target: float [B, 1] for a binary task, int32 [B] class indices otherwise. */
    private Tensor target(Tensor y) {
        if (spec.binary()) {
            return y.toFloat().reshape(-1, 1);
        }
        if (y.dtype() != io.clgrad.DType.INT32) {
            return y.toInt().reshape(-1);
        }
        return y.reshape(-1);
    }

    /** Number of correct predictions in the batch, as a device scalar. */
    private Tensor hits(Tensor output, Tensor target) {
        if (spec.binary()) {
            return output.gt(0f).eq(target).sum();
        }
        return output.argmax(1).eq(target).sum();   // int32 with int32: a bool per sample, an int32 count
    }

    /** {@code sum + value}, kept alive past the step's scope (the old sum is closed). */
    private static Tensor accumulate(TensorScope scope, Tensor sum, Tensor value) {
        Tensor next = sum == null ? value.copy() : sum.add(value);
        if (sum != null) {
            sum.close();
        }
        return scope.keep(next);
    }

    private static void closeAll(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }

    private static Score finish(Tensor sums, int samples) {
        if (samples == 0) {
            return new Score(Double.NaN, Double.NaN, 0);
        }
        float[] v = sums.toFloatArray();
        sums.close();
        return new Score(v[0] / samples, v[1] / samples, samples);
    }
}
