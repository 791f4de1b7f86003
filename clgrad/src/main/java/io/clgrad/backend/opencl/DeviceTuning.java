package io.clgrad.backend.opencl;

import io.clgrad.backend.DeviceInfo;
import io.clgrad.backend.DeviceKind;
import io.clgrad.backend.TuningFile;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The per-device tuning table (CLBlast's {@code src/database/} in miniature): which kernel variant
 * and {@code -D} values each kernel family is built with, chosen by vendor and device type. The
 * kernels' own {@code #ifndef} defaults equal the {@code DEFAULT} row. The matmul fields saved by
 * {@code clgrad tune} ({@link TuningFile}) override the row, and for experiments the system property {@code clgrad.opencl.tuning} overrides any field, e.g.
 * {@code -Dclgrad.opencl.tuning=mmKernel=direct,mmWgM=16,mmWptN=8}.
 *
 * @param name            row name, for logs
 * @param mmKernel        "tiled" (stages tiles in local memory; GPUs) or "direct" (no local memory; CPUs)
 * @param mmWgM           matmul work-group rows (work-items)
 * @param mmWgN           matmul work-group columns (work-items)
 * @param mmWptM          rows of C per work-item
 * @param mmWptN          columns of C per work-item
 * @param mmTileK         depth of the k-slice staged in local memory (tiled kernel)
 * @param mvRows          matmul_vec (large products on CPU devices): rows of C per work-item
 * @param mvVw            matmul_vec: vector width (4, 8 or 16)
 * @param mvVn            matmul_vec: vectors per row of a work-item's block
 * @param mvWgM           matmul_vec: work-group rows (work-items sharing a strip of B)
 * @param mvWgN           matmul_vec: work-group columns
 * @param mvMinMflop      products of at least this many MFLOP (2·batch·m·n·k / 1e6) use matmul_vec;
 *                        -1: never (GPUs, whose tiled kernel is the fast one)
 * @param reduceWg        largest work-group of the tree reductions (a power of two)
 * @param elementwiseWg   work-group size of the 1-D elementwise launches
 * @param groupsPerUnit   work-groups per compute unit a long reduction is split into
 * @param reduceRuns      1: a reduction's work-items each read one contiguous run (CPUs);
 *                        0: they interleave (GPUs, coalesced)
 */
record DeviceTuning(String name, String mmKernel, int mmWgM, int mmWgN, int mmWptM, int mmWptN, int mmTileK,
                    int mvRows, int mvVw, int mvVn, int mvWgM, int mvWgN, int mvMinMflop,
                    int reduceWg, int elementwiseWg, int groupsPerUnit, int reduceRuns) {

    static final DeviceTuning DEFAULT = new DeviceTuning("default", "tiled", 8, 8, 4, 4, 16,
            6, 16, 2, 16, 1, -1, 256, 256, 8, 0);
    private static final DeviceTuning NVIDIA_GPU = new DeviceTuning("nvidia-gpu", "tiled", 16, 16, 4, 4, 16,
            6, 16, 2, 16, 1, -1, 256, 256, 8, 0);
    private static final DeviceTuning AMD_GPU = new DeviceTuning("amd-gpu", "tiled", 16, 16, 4, 4, 16,
            6, 16, 2, 16, 1, -1, 256, 256, 8, 0);
    private static final DeviceTuning INTEL_GPU = new DeviceTuning("intel-gpu", "tiled", 8, 8, 4, 4, 16,
            6, 16, 2, 16, 1, -1, 256, 256, 8, 0);
    private static final DeviceTuning APPLE_GPU = new DeviceTuning("apple-gpu", "tiled", 8, 8, 4, 4, 16,
            6, 16, 2, 16, 1, -1, 256, 256, 8, 0);
    /** PoCL and other CPU runtimes: work-items are SIMD lanes, barriers cost loop fission, caches stage tiles. */
    private static final DeviceTuning CPU = new DeviceTuning("cpu", "direct", 4, 16, 4, 8, 16,
            8, 16, 2, 16, 1, 4, 64, 256, 4, 1);
    /** CPU devices with 256-bit SIMD (AVX2): 16 vector registers, so a 6 x 2 block of float8. */
    private static final DeviceTuning CPU_SIMD8 = new DeviceTuning("cpu-simd8", "direct", 4, 16, 4, 8, 16,
            6, 8, 2, 16, 1, 4, 64, 256, 4, 1);
    /** CPU devices with 128-bit SIMD (SSE, NEON). */
    private static final DeviceTuning CPU_SIMD4 = new DeviceTuning("cpu-simd4", "direct", 4, 16, 4, 8, 16,
            6, 4, 2, 16, 1, 4, 64, 256, 4, 1);

    /** The key of the matmul overrides in a {@link TuningFile}. */
    static final String MATMUL_KEY = "matmul";

    /** The names of the integer fields, in record order, as {@code -Dclgrad.opencl.tuning} and tuning files spell them. */
    static final List<String> INT_KEYS = List.of("mmWgM", "mmWgN", "mmWptM", "mmWptN", "mmTileK",
            "mvRows", "mvVw", "mvVn", "mvWgM", "mvWgN", "mvMinMflop",
            "reduceWg", "elementwiseWg", "groupsPerUnit", "reduceRuns");

    /**
     * The row for a device, then the overrides {@code clgrad tune} saved for it (ignored, with a
     * warning, when they no longer parse), then {@code -Dclgrad.opencl.tuning}.
     *
     * @param simdFloats the device's CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT (CPU devices: SIMD lanes)
     */
    static DeviceTuning lookup(DeviceInfo info, int simdFloats, TuningFile file) {
        DeviceTuning t = builtIn(info, simdFloats);
        String saved = file.value(MATMUL_KEY);
        if (!saved.isEmpty()) {
            try {
                t = override(t, saved);
                t = new DeviceTuning(t.name.replace("+override", "+tuned"), t.mmKernel, t.mmWgM, t.mmWgN, t.mmWptM,
                        t.mmWptN, t.mmTileK, t.mvRows, t.mvVw, t.mvVn, t.mvWgM, t.mvWgN, t.mvMinMflop, t.reduceWg,
                        t.elementwiseWg, t.groupsPerUnit, t.reduceRuns);
            } catch (IllegalArgumentException e) {
                LoggerFactory.getLogger(DeviceTuning.class).warn(
                        "ignoring the tuning file {}: {}", file.path(), e.getMessage());
            }
        }
        return override(t, System.getProperty("clgrad.opencl.tuning", ""));
    }

    /** The built-in row for a device, before any overrides. */
    static DeviceTuning builtIn(DeviceInfo info, int simdFloats) {
        String vendor = info.vendor().toLowerCase(Locale.ROOT);
        if (info.kind() == DeviceKind.OPENCL_CPU) {
            return simdFloats >= 16 ? CPU : simdFloats >= 8 ? CPU_SIMD8 : CPU_SIMD4;
        }
        if (info.kind() == DeviceKind.OPENCL_GPU) {
            if (vendor.contains("nvidia")) {
                return NVIDIA_GPU;
            }
            if (vendor.contains("advanced micro devices") || vendor.contains("amd")) {
                return AMD_GPU;
            }
            if (vendor.contains("intel")) {
                return INTEL_GPU;
            }
            if (vendor.contains("apple")) {
                return APPLE_GPU;
            }
        }
        return DEFAULT;
    }

    /** Applies "key=value,key=value" overrides; unknown keys or bad values throw IllegalArgumentException. */
    static DeviceTuning override(DeviceTuning t, String spec) {
        if (spec == null || spec.isBlank()) {
            return t;
        }
        String kernel = t.mmKernel;
        int[] v = t.ints();
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("clgrad.opencl.tuning: expected key=value, got '" + part + "'");
            }
            String key = kv[0].trim();
            String value = kv[1].trim();
            if (key.equals("mmKernel")) {
                if (!value.equals("tiled") && !value.equals("direct")) {
                    throw new IllegalArgumentException("clgrad.opencl.tuning: mmKernel is tiled or direct, not " + value);
                }
                kernel = value;
                continue;
            }
            int i = INT_KEYS.indexOf(key);
            if (i < 0) {
                throw new IllegalArgumentException("clgrad.opencl.tuning: unknown key " + key + " (known: mmKernel, "
                        + String.join(", ", INT_KEYS) + ")");
            }
            try {
                v[i] = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("clgrad.opencl.tuning: " + key + " is not an integer: " + value);
            }
        }
        return of(t.name + "+override", kernel, v);
    }

    /** A row from its kernel name and {@link #INT_KEYS} values, checked. */
    static DeviceTuning of(String name, String kernel, int[] v) {
        for (int i = 0; i < v.length; i++) {
            String key = INT_KEYS.get(i);
            int min = key.equals("reduceRuns") || key.equals("mvMinMflop") ? -1 : 1;
            if (v[i] < min || (key.equals("reduceRuns") && v[i] > 1)) {
                throw new IllegalArgumentException("clgrad.opencl.tuning: " + key + " = " + v[i] + " is out of range");
            }
        }
        if (Integer.bitCount(v[INT_KEYS.indexOf("reduceWg")]) != 1) {
            throw new IllegalArgumentException("clgrad.opencl.tuning: reduceWg must be a power of two");
        }
        int vw = v[INT_KEYS.indexOf("mvVw")];
        if (vw != 4 && vw != 8 && vw != 16) {
            throw new IllegalArgumentException("clgrad.opencl.tuning: mvVw is 4, 8 or 16, not " + vw);
        }
        return new DeviceTuning(name, kernel, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10],
                v[11], v[12], v[13], v[14]);
    }

    /** The integer fields in {@link #INT_KEYS} order. */
    int[] ints() {
        return new int[] {mmWgM, mmWgN, mmWptM, mmWptN, mmTileK, mvRows, mvVw, mvVn, mvWgM, mvWgN, mvMinMflop,
            reduceWg, elementwiseWg, groupsPerUnit, reduceRuns};
    }

    /** The matmul fields as "key=value,..." in the override syntax (for tuning files and logs). */
    String matmulSpec() {
        StringBuilder sb = new StringBuilder("mmKernel=").append(mmKernel);
        int[] v = ints();
        for (int i = 0; i < v.length; i++) {
            if (INT_KEYS.get(i).startsWith("mm") || INT_KEYS.get(i).startsWith("mv")) {
                sb.append(',').append(INT_KEYS.get(i)).append('=').append(v[i]);
            }
        }
        return sb.toString();
    }

    /** The same row with a smaller matmul work-group, for kernels whose CL_KERNEL_WORK_GROUP_SIZE is lower. */
    DeviceTuning withMatmulWorkGroup(int wgM, int wgN) {
        return new DeviceTuning(name + "-wg" + wgM + "x" + wgN, mmKernel, wgM, wgN, mmWptM, mmWptN, mmTileK,
                mvRows, mvVw, mvVn, mvWgM, mvWgN, mvMinMflop, reduceWg, elementwiseWg, groupsPerUnit, reduceRuns);
    }

    /** The same row with another size from which products take matmul_vec. */
    DeviceTuning withVecThreshold(int minMflop) {
        return new DeviceTuning(name, mmKernel, mmWgM, mmWgN, mmWptM, mmWptN, mmTileK,
                mvRows, mvVw, mvVn, mvWgM, mvWgN, minMflop, reduceWg, elementwiseWg, groupsPerUnit, reduceRuns);
    }

    /** The same row with a smaller matmul_vec work-group. */
    DeviceTuning withVecWorkGroup(int wgM, int wgN) {
        return new DeviceTuning(name + "-vwg" + wgM + "x" + wgN, mmKernel, mmWgM, mmWgN, mmWptM, mmWptN, mmTileK,
                mvRows, mvVw, mvVn, wgM, wgN, mvMinMflop, reduceWg, elementwiseWg, groupsPerUnit, reduceRuns);
    }

    /** The matmul kernel's name. */
    String matmulKernel() {
        return "matmul_" + mmKernel;
    }

    /** The -D options for one kernel family (without the device-wide flags). */
    String defines(String family, boolean fp64) {
        switch (family) {
            case "matmul":
                return "-D MM_WG_M=" + mmWgM + " -D MM_WG_N=" + mmWgN + " -D MM_WPT_M=" + mmWptM
                        + " -D MM_WPT_N=" + mmWptN + " -D MM_TILE_K=" + mmTileK
                        + " -D MV_ROWS=" + mvRows + " -D MV_VW=" + mvVw + " -D MV_VN=" + mvVn
                        + " -D MV_WG_M=" + mvWgM + " -D MV_WG_N=" + mvWgN;
            case "reduce":
                return "-D RED_WG=" + reduceWg + " -D RED_ITEM_CONTIGUOUS=" + reduceRuns;
            case "softmax":
            case "loss":
                return "-D RED_WG=" + reduceWg;
            case "random":
                return "-D CLGRAD_FP64=" + (fp64 ? 1 : 0);
            default:
                return "";
        }
    }
}
