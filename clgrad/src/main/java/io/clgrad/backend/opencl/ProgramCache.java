package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_program;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the programs of one device from {@code kernels-cl/<family>.cl}, once per (family, options),
 * with the device's {@code -D} options, and keeps the binaries in a {@link ProgramDiskCache} so a
 * later process loads instead of compiling. A build failure throws {@link OpenClException} carrying
 * the compiler's build log; a cached binary the driver rejects is logged, deleted and rebuilt.
 *
 * <p>Every family is built with the prelude {@code kernels-cl/common.cl} in front of it (see
 * {@link #compose}); the program's source text, and with it the prelude, is part of the on-disk
 * key, so a change to the prelude rebuilds every program. (In memory, family and options name a
 * program: the sources are read once per process.)
 */
final class ProgramCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgramCache.class);
    /** The family whose file is prepended to every other: kernels-cl/common.cl. */
    static final String PRELUDE = "common";
    private static final Map<String, String> FILES = new ConcurrentHashMap<>();
    private static final Map<String, String> SOURCES = new ConcurrentHashMap<>();

    private final ClDevice device;
    private final ProgramDiskCache disk;
    private final BufferPool pool;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, String> defaultOptions = new ConcurrentHashMap<>();
    private int loadedFromDisk;
    private int builtFromSource;

    ProgramCache(ClDevice device, ProgramDiskCache disk, BufferPool pool) {
        this.device = device;
        this.disk = disk;
        this.pool = pool;
    }

    /** The build options of a family on this device: its -D tunables plus the device-wide flags. */
    String defaultOptions(String family) {
        return defaultOptions.computeIfAbsent(family, f -> options(f, device.tuning()));
    }

    /** The build options of a family under a given tuning row. */
    String options(String family, DeviceTuning tuning) {
        StringBuilder sb = new StringBuilder(tuning.defines(family, device.info().fp64()));
        if (device.facts().correctlyRoundedDivSqrt()) {
            sb.append(sb.length() > 0 ? " " : "").append("-cl-fp32-correctly-rounded-divide-sqrt");
        }
        return sb.toString();
    }

    /** The built program for a family and options, building or loading it on first use. */
    cl_program program(String family, String options) {
        synchronized (device.lock()) {
            device.ensureOpen();
            // the sources are read once per process, so family and options name the program
            String key = family + "|" + options;
            cl_program p = programs.get(key);
            if (p == null) {
                p = obtain(family, options);
                programs.put(key, p);
            }
            return p;
        }
    }

    /** Programs loaded from the disk cache so far. */
    int loadedFromDisk() {
        synchronized (device.lock()) {
            return loadedFromDisk;
        }
    }

    /** Programs compiled from source so far. */
    int builtFromSource() {
        synchronized (device.lock()) {
            return builtFromSource;
        }
    }

    private cl_program obtain(String family, String options) {
        ensureHostRoomToBuild(family);
        String source = source(family);
        String key = disk.key(device, family, source, options);
        long t0 = System.nanoTime();
        byte[] cached = disk.load(family, key);
        if (cached != null && disk.beginLoad(family, key)) {
            cl_program p;
            try {
                p = fromBinary(family, cached, options);
            } finally {
                disk.endLoad(family, key);
            }
            if (p != null) {
                loadedFromDisk++;
                LOG.debug("{}: program {} loaded from disk cache ({}) in {} ms", device.label(), family,
                        disk.fileFor(family, key), (System.nanoTime() - t0) / 1_000_000);
                return p;
            }
            LOG.warn("{}: cached binary of program {} was rejected by the driver ({}); rebuilding from source",
                    device.label(), family, disk.fileFor(family, key));
            disk.delete(family, key);
        }
        cl_program p = fromSource(family, source, options);
        builtFromSource++;
        LOG.debug("{}: program {} built from source [{}] in {} ms", device.label(), family, options,
                (System.nanoTime() - t0) / 1_000_000);
        byte[] binary = binaryOf(p);
        if (binary != null) {
            disk.store(family, key, binary);
        }
        return p;
    }

    /**
     * On an OpenCL CPU device ({@link ClDevice#allocatesFromHostHeap()}) the driver's compiler
     * allocates host memory and PoCL aborts the process when that fails: under an address-space limit, free the buffer cache
     * first, and refuse the build with a {@link HostMemoryExhaustedException} when even then less
     * than {@link HostAddressSpace#RESERVE} is left.
     */
    private void ensureHostRoomToBuild(String family) {
        if (!device.allocatesFromHostHeap() || HostAddressSpace.fits(0)) {
            return;
        }
        pool.relieveHost();
        if (!HostAddressSpace.fits(0)) {
            throw HostMemoryExhaustedException.addressSpace(device.label(),
                    "building kernels-cl/" + family + ".cl", 0, pool.bytesInUse());
        }
    }

    /** Compiles a program from source text; a failure throws {@link OpenClException} with the build log. */
    cl_program fromSource(String family, String source, String options) {
        int[] err = new int[1];
        cl_program p = clCreateProgramWithSource(device.context(), 1, new String[] {source},
                new long[] {source.getBytes(StandardCharsets.UTF_8).length}, err);
        ClErrors.check(err[0], "clCreateProgramWithSource", device.label());
        int rc = clBuildProgram(p, 1, new cl_device_id[] {device.device()}, options, null, null);
        String log = buildLog(p);
        if (rc != 0) {
            clReleaseProgram(p);
            throw new OpenClException("clBuildProgram", rc, null,
                    device.label() + " building kernels-cl/" + family + ".cl (after the prelude kernels-cl/"
                            + PRELUDE + ".cl) with options \"" + options + "\"",
                    "build log:\n" + log);
        }
        if (!log.isBlank()) {
            LOG.debug("{}: build log of {}:\n{}", device.label(), family, log);
        }
        return p;
    }

    /** A program from a cached binary, or null when the driver refuses it (never throws for a bad binary). */
    private cl_program fromBinary(String family, byte[] binary, String options) {
        int[] err = new int[1];
        int[] status = new int[1];
        cl_program p = clCreateProgramWithBinary(device.context(), 1, new cl_device_id[] {device.device()},
                new long[] {binary.length}, new byte[][] {binary}, status, err);
        if (err[0] != 0 || status[0] != 0) {
            LOG.debug("{}: clCreateProgramWithBinary for {}: {} / {}", device.label(), family,
                    ClErrors.describe(err[0]), ClErrors.describe(status[0]));
            if (p != null && err[0] == 0) {
                clReleaseProgram(p);
            }
            return null;
        }
        int rc = clBuildProgram(p, 1, new cl_device_id[] {device.device()}, options, null, null);
        if (rc != 0) {
            LOG.debug("{}: clBuildProgram of cached {}: {}", device.label(), family, ClErrors.describe(rc));
            clReleaseProgram(p);
            return null;
        }
        return p;
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        cl_device_id d = device.device();
        if (clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, 0, null, size) != 0 || size[0] <= 1) {
            return "";
        }
        byte[] bytes = new byte[(int) Math.min(size[0], 1 << 20)];
        if (clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes), null) != 0) {
            return "";
        }
        int len = 0;
        while (len < bytes.length && bytes[len] != 0) {
            len++;
        }
        return new String(bytes, 0, len, StandardCharsets.UTF_8).strip();
    }

    /** The device binary of a built program, or null when the driver offers none. */
    private byte[] binaryOf(cl_program p) {
        long[] size = new long[1];
        if (clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null) != 0
                || size[0] <= 0 || size[0] > Integer.MAX_VALUE) {
            return null;
        }
        byte[] binary = new byte[(int) size[0]];
        int rc = clGetProgramInfo(p, CL_PROGRAM_BINARIES, Sizeof.POINTER,
                Pointer.to(new Pointer[] {Pointer.to(binary)}), null);
        return rc == 0 ? binary : null;
    }

    /**
     * The source a family's program is built from: the prelude kernels-cl/common.cl, then
     * kernels-cl/&lt;family&gt;.cl (see {@link #compose}).
     */
    static String source(String family) {
        return SOURCES.computeIfAbsent(family, f -> compose(file(PRELUDE), f, file(f)));
    }

    /**
     * A family's program text: the prelude, then the family file, each after a {@code #line 1}
     * directive naming its file, so the compiler's build log cites {@code kernels-cl/reduce.cl:12}
     * rather than a line of the concatenation.
     */
    static String compose(String prelude, String family, String body) {
        StringBuilder sb = new StringBuilder(prelude.length() + body.length() + 64);
        sb.append("#line 1 \"kernels-cl/").append(PRELUDE).append(".cl\"\n").append(prelude);
        if (!prelude.endsWith("\n")) {
            sb.append('\n');
        }
        return sb.append("#line 1 \"kernels-cl/").append(family).append(".cl\"\n").append(body).toString();
    }

    /** The text of kernels-cl/&lt;name&gt;.cl alone, read once. */
    private static String file(String name) {
        return FILES.computeIfAbsent(name, ProgramCache::readSource);
    }

    /** The text of kernels-cl/&lt;family&gt;.cl, from the class path or, in a source tree, from disk. */
    private static String readSource(String family) {
        String resource = "kernels-cl/" + family + ".cl";
        try (InputStream in = ProgramCache.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + resource + ": " + e.getMessage(), e);
        }
        String dir = System.getProperty("clgrad.kernelsDir", "kernels-cl");
        Path file = Paths.get(dir, family + ".cl");
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("kernel source " + resource + " is neither on the class path nor at "
                    + file.toAbsolutePath(), e);
        }
    }

    /** Releases every program. Call with no kernels of these programs still alive. */
    @Override
    public void close() {
        synchronized (device.lock()) {
            for (cl_program p : programs.values()) {
                clReleaseProgram(p);
            }
            programs.clear();
        }
    }
}
