package io.clgrad.spark;

import io.clgrad.DType;
import io.clgrad.Device;
import io.clgrad.Tensor;
import io.clgrad.io.Safetensors;
import io.clgrad.nn.Module;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A module's state dict in host arrays, to ship between the Spark driver and the tasks (Java
 * serialisation): each entry's shape and its float32 or int32 values, in state-dict order.
 *
 * <pre>{@code
 * HostState s = HostState.of(model);          // a copy of model.stateDict()
 * s.loadInto(otherModel);                     // on the other model's device
 * s.save(Path.of("model.safetensors"));       // a weight file clgrad and PyTorch read
 * }</pre>
 */
public final class HostState implements Serializable {
    private static final long serialVersionUID = 1L;

    private final LinkedHashMap<String, int[]> shapes = new LinkedHashMap<>();
    private final LinkedHashMap<String, Object> values = new LinkedHashMap<>();   // float[] or int[]

    private HostState() {
    }

    /**
     * Copies a module's state dict (parameters and buffers) to host arrays.
     *
     * @param module the module
     * @return its state
     * @throws IllegalArgumentException when an entry is neither float32 nor int32
     */
    public static HostState of(Module<?> module) {
        return of(module.stateDict());
    }

    /**
     * Copies a state dict to host arrays.
     *
     * @param state entries by state-dict key, on any device
     * @return the copy
     * @throws IllegalArgumentException when an entry is neither float32 nor int32
     */
    public static HostState of(Map<String, Tensor> state) {
        HostState h = new HostState();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor t = e.getValue();
            h.shapes.put(e.getKey(), t.shape().clone());
            if (t.dtype() == DType.FLOAT32) {
                h.values.put(e.getKey(), t.toFloatArray());
            } else if (t.dtype() == DType.INT32) {
                h.values.put(e.getKey(), t.toIntArray());
            } else {
                throw new IllegalArgumentException("HostState: state entry '" + e.getKey() + "' is " + t.dtype()
                        + "; only float32 and int32 entries are shipped");
            }
        }
        return h;
    }

    /** The keys, in state-dict order. */
    public java.util.Set<String> keys() {
        return Collections.unmodifiableSet(shapes.keySet());
    }

    /**
     * An entry's shape.
     *
     * @param key a state-dict key
     * @return a copy of its shape
     */
    public int[] shape(String key) {
        return require(key, shapes.get(key)).clone();
    }

    /**
     * A float32 entry's values (row-major).
     *
     * @param key a state-dict key of a float32 entry
     * @return a copy of its values
     */
    public float[] floats(String key) {
        Object v = require(key, values.get(key));
        if (!(v instanceof float[] f)) {
            throw new IllegalArgumentException("HostState: entry '" + key + "' is int32, not float32");
        }
        return f.clone();
    }

    /**
     * The tensors of this state on a device (new tensors the caller owns).
     *
     * @param device where to put them
     * @return the state dict
     */
    public Map<String, Tensor> toTensors(Device device) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String k : shapes.keySet()) {
            Object v = values.get(k);
            int[] sh = shapes.get(k);
            // Tensor.of makes a [1] tensor of one value; a scalar entry (BatchNorm's
            // num_batches_tracked) is reshaped to [] so that loadStateDict's shape check passes
            int[] made = sh.length == 0 ? new int[] {1} : sh;
            Tensor t = v instanceof float[] f ? Tensor.of(device, f, made) : Tensor.of(device, (int[]) v, made);
            out.put(k, sh.length == 0 ? t.reshape(sh) : t);
        }
        return out;
    }

    /**
     * Loads this state into a module (strictly: the keys must match), on the module's device.
     *
     * @param module the module, already on its device
     */
    public void loadInto(Module<?> module) {
        Map<String, Tensor> t = toTensors(Device.cpu());
        try {
            module.loadStateDict(t);
        } finally {
            t.values().forEach(Tensor::close);
        }
    }

    /**
     * Writes this state as a safetensors file (the model weights, as {@code Safetensors.save}).
     *
     * @param path the file
     * @throws IOException when writing fails
     */
    public void save(Path path) throws IOException {
        Map<String, Tensor> t = toTensors(Device.cpu());
        try {
            Safetensors.save(path, t, Map.of());
        } finally {
            t.values().forEach(Tensor::close);
        }
    }

    private static <T> T require(String key, T v) {
        if (v == null) {
            throw new IllegalArgumentException("HostState: no entry '" + key + "'");
        }
        return v;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("HostState{");
        shapes.forEach((k, s) -> sb.append(sb.length() > 10 ? ", " : "").append(k).append(Arrays.toString(s)));
        return sb.append('}').toString();
    }
}
