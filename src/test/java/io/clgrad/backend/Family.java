package io.clgrad.backend;

import java.util.List;
import java.util.function.Supplier;

/** The op families of {@link Backend}, each with its list of cases (random fills excepted). */
enum Family {
    UNARY(ElementwiseCases::unary),
    BINARY(ElementwiseCases::binary),
    COMPARISONS(ElementwiseCases::comparisons),
    BINARY_SCALAR(ElementwiseCases::binaryScalar),
    MATMUL(MatmulCases::all),
    ADDMM(MatmulCases::addmm),
    REDUCE(ReduceCases::reduce),
    SOFTMAX(ReduceCases::softmax),
    BCE_WITH_LOGITS(LossCases::bce),
    BCE_WITH_LOGITS_BACKWARD(LossCases::bceBackward),
    BCE_WITH_LOGITS_FUSED(LossCases::bceFused),
    CROSS_ENTROPY(LossCases::crossEntropy),
    CROSS_ENTROPY_BACKWARD(LossCases::crossEntropyBackward),
    CROSS_ENTROPY_FUSED(LossCases::crossEntropyFused),
    ADAM(OptimCases::adam),
    SGD(OptimCases::sgd),
    FILL(DataCases::fill),
    ARANGE(DataCases::arange),
    COPY(DataCases::copy),
    CONVERT(DataCases::convert);

    private final Supplier<List<OpCase>> cases;

    Family(Supplier<List<OpCase>> cases) {
        this.cases = cases;
    }

    /** A fresh list of this family's cases (deterministic: seeded inputs). */
    List<OpCase> cases() {
        return cases.get();
    }
}
