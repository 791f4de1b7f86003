/**
 * The OpenCL backend (JOCL): every OpenCL device over all platforms as an
 * {@link io.clgrad.backend.Backend}. The only package that imports {@code org.jocl}.
 *
 * <h2>Files, one job each (after tinygrad's {@code ops_cl.py})</h2>
 * <ul>
 *   <li>{@link io.clgrad.backend.opencl.OpenClBackendProvider}: platform/device discovery, ids
 *       "opencl:0", "opencl:1", ... over all platforms in order; a missing runtime or a failing
 *       device becomes a line in {@code problems}, never an exception.</li>
 *   <li>{@code ClDevice}: context and in-order queue ({@code clCreateCommandQueueWithProperties},
 *       {@code clCreateCommandQueue} on OpenCL 1.x), the device lock; {@code ClInfo}: device queries.</li>
 *   <li>{@code ProgramCache} + {@code ProgramDiskCache}: builds {@code kernels-cl/<family>.cl}, after the
 *       prelude {@code kernels-cl/common.cl}, with the per-device {@code -D} options of
 *       {@code DeviceTuning}; binaries cached on disk.</li>
 *   <li>{@code BufferPool}: the caching allocator; {@code BufferCopies}: host-to-device, device-to-host and
 *       device-to-device copies;
 *       {@code Kernels}: kernel creation and launch.</li>
 *   <li>One op class per kernel family ({@code CopyOps}, {@code ElementwiseOps}, {@code MatmulOps},
 *       {@code ReduceOps}, {@code SoftmaxOps}, {@code LossOps}, {@code OptimOps}, {@code RandomOps}, each a
 *       {@code FamilyOps});
 *       {@link io.clgrad.backend.opencl.OpenClBackend} only dispatches to them.</li>
 *   <li>{@code ClErrors} + {@link io.clgrad.backend.opencl.OpenClException}: every status code is
 *       checked and named ("clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES (-5) in kernel
 *       matmul_tiled on opencl:0 (NVIDIA H100 80GB HBM3)"); JOCL's own exceptions stay disabled.</li>
 * </ul>
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li><b>Execution.</b> Ops enqueue and return. Host reads and writes are blocking calls on Java
 *       arrays, so a write (like a read) waits for earlier work on the in-order queue; clFinish is
 *       used only by {@code synchronize()} and {@code close()}.</li>
 *   <li><b>Strided geometry.</b> Shapes and strides travel as {@code int8} vector kernel arguments
 *       passed by value (portable on PoCL and NVIDIA, unlike structs), after dropping size-1
 *       dimensions and merging dimensions that are contiguous for every operand. Contiguous
 *       operands take fast paths ({@code binary_OP}, {@code clEnqueueCopyBuffer}).</li>
 *   <li><b>Sizes.</b> Kernels index with 32-bit ints: an op over more than 2^31-1 elements, or a
 *       view reaching past element 2^31-1, is refused with IllegalArgumentException.</li>
 *   <li><b>Safety.</b> Every buffer argument is checked (owner, freed, size, view extents, host
 *       array ranges) before a launch, since an out-of-bounds access on PoCL, which runs inside
 *       this JVM, would crash it. Absent optional buffers are passed as another valid buffer plus a
 *       flag, never as NULL.</li>
 *   <li><b>Program cache.</b> {@code $CLGRAD_CACHE_DIR/opencl/} or {@code ~/.cache/clgrad/opencl/}
 *       ({@code -Dclgrad.cacheDir} overrides; empty disables), one file per program named
 *       {@code <family>-<40 hex>.bin}, keyed by SHA-256 of platform name and version, device name,
 *       vendor and version, driver version, build options and source. The folder is private
 *       ({@code PrivateCacheDir}: 0700, files 0600, another user's folder or files never used);
 *       files carry their key and an HMAC under the folder's secret, are written atomically, and a
 *       {@code .loading} marker guards the driver call, so a corrupt, forged or crashing entry is
 *       rebuilt (PoCL segfaults on a truncated binary that reaches it).</li>
 *   <li><b>Memory.</b> {@code MemoryStats.bytesInUse} counts requested bytes (sum of
 *       {@code Buffer.bytes()}, as the CPU backend does); {@code bytesCached} counts the rounded
 *       blocks on the free lists. Allocation failure at {@code clCreateBuffer} or at first use
 *       (lazy allocation surfacing at an enqueue) empties the cache and retries once; then
 *       {@link io.clgrad.backend.DeviceOutOfMemoryException}. A single buffer above
 *       CL_DEVICE_MAX_MEM_ALLOC_SIZE throws {@link io.clgrad.backend.opencl.AllocationTooLargeException}.
 *       On OpenCL CPU devices blocks use CL_MEM_ALLOC_HOST_PTR (PoCL then fails at
 *       {@code clCreateBuffer} instead of aborting at first use) and an address-space limit keeps
 *       a reserve for the driver ({@link io.clgrad.backend.opencl.HostMemoryExhaustedException}).</li>
 *   <li><b>Contract details.</b> {@code crossEntropy}'s {@code valid} may be an F32 (1.0/0.0) or an
 *       I32 (1/0) buffer. A target outside [0, C) that is not ignoreIndex gives a NaN loss with
 *       valid 1, and a NaN gradient row in {@code crossEntropyBackward}. Adam's bias corrections,
 *       step size and AdamW decay factor are computed on the host in double, as PyTorch computes
 *       them in Python floats. {@code randomNormal} is computed in double where the device has fp64
 *       (then bit-identical to CounterRng in practice), else in float.</li>
 *   <li><b>Kernel rules.</b> OpenCL C 1.2; each .cl compiles alone (tunables behind
 *       {@code #ifndef}); no kernel returns before a barrier, not even uniformly over the group
 *       (PoCL then computes wrong results for some work-groups); work-group sizes come from
 *       CL_KERNEL_WORK_GROUP_SIZE, never assumed.</li>
 *   <li><b>Lazy builds.</b> Discovery opens contexts only; programs are built on first use, or all
 *       at once by {@code prepareKernels()} (used by {@code clgrad devices --self-test}).</li>
 * </ul>
 */
package io.clgrad.backend.opencl;
