package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;

/**
 * Counter-based random fills: the kernels of {@code kernels-cl/random.cl}, which reproduce
 * {@link io.clgrad.backend.CounterRng} (uniform and int bit for bit).
 */
final class RandomOps extends FamilyOps {

    RandomOps(Kernels kernels, Operands operands) {
        super("random", kernels, operands);
    }

    void uniform(Buffer out, long n, long seed, long offset, float low, float high) {
        int count = Operands.count(n, "random fill length");
        ClBuffer ob = operands.of(out, "random output", ElementType.F32, count);
        kernels.launch1d(kernel("random_uniform"), count, ob, count, seed, offset, low, high);
    }

    void normal(Buffer out, long n, long seed, long offset, float mean, float std) {
        int count = Operands.count(n, "random fill length");
        ClBuffer ob = operands.of(out, "random output", ElementType.F32, count);
        kernels.launch1d(kernel("random_normal"), count, ob, count, seed, offset, mean, std);
    }

    void integers(Buffer out, long n, long seed, long offset, int low, int high) {
        int count = Operands.count(n, "random fill length");
        ClBuffer ob = operands.of(out, "random output", ElementType.I32, count);
        kernels.launch1d(kernel("random_int"), count, ob, count, seed, offset, low, high - low);
    }
}
