package io.clgrad.nn.parallel;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.RemovableHandle;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.nn.Module;
import io.clgrad.nn.ProcessGroup;
import io.clgrad.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Synchronous data-parallel training in one JVM, as PyTorch's
 * {@code torch.nn.parallel.DistributedDataParallel} with one process per device: one replica of a
 * module per device (any mix of the Java CPU backend and OpenCL devices), each global batch split
 * into one shard per replica, forward and backward on every replica at once (each on its own
 * thread), the gradients all-reduced, and one optimizer per replica applied to the same reduced
 * gradients, so that the replicas stay equal.
 *
 * <p>With mean-reduced losses, a step is the single-device step on the global batch of {@code N}
 * samples: the reduced gradient is {@code g = Σ_i (n_i / N) · g_i}, where {@code g_i} is the
 * gradient of replica {@code i}'s mean loss over its {@code n_i} samples. Shards are equal by
 * default ({@link Builder#balanceBySpeed()} sizes them by each device's measured samples per
 * second; {@link Builder#shardWeights} by fixed weights); the weighting by {@code n_i / N} keeps the
 * step the same whatever the cut. The all-reduce goes through host memory in buckets of
 * parameters (reverse registration order, at most {@link Builder#bucketCapMb} each, as DDP's
 * {@code bucket_cap_mb}): a bucket's all-reduce starts on a worker thread as soon as every replica's
 * gradients of that bucket are final ({@link Tensor#registerPostAccumulateGradHook}), while the
 * replicas go on with backward; {@link Builder#overlapBackward overlapBackward(false)} reduces in one
 * bucket after every backward instead (the same bits). What breaks the equality: modules whose
 * forward depends on the whole batch, such as BatchNorm in training mode (statistics per shard;
 * {@link io.clgrad.nn.SyncBatchNorm} takes them over the global batch through the trainer's
 * {@link ProcessGroup}, see docs/distributed.md).
 *
 * <pre>{@code
 * try (DataParallel dp = DataParallel.builder(
 *         () -> new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 10)),
 *         params -> new Adam(params, 1e-3))
 *         .devices(List.of(Device.cpu(), Device.opencl(0))).build()) {
 *     CrossEntropyLoss ce = new CrossEntropyLoss();
 *     double loss = dp.step(x, y, (model, xs, ys) -> ce.forward(model.forward(xs), ys));
 *     Module<?> trained = dp.module();   // replica 0, equal to the others
 * }
 * }</pre>
 */
public final class DataParallel implements AutoCloseable {

    /**
     * A replica's loss on its shard: {@code model.forward(x)} through a mean-reduced loss, a scalar.
     * Called on the replica's own thread with {@code x} and {@code y} on the replica's device.
     */
    @FunctionalInterface
    public interface ShardLoss {
        /**
         * The mean loss of {@code model} on a shard.
         *
         * @param model the replica
         * @param x     the shard's inputs, {@code [n_i, ...]} on the replica's device
         * @param y     the shard's targets, {@code [n_i, ...]} on the replica's device
         * @return a scalar tensor to backward from (mean over the shard's samples)
         */
        Tensor loss(Module<?> model, Tensor x, Tensor y);
    }

    private final List<Device> devices;
    private final List<Module<?>> replicas;
    private final List<Optimizer> optimizers;
    private final List<ExecutorService> threads;
    private final double[] weights;
    private final boolean measured;
    private final int syncEvery;
    private final boolean overlap;
    private final long bucketCapBytes;
    private final StepTrace trace;
    /** Runs the buckets' all-reduces while the replicas' threads run backward (null without overlap). */
    private final ExecutorService reducer;
    private GradBuckets buckets;
    /** The replicas' group for collectives inside a step ({@link io.clgrad.nn.SyncBatchNorm}). */
    private final ProcessGroup group;
    private int[] lastShards = new int[0];
    private long stepCount;
    private boolean closed;

    private DataParallel(Builder b) {
        this.devices = List.copyOf(b.devices);
        this.measured = b.measured;
        this.syncEvery = b.syncEvery;
        this.overlap = b.overlap;
        this.bucketCapBytes = b.bucketCapBytes;
        this.trace = b.trace;
        this.reducer = overlap ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "clgrad-dp-allreduce");
            t.setDaemon(true);
            return t;
        }) : null;
        this.weights = b.weights != null ? b.weights.clone() : filled(devices.size(), 1.0);
        this.replicas = new ArrayList<>();
        this.group = new ProcessGroup(devices.size());
        this.optimizers = new ArrayList<>();
        this.threads = new ArrayList<>();
        Map<String, Tensor> first = null;
        for (Device d : devices) {
            Module<?> m = b.factory.get();
            if (m == null) {
                throw new IllegalArgumentException("DataParallel: the module factory returned null for " + d);
            }
            if (!replicas.isEmpty() && replicas.contains(m)) {
                throw new IllegalArgumentException("DataParallel: the module factory returned the same module twice;"
                        + " it must build a new module on every call");
            }
            m.to(d);
            if (first == null) {
                first = m.stateDict();
            } else {
                m.loadStateDict(first);   // every replica starts from replica 0's weights and buffers
            }
            m.train();
            replicas.add(m);
            optimizers.add(b.optimizer.apply(m.parameters()));
            String name = "clgrad-dp-" + d.id();
            threads.add(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            }));
        }
    }

    /**
     * A builder for replicas built by {@code factory} (called once per device, on the calling thread,
     * in device order; replica 0's state dict is then copied into the others) with one optimizer per
     * replica made by {@code optimizer} from its parameters.
     *
     * @param factory   builds a new module on every call (on any device: it is moved)
     * @param optimizer builds an optimizer over the given parameters, the same hyper-parameters each time
     */
    public static Builder builder(Supplier<? extends Module<?>> factory, Function<List<Tensor>, Optimizer> optimizer) {
        if (factory == null || optimizer == null) {
            throw new IllegalArgumentException("DataParallel: the module factory and the optimizer factory must not be null");
        }
        return new Builder(factory, optimizer);
    }

    /** Options of a {@link DataParallel}: devices and how batches are split. */
    public static final class Builder {
        private final Supplier<? extends Module<?>> factory;
        private final Function<List<Tensor>, Optimizer> optimizer;
        private List<Device> devices;
        private double[] weights;
        private boolean measured;
        private int syncEvery = 100;
        private boolean overlap = true;
        private long bucketCapBytes = 25L << 20;
        private StepTrace trace = StepTrace.NONE;

        private Builder(Supplier<? extends Module<?>> factory, Function<List<Tensor>, Optimizer> optimizer) {
            this.factory = factory;
            this.optimizer = optimizer;
        }

        /**
         * The devices, one replica each, replica 0 first (the one {@link #module()} returns).
         *
         * @throws IllegalArgumentException when empty, null or naming a device twice
         */
        public Builder devices(List<Device> list) {
            if (list == null || list.isEmpty()) {
                throw new IllegalArgumentException("DataParallel: no devices given; name at least one (e.g. cpu, opencl:0)");
            }
            Set<String> seen = new HashSet<>();
            for (Device d : list) {
                if (d == null) {
                    throw new IllegalArgumentException("DataParallel: the device list " + list + " contains null");
                }
                if (!seen.add(d.id())) {
                    throw new IllegalArgumentException("DataParallel: device " + d.id() + " is given twice in " + ids(list)
                            + "; each device holds one replica");
                }
            }
            this.devices = List.copyOf(list);
            return this;
        }

        /**
         * Fixed shard weights, one per device: shard {@code i} gets about {@code N · w_i / Σ w} samples.
         *
         * @throws IllegalArgumentException for a weight that is not positive and finite
         */
        public Builder shardWeights(double... w) {
            for (double x : w) {
                if (!(x > 0) || Double.isInfinite(x)) {
                    throw new IllegalArgumentException("DataParallel: shard weights must be positive and finite, got "
                            + Arrays.toString(w));
                }
            }
            this.weights = w.clone();
            this.measured = false;
            return this;
        }

        /**
         * Sizes each shard by its device's measured speed: after every step, the weight of replica
         * {@code i} moves toward its samples per second of forward and backward
         * ({@code w_i ← (w_i + n_i / t_i) / 2}, normalised), so a slow device gets fewer samples.
         */
        public Builder balanceBySpeed() {
            this.measured = true;
            this.weights = null;
            return this;
        }

        /**
         * Copies replica 0's state dict (parameters and buffers) into every other replica after every
         * {@code steps} steps (default 100; 0: never). The replicas apply the same reduced gradients,
         * but two backends' optimizer kernels may round the last bit differently (cpu and PoCL differ
         * by about 1e-8 after 20 Adam steps); the copy resets that, as PyTorch's DDP broadcasts
         * rank 0's buffers.
         *
         * @throws IllegalArgumentException for a negative count
         */
        public Builder syncEvery(int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("DataParallel: syncEvery must be >= 0 (0: never), got " + steps);
            }
            this.syncEvery = steps;
            return this;
        }

        /**
         * Whether a step all-reduces gradients in buckets started while backward still runs
         * (default true, as PyTorch's DDP); false: in one bucket after every replica's backward.
         * Both give the same bits (the same sums in the same order).
         */
        public Builder overlapBackward(boolean on) {
            this.overlap = on;
            return this;
        }

        /**
         * The most gradient data per all-reduce bucket, in MiB (default 25, as PyTorch DDP's
         * {@code bucket_cap_mb}; a parameter larger than that gets a bucket of its own). Smaller
         * buckets start sooner during backward, at the price of more hand-offs.
         *
         * @throws IllegalArgumentException when not positive
         */
        public Builder bucketCapMb(double mb) {
            if (!(mb > 0) || Double.isInfinite(mb)) {
                throw new IllegalArgumentException("DataParallel: bucketCapMb must be positive and finite, got " + mb);
            }
            this.bucketCapBytes = Math.max(1L, (long) (mb * (1 << 20)));
            return this;
        }

        /** Test hook: every step's events (gradient final, bucket ready, all-reduce start and end, backward end). */
        Builder trace(StepTrace t) {
            this.trace = t == null ? StepTrace.NONE : t;
            return this;
        }

        /**
         * The replicas, their optimizers and one thread per device.
         *
         * @throws IllegalArgumentException when no devices were given or the weights do not match them
         */
        public DataParallel build() {
            if (devices == null) {
                throw new IllegalArgumentException("DataParallel: no devices given; call devices(...) (e.g. cpu, opencl:0)");
            }
            if (weights != null && weights.length != devices.size()) {
                throw new IllegalArgumentException("DataParallel: " + weights.length + " shard weights for "
                        + devices.size() + " devices " + ids(devices));
            }
            return new DataParallel(this);
        }
    }

    /** The devices, in replica order. */
    public List<Device> devices() {
        return devices;
    }

    /** Replica 0 (on the first device): the trained model, equal to every other replica. */
    public Module<?> module() {
        return replicas.get(0);
    }

    /** Every replica, in device order. */
    public List<Module<?>> replicas() {
        return List.copyOf(replicas);
    }

    /** Every replica's optimizer, in device order (replica 0's holds the state a checkpoint saves). */
    public List<Optimizer> optimizers() {
        return List.copyOf(optimizers);
    }

    /** The shard sizes of the last step, in device order (empty before the first step). */
    public int[] lastShardSizes() {
        return lastShards.clone();
    }

    /** The current shard weights (normalised to sum to 1), in device order. */
    public double[] shardWeights() {
        double s = Arrays.stream(weights).sum();
        return Arrays.stream(weights).map(w -> w / s).toArray();
    }

    /**
     * One synchronous training step on a global batch: splits {@code x} and {@code y} along dim 0
     * into one shard per replica, runs {@code zeroGrad}, {@code loss} and backward on every replica
     * at once, all-reduces the gradients ({@code g = Σ_i (n_i / N) g_i}, through host memory) into
     * every replica and steps every optimizer.
     *
     * @param x    inputs {@code [N, ...]} on any device, {@code N ≥} the number of replicas
     * @param y    targets {@code [N, ...]} on any device
     * @param loss the mean loss of a replica on its shard
     * @return the mean loss over the global batch, {@code Σ_i n_i · loss_i / N}
     * @throws IllegalArgumentException when the batch is smaller than the number of replicas or x and y differ in N
     */
    public double step(Tensor x, Tensor y, ShardLoss loss) {
        if (closed) {
            throw new IllegalStateException("DataParallel: step after close()");
        }
        int n = x.shape(0);
        if (y.shape(0) != n) {
            throw new IllegalArgumentException("DataParallel.step: x has " + n + " samples but y has " + y.shape(0));
        }
        int k = replicas.size();
        if (n < k) {
            throw new IllegalArgumentException("DataParallel.step: a batch of " + n + " sample(s) cannot be split across "
                    + k + " replicas " + ids(devices) + "; give at least one sample per replica");
        }
        int[] sizes = ShardSizes.split(n, weights);
        lastShards = sizes;
        group.reset();
        OverlappedAllReduce buckets = overlap ? new OverlappedAllReduce(buckets(), replicas.get(0).parameters().size(),
                sizes, n, reducer, trace) : null;
        List<Future<ShardResult>> pending = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < k; i++) {
            int r = i;
            int start = offset;
            offset += sizes[i];
            pending.add(threads.get(i).submit(() -> forwardBackward(r, x, y, start, sizes[r], loss, buckets)));
        }
        List<ShardResult> results = await(pending);
        float[][] reduced = buckets != null ? buckets.await() : allReduce(results, sizes, n);
        List<Future<Void>> steps = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int r = i;
            steps.add(threads.get(i).submit(() -> {
                applyAndStep(r, reduced);
                return null;
            }));
        }
        await(steps);
        double mean = 0;
        for (int i = 0; i < k; i++) {
            mean += (double) sizes[i] * results.get(i).loss;
        }
        if (measured) {
            remeasure(results, sizes);
        }
        stepCount++;
        if (syncEvery > 0 && stepCount % syncEvery == 0) {
            broadcastState();
        }
        return mean / n;
    }

    /** The buckets, for tests (made at the first step). */
    GradBuckets bucketsForTest() {
        return buckets();
    }

    /** The all-reduce buckets of replica 0's parameters, made at the first step. */
    private GradBuckets buckets() {
        if (buckets == null) {
            buckets = new GradBuckets(replicas.get(0).parameters().stream().mapToInt(Tensor::numel).toArray(), bucketCapBytes);
        }
        return buckets;
    }

    /**
     * A replica's shard loss, gradients on the host (null where a parameter got none; null
     * altogether when the bucketed all-reduce took them during backward) and time.
     */
    private record ShardResult(double loss, float[][] grads, long nanos) {
    }

    private ShardResult forwardBackward(int r, Tensor x, Tensor y, int start, int count, ShardLoss fn,
                                        OverlappedAllReduce buckets) {
        long t0 = System.nanoTime();
        Module<?> model = replicas.get(r);
        Device d = devices.get(r);
        optimizers.get(r).zeroGrad();
        try (ProcessGroup.Binding bound = group.member(r).bind()) {
            return forwardBackward(r, model, d, x, y, start, count, fn, buckets, t0);
        } catch (RuntimeException | Error e) {
            group.abort(e);   // the other replicas may wait in a SyncBatchNorm all-reduce: they stop too
            throw e;
        }
    }

    private ShardResult forwardBackward(int r, Module<?> model, Device d, Tensor x, Tensor y, int start, int count,
                                        ShardLoss fn, OverlappedAllReduce buckets, long t0) {
        List<Tensor> params = model.parameters();
        List<RemovableHandle> hooks = new ArrayList<>();
        if (buckets != null) {
            for (int p = 0; p < params.size(); p++) {
                int index = p;
                if (params.get(p).requiresGrad()) {   // a frozen one is reported after backward, as it is
                    hooks.add(params.get(p).registerPostAccumulateGradHook(t -> buckets.gradFinal(r, index, t)));
                }
            }
        }
        double value;
        try (TensorScope s = Tensors.scope()) {
            Tensor xs = x.narrow(0, start, count).to(d);
            Tensor ys = y.narrow(0, start, count).to(d);
            Tensor l = fn.loss(model, xs, ys);
            if (l.numel() != 1) {
                throw new IllegalArgumentException("DataParallel: the shard loss must be a scalar, got shape "
                        + Arrays.toString(l.shape()));
            }
            l.backward();
            value = l.item();
        } finally {
            hooks.forEach(RemovableHandle::remove);
        }
        if (buckets != null) {
            buckets.backwardDone(r, params);
            return new ShardResult(value, null, System.nanoTime() - t0);
        }
        float[][] grads = new float[params.size()][];
        for (int p = 0; p < grads.length; p++) {
            Tensor g = params.get(p).grad();
            grads[p] = g == null ? null : g.toFloatArray();
        }
        return new ShardResult(value, grads, System.nanoTime() - t0);
    }

    /** {@code Σ_i (n_i / N) g_i} per parameter, in replica order (null where no replica has a gradient). */
    private static float[][] allReduce(List<ShardResult> results, int[] sizes, int n) {
        int params = results.get(0).grads.length;
        float[][] out = new float[params][];
        float[][] column = new float[results.size()][];
        for (int p = 0; p < params; p++) {
            for (int i = 0; i < results.size(); i++) {
                column[i] = results.get(i).grads[p];
            }
            out[p] = HostAllReduce.reduce(column, sizes, n);
        }
        return out;
    }

    private void applyAndStep(int r, float[][] reduced) {
        List<Tensor> params = replicas.get(r).parameters();
        Device d = devices.get(r);
        try (var g = Autograd.noGrad(); TensorScope s = Tensors.scope()) {
            for (int p = 0; p < reduced.length; p++) {
                Tensor grad = params.get(p).grad();
                if (reduced[p] == null) {
                    continue;
                }
                Tensor host = Tensor.of(d, reduced[p], params.get(p).shape());
                if (grad == null) {
                    throw new IllegalStateException("DataParallel: parameter " + p + " has a gradient on another replica"
                            + " but none on " + d.id() + "; every replica must use every parameter");
                }
                grad.copyFrom(host);
            }
        }
        optimizers.get(r).step();
    }

    private void remeasure(List<ShardResult> results, int[] sizes) {
        double[] speed = new double[sizes.length];
        double total = 0;
        for (int i = 0; i < sizes.length; i++) {
            speed[i] = (double) sizes[i] / Math.max(results.get(i).nanos, 1L);
            total += speed[i];
        }
        double sum = Arrays.stream(weights).sum();
        for (int i = 0; i < sizes.length; i++) {
            weights[i] = (weights[i] / sum + speed[i] / total) / 2;
        }
    }

    private static <T> List<T> await(List<Future<T>> futures) {
        List<T> out = new ArrayList<>();
        RuntimeException failure = null;
        for (Future<T> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (failure == null) {
                    failure = c instanceof RuntimeException re ? re : new IllegalStateException("DataParallel: a replica failed", c);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("DataParallel: interrupted while waiting for the replicas", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return out;
    }

    private static double[] filled(int k, double v) {
        double[] a = new double[k];
        Arrays.fill(a, v);
        return a;
    }

    static String ids(List<Device> list) {
        return list.stream().map(Device::id).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * Copies replica 0's parameters and buffers into every other replica, so that all are bitwise
     * equal (done by {@link #step} every {@link Builder#syncEvery} steps).
     */
    public void broadcastState() {
        Map<String, Tensor> first = replicas.get(0).stateDict();
        for (int i = 1; i < replicas.size(); i++) {
            replicas.get(i).loadStateDict(first);
        }
    }

    /** Stops the replicas' threads (the replicas and their tensors stay usable). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            threads.forEach(ExecutorService::shutdown);
            if (reducer != null) {
                reducer.shutdown();
            }
        }
    }
}
