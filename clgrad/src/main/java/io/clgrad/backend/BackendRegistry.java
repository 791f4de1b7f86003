package io.clgrad.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds every backend once per process through {@link BackendProvider}s on the class path, in a
 * fixed order: the CPU backend first, then each OpenCL device over all platforms. Devices that
 * fail to initialise are logged with the reason and listed in {@link #problems()}.
 */
public final class BackendRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(BackendRegistry.class);
    private static final Lazy<BackendRegistry> INSTANCE = new Lazy<>(BackendRegistry::discoverAndHookShutdown);
    /** The system property that limits which backend families load (see {@link #wantedFamilies}). */
    public static final String FAMILIES_PROPERTY = "clgrad.backends";
    /** The environment variable that limits which backend families load (see {@link #wantedFamilies}). */
    public static final String FAMILIES_VARIABLE = "CLGRAD_BACKENDS";

    private final List<Backend> backends;
    private final List<String> problems;

    private BackendRegistry(List<Backend> backends, List<String> problems) {
        this.backends = Collections.unmodifiableList(backends);
        this.problems = Collections.unmodifiableList(problems);
    }

    /** The process-wide registry, discovering devices on first use. */
    public static BackendRegistry get() {
        return INSTANCE.get();
    }

    private static BackendRegistry discoverAndHookShutdown() {
        BackendRegistry r = discover();
        Runtime.getRuntime().addShutdownHook(new Thread(r::closeAll, "clgrad-shutdown"));
        return r;
    }

    private static BackendRegistry discover() {
        List<BackendProvider> providers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class,
                BackendRegistry.class.getClassLoader()).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                providers.add(it.next());
            } catch (ServiceConfigurationError e) {
                problems.add("backend provider failed to load: " + e.getMessage());
                LOG.warn("backend provider failed to load: {}", e.toString());
            }
        }
        Set<String> wanted = wantedFamilies();
        if (wanted != null) {
            List<String> known = providers.stream().map(BackendProvider::family).toList();
            for (String f : wanted) {
                if (!known.contains(f)) {
                    throw new IllegalArgumentException(familiesSetting() + ": unknown backend family '" + f
                            + "' (known: " + String.join(", ", known) + ")");
                }
            }
            // the CPU backend always loads: Device.cpu() and index 0 rely on it
            providers.removeIf(p -> !p.family().equals("cpu") && !wanted.contains(p.family()));
            LOG.debug("backend families loaded: {} ({})", providers.stream().map(BackendProvider::family).toList(),
                    familiesSetting());
        }
        // "cpu" first so that index 0 is always the Java backend; other families keep loader order.
        providers.sort((a, b) -> Boolean.compare(!a.family().equals("cpu"), !b.family().equals("cpu")));
        List<Backend> found = new ArrayList<>();
        for (BackendProvider p : providers) {
            try {
                found.addAll(p.discover(problems));
            } catch (RuntimeException | LinkageError e) {
                String why = p.family() + ": backend unavailable: " + e;
                problems.add(why);
                LOG.warn(why);
            }
        }
        return new BackendRegistry(new ArrayList<>(found), problems);
    }

    /**
     * The backend families to load, from the system property {@value #FAMILIES_PROPERTY} or else
     * the environment variable {@value #FAMILIES_VARIABLE} (a comma-separated list such as
     * {@code cpu} or {@code cpu,opencl}); null, meaning all, when neither is set. {@code cpu} alone
     * keeps a CPU-only program from loading the OpenCL driver at all.
     *
     * Discovery fails with an {@link IllegalArgumentException} naming the setting when it lists a
     * family no provider on the class path offers.
     */
    static Set<String> wantedFamilies() {
        String value = System.getProperty(FAMILIES_PROPERTY, System.getenv(FAMILIES_VARIABLE));
        if (value == null) {
            return null;
        }
        Set<String> families = new java.util.LinkedHashSet<>();
        for (String f : value.split(",")) {
            families.add(f.trim().toLowerCase(java.util.Locale.ROOT));
        }
        return families;
    }

    /** The setting that limits the families, as the user wrote it, for messages. */
    private static String familiesSetting() {
        String prop = System.getProperty(FAMILIES_PROPERTY);
        return prop != null ? "-D" + FAMILIES_PROPERTY + "=" + prop : FAMILIES_VARIABLE + "=" + System.getenv(FAMILIES_VARIABLE);
    }

    /** Every working backend, CPU first. */
    public List<Backend> backends() {
        return backends;
    }

    /** Why devices were skipped, one line each (empty when all initialised). */
    public List<String> problems() {
        return problems;
    }

    /** The backend with this id ("cpu", "opencl:1"), or null. */
    public Backend byId(String id) {
        for (Backend b : backends) {
            if (b.id().equals(id)) {
                return b;
            }
        }
        return null;
    }

    private void closeAll() {
        for (Backend b : backends) {
            try {
                b.close();
            } catch (RuntimeException e) {
                LOG.debug("closing {} failed: {}", b.id(), e.toString());
            }
        }
    }
}
