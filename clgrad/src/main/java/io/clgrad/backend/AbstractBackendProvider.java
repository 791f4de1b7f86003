package io.clgrad.backend;

/**
 * A {@link BackendProvider} whose family name is fixed when it is made: subclasses name their
 * family once, in their (public, no-argument) constructor, and implement {@link #discover}.
 */
public abstract class AbstractBackendProvider implements BackendProvider {
    private final String family;

    /**
     * Makes a provider of one family.
     *
     * @param family the short family name ("cpu", "opencl")
     */
    protected AbstractBackendProvider(String family) {
        this.family = family;
    }

    /** The family name given to the constructor. */
    @Override
    public final String family() {
        return family;
    }
}
