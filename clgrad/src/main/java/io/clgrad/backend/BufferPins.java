package io.clgrad.backend;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Buffers that a replayable recording ({@link LaunchRecording}, {@code io.clgrad.Step}) still
 * writes or reads, counted per recording, and those of them freed meanwhile: an allocator asks
 * {@link #hold} before it takes a buffer back and gives it back itself when {@link #unpin} says so,
 * so memory a recording replays into goes to no one else while the recording lives. Identity is by
 * object; not thread-safe (the allocator's lock guards it).
 *
 * <pre>{@code
 * pins.pin(b);                 // a recording uses b
 * if (!pins.hold(b)) free(b);  // b's owner frees it: held back, not freed
 * if (pins.unpin(b)) free(b);  // the recording closes: now it is freed
 * }</pre>
 *
 * @param <B> the allocator's buffer type
 */
public final class BufferPins<B> {
    private final Map<B, Integer> pins = new IdentityHashMap<>();
    private final Set<B> held = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Creates an empty set of pins. */
    public BufferPins() {
    }

    /**
     * Adds one pin on {@code b}.
     *
     * @param b a buffer a recording uses
     */
    public void pin(B b) {
        pins.merge(b, 1, Integer::sum);
    }

    /**
     * Removes one pin from {@code b}.
     *
     * @param b a buffer pinned before
     * @return true when that was the last pin of a buffer freed meanwhile: the caller frees it now
     */
    public boolean unpin(B b) {
        Integer n = pins.get(b);
        if (n == null) {
            return false;
        }
        if (n > 1) {
            pins.put(b, n - 1);
            return false;
        }
        pins.remove(b);
        return held.remove(b);
    }

    /**
     * Called when {@code b} is freed: holds it back when it is pinned.
     *
     * @param b the buffer being freed
     * @return true when it is pinned and now held (the caller must not free it), false to free it as usual
     */
    public boolean hold(B b) {
        if (pins.containsKey(b)) {
            held.add(b);
            return true;
        }
        return false;
    }
}
