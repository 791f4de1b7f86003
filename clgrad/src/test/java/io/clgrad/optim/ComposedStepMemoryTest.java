package io.clgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clgrad.Device;
import io.clgrad.MemoryBaseline;
import io.clgrad.Tensor;
import io.clgrad.TensorScope;
import io.clgrad.Tensors;
import io.clgrad.backend.MemoryStats;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The composed steps of RMSprop (centered, momentum, weight decay) and Adagrad (weight decay)
 * return every temporary to the pool: bytes and buffers in use stay flat over many steps, read
 * through the allocator's counters.
 */
class ComposedStepMemoryTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void stepsKeepBytesInUseFlat(Device d) {
        check(d, ps -> RMSprop.builder(ps).momentum(0.9).centered(true).weightDecay(0.01).build());
        check(d, ps -> Adagrad.builder(ps).weightDecay(0.01).lrDecay(0.01).build());
    }

    private static void check(Device d, Function<List<Tensor>, Optimizer> make) {
        try (TensorScope outer = Tensors.scope()) {
            List<Tensor> ps = List.of(Tensor.randn(d, 7, 5).requiresGrad(true), Tensor.randn(d, 5).requiresGrad(true));
            Optimizer opt = make.apply(ps);
            loop(20, ps, opt);   // warm the pool; creates the state
            long before = MemoryBaseline.settle(d);
            long buffersBefore = d.memoryStats().buffersInUse();
            loop(200, ps, opt);
            MemoryStats after = d.memoryStats();
            String what = opt.getClass().getSimpleName() + " on " + d;
            assertEquals(before, after.bytesInUse(), "bytes in use changed over 200 steps of " + what);
            assertEquals(buffersBefore, after.buffersInUse(), "buffers in use changed over 200 steps of " + what);
        }
    }

    private static void loop(int steps, List<Tensor> ps, Optimizer opt) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            try (TensorScope s = Tensors.scope()) {
                ps.get(0).mul(ps.get(0)).sum().add(ps.get(1).mul(3f).sum()).backward();
            }
            opt.step();
        }
        ps.get(0).device().synchronize();
    }
}
