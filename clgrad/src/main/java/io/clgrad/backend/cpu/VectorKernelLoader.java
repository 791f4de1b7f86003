package io.clgrad.backend.cpu;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a Vector API kernel class by reflection (so that this package runs without
 * {@code jdk.incubator.vector}), falling back to its plain twin with a warning when it fails.
 *
 * <p>Example: {@code Kernel k = VectorKernelLoader.load("io.clgrad.backend.cpu.VectorSmallGemm",
 * Kernel.class, Plain.INSTANCE, "CPU small matmul");}
 */
final class VectorKernelLoader {
    private static final Logger LOG = LoggerFactory.getLogger(VectorKernelLoader.class);

    private VectorKernelLoader() {
    }

    /**
     * An instance of {@code className} (no-argument constructor), or {@code plain} when it cannot be loaded.
     *
     * @param className the Vector API class
     * @param type      the kernel interface it implements
     * @param plain     the plain twin to fall back to
     * @param what      the path's name for the warning
     * @param <T>       the kernel interface
     * @return the loaded kernel or {@code plain}
     */
    static <T> T load(String className, Class<T> type, T plain, String what) {
        try {
            return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
        } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
            LOG.warn("{}: the Vector API kernel failed to load; using plain loops", what, e);
            return plain;
        }
    }
}
