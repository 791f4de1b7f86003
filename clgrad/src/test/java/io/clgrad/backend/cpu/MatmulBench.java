package io.clgrad.backend.cpu;

import io.clgrad.backend.MatmulSpec;
import java.util.Arrays;
import java.util.Random;

/**
 * Not a test: GFLOP/s of the plain and the Vector API matmul paths, A/B in one process, median of
 * {@code reps} timed samples after warm-up; arguments are sizes n (square) or MxNxK. Run with the test classpath, e.g.
 * {@code java --add-modules jdk.incubator.vector -cp clgrad/target/classes:clgrad/target/test-classes:<slf4j-api.jar>
 * io.clgrad.backend.cpu.MatmulBench 256 512 1024 2048}.
 *
 * <p>With {@code -Dconfigs=first;builtin;tile=6x2,kc=256} it instead times the vector path under each
 * {@link CpuGemmConfig} ("first": the fixed 4×2 tile of the first version, "builtin": this machine's
 * built-in choice, else overrides of the built-in one), A/B: {@code rounds} rounds (default 3), each
 * timing every configuration once in turn, and prints each one's median over the rounds.
 */
public final class MatmulBench {
    private MatmulBench() {
    }

    public static void main(String[] args) {
        String[] sizes = args.length == 0 ? new String[] {"256", "512", "1024", "2048"} : args;
        int reps = Integer.getInteger("reps", 5);
        CpuParallel par = new CpuParallel(CpuParallel.configuredThreads());
        CpuMatmul plain = new CpuMatmul(par, false);
        CpuMatmul vector = CpuMatmul.vectorModulePresent() ? new CpuMatmul(par, true) : null;
        System.out.println("threads " + par.threads() + ", vector path " + (vector != null));
        String configs = System.getProperty("configs");
        if (configs != null) {
            compareConfigs(par, sizes, configs.split(";"), reps);
            par.shutdown();
            return;
        }
        Random r = new Random(1);
        for (String arg : sizes) { // "n" for a square product, or "MxNxK", optionally ":NT" or ":TN"
            Product p = Product.of(arg, r);
            MatmulSpec s = p.spec();
            float[] a = p.a();
            float[] b = p.b();
            float[] c = p.c();
            boolean skipPlain = s.flops() > 2.2e9 && !Boolean.getBoolean("plainLarge");
            StringBuilder line = new StringBuilder("gemm " + p.label() + ":");
            if (!skipPlain) {
                line.append(String.format(" plain %.1f", gflops(plain, s, a, b, c, reps, true)));
            }
            if (vector != null) {
                line.append(String.format(" vector %.1f", gflops(vector, s, a, b, c, reps, true)));
            }
            System.out.println(line + " GFLOP/s");
        }
        par.shutdown();
    }

    /** A/B of the vector path's configurations: rounds of every configuration in turn, medians printed. */
    private static void compareConfigs(CpuParallel par, String[] sizes, String[] names, int reps) {
        CpuFacts facts = CpuFacts.detect(VectorGemm.L);
        CpuGemmConfig builtIn = CpuGemmConfig.builtIn(facts);
        System.out.println(facts.describe() + "; built-in " + builtIn.spec());
        CpuMatmul[] mms = new CpuMatmul[names.length];
        for (int i = 0; i < names.length; i++) {
            String name = names[i].trim();
            CpuGemmConfig c = name.equals("first") ? CpuGemmConfig.FIRST
                    : name.equals("builtin") ? builtIn : CpuGemmConfig.parse(name, builtIn);
            names[i] = c.spec();
            mms[i] = new CpuMatmul(par, c);
        }
        int rounds = Integer.getInteger("rounds", 3);
        Random r = new Random(1);
        for (String arg : sizes) {
            Product p = Product.of(arg, r);
            double[][] g = new double[names.length][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < names.length; i++) {
                    g[i][round] = gflops(mms[i], p.spec(), p.a(), p.b(), p.c(), reps, round == 0);
                }
            }
            for (int i = 0; i < names.length; i++) {
                Arrays.sort(g[i]);
                System.out.printf("gemm %s %s: %.1f GFLOP/s (median of %d rounds; min %.1f max %.1f)%n",
                        p.label(), names[i],
                        g[i][rounds / 2], rounds, g[i][0], g[i][rounds - 1]);
            }
        }
    }

    /** A product to time: "n" (square) or "MxNxK", optionally ":NT" or ":TN"; random operands. */
    private record Product(String label, MatmulSpec spec, float[] a, float[] b, float[] c) {
        static Product of(String arg, Random r) {
            String size = arg.split(":")[0];
            String layout = arg.contains(":") ? arg.split(":")[1] : "NN";
            int[] d = Arrays.stream(size.split("x")).mapToInt(Integer::parseInt).toArray();
            int m = d[0];
            int n = d.length == 3 ? d[1] : m;
            int k = d.length == 3 ? d[2] : m;
            float[] a = new float[m * k];
            float[] b = new float[k * n];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextFloat() - 0.5f;
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextFloat() - 0.5f;
            }
            // NT: B stored [n, k] (Linear's forward); TN: A stored [k, m] (its weight gradient)
            MatmulSpec s = layout.equals("NT") ? new MatmulSpec(1, m, n, k, 0, 0, k, 1, 0, 0, 1, k)
                    : layout.equals("TN") ? new MatmulSpec(1, m, n, k, 0, 0, 1, m, 0, 0, n, 1)
                    : MatmulSpec.rowMajor(m, n, k);
            String label = (d.length == 3 ? "m=" + m + " n=" + n + " k=" + k : "n=" + n) + " " + layout;
            return new Product(label, s, a, b, new float[m * n]);
        }
    }

    /**
     * Median GFLOP/s of {@code reps} samples, each the mean of enough calls for about 0.5 GFLOP,
     * after a warm-up when {@code warm}.
     */
    private static double gflops(CpuMatmul mm, MatmulSpec s, float[] a, float[] b, float[] c, int reps, boolean warm) {
        int calls = (int) Math.max(1, 5e8 / s.flops());
        long t0 = System.nanoTime(); // warm-up: at least 10 calls and 1 s, so the JIT has compiled the kernels
        for (int w = 0; warm && (w < 10 || System.nanoTime() - t0 < 1_000_000_000L); w++) {
            mm.run(s, a, b, c);
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s0 = System.nanoTime();
            for (int j = 0; j < calls; j++) {
                mm.run(s, a, b, c);
            }
            t[i] = (System.nanoTime() - s0) * 1e-9 / calls;
        }
        Arrays.sort(t);
        return s.flops() / t[reps / 2] * 1e-9;
    }
}
