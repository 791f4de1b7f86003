package io.clgrad.data;

import io.clgrad.Device;
import io.clgrad.Tensor;
import java.util.List;

/**
 * A data set of 8-bit images with class labels, as torchvision's {@code VisionDataset}s: what
 * {@link ImageFolder} and {@link Cifar10} share. {@code get(i)} returns
 * {@code {transform(image), targetTransform(label)}}: by default the image as float32
 * {@code [C, H, W]} in {@code [0, 1]} ({@link Image#toTensor()}) and the label as an int32 scalar.
 *
 * <pre>{@code
 * ImageFolder d = new ImageFolder(root, ImageFolder.Mode.RGB, t, y -> Tensor.of(new int[] {y % 2}));
 * Tensor[] s = d.get(0);   // {t(image), label % 2}
 * }</pre>
 */
public abstract class LabelledImages implements Dataset<Tensor[]> {
    private final Transform<Image, Tensor> transform;
    private final Transform<Integer, Tensor> targetTransform;

    /**
     * A data set applying the given transforms.
     *
     * @param transform       applied to each image; null for {@link Image#toTensor()}
     * @param targetTransform applied to each label, as torchvision's {@code target_transform}; null
     *                        for an int32 scalar tensor holding the label
     */
    protected LabelledImages(Transform<Image, Tensor> transform, Transform<Integer, Tensor> targetTransform) {
        this.transform = transform;
        this.targetTransform = targetTransform;
    }

    /**
     * The raw image {@code index}, before any transform.
     *
     * @param index {@code 0 <= index < size()}
     * @return the decoded image
     */
    public abstract Image image(int index);

    /**
     * The class of sample {@code index}.
     *
     * @param index {@code 0 <= index < size()}
     * @return the class index, {@code 0 <= label < classes().size()}
     */
    public abstract int label(int index);

    /**
     * The class names, index = label.
     *
     * @return an unmodifiable list
     */
    public abstract List<String> classes();

    /**
     * Sample {@code index}.
     *
     * @param index {@code 0 <= index < size()}
     * @return {@code {transform(image), targetTransform(label)}}
     * @throws IndexOutOfBoundsException when {@code index} is out of range
     */
    @Override
    public Tensor[] get(int index) {
        java.util.Objects.checkIndex(index, size());
        Image img = image(index);
        int y = label(index);
        Tensor x = transform == null ? img.toTensor() : transform.apply(img);
        Tensor t = targetTransform == null ? HostTensors.make(Device.cpu(), new int[] {y}, new int[0])
                : targetTransform.apply(y);
        return new Tensor[] {x, t};
    }
}
