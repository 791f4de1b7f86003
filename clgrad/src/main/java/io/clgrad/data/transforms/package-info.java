/**
 * Per-sample transforms, as torchvision's: {@link io.clgrad.data.transforms.ToTensor} decodes an
 * {@link io.clgrad.data.Image}, {@link io.clgrad.data.transforms.Normalize} standardises channels,
 * {@link io.clgrad.data.transforms.FlattenSample} and {@link io.clgrad.data.transforms.Lambda} reshape or
 * apply any function, {@link io.clgrad.data.transforms.RandomHorizontalFlip} augments, and
 * {@link io.clgrad.data.transforms.Compose} chains them. All work on CPU tensors.
 *
 * <p>Image transforms for CNNs, as torchvision's on tensors:
 * {@link io.clgrad.data.transforms.CenterCrop}, {@link io.clgrad.data.transforms.Resize} (bilinear),
 * {@link io.clgrad.data.transforms.RandomCrop} (with padding in any {@link io.clgrad.data.transforms.PaddingMode}),
 * {@link io.clgrad.data.transforms.RandomRotation} and {@link io.clgrad.data.transforms.ColorJitter}.
 *
 * <pre>{@code
 * Transform<Image, Tensor> t = Compose.of(new ToTensor(),
 *         new Normalize(new float[] {0.2860f}, new float[] {0.3530f}), new FlattenSample());
 * FashionMnist train = new FashionMnist(FashionMnist.DEFAULT_DIR, true, t);
 * }</pre>
 */
package io.clgrad.data.transforms;
