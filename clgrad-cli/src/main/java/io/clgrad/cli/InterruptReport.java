package io.clgrad.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What {@code clgrad train} leaves when it is interrupted (Ctrl-C, SIGTERM): a JVM shutdown hook,
 * registered while the epochs run, prints one line on stderr saying in which epoch the run stopped
 * and which epoch the saved model holds ({@code clgrad train: interrupted in epoch 3 of 10; the
 * model file m.safetensors holds epoch 2; ...}), and writes {@code --metrics-json} and
 * {@code --plot} for the finished epochs, so that their numbers are not lost.
 *
 * <p>The JVM runs shutdown hooks while the training thread still runs, so saves and the final
 * writes of a normal finish hold a lock that the hook takes too: the hook never reports an epoch
 * as saved that a save still in progress could change, no save starts after it, and a file the run
 * is writing is complete before the hook looks at it. The hook waits at most {@link #WAIT_SECONDS}
 * for that (a write into a pipe nobody reads could block forever); it then only prints its line.
 * After a normal finish or a failure, {@link #close()} removes the hook.
 */
final class InterruptReport implements AutoCloseable {
    /** How long the hook waits for a save or write in progress. */
    static final long WAIT_SECONDS = 30;

    /** Writes the metrics files for a list of finished epochs. */
    interface MetricsWriter {
        /** Writes --metrics-json and --plot for {@code epochs}. */
        void write(List<EpochMetrics> epochs) throws IOException;
    }

    /** An action that may fail with an I/O error, run under the lock. */
    interface IoAction<T> {
        /** Runs the action. */
        T run() throws IOException;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final PrintWriter err;
    private final boolean console;
    private final int lastEpoch;
    private final List<String> savedFiles;
    private final List<java.nio.file.Path> metricFiles;
    private final MetricsWriter writer;
    private final List<EpochMetrics> finished = new ArrayList<>();
    private final Thread hook = new Thread(this::interrupted, "clgrad-train-interrupted");
    private volatile int running;
    /** Set first thing by the hook: a save failing from then on is the shutdown's doing, not the user's. */
    private volatile boolean shuttingDown;
    private int saved;
    private boolean interrupted;
    private boolean over;

    /**
     * Registers the shutdown hook.
     *
     * @param err         where the line goes (the command's stderr)
     * @param console     whether stdout is a terminal (a progress bar may be half drawn: the line starts on a new one)
     * @param firstEpoch  the run's first epoch (after the resumed one)
     * @param lastEpoch   the run's last epoch
     * @param savedEpoch  the epoch the saved files hold already (a checkpoint resumed in place), else 0
     * @param savedFiles  what the saves write, e.g. "the model file m.safetensors" (empty when nothing is saved)
     * @param metricFiles the metrics files (--metrics-json, --plot) asked for
     * @param writer      writes the metrics files
     */
    InterruptReport(PrintWriter err, boolean console, int firstEpoch, int lastEpoch, int savedEpoch,
                    List<String> savedFiles, List<java.nio.file.Path> metricFiles, MetricsWriter writer) {
        this.err = err;
        this.console = console;
        this.running = firstEpoch;
        this.lastEpoch = lastEpoch;
        this.saved = savedEpoch;
        this.savedFiles = List.copyOf(savedFiles);
        this.metricFiles = List.copyOf(metricFiles);
        this.writer = writer;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Epoch {@code epoch} starts. */
    void epochStarted(int epoch) {
        running = epoch;
    }

    /** Epoch {@code m.epoch()} finished training and evaluation. */
    void epochFinished(EpochMetrics m) {
        lock.lock();
        try {
            finished.add(m);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the save of epoch {@code epoch} under the lock, unless the run was interrupted.
     *
     * @param save saves and returns null, or returns why it did not save
     * @return what {@code save} returned, or null when skipped or cut short because the JVM is
     *         shutting down (the previous file is then kept, and the hook reports it)
     */
    String save(int epoch, IoAction<String> save) throws IOException {
        lock.lock();
        try {
            if (interrupted) {
                return null;
            }
            String notSaved;
            try {
                notSaved = save.run();
            } catch (IOException | RuntimeException e) {
                // the exit hook of io's temporary files removed the save's file (or refused a new one):
                // not an error of the run's own; the hook's line says which epoch the files hold
                if (shuttingDown || jvmShuttingDown()) {
                    return null;
                }
                throw e;
            }
            if (notSaved == null) {
                saved = epoch;
            }
            return notSaved;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs the final writes of a finished run under the lock, unless the run was interrupted (then
     * the hook has written the metrics files), and removes the hook.
     *
     * @return false when the run was interrupted and nothing was done
     */
    boolean finish(IoAction<Void> writes) throws IOException {
        lock.lock();
        try {
            if (interrupted) {
                return false;
            }
            over = true;
            writes.run();
        } finally {
            lock.unlock();
        }
        close();
        return true;
    }

    /**
     * Removes the hook (after a normal finish or a failure). When the JVM is shutting down already
     * the hook stays and reports: a failure then is most likely the shutdown's doing (a save whose
     * temporary file the exit hook removed), and the interruption must not go unreported.
     */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs and says where the run stopped
        }
    }

    /** Whether the JVM has begun its shutdown (it then refuses new hooks). */
    private static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** Runs what the hook runs, on this thread (tests). */
    void runHook() {
        interrupted();
    }

    /** The hook: the line, and the metrics files of the finished epochs. */
    private void interrupted() {
        shuttingDown = true;
        boolean locked;
        try {
            locked = lock.tryLock(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            locked = false;
        }
        try {
            if (locked && over) {
                return;
            }
            StringBuilder line = new StringBuilder("clgrad train: interrupted in epoch " + running + " of " + lastEpoch);
            if (!locked) {
                line.append("; a save or write was still running after ").append(WAIT_SECONDS)
                        .append(" s, so what the files hold is not known");
            } else {
                interrupted = true;
                line.append(saved == 0 || savedFiles.isEmpty() ? "; nothing was saved"
                        : "; " + and(savedFiles) + (savedFiles.size() > 1 ? " hold" : " holds") + " epoch " + saved);
                if (!metricFiles.isEmpty()) {
                    line.append(metrics());
                }
            }
            err.print(console ? "\n" + line + "\n" : line + "\n");
            err.flush();
        } finally {
            if (locked) {
                lock.unlock();
            }
        }
    }

    /** Writes the metrics files for the finished epochs; says what was written. */
    private String metrics() {
        String files = and(metricFiles.stream().map(Object::toString).toList());
        if (finished.isEmpty()) {
            return "; no epoch finished, so " + files + (metricFiles.size() > 1 ? " are" : " is") + " not written";
        }
        int first = finished.get(0).epoch();
        int last = finished.get(finished.size() - 1).epoch();
        try {
            writer.write(List.copyOf(finished));
        } catch (IOException | RuntimeException e) {
            return "; the metrics could not be written: " + e.getMessage();
        }
        return "; the metrics of " + (first == last ? "epoch " + first : "epochs " + first + "-" + last)
                + " are written to " + files;
    }

    /** "a", "a and b". */
    private static String and(List<String> items) {
        return String.join(" and ", items);
    }
}
