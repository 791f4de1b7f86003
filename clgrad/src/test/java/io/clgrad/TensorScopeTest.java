package io.clgrad;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link TensorScope}: closes what was made in it except what was kept or released; a kept tensor
 * moves to the enclosing scope; keeping on another thread is refused (the tensor would otherwise be
 * closed under its user); a scope that releases tensors for a long time keeps a bounded list.
 */
class TensorScopeTest {
    private static final Device CPU = Device.cpu();

    @Test
    void closesWhatItMadeExceptWhatWasKeptOrReleased() {
        Tensor made;
        Tensor kept;
        Tensor released;
        Tensor movedOut;
        try (TensorScope outer = Tensors.scope()) {
            try (TensorScope inner = Tensors.scope()) {
                made = Tensor.zeros(CPU, 2);
                kept = inner.keep(Tensor.zeros(CPU, 2));
                released = Tensors.keep(Tensor.zeros(CPU, 2));
                movedOut = inner.keep(Tensor.zeros(CPU, 2));
            }
            assertTrue(made.isClosed(), "made in the inner scope");
            assertFalse(kept.isClosed(), "kept: now the outer scope's");
            assertFalse(released.isClosed());
            outer.keep(movedOut);
        }
        assertTrue(kept.isClosed(), "the outer scope closed what the inner one handed it");
        assertFalse(released.isClosed());
        assertFalse(movedOut.isClosed(), "kept by the outermost scope: nobody's");
        released.close();
        movedOut.close();
    }

    @Test
    void keepingOnAnotherThreadIsRefused() throws Exception {
        Tensor t;
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (TensorScope s = Tensors.scope()) {
            t = Tensor.zeros(CPU, 3);
            Thread other = new Thread(() -> {
                try {
                    s.keep(t);
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            other.start();
            other.join();
            assertTrue(thrown.get() instanceof IllegalStateException, "got " + thrown.get());
            assertFalse(t.isClosed());
        }
        assertTrue(t.isClosed(), "still the scope's");
    }

    @Test
    void aScopeThatReleasesForALongTimeKeepsABoundedList() {
        try (TensorScope s = Tensors.scope()) {
            Tensor first = Tensor.zeros(CPU, 1);
            for (int i = 0; i < 100_000; i++) {
                Tensor a = Tensor.zeros(CPU, 1);
                Tensor b = Tensor.zeros(CPU, 1);
                Tensors.keep(a).close();   // a hole below b
                Tensors.keep(b).close();   // the last slot: given back, and the hole below it
            }
            assertTrue(s.slotsInUse() <= 2, "released in any order, nothing held: " + s.slotsInUse() + " slots");

            Tensor[] batch = new Tensor[50_000];
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < batch.length; i++) {
                    batch[i] = Tensor.zeros(CPU, 1);
                }
                for (int i = 0; i < batch.length - 1; i++) {
                    Tensors.keep(batch[i]).close();   // all but the newest: holes below it, compacted when the list would grow
                }
            }
            assertTrue(s.slotsInUse() <= batch.length + 5, "four rounds of 50,000 made, all but one released: "
                    + s.slotsInUse() + " slots (200,005 without compaction)");
            assertFalse(first.isClosed());
        }
    }
}
