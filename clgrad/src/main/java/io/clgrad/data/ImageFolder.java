package io.clgrad.data;

import io.clgrad.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Images in one folder per class, as torchvision's {@code ImageFolder}: {@code root/cat/1.png},
 * {@code root/dog/x/2.jpg}, ... The classes are the sub-directories of {@code root}, sorted by name
 * (by Unicode code point, as Python's {@code sorted}); label {@code i} is the {@code i}-th class.
 * Each class folder is walked recursively (following links; directories and then file names in
 * sorted order, as torchvision's {@code make_dataset}); a file is a sample when its name ends, in any
 * case, with one of {@link #IMG_EXTENSIONS}, and other files are skipped. Images are decoded when
 * read, through {@code javax.imageio} (PNG, JPEG, BMP, GIF, TIFF), and converted to RGB (torchvision's
 * default loader) or grey as PIL's {@code convert}.
 *
 * <p>Like torchvision, every sub-directory of {@code root} is a class, hidden ones included; a class
 * folder without any image file is an error. Files with a listed extension that the JDK cannot decode
 * ({@code .webp}, {@code .ppm}, {@code .pgm}; torchvision reads them through PIL) fail when read.
 *
 * <p>Shapes: {@code get(i)} is {@code {transform(image), targetTransform(label)}}; by default
 * float32 {@code [3, H, W]} (or {@code [1, H, W]} in {@link Mode#GREY}) in {@code [0, 1]} and an
 * int32 scalar label.
 *
 * <pre>{@code
 * ImageFolder train = new ImageFolder(Path.of("data/train"), ImageFolder.Mode.RGB,
 *         Compose.of(new ToTensor(), new Resize(32, 32), new RandomCrop(32, 4, 42)), null);
 * train.classes();      // [cat, dog]
 * Tensor[] s = train.get(0);
 * }</pre>
 */
public final class ImageFolder extends LabelledImages {
    /** The extensions torchvision's {@code IMG_EXTENSIONS} lists (compared case-insensitively). */
    public static final List<String> IMG_EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif",
            ".tiff", ".webp");

    /** The colour mode images are converted to. */
    public enum Mode {
        /** 3 channels, PIL's {@code convert("RGB")} (torchvision's default loader). */
        RGB,
        /** 1 channel, PIL's {@code convert("L")}. */
        GREY
    }

    private final Path root;
    private final Mode mode;
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;

    /**
     * Finds the classes and image files under {@code root}.
     *
     * @param root            the folder holding one sub-folder per class
     * @param mode            the colour mode images are converted to
     * @param transform       applied to each image; null for {@link Image#toTensor()}
     * @param targetTransform applied to each label; null for an int32 scalar tensor
     * @throws IOException when {@code root} is not a directory, has no class folder, or a class folder
     *                     has no image file (the message names the classes), or a folder cannot be listed
     */
    public ImageFolder(Path root, Mode mode, Transform<Image, Tensor> transform,
            Transform<Integer, Tensor> targetTransform) throws IOException {
        super(transform, targetTransform);
        this.root = root;
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        if (!Files.isDirectory(root)) {
            throw new FileNotFoundException("ImageFolder: " + root + " is not a directory");
        }
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(Files::isDirectory).forEach(p -> names.add(p.getFileName().toString()));
        }
        names.sort(CODE_POINTS);
        if (names.isEmpty()) {
            throw new FileNotFoundException("ImageFolder: couldn't find any class folder in " + root);
        }
        this.classes = Collections.unmodifiableList(names);
        List<Path> found = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        TreeSet<String> empty = new TreeSet<>(CODE_POINTS);
        for (int k = 0; k < names.size(); k++) {
            int before = found.size();
            for (Path dir : sortedDirs(root.resolve(names.get(k)))) {
                for (Path f : sortedFiles(dir)) {
                    if (isImageFile(f.getFileName().toString())) {
                        found.add(f);
                        ys.add(k);
                    }
                }
            }
            if (found.size() == before) {
                empty.add(names.get(k));
            }
        }
        if (!empty.isEmpty()) {
            throw new FileNotFoundException("ImageFolder: found no valid file for the classes " + String.join(", ", empty)
                    + " in " + root + ". Supported extensions are: " + String.join(", ", IMG_EXTENSIONS));
        }
        this.files = List.copyOf(found);
        this.labels = ys.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * All images of {@code root} as RGB, without transforms.
     *
     * @param root the folder holding one sub-folder per class
     * @throws IOException as {@link #ImageFolder(Path, Mode, Transform, Transform)}
     */
    public ImageFolder(Path root) throws IOException {
        this(root, Mode.RGB, null, null);
    }

    /**
     * Whether a file name has one of {@link #IMG_EXTENSIONS}, in any case (torchvision's
     * {@code has_file_allowed_extension}).
     *
     * @param name a file name
     * @return true when the file is taken as an image
     */
    public static boolean isImageFile(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return IMG_EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    /** Python's string order (code points), not Java's (UTF-16 units). */
    private static final Comparator<String> CODE_POINTS = (a, b) -> {
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        return java.util.Arrays.compare(x, y);
    };

    /** {@code dir} and every directory below it (following links), sorted by path as {@code sorted(os.walk(dir))}. */
    private static List<Path> sortedDirs(Path dir) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            s.filter(Files::isDirectory).forEach(dirs::add);
        }
        dirs.sort(Comparator.comparing(Path::toString, CODE_POINTS));
        return dirs;
    }

    /** The non-directory entries of {@code dir}, sorted by name. */
    private static List<Path> sortedFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> !Files.isDirectory(p)).forEach(out::add);
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString(), CODE_POINTS));
        return out;
    }

    @Override
    public int size() {
        return files.size();
    }

    /**
     * Decodes image {@code index}.
     *
     * @param index {@code 0 <= index < size()}
     * @return the image, 3 channels in {@link Mode#RGB}, 1 in {@link Mode#GREY}
     * @throws UncheckedIOException when the file cannot be read or decoded (the message names it)
     */
    @Override
    public Image image(int index) {
        Path f = files.get(java.util.Objects.checkIndex(index, size()));
        try {
            return ImageFiles.read(f, mode == Mode.RGB ? 3 : 1);
        } catch (IOException e) {
            throw new UncheckedIOException("ImageFolder: " + e.getMessage(), e);
        }
    }

    @Override
    public int label(int index) {
        return labels[java.util.Objects.checkIndex(index, size())];
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    /**
     * The file of sample {@code index}.
     *
     * @param index {@code 0 <= index < size()}
     * @return its path
     */
    public Path file(int index) {
        return files.get(java.util.Objects.checkIndex(index, size()));
    }

    @Override
    public String toString() {
        return "Dataset ImageFolder\n    Number of datapoints: " + size() + "\n    Root location: " + root;
    }
}
