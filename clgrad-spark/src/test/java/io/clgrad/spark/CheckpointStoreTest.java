package io.clgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.nn.BatchNorm1d;
import io.clgrad.nn.Linear;
import io.clgrad.optim.Adam;
import io.clgrad.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CheckpointStore} after a save killed at each point, and {@link HostState} with a 0-dim buffer. */
class CheckpointStoreTest {
    private static CheckpointStore.Position at(long step) {
        return new CheckpointStore.Position(step, 0, (int) step, new double[] {step});
    }

    /** A checkpoint of a fresh Linear(64, 32) at step 5 in {@code dir}; returns the file's bytes. */
    private static byte[] saveOne(CheckpointStore store, Path dir) throws IOException {
        Linear m = new Linear(64, 32);
        store.save(m, new Adam(m.parameters(), 1e-3), at(5));
        return Files.readAllBytes(dir.resolve(CheckpointStore.FILE));
    }

    /** Drops the local file system's checksum of the checkpoint, which the tests' edits would contradict. */
    private static void dropChecksum(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve("." + CheckpointStore.FILE + ".crc"));
    }

    /** Loads {@code store} into a fresh Linear(64, 32). */
    private static CheckpointStore.Position loadFresh(CheckpointStore store) throws IOException {
        Linear fresh = new Linear(64, 32);
        return store.load(fresh, new Adam(fresh.parameters(), 1e-3));
    }

    @Test
    void aPartialCopyFromAKilledFirstSaveIsNotACheckpoint(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir.toString());
        byte[] all = saveOne(store, dir);
        Files.delete(dir.resolve(CheckpointStore.FILE));
        dropChecksum(dir);
        Files.write(dir.resolve(CheckpointStore.FILE + ".tmp"), Arrays.copyOf(all, all.length / 2));
        assertNull(loadFresh(store), "a .tmp is never read: training starts over");
    }

    @Test
    void aSaveKilledBetweenItsRenamesLeavesThePreviousCheckpoint(@TempDir Path dir) throws IOException {
        Linear m = new Linear(8, 4);
        Optimizer opt = new Adam(m.parameters(), 1e-3);
        CheckpointStore store = new CheckpointStore(dir.toString());
        store.save(m, opt, at(100));
        float[] saved = m.weight().toFloatArray();
        // the state of a second save killed after moving the old file aside, before the new one got its name
        Files.move(dir.resolve(CheckpointStore.FILE), dir.resolve(CheckpointStore.FILE + ".prev"));
        dropChecksum(dir);
        Files.write(dir.resolve(CheckpointStore.FILE + ".tmp"), new byte[] {1, 2, 3});
        Linear fresh = new Linear(8, 4);
        CheckpointStore.Position p = store.load(fresh, new Adam(fresh.parameters(), 1e-3));
        assertEquals(100, p.step());
        assertArrayEquals(saved, fresh.weight().toFloatArray());
        // and the next save completes and cleans up
        store.save(m, opt, at(200));
        assertEquals(200, store.load(fresh, new Adam(fresh.parameters(), 1e-3)).step());
        assertTrue(Files.notExists(dir.resolve(CheckpointStore.FILE + ".prev")));
    }

    @Test
    void aCorruptCheckpointIsReportedWithItsPath(@TempDir Path dir) throws IOException {
        CheckpointStore store = new CheckpointStore(dir.toString());
        byte[] all = saveOne(store, dir);
        Files.write(dir.resolve(CheckpointStore.FILE), Arrays.copyOf(all, all.length / 2));
        dropChecksum(dir);
        IOException e = assertThrows(IOException.class, () -> loadFresh(store));
        assertTrue(e.getMessage().contains("cannot resume from the checkpoint") && e.getMessage().contains(CheckpointStore.FILE),
                e.getMessage());
    }

    @Test
    void aStateWithA0DimBufferLoadsBack() {
        BatchNorm1d bn = new BatchNorm1d(8);
        bn.train();
        bn.forward(io.clgrad.Tensor.randn(4, 8));
        BatchNorm1d copy = new BatchNorm1d(8);
        HostState.of(bn).loadInto(copy);
        assertEquals(0, copy.stateDict().get("num_batches_tracked").dim());
        assertEquals(1L, (long) copy.stateDict().get("num_batches_tracked").item());
        assertArrayEquals(bn.stateDict().get("running_mean").toFloatArray(), copy.stateDict().get("running_mean").toFloatArray());
    }
}
