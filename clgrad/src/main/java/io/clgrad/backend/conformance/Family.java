package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import java.util.List;
import java.util.function.Function;

/**
 * The op families of {@link Backend}, each with its table of {@link OpCase}s. The test suite runs every family on every device
 * at {@link CaseSize#FULL}; {@code clgrad devices --self-test} runs them at {@link CaseSize#QUICK}.
 */
public enum Family {
    /** {@link Backend#unary}. */
    UNARY(ElementwiseCases::unary),
    /** {@link Backend#binary}: arithmetic and backward helpers over strided and broadcast views. */
    BINARY(s -> ElementwiseCases.binary()),
    /** {@link Backend#binary}: the six comparisons. */
    COMPARISONS(s -> ElementwiseCases.comparisons()),
    /** {@link Backend#binaryScalar}. */
    BINARY_SCALAR(ElementwiseCases::binaryScalar),
    /** {@link Backend#matmul}. */
    MATMUL(MatmulCases::all),
    /** {@link Backend#addmm}: matmul with a fused bias and ReLU. */
    ADDMM(s -> MatmulCases.addmm()),
    /** {@link Backend#linearGrad}: a Linear layer's weight and bias gradients, with a fused ReLU mask. */
    LINEAR_GRAD(MatmulCases::linearGrad),
    /** {@link Backend#reduce}. */
    REDUCE(ReduceCases::reduce),
    /** {@link Backend#softmax}, plain and log. */
    SOFTMAX(ReduceCases::softmax),
    /** {@link Backend#bceWithLogits}. */
    BCE_WITH_LOGITS(s -> LossCases.bce()),
    /** {@link Backend#bceWithLogitsBackward}. */
    BCE_WITH_LOGITS_BACKWARD(s -> LossCases.bceBackward()),
    /** {@link Backend#bceWithLogitsFused}: the loss and its gradient in one pass. */
    BCE_WITH_LOGITS_FUSED(s -> LossCases.bceFused()),
    /** {@link Backend#crossEntropy}. */
    CROSS_ENTROPY(s -> LossCases.crossEntropy()),
    /** {@link Backend#crossEntropyBackward}. */
    CROSS_ENTROPY_BACKWARD(s -> LossCases.crossEntropyBackward()),
    /** {@link Backend#crossEntropyFused}: the loss and its gradient in one pass. */
    CROSS_ENTROPY_FUSED(s -> LossCases.crossEntropyFused()),
    /** {@link Backend#adamStep}. */
    ADAM(s -> OptimCases.adam()),
    /** {@link Backend#sgdStep}. */
    SGD(s -> OptimCases.sgd()),
    /** {@link Backend#fill}. */
    FILL(DataCases::fill),
    /** {@link Backend#arange}. */
    ARANGE(DataCases::arange),
    /** {@link Backend#copy} of strided views. */
    COPY(DataCases::copy),
    /** {@link Backend#convert} between element types. */
    CONVERT(DataCases::convert),
    /** {@link Backend#randomUniform}, {@link Backend#randomNormal}, {@link Backend#randomInt}. */
    RANDOM(RandomCases::random),
    /** {@link Backend#write} and {@link Backend#read} at offsets, float32 and int32. */
    TRANSFERS(TransferCases::transfers),
    /** {@link Backend#im2col}: a convolution's patch matrix. */
    IM2COL(ConvCases::im2col),
    /** {@link Backend#col2im}: the adjoint of im2col, a gather per input pixel. */
    COL2IM(ConvCases::col2im),
    /** {@link Backend#batchNormStats}: per-channel mean and variance, and the running update. */
    BATCH_NORM_STATS(NormCases::stats),
    /** {@link Backend#batchNormForward}: normalise and affine per channel. */
    BATCH_NORM_FORWARD(NormCases::forward),
    /** {@link Backend#batchNormBackwardReduce}: the weight and bias gradient sums. */
    BATCH_NORM_BACKWARD_REDUCE(NormCases::backwardReduce),
    /** {@link Backend#batchNormBackward}: the input gradient, training and evaluation. */
    BATCH_NORM_BACKWARD(NormCases::backward),
    /** {@link Backend#maxPool2d}: values and indices. */
    MAX_POOL2D(PoolCases::maxPool2d),
    /** {@link Backend#maxPool2dBackward}. */
    MAX_POOL2D_BACKWARD(PoolCases::maxPool2dBackward),
    /** {@link Backend#avgPool2d}. */
    AVG_POOL2D(PoolCases::avgPool2d),
    /** {@link Backend#avgPool2dBackward}. */
    AVG_POOL2D_BACKWARD(PoolCases::avgPool2dBackward),
    /** {@link Backend#copyInto}: a strided view written into a strided view (slices, selects, steps). */
    COPY_INTO(DataCases::copyInto),
    /** {@link Backend#gather}: gather and index_select, strided, every dim, int32 too. */
    GATHER(IndexCases::gather),
    /** {@link Backend#scatter}: scatter and scatter_add, repeated indices, strided, int32 too. */
    SCATTER(IndexCases::scatter),
    /** {@link Backend#where}: broadcast, NaN and -0.0 conditions, float and int conditions. */
    WHERE(IndexCases::where),
    /** {@link Backend#unary} on int32, for the ops whose entry has an int32 kernel. */
    UNARY_I32(IntCases::unary),
    /** {@link Backend#binary} on int32 views: arithmetic (wrapping) and comparisons. */
    BINARY_I32(s -> IntCases.binary()),
    /** {@link Backend#binaryScalarInt}. */
    BINARY_SCALAR_INT(IntCases::binaryScalar),
    /** {@link Backend#reduce} of int32: wrapping sums, extremes and their indices. */
    REDUCE_I32(IntCases::reduce),
    /** {@link Backend#cumsum}: along each axis of the reduction geometries, with cancellation and inf/NaN. */
    CUMSUM(ScanCases::cumsum),
    /** {@link Backend#argsort}: stable, both directions, with ties, NaN, ±inf and ±0. */
    ARGSORT(SortCases::argsort);

    private final Function<CaseSize, List<OpCase>> cases;

    Family(Function<CaseSize, List<OpCase>> cases) {
        this.cases = cases;
    }

    /** A fresh list of this family's cases at {@link CaseSize#FULL} (deterministic: seeded inputs). */
    public List<OpCase> cases() {
        return cases(CaseSize.FULL);
    }

    /** A fresh list of this family's cases at the given size (deterministic: seeded inputs). */
    public List<OpCase> cases(CaseSize size) {
        return cases.apply(size);
    }
}
