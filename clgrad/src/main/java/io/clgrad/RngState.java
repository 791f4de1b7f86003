package io.clgrad;

/**
 * The position of the global random generator behind {@link Tensor#rand}, {@link Tensor#randn},
 * {@link Tensor#randint} and {@code nn.init}, as PyTorch's {@code torch.get_rng_state()} and
 * {@code torch.set_rng_state()}: save it in a checkpoint and restore it to continue a run with the
 * same random numbers it would have drawn.
 *
 * <pre>{@code
 * RngState s = RngState.get();
 * Tensor a = Tensor.randn(3);
 * s.restore();
 * Tensor b = Tensor.randn(3);   // the same numbers as a
 * }</pre>
 *
 * @param seed  the seed given to {@link Tensor#manualSeed(long)} (or the default seed)
 * @param calls how many random tensors were drawn since then
 */
public record RngState(long seed, long calls) {
    /** Checks the call count. */
    public RngState {
        if (calls < 0) {
            throw new IllegalArgumentException("RngState: calls must be >= 0, got " + calls);
        }
    }

    /** The global generator's current position. */
    public static RngState get() {
        long[] s = RandomState.state();
        return new RngState(s[0], s[1]);
    }

    /** Puts the global generator back at this position. */
    public void restore() {
        RandomState.setState(seed, calls);
    }

    /** {@code "seed,calls"}, the form {@link #parse(String)} reads (for string metadata). */
    @Override
    public String toString() {
        return seed + "," + calls;
    }

    /**
     * Reads {@link #toString()}'s form.
     *
     * @throws IllegalArgumentException when {@code s} is not two integers separated by a comma, the
     *                                  second non-negative
     */
    public static RngState parse(String s) {
        String[] parts = s == null ? new String[0] : s.split(",", -1);
        try {
            if (parts.length == 2) {
                return new RngState(Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim()));
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("RngState: expected \"seed,calls\" (two integers), got \""
                + (s == null ? "null" : s.length() > 60 ? s.substring(0, 60) + "..." : s) + "\"");
    }
}
