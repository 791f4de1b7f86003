/**
 * The Java CPU backend: every op in plain, multithreaded Java ({@code CpuParallel}), the twin that
 * each OpenCL kernel is compared with, and Vector API kernels (GEMM, convolution, pooling, batch
 * norm's sums, a few elementwise loops) when the JVM runs with {@code --add-modules jdk.incubator.vector}. Reached
 * through {@link io.clgrad.backend.Backend}.
 *
 * <p>Every Vector API kernel uses the preferred species only. The vector classes' shared methods
 * ({@code FloatVector.intoArray}, {@code fma}, ...) keep one type profile for the whole process: a
 * {@code FloatVector} of a second shape anywhere (a 256-bit one in a pooling kernel, once) makes
 * those profiles bimorphic, and Java 17's C2 then failed to intrinsify the stores of kernels it
 * compiled later and boxed their vectors (the direct convolution's weight gradient ran 5-7x slower
 * in a CNN training run, {@code VectorSupport::store failed to inline (intrinsic)} under
 * {@code -XX:+PrintInlining}). And no kernel uses a masked load or store: one in a branch that ran
 * once per call made the whole 2×2 max-pool loop 3x slower; ends of rows and arrays go through whole
 * vectors that may run into outputs written later, below a limit, and scalar loops for the rest.
 * A multiply-add whose loaded vector is used once takes it as the second operand
 * ({@code x.fma(load, acc)}), which C2 folds into the instruction; and a tile's accumulators, inputs and broadcasts must fit 16
 * registers on AVX2, or C2 keeps accumulators on the stack (docs/design-notes.md, "Convolutions
 * without a patch matrix on the CPU", has these and the other pitfalls).
 */
package io.clgrad.backend.cpu;
