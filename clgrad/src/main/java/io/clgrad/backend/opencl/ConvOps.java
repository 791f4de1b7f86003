package io.clgrad.backend.opencl;

import io.clgrad.backend.Buffer;
import io.clgrad.backend.ConvSpec;
import io.clgrad.backend.ElementType;

/**
 * The patch copies of a 2-D convolution, im2col and col2im: the kernels of
 * {@code kernels-cl/conv.cl}, with the work-group sizes and channels per im2col work-item of a
 * {@link ClConvConfig} (the device's conv tuning, or a tuner's candidate). The products with the weights
 * run on the tuned GEMM ({@link MatmulOps}), launched by the core.
 */
final class ConvOps extends FamilyOps {

    private volatile ClConvConfig config = ClConvConfig.AUTO;

    ConvOps(Kernels kernels, Operands operands) {
        super("conv", kernels, operands);
    }

    /** The work-group sizes the launches use ({@link ClConvConfig}). */
    ClConvConfig config() {
        return config;
    }

    /** Sets the work-group sizes of later launches (the device's tuning; the tuner's candidates). */
    void configure(ClConvConfig c) {
        this.config = c;
    }

    void im2col(ConvSpec s, Buffer x, Buffer cols) {
        ClBuffer xb = operands.of(x, "im2col input", ElementType.F32, s.inputSize());
        ClBuffer cb = operands.of(cols, "im2col output", ElementType.F32, s.colsSize());
        ClConvConfig c = config;
        int blocks = (s.groupChannels() + c.im2colCpi() - 1) / c.im2colCpi();
        ClKernel k = c.im2colCpi() == 1 ? kernel("im2col")
                : kernels.get(family(), kernels.programs().defaultOptions(family()) + " -DCONV_CPI=" + c.im2colCpi(),
                "im2col");
        launch(k, c.im2colWg(), s.groups() * s.patches() * blocks, xb, cb, s);
    }

    void col2im(ConvSpec s, Buffer cols, Buffer dx) {
        ClBuffer cb = operands.of(cols, "col2im input", ElementType.F32, s.colsSize());
        ClBuffer db = operands.of(dx, "col2im output", ElementType.F32, s.inputSize());
        launch(kernel("col2im"), config.col2imWg(), s.inputSize(), cb, db, s);
    }

    /**
     * {@code n} work-items in work-groups of {@code wg} (0: the device's elementwise size); the
     * geometry in conv.cl's CONV_GEOMETRY order.
     */
    private void launch(ClKernel k, int wg, int n, ClBuffer in, ClBuffer out, ConvSpec s) {
        if (n <= 0) {
            return;
        }
        long local = k.localSize(wg > 0 ? wg : kernels.device().tuning().elementwiseWg());
        kernels.launch(k, new long[] {Kernels.roundUp(n, local)}, new long[] {local}, in, out, s.batch(), s.channels(), s.groups(), s.height(), s.width(),
                s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padTop(), s.padLeft(), s.dilationH(),
                s.dilationW(), s.outH(), s.outW());
    }
}
