package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packed copies of Linear weights are a cache ({@link PackedLinearWeights#MAX_MEMORY_SHARE}): in a
 * JVM of 128 MiB, where the CPU device's memory is the heap, a batched no-grad forward makes no copy
 * while the device's memory in use plus the copy would pass half of it, still gives the layer's
 * numbers, and makes the copy on a later forward once memory was given back (the check is not
 * remembered; only an allocation that failed is).
 */
class PackedLinearMemoryShareTest {

    @Test
    void noCopyWhileItWouldFillMoreThanHalfTheDevice() throws Exception {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "JVM started without --add-modules jdk.incubator.vector");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of("-Xmx128m", "-XX:+UseSerialGC",
                "--add-modules", "jdk.incubator.vector"), Main.class));
        ChildJvm.Result r = ChildJvm.run(pb, Duration.ofSeconds(120));
        String out = r.output();
        assertEquals(0, r.exitCode(), out);
        assumeTrue(!out.contains("no GEMM copies on this JVM"), "the CPU backend runs without the Vector API GEMM");
        assertTrue(out.contains("ballast: copies=0 same-bits=true"), out);
        assertTrue(out.contains("freed: copies=1 same-bits=true"), out);
    }

    /** The child: a 2048x1024 layer (8 MiB, its copy as much) beside a ballast, then without it. */
    public static final class Main {
        public static void main(String[] args) {
            Device d = Device.cpu();
            assumeGemmCopies(d);
            Tensor.manualSeed(40);
            Tensor w = Tensor.randn(d, 2048, 1024);
            Tensor x = Tensor.randn(d, 64, 1024);
            long limit = (long) (d.info().globalMemBytes() * PackedLinearWeights.MAX_MEMORY_SHARE);
            long copy = 2048L * 1024 * Float.BYTES;
            long ballastFloats = (limit - d.memoryStats().bytesInUse() - copy / 2) / Float.BYTES;
            Tensor ballast = Tensor.zeros(d, (int) ballastFloats);
            System.out.println("ballast: " + forward(w, x));
            ballast.close();
            System.out.println("freed: " + forward(w, x));
            System.exit(0);
        }

        private static void assumeGemmCopies(Device d) {
            if (d.backend().gemmPackedWeightSize(64, 2048, 1024) <= 0) {
                System.out.println("no GEMM copies on this JVM");   // the test skips
                System.exit(0);
            }
        }

        /** The no-grad forward against the one with gradients (which never packs), and the copies held. */
        private static String forward(Tensor w, Tensor x) {
            float[] want;
            float[] got;
            try (TensorScope s = Tensors.scope()) {
                Tensor wg = w.requiresGrad(true);
                want = Functional.linear(x, wg, null).toFloatArray();
                wg.requiresGrad(false);
                try (Autograd.Mode m = Autograd.noGrad()) {
                    got = Functional.linear(x, w, null).toFloatArray();
                }
            }
            boolean same = java.util.Arrays.equals(want, got);
            int copies;
            synchronized (w.storage()) {
                PackedLinearWeights.Copies c = w.storage().packedLinear();
                copies = c == null ? 0 : c.all().size();
            }
            return "copies=" + copies + " same-bits=" + same;
        }
    }
}
