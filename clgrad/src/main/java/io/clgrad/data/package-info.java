/**
 * Data loading, as {@code torch.utils.data} and torchvision: {@link io.clgrad.data.Dataset} (a
 * sample per index), {@link io.clgrad.data.TensorDataset}, {@link io.clgrad.data.Subset},
 * {@link io.clgrad.data.ConcatDataset}, {@link io.clgrad.data.Datasets#randomSplit}, the
 * {@link io.clgrad.data.DataLoader} that batches, shuffles, prefetches and moves batches to a
 * device; readers for IDX ({@link io.clgrad.data.IdxReader}) and CSV
 * ({@link io.clgrad.data.CsvDataset}); the built-in {@link io.clgrad.data.Mnist} and
 * {@link io.clgrad.data.FashionMnist}; image datasets {@link io.clgrad.data.ImageFolder} and
 * {@link io.clgrad.data.Cifar10} (with target transforms, {@link io.clgrad.data.LabelledImages});
 * per-sample transforms in {@code io.clgrad.data.transforms};
 * synthetic 2-D datasets in {@code io.clgrad.data.synthetic}.
 *
 * <p>Data lives on the CPU (as in PyTorch); the loader creates each batch on its device.
 *
 * <pre>{@code
 * TensorDataset train = new FashionMnist(FashionMnist.DEFAULT_DIR, true, null).asTensorDataset(true);
 * DataLoader<Tensor[]> loader = DataLoader.builder(train)
 *         .batchSize(128).shuffle(true).seed(0).device(Device.best()).prefetch(2).build();
 * for (Tensor[] batch : loader) {
 *     Tensor x = batch[0], y = batch[1];      // [128, 784] float32, [128] int32
 * }
 * }</pre>
 */
package io.clgrad.data;
