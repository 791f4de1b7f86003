package io.clgrad.spark;

import io.clgrad.nn.Module;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link SparkTrainer} run returns to the driver: the trained state dict and the metrics.
 *
 * <pre>{@code
 * TrainResult r = trainer.fit(df, "features", "label");
 * Module<?> model = r.loadInto(mlp.create());
 * System.out.println(Arrays.toString(r.epochLosses()));
 * }</pre>
 */
public final class TrainResult implements Serializable {
    private static final long serialVersionUID = 1L;

    private final HostState state;
    private final double[] epochLosses;
    private final long steps;
    private final long resumedFrom;
    private final long[] allReduceNanos;
    private final List<String> devices;

    TrainResult(HostState state, double[] epochLosses, long steps, long resumedFrom, long[] allReduceNanos,
                List<String> devices) {
        this.state = state;
        this.epochLosses = epochLosses.clone();
        this.steps = steps;
        this.resumedFrom = resumedFrom;
        this.allReduceNanos = allReduceNanos.clone();
        this.devices = List.copyOf(devices);
    }

    /** The trained model's state dict (parameters and buffers) in host arrays. */
    public HostState state() {
        return state;
    }

    /**
     * Loads the trained state into a module.
     *
     * @param module a module of the trained architecture (e.g. from the same {@link ModelFactory})
     * @param <M>    its type
     * @return {@code module}
     */
    public <M extends Module<?>> M loadInto(M module) {
        state.loadInto(module);
        return module;
    }

    /** Per epoch, the mean over its steps of the global batch's mean training loss. */
    public double[] epochLosses() {
        return epochLosses.clone();
    }

    /** The number of optimizer steps taken, over all epochs (including those before a resume). */
    public long steps() {
        return steps;
    }

    /**
     * The global step of the checkpoint the final (successful) attempt resumed from, or -1 when it
     * started from the beginning.
     */
    public long resumedFrom() {
        return resumedFrom;
    }

    /** The all-reduce's wall time of each step of the final attempt, in nanoseconds (task 0's clock). */
    public long[] allReduceNanos() {
        return allReduceNanos.clone();
    }

    /** The median all-reduce time per step, in milliseconds (0 when no step ran). */
    public double medianAllReduceMillis() {
        if (allReduceNanos.length == 0) {
            return 0;
        }
        long[] s = allReduceNanos.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }

    /** Each task's device, by task index ("cpu", "opencl:0"). */
    public List<String> devices() {
        return devices;
    }

    @Override
    public String toString() {
        return "TrainResult{steps=" + steps + ", epochLosses=" + Arrays.toString(epochLosses) + ", resumedFrom="
                + resumedFrom + ", devices=" + devices + "}";
    }
}
