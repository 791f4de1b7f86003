package io.clgrad.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows training progress: on a terminal a live bar per epoch (batches, loss, throughput, ETA,
 * redrawn in place at most 8 times a second); otherwise, or when piped, one plain line per epoch.
 * {@code --quiet} keeps only the final summary.
 */
final class ProgressReporter {
    private static final int BAR = 24;
    private final PrintWriter out;
    private final boolean live;
    private final boolean quiet;
    private final String validLabel;
    private int epochs;
    private int epoch;
    private int batches;
    private long epochStart;
    private long lastDraw;
    private String devices = "";

    ProgressReporter(PrintWriter out, boolean terminal, boolean quiet, String validLabel) {
        this.out = out;
        this.live = terminal && !quiet;
        this.quiet = quiet;
        this.validLabel = validLabel;
    }

    /** Names the devices of a data-parallel run at the end of the bar and of each epoch line ("on cpu+opencl:0"). */
    void showDevices(String ids) {
        this.devices = "  on " + ids;
    }

    void line(String text) {
        if (!quiet) {
            out.println(text);
            out.flush();
        }
    }

    void startEpoch(int epoch, int epochs, int batches) {
        this.epoch = epoch;
        this.epochs = epochs;
        this.batches = batches;
        this.epochStart = System.nanoTime();
        this.lastDraw = 0;
    }

    /** Called after each batch; {@code loss} may be NaN when not read this time. */
    void batch(int done, int samples, double loss) {
        if (!live) {
            return;
        }
        long now = System.nanoTime();
        if (done < batches && now - lastDraw < 125_000_000L) {
            return;
        }
        lastDraw = now;
        double secs = (now - epochStart) / 1e9;
        int filled = (int) ((long) BAR * done / Math.max(1, batches));
        double eta = done == 0 ? 0 : secs / done * (batches - done);
        out.print(String.format(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d  loss %s  %,.0f samples/s  ETA %s%s ",
                epoch, epochs, "#".repeat(filled), ".".repeat(BAR - filled), done, batches,
                Double.isNaN(loss) ? "-" : String.format(Locale.ROOT, "%.4f", loss),
                samples / Math.max(secs, 1e-9), duration(eta), devices));
        out.flush();
    }

    /** Clears a live bar left by an epoch that ended with an exception, so the error starts on a clean line. */
    void abort() {
        if (live && lastDraw != 0) {
            out.print("\r" + " ".repeat(100) + "\r");
            out.flush();
        }
    }

    void endEpoch(EpochMetrics m) {
        if (quiet) {
            return;
        }
        if (live) {
            out.print("\r" + " ".repeat(100) + "\r");
        }
        out.println(String.format(Locale.ROOT,
                "epoch %d/%d  train loss %.4f acc %.4f  %s loss %.4f acc %.4f  %,.0f samples/s  %.2f s%s",
                m.epoch(), epochs, m.trainLoss(), m.trainAccuracy(), validLabel, m.validLoss(), m.validAccuracy(),
                m.samplesPerSecond(), m.seconds(), devices));
        out.flush();
    }

    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.0fs", seconds);
        }
        return String.format(Locale.ROOT, "%dm%02ds", (long) seconds / 60, (long) seconds % 60);
    }
}
