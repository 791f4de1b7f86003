package io.clgrad;

/**
 * Switches gradient recording on and off for the current thread, like PyTorch's
 * {@code torch.no_grad()}. Recording is on by default.
 *
 * <pre>{@code
 * try (var g = Autograd.noGrad()) {
 *     Tensor prediction = model.forward(x);   // records no graph
 * }
 * }</pre>
 */
public final class Autograd {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private Autograd() {
    }

    /** A scope in which ops record no graph; closing it restores the previous mode. */
    public static Mode noGrad() {
        return set(false);
    }

    /** A scope in which ops record a graph again (inside a {@link #noGrad()} block). */
    public static Mode enableGrad() {
        return set(true);
    }

    /** Whether ops on this thread currently record a graph. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    private static Mode set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        Mode m = new Mode(flag, flag[0]);
        flag[0] = enabled;
        return m;
    }

    /** The previous mode, restored by {@link #close()}. */
    public static final class Mode implements AutoCloseable {
        private final boolean[] flag;
        private final boolean previous;

        private Mode(boolean[] flag, boolean previous) {
            this.flag = flag;
            this.previous = previous;
        }

        /** Restores the mode that was active when this scope opened. */
        @Override
        public void close() {
            flag[0] = previous;
        }
    }
}
