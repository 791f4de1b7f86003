package io.clgrad.nn;

import io.clgrad.Autograd;
import io.clgrad.Device;
import io.clgrad.Functional;
import io.clgrad.Tensor;
import io.clgrad.nn.init.Init;

/**
 * A lookup table of embeddings, as PyTorch's {@code torch.nn.Embedding}: row {@code i} of
 * {@code weight} for each index {@code i}. See {@link Functional#embedding}.
 *
 * <p>Parameter: {@code weight} [num_embeddings, embedding_dim], initialised from N(0, 1) with the
 * {@code padding_idx} row (if any) set to zeros; that row gets no gradient, so it stays as it is.
 * Not supported: {@code max_norm}, {@code scale_grad_by_freq}, {@code sparse}.
 *
 * <p>Shapes: input int32 of any shape; output input's shape + [embedding_dim].
 *
 * <pre>{@code
 * Embedding emb = new Embedding(1000, 64, 0);
 * System.out.println(emb);   // Embedding(1000, 64, padding_idx=0)
 * Tensor e = emb.forward(Tensor.of(new int[] {5, 0, 7}, 3));   // [3, 64]
 * }</pre>
 */
@SuppressWarnings("try")   // the no-grad scope is opened for its effect
public class Embedding extends WeightModule<Embedding> {
    private final EmbeddingOptions options;

    /**
     * An embedding table without padding index, on the CPU.
     *
     * @param numEmbeddings the number of rows V
     * @param embeddingDim  the size of each row D
     */
    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, null, Device.cpu());
    }

    /**
     * An embedding table with a padding index, on the CPU.
     *
     * @param numEmbeddings the number of rows V
     * @param embeddingDim  the size of each row D
     * @param paddingIdx    the row kept at zeros and without gradient (negative counts from V), or null
     */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx) {
        this(numEmbeddings, embeddingDim, paddingIdx, Device.cpu());
    }

    /**
     * An embedding table with every supported argument.
     *
     * @param numEmbeddings the number of rows V (positive)
     * @param embeddingDim  the size of each row D (positive)
     * @param paddingIdx    the row kept at zeros and without gradient (negative counts from V), or null
     * @param device        where the weight lives
     * @throws IllegalArgumentException on a non-positive size or a padding index outside [-V, V)
     */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, Device device) {
        this.options = new EmbeddingOptions(numEmbeddings, embeddingDim, paddingIdx);
        registerParameter("weight", Tensor.zeros(device, numEmbeddings, embeddingDim));
        resetParameters();
    }

    /** Draws the weight from N(0, 1) and zeroes the padding row, as PyTorch's {@code reset_parameters}. */
    public void resetParameters() {
        Init.normal(weight(), 0, 1);
        Integer paddingIdx = options.paddingIdx();
        if (paddingIdx != null) {
            try (Autograd.Mode g = Autograd.noGrad(); Tensor row = weight().narrow(0, paddingIdx, 1);
                 Tensor zeros = Tensor.zeros(row.device(), 1, options.embeddingDim())) {
                row.copyFrom(zeros);
            }
        }
    }

    /**
     * The rows of the weight picked by x.
     *
     * @param x int32 indices of any shape, each in [0, num_embeddings)
     * @return x's shape + [embedding_dim]
     */
    @Override
    public Tensor forward(Tensor x) {
        return Functional.embedding(x, weight(), options.paddingIdx());
    }

    /**
     * The table's options: its size and padding row.
     *
     * @return the options it was built with (the padding row in [0, V), or null)
     */
    public EmbeddingOptions options() {
        return options;
    }

    /** {@code 1000, 64, padding_idx=0}. */
    @Override
    protected String extraRepr() {
        return options.extraRepr();
    }
}
