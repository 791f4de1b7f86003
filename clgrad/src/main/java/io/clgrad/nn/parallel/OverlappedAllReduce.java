package io.clgrad.nn.parallel;

import io.clgrad.Tensor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One step's bucketed all-reduce, started while backward still runs (PyTorch DDP's overlap): each
 * replica's thread reports a parameter's gradient as soon as it is final (a post-accumulate-grad
 * hook), copying it to host memory; the report that completes a bucket on every replica hands that
 * bucket's all-reduce ({@link HostAllReduce}) to the worker thread while the replicas go on with
 * backward. {@link #await} waits for every bucket.
 *
 * <p>Threads: {@code grads[p][r]} and {@code reported[r]} are written only by replica {@code r}'s
 * thread, before it counts the bucket down; the count-down that reaches zero submits the bucket, so
 * every replica's write happens before the worker reads (atomic read-modify-write chain, then the
 * executor hand-off). {@code out[p]} is written by the worker and read after {@link #await}.
 */
final class OverlappedAllReduce {
    private final GradBuckets buckets;
    private final int[] sizes;
    private final int n;
    private final ExecutorService worker;
    private final StepTrace trace;
    /** Host gradients, {@code [parameter][replica]}. */
    private final float[][][] grads;
    /** Which parameters each replica has reported, {@code [replica][parameter]}. */
    private final boolean[][] reported;
    private final AtomicInteger[] waiting;
    private final CompletableFuture<?>[] done;
    private final float[][] out;

    /**
     * @param buckets  the parameter buckets
     * @param params   the number of parameters of each replica
     * @param sizes    the shard sizes, one per replica
     * @param n        the global batch size
     * @param worker   the thread that runs the buckets' all-reduces
     * @param trace    where events go
     */
    OverlappedAllReduce(GradBuckets buckets, int params, int[] sizes, int n, ExecutorService worker, StepTrace trace) {
        this.buckets = buckets;
        this.sizes = sizes;
        this.n = n;
        this.worker = worker;
        this.trace = trace;
        int k = sizes.length;
        this.grads = new float[params][k][];
        this.reported = new boolean[k][params];
        this.waiting = new AtomicInteger[buckets.count()];
        this.done = new CompletableFuture<?>[buckets.count()];
        for (int b = 0; b < waiting.length; b++) {
            waiting[b] = new AtomicInteger(k * buckets.bucket(b).length);
            done[b] = new CompletableFuture<Void>();
        }
        this.out = new float[params][];
    }

    /** Replica {@code r}'s parameter {@code p} has its final gradient (called on the replica's thread). */
    void gradFinal(int r, int p, Tensor param) {
        if (reported[r][p]) {
            return;
        }
        Tensor g = param.grad();
        grads[p][r] = g == null ? null : g.toFloatArray();
        reported[r][p] = true;
        trace.event(StepTrace.GRAD_FINAL, r, p);
        int b = buckets.bucketOf(p);
        if (waiting[b].decrementAndGet() == 0) {
            trace.event(StepTrace.BUCKET_READY, r, b);
            worker.execute(() -> reduceBucket(b));
        }
    }

    /**
     * Replica {@code r}'s backward has returned: reports the parameters no hook reported (no
     * gradient reached them this pass; a zeroed gradient is still read, as the one-bucket path does).
     */
    void backwardDone(int r, List<Tensor> params) {
        trace.event(StepTrace.BACKWARD_END, r, -1);
        for (int p = 0; p < params.size(); p++) {
            if (!reported[r][p]) {
                gradFinal(r, p, params.get(p));
            }
        }
    }

    private void reduceBucket(int b) {
        try {
            trace.event(StepTrace.REDUCE_START, -1, b);
            for (int p : buckets.bucket(b)) {
                out[p] = HostAllReduce.reduce(grads[p], sizes, n);
            }
            trace.event(StepTrace.REDUCE_END, -1, b);
            done[b].complete(null);
        } catch (RuntimeException | Error e) {
            done[b].completeExceptionally(e);
        }
    }

    /** Waits for every bucket's all-reduce (every replica must have called {@link #backwardDone}); the reduced gradients. */
    float[][] await() {
        try {
            CompletableFuture.allOf(done).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("DataParallel: a bucket's all-reduce failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("DataParallel: interrupted while waiting for the all-reduce", e);
        }
        return out;
    }
}
