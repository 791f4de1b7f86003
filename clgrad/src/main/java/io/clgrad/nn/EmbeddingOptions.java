package io.clgrad.nn;

/**
 * The options of an {@link Embedding} table, as libtorch's {@code torch::nn::EmbeddingOptions}
 * (those clgrad supports). A negative padding index counts from the end, as in PyTorch, and is kept
 * as the row it names.
 *
 * <pre>{@code
 * new EmbeddingOptions(1000, 64, -1).paddingIdx()   // 999
 * }</pre>
 *
 * @param numEmbeddings the number of rows V, positive
 * @param embeddingDim  the size of each row D, positive
 * @param paddingIdx    the row kept at zeros and without gradient, in [0, V), or null for none
 */
public record EmbeddingOptions(int numEmbeddings, int embeddingDim, Integer paddingIdx) {
    /**
     * Checks the sizes and the padding index, and makes a negative padding index the row it names.
     *
     * @throws IllegalArgumentException on a non-positive size or a padding index outside [-V, V)
     */
    public EmbeddingOptions {
        if (numEmbeddings <= 0 || embeddingDim <= 0) {
            throw new IllegalArgumentException("Embedding: num_embeddings and embedding_dim must be positive, got "
                    + numEmbeddings + " and " + embeddingDim);
        }
        if (paddingIdx != null && (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)) {
            throw new IllegalArgumentException("Embedding: Padding_idx must be within num_embeddings, got "
                    + paddingIdx + " for num_embeddings=" + numEmbeddings);
        }
        if (paddingIdx != null && paddingIdx < 0) {
            paddingIdx += numEmbeddings;
        }
    }

    /** PyTorch's {@code extra_repr}: {@code 1000, 64, padding_idx=0}. */
    String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx == null ? "" : ", padding_idx=" + paddingIdx);
    }
}
