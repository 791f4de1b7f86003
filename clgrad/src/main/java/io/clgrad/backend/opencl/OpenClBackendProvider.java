package io.clgrad.backend.opencl;

import static org.jocl.CL.*;

import io.clgrad.backend.AbstractBackendProvider;
import io.clgrad.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds every OpenCL device over all platforms, in platform order, and opens a context and queue on
 * each. Devices are numbered "opencl:0", "opencl:1", ... over all platforms in enumeration order,
 * counting devices that fail to open too, so an id always names the same device. A missing
 * runtime ({@code libOpenCL.so.1} absent, no ICD registered) or a device that fails is reported in
 * {@code problems} and logged, never thrown. Programs are built lazily (or by
 * {@link Backend#prepareKernels()}), not here.
 */
public final class OpenClBackendProvider extends AbstractBackendProvider {
    private static final Logger LOG = LoggerFactory.getLogger(OpenClBackendProvider.class);
    private static final String INSTALL_HINT = "install one with scripts/install-opencl";

    /** Creates the provider of family "opencl" (used by {@link java.util.ServiceLoader}). */
    public OpenClBackendProvider() {
        super("opencl");
    }

    @Override
    public List<Backend> discover(List<String> problems) {
        if (!OpenClLibraryProbe.mayBePresent()) {
            report(problems, "no OpenCL runtime found (libOpenCL.so.1 is not installed); " + INSTALL_HINT
                    + "; clgrad continues on the Java CPU backend");
            return List.of();
        }
        try {
            List<Backend> found = discoverDevices(problems);
            if (!found.isEmpty()) {
                OpenClLibraryProbe.warnWithoutSignalChaining();
            }
            return found;
        } catch (LinkageError e) {
            StringBuilder chain = new StringBuilder();
            for (Throwable c = e; c != null && chain.length() < 2000; c = c.getCause()) {
                chain.append(c).append(' ');
            }
            String why = chain.toString();
            String msg = why.contains("OpenCL library") || why.contains("libOpenCL")
                    ? "no OpenCL runtime found (libOpenCL.so.1 could not be loaded); " + INSTALL_HINT
                            + "; clgrad continues on the Java CPU backend"
                    : "the JOCL native library could not be loaded (" + e + "); OpenCL is unavailable";
            report(problems, msg);
            return List.of();
        } catch (RuntimeException e) {
            report(problems, "OpenCL discovery failed: " + e.getMessage());
            return List.of();
        }
    }

    private List<Backend> discoverDevices(List<String> problems) {
        CL.setExceptionsEnabled(false);
        int[] count = new int[1];
        int rc = clGetPlatformIDs(0, null, count);
        if (rc == ClErrors.CL_PLATFORM_NOT_FOUND_KHR || (rc == 0 && count[0] == 0)) {
            report(problems, "no OpenCL platform found: " + IcdReport.describe(System.getenv(), IcdReport.DEFAULT_VENDORS)
                    + "; clgrad continues on the Java CPU backend");
            return List.of();
        }
        ClErrors.check(rc, "clGetPlatformIDs", null);
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        ClErrors.check(clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs", null);

        ProgramDiskCache disk = ProgramDiskCache.fromEnvironment();
        List<Backend> found = new ArrayList<>();
        int index = 0;
        for (cl_platform_id platform : platforms) {
            String platformName = safePlatformName(platform);
            int[] n = new int[1];
            rc = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
            if (rc == ClErrors.CL_DEVICE_NOT_FOUND || (rc == 0 && n[0] == 0)) {
                LOG.debug("OpenCL platform {} has no devices", platformName);
                continue;
            }
            if (rc != 0) {
                report(problems, "OpenCL platform " + platformName + ": clGetDeviceIDs failed: " + ClErrors.describe(rc));
                continue;
            }
            cl_device_id[] devices = new cl_device_id[n[0]];
            rc = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, devices.length, devices, null);
            if (rc != 0) {
                report(problems, "OpenCL platform " + platformName + ": clGetDeviceIDs failed: " + ClErrors.describe(rc));
                continue;
            }
            for (cl_device_id device : devices) {
                String id = "opencl:" + index++;
                try {
                    ClDevice d = new ClDevice(id, platform, device);
                    found.add(new OpenClBackend(d, disk));
                    LOG.debug("{}: {} ({}, {}, driver {}) on platform {}", id, d.info().name(), d.info().kind(),
                            d.info().version(), d.info().driverVersion(), platformName);
                } catch (RuntimeException | LinkageError e) {
                    report(problems, id + " (" + safeDeviceName(device) + " on " + platformName + "): "
                            + "failed to initialise: " + e.getMessage());
                }
            }
        }
        return found;
    }

    private static void report(List<String> problems, String msg) {
        problems.add(msg);
        LOG.warn(msg);
    }

    private static String safePlatformName(cl_platform_id platform) {
        try {
            return ClInfo.platformString(platform, CL_PLATFORM_NAME);
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static String safeDeviceName(cl_device_id device) {
        try {
            return ClInfo.deviceString(device, CL_DEVICE_NAME);
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
