package io.clgrad.backend.opencl;

import io.clgrad.backend.DeviceInfo;
import io.clgrad.backend.DeviceKind;
import java.util.Locale;

/**
 * The per-device tuning table (CLBlast's {@code src/database/} in miniature): which kernel variant
 * and {@code -D} values each kernel family is built with, chosen by vendor and device type. The
 * kernels' own {@code #ifndef} defaults equal the {@code DEFAULT} row. For tuning experiments the
 * system property {@code clgrad.opencl.tuning} overrides fields, e.g.
 * {@code -Dclgrad.opencl.tuning=mmKernel=direct,mmWgM=16,mmWptN=8}.
 *
 * @param name            row name, for logs
 * @param mmKernel        "tiled" (stages tiles in local memory; GPUs) or "direct" (no local memory; CPUs)
 * @param mmWgM           matmul work-group rows (work-items)
 * @param mmWgN           matmul work-group columns (work-items)
 * @param mmWptM          rows of C per work-item
 * @param mmWptN          columns of C per work-item
 * @param mmTileK         depth of the k-slice staged in local memory (tiled kernel)
 * @param reduceWg        largest work-group of the tree reductions (a power of two)
 * @param elementwiseWg   work-group size of the 1-D elementwise launches
 * @param groupsPerUnit   work-groups per compute unit a long reduction is split into
 * @param reduceRuns      1: a reduction's work-items each read one contiguous run (CPUs);
 *                        0: they interleave (GPUs, coalesced)
 */
record DeviceTuning(String name, String mmKernel, int mmWgM, int mmWgN, int mmWptM, int mmWptN, int mmTileK,
                    int reduceWg, int elementwiseWg, int groupsPerUnit, int reduceRuns) {

    static final DeviceTuning DEFAULT = new DeviceTuning("default", "tiled", 8, 8, 4, 4, 16, 256, 256, 8, 0);
    private static final DeviceTuning NVIDIA_GPU = new DeviceTuning("nvidia-gpu", "tiled", 16, 16, 4, 4, 16, 256, 256, 8, 0);
    private static final DeviceTuning AMD_GPU = new DeviceTuning("amd-gpu", "tiled", 16, 16, 4, 4, 16, 256, 256, 8, 0);
    private static final DeviceTuning INTEL_GPU = new DeviceTuning("intel-gpu", "tiled", 8, 8, 4, 4, 16, 256, 256, 8, 0);
    private static final DeviceTuning APPLE_GPU = new DeviceTuning("apple-gpu", "tiled", 8, 8, 4, 4, 16, 256, 256, 8, 0);
    /** PoCL and other CPU runtimes: work-items are SIMD lanes, barriers cost loop fission, caches stage tiles. */
    private static final DeviceTuning CPU = new DeviceTuning("cpu", "direct", 4, 16, 4, 8, 16, 64, 256, 4, 1);

    /** The row for a device, with any overrides from {@code -Dclgrad.opencl.tuning}. */
    static DeviceTuning lookup(DeviceInfo info) {
        return override(row(info), System.getProperty("clgrad.opencl.tuning", ""));
    }

    private static DeviceTuning row(DeviceInfo info) {
        String vendor = info.vendor().toLowerCase(Locale.ROOT);
        if (info.kind() == DeviceKind.OPENCL_CPU) {
            return CPU;
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
        int[] v = {t.mmWgM, t.mmWgN, t.mmWptM, t.mmWptN, t.mmTileK, t.reduceWg, t.elementwiseWg, t.groupsPerUnit,
            t.reduceRuns};
        String[] keys = {"mmWgM", "mmWgN", "mmWptM", "mmWptN", "mmTileK", "reduceWg", "elementwiseWg", "groupsPerUnit",
            "reduceRuns"};
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("clgrad.opencl.tuning: expected key=value, got '" + part + "'");
            }
            if (kv[0].equals("mmKernel")) {
                if (!kv[1].equals("tiled") && !kv[1].equals("direct")) {
                    throw new IllegalArgumentException("clgrad.opencl.tuning: mmKernel is tiled or direct, not " + kv[1]);
                }
                kernel = kv[1];
                continue;
            }
            int i = java.util.Arrays.asList(keys).indexOf(kv[0]);
            if (i < 0) {
                throw new IllegalArgumentException("clgrad.opencl.tuning: unknown key " + kv[0]);
            }
            v[i] = Integer.parseInt(kv[1].trim());
            if (v[i] < (i == 8 ? 0 : 1)) {
                throw new IllegalArgumentException("clgrad.opencl.tuning: " + kv[0] + " is out of range");
            }
        }
        if (Integer.bitCount(v[5]) != 1) {
            throw new IllegalArgumentException("clgrad.opencl.tuning: reduceWg must be a power of two");
        }
        return new DeviceTuning(t.name + "+override", kernel, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }

    /** The same row with a smaller matmul work-group, for kernels whose CL_KERNEL_WORK_GROUP_SIZE is lower. */
    DeviceTuning withMatmulWorkGroup(int wgM, int wgN) {
        return new DeviceTuning(name + "-wg" + wgM + "x" + wgN, mmKernel, wgM, wgN, mmWptM, mmWptN, mmTileK,
                reduceWg, elementwiseWg, groupsPerUnit, reduceRuns);
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
                        + " -D MM_WPT_N=" + mmWptN + " -D MM_TILE_K=" + mmTileK;
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
