package io.clgrad.backend.opencl;

/**
 * An OpenCL call failed. The message names the call, the status code's name and value, the kernel
 * (when the call was made for one) and the device, e.g.
 * {@code clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES (-5) in kernel matmul_tiled on opencl:0 (NVIDIA H100)}.
 * A failed program build appends the compiler's build log.
 */
public class OpenClException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int code;
    private final String kernel;

    /**
     * @param call   the OpenCL function that failed, e.g. "clEnqueueNDRangeKernel"
     * @param code   the status it returned
     * @param kernel the kernel involved, or null
     * @param where  the device, e.g. "opencl:0 (NVIDIA H100)", or null
     */
    public OpenClException(String call, int code, String kernel, String where) {
        this(call, code, kernel, where, null);
    }

    /** As above, with extra text (a build log) appended on the following lines. */
    public OpenClException(String call, int code, String kernel, String where, String details) {
        super(message(call, code, kernel, where, details));
        this.call = call;
        this.code = code;
        this.kernel = kernel;
    }

    private static String message(String call, int code, String kernel, String where, String details) {
        StringBuilder sb = new StringBuilder();
        sb.append(call).append(" failed: ").append(ClErrors.describe(code));
        if (kernel != null) {
            sb.append(" in kernel ").append(kernel);
        }
        if (where != null) {
            sb.append(" on ").append(where);
        }
        if (details != null && !details.isBlank()) {
            sb.append('\n').append(details.strip());
        }
        return sb.toString();
    }

    /** The OpenCL function that failed. */
    public String call() {
        return call;
    }

    /** The OpenCL status code (negative). */
    public int code() {
        return code;
    }

    /** The symbolic name of {@link #code()}, e.g. "CL_OUT_OF_RESOURCES". */
    public String codeName() {
        return ClErrors.name(code);
    }

    /** The kernel the failing call was made for, or null. */
    public String kernel() {
        return kernel;
    }
}
