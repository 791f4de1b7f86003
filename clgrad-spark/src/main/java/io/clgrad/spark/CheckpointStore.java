package io.clgrad.spark;

import io.clgrad.io.Checkpoint;
import io.clgrad.io.Checkpoints;
import io.clgrad.nn.Module;
import io.clgrad.optim.Optimizer;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The training checkpoint of a Spark run in a directory of any Hadoop file system (a local path,
 * {@code file:///...}, {@code hdfs://...}, ...): one clgrad checkpoint file
 * ({@link Checkpoints}: model state dict, optimizer state, and the position of training in its
 * metadata) named {@value #FILE}. A save writes a local temporary file, copies it to
 * {@value #FILE}{@code .tmp} beside the checkpoint and renames it over the checkpoint, so a task that
 * dies while saving leaves the previous checkpoint (or the complete {@code .tmp}) readable.
 */
final class CheckpointStore implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The checkpoint's file name in the directory. */
    static final String FILE = "clgrad-checkpoint.safetensors";

    private final String dir;

    /** @param dir the directory (created when missing) */
    CheckpointStore(String dir) {
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException("checkpoint directory is empty");
        }
        this.dir = dir;
    }

    /** Where training stands in a checkpoint. */
    record Position(long step, int epoch, int stepInEpoch, double[] lossSums) {
    }

    /** Saves the model, the optimizer and the position. */
    void save(Module<?> model, Optimizer opt, Position pos) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("clgrad.spark.step", Long.toString(pos.step()));
        meta.put("clgrad.spark.epoch", Integer.toString(pos.epoch()));
        meta.put("clgrad.spark.step_in_epoch", Integer.toString(pos.stepInEpoch()));
        meta.put("clgrad.spark.loss_sums", Arrays.stream(pos.lossSums()).mapToObj(Double::toString)
                .collect(Collectors.joining(",")));
        java.nio.file.Path local = Files.createTempFile("clgrad-spark-ckpt", ".safetensors");
        try {
            Checkpoints.save(local, new Checkpoint(model.stateDict(), opt.stateDict(), null, meta));
            Path target = new Path(dir, FILE);
            Path tmp = new Path(dir, FILE + ".tmp");
            Path prev = new Path(dir, FILE + ".prev");
            FileSystem fs = target.getFileSystem(new Configuration());
            fs.mkdirs(new Path(dir));
            // a kill at any point leaves a complete checkpoint behind: the new one is copied to .tmp
            // (never read back), the old one is kept as .prev until the new one has its name
            fs.copyFromLocalFile(false, true, new Path(local.toUri()), tmp);
            fs.delete(prev, false);
            if (fs.exists(target) && !fs.rename(target, prev)) {
                throw new IOException("could not rename " + target + " to " + prev);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("could not rename " + tmp + " to " + target);
            }
            fs.delete(prev, false);
        } finally {
            Files.deleteIfExists(local);
        }
    }

    /**
     * Loads the checkpoint into the model and the optimizer when there is one.
     *
     * @return its position, or null when the directory holds no checkpoint
     */
    Position load(Module<?> model, Optimizer opt) throws IOException {
        Path target = new Path(dir, FILE);
        FileSystem fs = target.getFileSystem(new Configuration());
        // the last complete checkpoint: its own name, or .prev when a save was killed between its two
        // renames; a .tmp may be a partial copy and is never read
        Path prev = new Path(dir, FILE + ".prev");
        Path src = fs.exists(target) ? target : fs.exists(prev) ? prev : null;
        if (src == null) {
            return null;
        }
        java.nio.file.Path local = Files.createTempFile("clgrad-spark-ckpt", ".safetensors");
        try {
            fs.copyToLocalFile(false, src, new Path(local.toUri()), true);
            try (Checkpoint ck = Checkpoints.load(local)) {
                model.loadStateDict(ck.model());
                opt.loadStateDict(ck.optimizer());
                Map<String, String> m = ck.metadata();
                String sums = m.get("clgrad.spark.loss_sums");
                return new Position(Long.parseLong(m.get("clgrad.spark.step")), Integer.parseInt(m.get("clgrad.spark.epoch")),
                        Integer.parseInt(m.get("clgrad.spark.step_in_epoch")),
                        sums == null || sums.isEmpty() ? new double[0]
                                : Arrays.stream(sums.split(",")).mapToDouble(Double::parseDouble).toArray());
            }
        } catch (RuntimeException | IOException e) {
            throw new IOException("clgrad-spark: cannot resume from the checkpoint " + src + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(local);
        }
    }

    @Override
    public String toString() {
        return new Path(dir, FILE).toString();
    }
}
