/**
 * Small synthetic 2-D datasets for toy problems, after scikit-learn's generators:
 * {@link io.clgrad.data.synthetic.TwoMoons}, {@link io.clgrad.data.synthetic.Circles},
 * {@link io.clgrad.data.synthetic.Xor} (binary labels, float {@code [n, 1]}, for
 * {@code BCEWithLogitsLoss}) and {@link io.clgrad.data.synthetic.Blobs} (int32 class ids {@code [n]},
 * for {@code CrossEntropyLoss}). Each is deterministic from its seed ({@link java.util.SplittableRandom});
 * the values differ from scikit-learn's, which uses NumPy's generator.
 *
 * <pre>{@code
 * TensorDataset moons = TwoMoons.generate(1000, 0.2, 42);   // features [1000, 2], labels [1000, 1]
 * }</pre>
 */
package io.clgrad.data.synthetic;
