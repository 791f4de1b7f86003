package io.clgrad.cli;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes the training curves (loss and accuracy per epoch) as one PNG with two charts side by side. */
final class CurvePlot {
    private CurvePlot() {
    }

    /** Image extensions that promise another format than the PNG {@link #write} writes. */
    private static final java.util.Set<String> OTHER_IMAGE_TYPES = java.util.Set.of("svg", "svgz", "jpg", "jpeg",
            "jpe", "jfif", "pdf", "gif", "bmp", "tif", "tiff", "webp", "eps", "ps", "ico", "heic", "heif", "avif");

    /**
     * Refuses a file name whose extension names another image format (curves.svg, curves.jpg):
     * the file would hold a PNG. Names without an extension or with another one (a pipe, /dev/stdout,
     * curves.out) are accepted.
     *
     * @throws IllegalArgumentException naming the option, the path and the extension
     */
    static void checkName(String option, Path path) {
        Path file = path.getFileName();
        String name = file == null ? "" : file.toString();
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot + 1) : "";
        if (OTHER_IMAGE_TYPES.contains(ext.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException(option + " " + path + ": clgrad writes the curves as a PNG image;"
                    + " give a name ending in .png, not ." + ext);
        }
    }

    /**
     * @param path       the PNG to write (parent directories are created); the image is built in memory
     *                   first; a failed write names {@code path}
     * @param history    one entry per epoch
     * @param validLabel what the held-out set is called ("validation" or "test")
     */
    static void write(Path path, List<EpochMetrics> history, String validLabel) throws IOException {
        double[] epochs = new double[history.size()];
        double[] trainLoss = new double[epochs.length];
        double[] validLoss = new double[epochs.length];
        double[] trainAcc = new double[epochs.length];
        double[] validAcc = new double[epochs.length];
        for (int i = 0; i < epochs.length; i++) {
            EpochMetrics m = history.get(i);
            epochs[i] = m.epoch();
            trainLoss[i] = gap(m.trainLoss());
            validLoss[i] = gap(m.validLoss());
            trainAcc[i] = gap(m.trainAccuracy());
            validAcc[i] = gap(m.validAccuracy());
        }
        XYChart loss = chart("Loss", "loss");
        series(loss, "train", epochs, trainLoss);
        series(loss, validLabel, epochs, validLoss);
        XYChart acc = chart("Accuracy", "accuracy");
        series(acc, "train", epochs, trainAcc);
        series(acc, validLabel, epochs, validAcc);
        java.awt.image.BufferedImage left = BitmapEncoder.getBufferedImage(loss);
        java.awt.image.BufferedImage right = BitmapEncoder.getBufferedImage(acc);
        java.awt.image.BufferedImage both = new java.awt.image.BufferedImage(left.getWidth() + right.getWidth(),
                Math.max(left.getHeight(), right.getHeight()), java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = both.createGraphics();
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        // a memory cache, not ImageIO's default file cache: that one registers a JVM shutdown hook, which
        // fails ("Shutdown in progress") when an interrupted train writes its plot from its own hook
        try (MemoryCacheImageOutputStream image = new MemoryCacheImageOutputStream(png)) {
            if (!javax.imageio.ImageIO.write(both, "png", image)) {
                throw new IOException(path + ": no PNG writer available");
            }
        }
        OutputPaths.write(path, png.toByteArray());
    }

    /** XChart refuses infinities; a NaN is a gap in the curve (a diverged run with --allow-non-finite). */
    private static double gap(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }

    private static XYChart chart(String title, String yLabel) {
        XYChart c = new XYChartBuilder().width(640).height(420).title(title).xAxisTitle("epoch").yAxisTitle(yLabel).build();
        // below the plot area, never over the curves (inside, it hid the points in its corner)
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setYAxisDecimalPattern("0.0###");   // not 0.515328824520111 when the axis spans one value
        return c;
    }

    private static void series(XYChart c, String name, double[] x, double[] y) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(x.length > 30 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    }
}
