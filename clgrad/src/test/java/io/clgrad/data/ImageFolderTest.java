package io.clgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Tensor;
import io.clgrad.data.transforms.CenterCrop;
import io.clgrad.data.transforms.Compose;
import io.clgrad.data.transforms.ToTensor;
import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageFolder on PNG and JPEG files the test writes: class order and labels, torchvision's file
 * order and extension rule, exact PNG pixels in RGB and grey (PIL's conversions), JPEG within +-1,
 * transforms and target transforms, and the errors (no class, an empty class, an undecodable file).
 */
class ImageFolderTest {
    @TempDir
    Path root;

    /** A w x h RGB image with pixel (x, y) = (seed + 40x, 30y, 200 - seed). */
    private static BufferedImage rgb(int w, int h, int seed) {
        BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                bi.setRGB(x, y, ((seed + 40 * x) & 0xFF) << 16 | ((30 * y) & 0xFF) << 8 | ((200 - seed) & 0xFF));
            }
        }
        return bi;
    }

    private Path png(BufferedImage bi, String rel) throws IOException {
        Path f = root.resolve(rel);
        Files.createDirectories(f.getParent());
        assertTrue(ImageIO.write(bi, "png", f.toFile()));
        return f;
    }

    @Test
    void classesFilesAndPixelsAsTorchvision() throws IOException {
        png(rgb(3, 2, 10), "dog/b.png");
        png(rgb(3, 2, 20), "dog/A.PNG");
        png(rgb(3, 2, 30), "dog/sub/a.png");      // walked recursively
        png(rgb(3, 2, 40), "cat/z.png");
        Files.writeString(root.resolve("dog/notes.txt"), "not an image");   // skipped by extension
        Files.writeString(root.resolve("README"), "a file in root is no class");
        ImageFolder d = new ImageFolder(root);
        assertEquals(List.of("cat", "dog"), d.classes());
        assertEquals(4, d.size());
        // cat/z, then dog's own files sorted (A.PNG before b.png: 'A' < 'b'), then dog/sub
        assertEquals(List.of("cat/z.png", "dog/A.PNG", "dog/b.png", "dog/sub/a.png"),
                List.of(rel(d.file(0)), rel(d.file(1)), rel(d.file(2)), rel(d.file(3))));
        assertArrayEquals(new int[] {0, 1, 1, 1}, new int[] {d.label(0), d.label(1), d.label(2), d.label(3)});
        Image img = d.image(2);   // dog/b.png, seed 10
        assertEquals(3, img.channels());
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                assertEquals(10 + 40 * x, img.pixel(y, x, 0));
                assertEquals(30 * y, img.pixel(y, x, 1));
                assertEquals(190, img.pixel(y, x, 2));
            }
        }
        Tensor[] s = d.get(2);
        assertArrayEquals(new int[] {3, 2, 3}, s[0].shape());
        assertEquals(50 / 255f, s[0].toFloatArray()[1], 1e-7f);
        assertEquals(1, s[1].toIntArray()[0]);
        assertEquals(0, s[1].shape().length);
    }

    private String rel(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    @Test
    void greyModeUsesPilLumaAndGreyFilesAreExact() throws IOException {
        png(rgb(2, 2, 100), "a/rgb.png");
        BufferedImage g = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 17, 128, 255});
        png(g, "b/grey.png");
        ImageFolder grey = new ImageFolder(root, ImageFolder.Mode.GREY, null, null);
        Image a = grey.image(0);
        assertEquals(1, a.channels());
        // PIL convert("L"): (19595 R + 38470 G + 7471 B + 32768) >> 16, here R=100+40x, G=30y, B=100
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                int want = ((100 + 40 * x) * 19595 + 30 * y * 38470 + 100 * 7471 + 0x8000) >> 16;
                assertEquals(want, a.pixel(y, x, 0), "x=" + x + " y=" + y);
            }
        }
        Image b = grey.image(1);
        assertArrayEquals(new int[] {0, 17, 128, 255}, new int[] {b.pixel(0, 0, 0), b.pixel(0, 1, 0), b.pixel(0, 2, 0),
            b.pixel(0, 3, 0)}, "grey PNG values must not be gamma-converted");
        Image b3 = new ImageFolder(root).image(1);   // grey file read as RGB repeats the value
        assertEquals(3, b3.channels());
        assertArrayEquals(new int[] {17, 17, 17}, new int[] {b3.pixel(0, 1, 0), b3.pixel(0, 1, 1), b3.pixel(0, 1, 2)});
    }

    @Test
    void jpegWithinOneOfTheWrittenPixels() throws IOException {
        BufferedImage g = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        int[] v = new int[256];
        for (int i = 0; i < 256; i++) {
            v[i] = 100 + (i % 16) + (i / 16);   // a gentle ramp
        }
        g.getRaster().setSamples(0, 0, 16, 16, 0, v);
        Path f = root.resolve("c/ramp.jpg");
        Files.createDirectories(f.getParent());
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(1f);
        try (var out = ImageIO.createImageOutputStream(f.toFile())) {
            w.setOutput(out);
            w.write(null, new IIOImage(g, null, null), p);
        } finally {
            w.dispose();
        }
        Image img = new ImageFolder(root, ImageFolder.Mode.GREY, null, null).image(0);
        for (int i = 0; i < 256; i++) {
            int got = img.pixel(i / 16, i % 16, 0);
            assertTrue(Math.abs(got - v[i]) <= 1, "pixel " + i + ": got " + got + ", wrote " + v[i]);
        }
    }

    @Test
    void transformsAndTargetTransforms() throws IOException {
        png(rgb(5, 5, 0), "x/1.png");
        png(rgb(5, 5, 0), "y/1.png");
        ImageFolder d = new ImageFolder(root, ImageFolder.Mode.RGB, Compose.of(new ToTensor(), new CenterCrop(3)),
                y -> Tensor.of(new float[] {y == 1 ? 0f : 1f, y == 1 ? 1f : 0f}, 2));
        Tensor[] s = d.get(1);
        assertArrayEquals(new int[] {3, 3, 3}, s[0].shape());
        assertArrayEquals(new float[] {0f, 1f}, s[1].toFloatArray());
        assertEquals(40 / 255f, s[0].toFloatArray()[0], 1e-7f);   // the crop starts at column 1: R = 40
    }

    @Test
    void errorsNameTheProblem() throws IOException {
        FileNotFoundException none = assertThrows(FileNotFoundException.class, () -> new ImageFolder(root));
        assertTrue(none.getMessage().contains("couldn't find any class folder"), none.getMessage());
        png(rgb(2, 2, 0), "full/a.png");
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(root.resolve("empty/a.txt"), "x");
        FileNotFoundException empty = assertThrows(FileNotFoundException.class, () -> new ImageFolder(root));
        assertTrue(empty.getMessage().contains("found no valid file for the classes empty"), empty.getMessage());
        Files.delete(root.resolve("empty/a.txt"));
        Files.delete(root.resolve("empty"));
        Path bad = root.resolve("full/b.jpg");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        ImageFolder d = new ImageFolder(root);
        assertEquals(2, d.size());
        d.get(0);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> d.get(1));
        assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
        assertTrue(ImageFolder.isImageFile("X.JpEg") && !ImageFolder.isImageFile("x.png.txt"));
    }
}
