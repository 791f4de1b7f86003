package io.clgrad;

/**
 * {@code embedding}: rows of a weight matrix picked by int32 indices of any shape, as
 * {@code torch.nn.functional.embedding}. The forward is one {@code index_select} along dim 0; the
 * backward (node {@code EmbeddingBackward0}) adds each output row's gradient onto the weight row it
 * came from (a {@code scatter_add} along dim 0) and leaves the {@code padding_idx} row's gradient
 * zero. The public entry is in {@link Functional}.
 */
final class Embeddings {
    static final String OP = "embedding";

    private Embeddings() {
    }

    /**
     * {@code out[i…, :] = weight[indices[i…], :]}.
     *
     * @param indices    int32 indices of any shape, each in [0, V)
     * @param weight     [V, D] float32
     * @param paddingIdx the row that gets no gradient (negative counts from V), or null for none
     * @return indices' shape + [D]
     */
    static Tensor embedding(Tensor indices, Tensor weight, Integer paddingIdx) {
        Checks.int32(OP, "indices", indices);
        Checks.float32(OP, "weight", weight);
        Checks.sameDevice(OP, weight, indices);
        Checks.matrix(OP, "weight", "[num_embeddings, embedding_dim]", weight);
        int v = weight.shapeRef()[0];
        int d = weight.shapeRef()[1];
        Integer pad = paddingIdx == null ? null : paddingIndex(paddingIdx, v);
        int[] is = indices.shapeRef();
        int[] outShape = java.util.Arrays.copyOf(is, is.length + 1);
        outShape[is.length] = d;
        Tensor flat = indices.reshape(-1);
        int m = (int) flat.numel();
        Tensor out;
        try (Autograd.Mode g = Autograd.noGrad()) {
            out = weight.indexSelect(0, flat).reshape(outShape);
        }
        if (!Graph.shouldRecord(weight)) {
            return out;
        }
        return Graph.record(out, "EmbeddingBackward0", new Tensor[] {weight}, new Tensor[] {indices},
                g -> new Tensor[] {weightGrad(g.reshape(m, d), flat, v, d, pad)});
    }

    /** Σ of the output rows' gradients per weight row ({@code g} [M, D], {@code flat} [M]); row pad zero. */
    private static Tensor weightGrad(Tensor g, Tensor flat, int v, int d, Integer pad) {
        Tensor index = flat.unsqueeze(1).expand(flat.shapeRef()[0], d);
        try (Tensor zeros = Tensor.zeros(g.device(), v, d)) {
            Tensor dw = zeros.scatterAdd(0, index, g);
            if (pad == null) {
                return dw;
            }
            int[] rows = new int[d];
            java.util.Arrays.fill(rows, pad);
            try (Tensor row = Tensor.of(g.device(), rows, 1, d)) {
                Tensor out = dw.scatter(0, row, 0f);
                dw.close();
                return out;
            }
        }
    }

    /**
     * padding_idx in [0, V) (PyTorch's rule: {@code -V <= padding_idx < V}, negative counts from V).
     *
     * @param paddingIdx the given index
     * @param v          the number of embeddings
     * @return the row
     */
    static int paddingIndex(int paddingIdx, int v) {
        if (paddingIdx >= v || paddingIdx < -v) {
            throw new IllegalArgumentException(OP + ": Padding_idx must be within num_embeddings, got " + paddingIdx
                    + " for num_embeddings=" + v);
        }
        return paddingIdx < 0 ? paddingIdx + v : paddingIdx;
    }
}
