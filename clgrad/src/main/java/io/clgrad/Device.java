package io.clgrad;

import io.clgrad.backend.Backend;
import io.clgrad.backend.BackendRegistry;
import io.clgrad.backend.DeviceInfo;
import io.clgrad.backend.Lazy;
import io.clgrad.backend.MemoryStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where tensors live and ops run: the pure-Java CPU backend ({@code "cpu"}) or one OpenCL device
 * ({@code "opencl:0"}, {@code "opencl:1"}, ... numbered over all platforms).
 *
 * <p>{@link #best()} picks a GPU or accelerator when one works and otherwise the CPU backend;
 * the environment variable {@code CLGRAD_DEVICE} ({@code cpu}, {@code opencl}, {@code opencl:N},
 * {@code gpu}) overrides it. Devices that fail to initialise are logged and skipped.
 *
 * <pre>{@code
 * Device d = Device.best();
 * Tensor x = Tensor.randn(64, 2).to(d);
 * }</pre>
 */
public final class Device {
    private static final Logger LOG = LoggerFactory.getLogger(Device.class);
    private static final Map<String, Device> DEVICES = new ConcurrentHashMap<>();
    private static final Lazy<Choice> BEST = new Lazy<>(Device::chooseAndLog);

    private final Backend backend;
    private final MemoryReclaimer reclaimer;

    private Device(Backend backend) {
        this.backend = backend;
        this.reclaimer = new MemoryReclaimer(backend);
    }

    /** Why {@link #best()} chose the device it chose. */
    private record Choice(Device device, String reason) {
    }

    static Device of(Backend backend) {
        return DEVICES.computeIfAbsent(backend.id(), id -> new Device(backend));
    }

    /**
     * The pure-Java CPU backend, present unless it failed to start.
     *
     * @throws IllegalStateException when the CPU backend failed to initialise, with the reason
     */
    public static Device cpu() {
        BackendRegistry r = BackendRegistry.get();
        return requireCpu(r.byId("cpu"), r.problems());
    }

    /** {@code cpu} as a device, or an exception naming why the CPU backend is missing. */
    static Device requireCpu(Backend cpu, List<String> problems) {
        if (cpu == null) {
            List<String> why = problems.stream().filter(p -> p.startsWith("cpu")).toList();
            throw new IllegalStateException("the Java CPU backend failed to initialise: "
                    + (why.isEmpty() ? "no CPU backend provider was found on the class path" : String.join("; ", why)));
        }
        return of(cpu);
    }

    /**
     * The i-th working OpenCL device over all platforms.
     *
     * @throws IllegalArgumentException when there is no such device, naming the devices found and
     *                                  why others failed
     */
    public static Device opencl(int index) {
        Backend b = BackendRegistry.get().byId("opencl:" + index);
        if (b == null) {
            throw new IllegalArgumentException("no OpenCL device opencl:" + index + "; " + describeAvailable());
        }
        return of(b);
    }

    /** Every working device: the CPU backend first, then each OpenCL device. */
    public static List<Device> all() {
        List<Device> list = new ArrayList<>();
        for (Backend b : BackendRegistry.get().backends()) {
            list.add(of(b));
        }
        return Collections.unmodifiableList(list);
    }

    /**
     * Parses a device name: {@code cpu}, {@code opencl} (the first OpenCL device), {@code opencl:N},
     * or {@code gpu} (the first OpenCL GPU or accelerator).
     *
     * @throws IllegalArgumentException for an unknown name or a device that is not available
     */
    public static Device parse(String spec) {
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) {
            return cpu();
        }
        if (s.equals("opencl")) {
            return opencl(0);
        }
        if (s.equals("gpu")) {
            for (Device d : all()) {
                if (d.info().kind().isAccelerated()) {
                    return d;
                }
            }
            throw new IllegalArgumentException("no OpenCL GPU or accelerator found; " + describeAvailable());
        }
        if (s.startsWith("opencl:")) {
            try {
                return opencl(Integer.parseInt(s.substring(7)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad device name '" + spec + "': expected opencl:N with N a number");
            }
        }
        throw new IllegalArgumentException("unknown device '" + spec + "': expected cpu, opencl, opencl:N or gpu");
    }

    /**
     * The default device: {@code CLGRAD_DEVICE} when set, else the first OpenCL GPU or accelerator
     * that initialised, else the CPU backend. The choice is made once and logged with its reason.
     *
     * @throws IllegalStateException when it would be the CPU backend and that failed to initialise
     */
    public static Device best() {
        return BEST.get().device;
    }

    private static Choice chooseAndLog() {
        Choice c = choose();
        LOG.info("Device.best(): {}: {}", c.device.id(), c.reason);
        return c;
    }

    /** One line saying why {@link #best()} picks the device it picks. */
    public static String bestReason() {
        return BEST.get().reason;
    }

    private static Choice choose() {
        String env = System.getenv("CLGRAD_DEVICE");
        String source = "CLGRAD_DEVICE";
        if (env == null || env.isBlank()) {
            env = System.getProperty("clgrad.device");
            source = "-Dclgrad.device";
        }
        if (env != null && !env.isBlank()) {
            try {
                return new Choice(parse(env), source + "=" + env.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + "=" + env.trim() + ": " + e.getMessage(), e);
            }
        }
        for (Device d : all()) {
            if (d.info().kind().isAccelerated()) {
                return new Choice(d, "first OpenCL " + d.info().kind().name().substring(7).toLowerCase()
                        + " that initialised (" + d.info().name() + ")");
            }
        }
        List<String> problems = BackendRegistry.get().problems();
        List<String> openclCpus = all().stream().filter(d -> !d.isCpu())
                .map(d -> d.id() + " (" + d.info().name() + ")").toList();
        String why;
        if (!openclCpus.isEmpty()) {
            why = "no OpenCL GPU or accelerator; the OpenCL CPU device " + String.join(", ", openclCpus)
                    + " runs on the same cores as the Java backend and adds a driver call per op, so the Java"
                    + " backend is used (CLGRAD_DEVICE=opencl or --device opencl selects it)";
        } else if (!problems.isEmpty()) {
            why = "no OpenCL device available: " + String.join("; ", problems);
        } else {
            why = "no OpenCL device found";
        }
        return new Choice(cpu(), why);
    }

    private static String describeAvailable() {
        List<String> ids = new ArrayList<>();
        for (Backend b : BackendRegistry.get().backends()) {
            ids.add(b.id() + " (" + b.info().name() + ")");
        }
        String s = "available: " + String.join(", ", ids);
        List<String> problems = BackendRegistry.get().problems();
        return problems.isEmpty() ? s : s + "; problems: " + String.join("; ", problems);
    }

    /** The stable id: "cpu", "opencl:0". */
    public String id() {
        return backend.id();
    }

    /** What the driver reports about this device. */
    public DeviceInfo info() {
        return backend.info();
    }

    /** Whether this is the pure-Java CPU backend. */
    public boolean isCpu() {
        return id().equals("cpu");
    }

    /** The allocator's counters for this device. */
    public MemoryStats memoryStats() {
        return backend.memoryStats();
    }

    /**
     * Frees now the device memory of tensors the program dropped without closing: asks the JVM
     * for a garbage collection and returns what it found to the pool. clgrad also does this by
     * itself when memory in use passes a bound, so calling it is never required.
     */
    public void reclaimDropped() {
        reclaimer.collect();
    }

    /** Waits until every op enqueued on this device has finished. */
    public void synchronize() {
        backend.synchronize();
    }

    /**
     * The backend behind this device: raw buffers and ops, for tools such as the self-test.
     * Ordinary code uses {@link Tensor}.
     */
    public Backend backend() {
        StepRecording r = recording;
        return r == null ? backend : r.backendFor(backend);
    }

    /** The backend itself, never a recording's proxy. */
    Backend backendUnrecorded() {
        return backend;
    }

    /** The step being recorded on this device (by {@link Step}), or null. */
    private volatile StepRecording recording;

    /** The recording the calling thread is making on this device, or null. */
    StepRecording recordingHere() {
        StepRecording r = recording;
        return r != null && r.owner() == Thread.currentThread() ? r : null;
    }

    /**
     * Makes {@code r} this device's recording, or ends {@code expected} when {@code r} is null.
     *
     * @throws IllegalStateException when another recording is in progress on this device
     */
    synchronized void setRecording(StepRecording expected, StepRecording r) {
        if (recording != expected) {
            if (r == null) {
                return;
            }
            throw new IllegalStateException("Step.compile: " + id() + " is already recording a step on thread "
                    + recording.owner().getName() + "; record one step at a time per device");
        }
        recording = r;
    }

    MemoryReclaimer reclaimer() {
        return reclaimer;
    }

    /** The id, e.g. {@code opencl:0}. */
    @Override
    public String toString() {
        return id();
    }
}
