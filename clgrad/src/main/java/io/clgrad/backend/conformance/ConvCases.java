package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.ConvSpec;
import io.clgrad.backend.ElementType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Cases for {@link Backend#im2col} and {@link Backend#col2im}: one batch of a single channel, stride
 * 2 with padding on a non-square image, dilation with groups, 1×1 and 5×5 kernels, a non-square
 * kernel with different strides, paddings and dilations per axis, depthwise (groups = channels),
 * padding different on each side (PyTorch's {@code padding="same"} with an even kernel), a stride
 * larger than the kernel (pixels no window reads), a 3×3 kernel on a 2×3 image (every window reads
 * padding), an odd 14×13 layer of 5 images (split across threads), and a LeNet-sized batch at
 * {@link CaseSize#FULL}.
 */
final class ConvCases {
    private ConvCases() {
    }

    static List<ConvSpec> specs(CaseSize size) {
        List<ConvSpec> specs = new ArrayList<>(List.of(
                ConvSpec.symmetric(1, 1, 1, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1),
                ConvSpec.symmetric(2, 3, 1, 7, 6, 3, 3, 2, 2, 1, 1, 1, 1),
                ConvSpec.symmetric(2, 4, 2, 9, 8, 3, 3, 1, 1, 2, 2, 2, 2),
                ConvSpec.symmetric(3, 5, 1, 6, 7, 1, 1, 1, 1, 0, 0, 1, 1),
                ConvSpec.symmetric(2, 2, 1, 11, 9, 5, 5, 1, 1, 2, 2, 1, 1),
                ConvSpec.symmetric(2, 3, 1, 8, 10, 3, 5, 2, 1, 1, 2, 1, 2),
                ConvSpec.symmetric(2, 6, 6, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1),
                new ConvSpec(2, 3, 1, 6, 7, 2, 4, 1, 1, 0, 1, 1, 2, 1, 1),
                ConvSpec.symmetric(1, 2, 1, 8, 8, 2, 2, 3, 3, 0, 0, 1, 1),
                ConvSpec.symmetric(1, 3, 3, 4, 4, 2, 2, 2, 2, 1, 1, 3, 3),
                // the CPU backend's row-wise paths: a 3x3 window wider than the padded-free span (no
                // column inside), and an odd CNN-like layer whose patch matrix is split across threads
                ConvSpec.symmetric(3, 2, 1, 2, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                ConvSpec.symmetric(5, 8, 1, 14, 13, 3, 3, 1, 1, 1, 1, 1, 1)));
        if (size.full()) {
            specs.add(ConvSpec.symmetric(4, 16, 1, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1));
        }
        return specs;
    }

    static List<OpCase> im2col(CaseSize size) {
        return each(size, 1101, (s, r) -> {
            float[] x = Inputs.uniform(r, s.inputSize(), -1, 1);
            return OpCase.into("im2col " + s, ElementType.F32, s.colsSize(), (b, m, out) -> b.im2col(s, m.f32(x), out),
                    OpCase.Out.exact("cols", new int[] {s.groups(), s.patches(), s.patchSize()}, RefConv.im2col(s, x)));
        });
    }

    static List<OpCase> col2im(CaseSize size) {
        return each(size, 1102, (s, r) -> {
            float[] cols = Inputs.uniform(r, s.colsSize(), -1, 1);
            RefLinalg.Result ref = RefConv.col2im(s, cols);
            return OpCase.into("col2im " + s, ElementType.F32, s.inputSize(), (b, m, out) -> b.col2im(s, m.f32(cols), out),
                    new OpCase.Out("dx", new int[] {s.batch(), s.channels(), s.height(), s.width()}, ref.value(),
                            ref.scale()));
        });
    }

    /** One case per spec of {@link #specs}, its inputs drawn from one generator seeded with {@code seed}. */
    private static List<OpCase> each(CaseSize size, long seed, BiFunction<ConvSpec, Random, OpCase> make) {
        Random r = new Random(seed);
        List<OpCase> cases = new ArrayList<>();
        for (ConvSpec s : specs(size)) {
            cases.add(make.apply(s, r));
        }
        return cases;
    }
}
