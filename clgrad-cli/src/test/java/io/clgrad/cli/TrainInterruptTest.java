package io.clgrad.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.ChildJvm;
import io.clgrad.io.Safetensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C or SIGTERM during {@code clgrad train} printed nothing and never wrote
 * {@code --metrics-json}/{@code --plot}: every per-epoch number was lost. Now a shutdown hook says
 * where the run stopped and what the saved file holds, and writes both files for the finished epochs.
 */
class TrainInterruptTest {
    @Test
    void sigtermWritesTheFinishedEpochsAndSaysWhatWasSaved(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("m.json");
        Path png = dir.resolve("c.png");
        Path ck = dir.resolve("c.ckpt");
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of("--add-modules", "jdk.incubator.vector"),
                Main.class, "train", "--device", "cpu", "--samples", "2000", "--epochs", "1000000",
                "--metrics-json", json.toString(), "--plot", png.toString(), "--checkpoint", ck.toString()));
        // SIGTERM once two epochs have finished (the second line proves the first was saved and printed)
        String out = ChildJvm.terminateWhen(pb, o -> o.contains("epoch 2/"), Duration.ofSeconds(300), Duration.ZERO,
                Duration.ofSeconds(120));
        Matcher m = Pattern.compile("clgrad train: interrupted in epoch (\\d+) of 1000000; the checkpoint " + Pattern.quote(
                ck.toString()) + " holds epoch (\\d+); the metrics of epochs 1-(\\d+) are written to "
                + Pattern.quote(json + " and " + png) + "\n").matcher(out);
        assertTrue(m.find(), out);
        int interrupted = Integer.parseInt(m.group(1));
        int saved = Integer.parseInt(m.group(2));
        int finished = Integer.parseInt(m.group(3));
        assertTrue(saved >= 1 && saved <= finished && finished <= interrupted && interrupted <= finished + 1, out);
        // the checkpoint on disk holds the epoch the line names
        Map<String, String> meta = Safetensors.readMetadata(ck);
        assertEquals(Integer.toString(saved), meta.get(MetadataKey.EPOCH.key()), out);
        // the JSON is complete and lists epochs 1..finished, each as the progress line printed it
        Object root = StrictJson.parse(Files.readString(json));
        List<?> epochs = (List<?>) ((Map<?, ?>) root).get("epochs");
        assertEquals(finished, epochs.size(), Files.readString(json));
        for (int i = 0; i < finished; i++) {
            Map<?, ?> e = (Map<?, ?>) epochs.get(i);
            assertEquals(i + 1, ((Number) e.get("epoch")).intValue());
            double loss = ((Number) e.get("train_loss")).doubleValue();
            assertTrue(out.contains(String.format(java.util.Locale.ROOT, "epoch %d/1000000  train loss %.4f", i + 1,
                    loss)), "epoch " + (i + 1) + " loss " + loss + " not in the output:\n" + out);
        }
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 8);
        assertEquals("\u0089PNG", new String(head, 0, 4, StandardCharsets.ISO_8859_1));
    }

    /** A run interrupted before its first epoch ends writes no metrics and says nothing was saved. */
    @Test
    void sigtermBeforeTheFirstEpochSaysNothingWasSaved(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("m.json");
        // one epoch over 10^7 samples in batches of 1 takes hours
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(List.of("--add-modules", "jdk.incubator.vector"),
                Main.class, "train", "--device", "cpu", "--samples", "10000000", "--batch-size", "1", "--epochs", "1",
                "--metrics-json", json.toString(), "--save", dir.resolve("m.safetensors").toString()));
        // the settings line: training starts now
        String out = ChildJvm.terminateWhen(pb, o -> o.contains("epoch(s)"), Duration.ofSeconds(300),
                Duration.ofMillis(500), Duration.ofSeconds(120));
        assertTrue(out.contains("clgrad train: interrupted in epoch 1 of 1; nothing was saved; no epoch finished,"
                + " so " + json + " is not written\n"), out);
        assertTrue(!Files.exists(json), "metrics written with no finished epoch");
    }
}
