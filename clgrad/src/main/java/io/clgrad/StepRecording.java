package io.clgrad;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.LaunchRecording;
import io.clgrad.backend.StridedView;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One recorded training step on one device, replayable: the list of {@link Segment}s that
 * {@link CompiledStep} replays. While recording, {@link Device#backend()} hands the owner thread a
 * proxy ({@link #backendFor}) that runs every SPI call and also records it:
 * <ul>
 *   <li>device ops: on a backend with {@link Backend#recordLaunches()} (OpenCL) the backend keeps
 *       the launches (a pre-built launch list); otherwise (CPU) the call itself is kept, with its
 *       buffers, and called again on replay;</li>
 *   <li>host writes into a device buffer: kept with a copy of the data, written again on replay;</li>
 *   <li>random fills (dropout, {@code rand}): called again on replay with a fresh seed from the
 *       global generator, so a replayed step draws the numbers the eager step would;</li>
 *   <li>host reads ({@code item()}, {@code toFloatArray()}, a branch on a value): refused with an
 *       {@link IllegalStateException} naming the op, since a replay cannot repeat them;</li>
 *   <li>{@link Step#live} actions (an optimizer's {@code step()}, a scheduler's): run now without
 *       being recorded, and run again at the same point of every replay, so host state such as
 *       Adam's step count and bias corrections or a changed learning rate advances as in eager steps.</li>
 * </ul>
 * Every buffer the recorded calls touch is pinned ({@link MemoryReclaimer#pin}) until
 * {@link #close()}; the gradients the step assigns are noted so that a replay gives the live
 * actions the gradient tensors the recording gave them.
 */
final class StepRecording implements AutoCloseable {
    /** The recording the current thread is making, if any (for {@link Step#live}). */
    private static final ThreadLocal<StepRecording> CURRENT = new ThreadLocal<>();

    private final Device device;
    private final Backend real;
    private final Thread owner = Thread.currentThread();
    private final Backend proxy;
    private final List<Segment> segments = new ArrayList<>();
    private final Set<Buffer> pinned = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Leaves whose gradient the step assigned or dropped, in order of first change. */
    private final Set<Tensor> leaves = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Each noted leaf's gradient at the end of the recording (what a replay restores and checks). */
    private final Map<Tensor, Tensor> finalGrads = new LinkedHashMap<>();
    /**
     * Storages of this device the current segment's calls wrote in place (a version bump outside live
     * actions): the segment's replay bumps them again right after its calls, so that a live action
     * later in the same replay, and autograd's saved-version checks, see the writes.
     */
    private Set<Storage> segmentWrites = newWriteSet();
    private LaunchRecording launches;
    private List<Call> calls;
    private boolean suspended;
    private boolean finished;
    private boolean closed;
    private int recordedLaunches;
    private int recordedCalls;
    private int liveActions;

    /** One part of the replay, in order. */
    private interface Segment extends AutoCloseable {
        void replay();

        @Override
        default void close() {
        }
    }

    /** A recorded SPI call: called again with the same arguments on replay. */
    private record Call(Method method, Object[] args) {
    }

    private StepRecording(Device device) {
        this.device = device;
        this.real = device.backendUnrecorded();
        this.proxy = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (p, m, a) -> dispatch(m, a));
    }

    /** Starts recording the calling thread's work on {@code device}. */
    static StepRecording start(Device device) {
        StepRecording r = new StepRecording(device);
        device.setRecording(null, r);
        try {
            r.beginSegment();
        } catch (RuntimeException e) {
            device.setRecording(r, null);
            throw e;
        }
        CURRENT.set(r);
        return r;
    }

    /** The recording the calling thread is making, or null. */
    static StepRecording current() {
        return CURRENT.get();
    }

    Thread owner() {
        return owner;
    }

    /** What {@link Device#backend()} returns: the recording proxy for the owner thread while recording. */
    Backend backendFor(Backend backend) {
        return !suspended && !finished && Thread.currentThread() == owner ? proxy : backend;
    }

    // ------------------------------------------------------------------ recording

    private void beginSegment() {
        launches = real.recordLaunches().orElse(null);
        calls = launches == null ? new ArrayList<>() : null;
    }

    private void endSegment() {
        Set<Storage> writes = segmentWrites;
        segmentWrites = newWriteSet();
        if (launches != null) {
            LaunchRecording l = launches;
            launches = null;
            l.stop();
            if (l.launches() == 0) {
                l.close();
            } else {
                recordedLaunches += l.launches();
                segments.add(new Segment() {
                    @Override
                    public void replay() {
                        try {
                            l.replay();
                        } finally {
                            bump(writes);   // even after a failure: part of the writes may have happened
                        }
                    }

                    @Override
                    public void close() {
                        l.close();
                    }
                });
            }
        } else if (calls != null) {
            List<Call> list = List.copyOf(calls);
            calls = null;
            if (!list.isEmpty()) {
                recordedCalls += list.size();
                Backend b = real;
                segments.add(() -> {
                    try {
                        for (Call c : list) {
                            invoke(b, c.method(), c.args());
                        }
                    } finally {
                        bump(writes);
                    }
                });
            }
        }
    }

    /** Runs {@code action} now, unrecorded, and again at this point of every replay. */
    void live(Runnable action) {
        endSegment();
        Map<Tensor, Tensor> grads = gradAliases();
        segments.add(new Segment() {
            @Override
            public void replay() {
                grads.forEach(Tensor::restoreGrad);
                action.run();
            }

            @Override
            public void close() {
                grads.values().forEach(g -> {
                    if (g != null) {
                        g.close();
                    }
                });
            }
        });
        liveActions++;
        suspended = true;
        try {
            action.run();
        } finally {
            suspended = false;
        }
        beginSegment();
    }

    /** Whether the calling thread is recording here now (not inside a live action). */
    boolean recordingNow() {
        return !suspended && !finished && Thread.currentThread() == owner;
    }

    /** Notes an in-place write while recording (live actions bump versions themselves when replayed). */
    void noteWrite(Storage s) {
        if (recordingNow() && s.device() == device) {
            segmentWrites.add(s);
        }
    }

    private static Set<Storage> newWriteSet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** Bumps the versions of what a replayed segment wrote. */
    private static void bump(Set<Storage> writes) {
        for (Storage s : writes) {
            s.bumpVersion();
        }
    }

    /** Notes that {@code leaf}'s gradient is about to be assigned or dropped by the step. */
    void noteGrad(Tensor leaf) {
        if (!finished) {
            leaves.add(leaf);
        }
    }

    /** Each noted leaf's current gradient as a handle of its own (outside every scope), or null. */
    private Map<Tensor, Tensor> gradAliases() {
        Map<Tensor, Tensor> m = new LinkedHashMap<>();
        for (Tensor leaf : leaves) {
            Tensor g = leaf.grad();
            Tensor alias = g == null ? null : g.detach();
            if (alias != null) {
                TensorScope.release(alias);
            }
            m.put(leaf, alias);
        }
        return m;
    }

    /** Ends recording (the device runs unrecorded again). */
    void finish() {
        try {
            endSegment();
        } finally {
            finished = true;
            device.setRecording(this, null);
            if (CURRENT.get() == this) {
                CURRENT.remove();
            }
        }
        for (Tensor leaf : leaves) {
            finalGrads.put(leaf, leaf.grad());
        }
    }

    /** Ends a recording that failed: nothing is kept. */
    void abort() {
        try {
            finish();
        } finally {
            close();
        }
    }

    // ------------------------------------------------------------------ replay

    /** Whether every noted leaf still has the gradient tensor the recording left (else a replay would miss it). */
    boolean gradientsUnchanged() {
        for (Map.Entry<Tensor, Tensor> e : finalGrads.entrySet()) {
            if (e.getKey().grad() != e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Runs the recorded step again. */
    void replay() {
        if (closed || !finished) {
            throw new IllegalStateException(closed ? "recording was closed" : "recording is not finished");
        }
        try {
            for (Segment s : segments) {
                s.replay();
            }
        } finally {
            finalGrads.forEach(Tensor::restoreGrad);
        }
    }

    /**
     * What a replay does.
     *
     * @param launches device launches from launch lists (OpenCL)
     * @param calls    SPI calls made again (CPU backend)
     * @param live     live actions ({@link Step#live}), host writes and random fills run again
     */
    record Counts(int launches, int calls, int live) {
    }

    /** What a replay does. */
    Counts counts() {
        return new Counts(recordedLaunches, recordedCalls, liveActions);
    }

    /** Keeps {@code t}'s buffer for the life of this recording. */
    void pin(Tensor t) {
        pin(t.buffer("compiled step"));
    }

    private void pin(Buffer b) {
        if (b != null && pinned.add(b)) {
            device.reclaimer().pin(b);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!finished) {
            finished = true;
            device.setRecording(this, null);
        }
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        if (launches != null) {
            launches.close();
            launches = null;
        }
        for (Segment s : segments) {
            s.close();
        }
        segments.clear();
        for (Buffer b : pinned) {
            device.reclaimer().unpin(b);
        }
        pinned.clear();
        finalGrads.clear();
        leaves.clear();
    }

    // ------------------------------------------------------------------ the proxy

    private Object dispatch(Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            return invokeRaw(real, m, args);
        }
        switch (m.getName()) {
            case "read" -> throw new IllegalStateException(hostReadMessage());
            case "write" -> {
                return hostWrite(m, args);
            }
            case "randomUniform", "randomNormal", "randomInt" -> {
                return randomFill(m, args);
            }
            case "info", "id", "prepareKernels", "allocate", "free", "emptyCache", "memoryStats", "tuner",
                 "packedLinearWeightSize", "gemmPackedWeightSize", "packedLinearChain", "directConv",
                 "kernelLaunches", "optimizerLaunches", "synchronize", "close", "recordLaunches" -> {
                return invokeRaw(real, m, args);
            }
            default -> {
                pinArgs(args);
                Object result = invokeRaw(real, m, args);
                if (calls != null) {
                    calls.add(new Call(m, copyArgs(args)));
                }
                return result;
            }
        }
    }

    /** A host write into a device buffer: done now, and again on replay from a copy of the data. */
    private Object hostWrite(Method m, Object[] args) throws Throwable {
        pinArgs(args);
        Object[] kept = copyArgs(args);
        kept[2] = args[2] instanceof float[] f ? f.clone() : ((int[]) args[2]).clone();
        endSegment();
        Object result = invokeRaw(real, m, args);
        Backend b = real;
        segments.add(() -> invoke(b, m, kept));
        liveActions++;
        beginSegment();
        return result;
    }

    /** A random fill: done now, and on replay again with the next seed of the global generator. */
    private Object randomFill(Method m, Object[] args) throws Throwable {
        pinArgs(args);
        Object[] kept = copyArgs(args);
        endSegment();
        Object result = invokeRaw(real, m, args);
        Backend b = real;
        segments.add(() -> {
            Object[] a = kept.clone();
            a[2] = RandomState.nextStream(); // (out, n, seed, offset, ...): one draw per fill, as RandomState does
            invoke(b, m, a);
        });
        liveActions++;
        beginSegment();
        return result;
    }

    /**
     * The error for a host read while recording, naming the {@link Tensor} method that read (the
     * outermost one on the stack: the op the step called) or, failing that, the nearest library frame.
     */
    private static String hostReadMessage() {
        String op = StackWalker.getInstance().walk(frames -> {
            String outer = null;
            String nearest = null;
            for (StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>) frames::iterator) {
                String cls = f.getClassName();
                if (cls.equals(Tensor.class.getName())) {
                    outer = "Tensor." + f.getMethodName();
                } else if (nearest == null && cls.startsWith("io.clgrad.") && !cls.startsWith(StepRecording.class.getName())
                        && !cls.startsWith("jdk.") && !cls.contains("$Proxy")) {
                    nearest = cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethodName();
                }
            }
            return outer != null ? outer : nearest != null ? nearest : "a host read";
        });
        return op + ": reads device data to the host inside a step being recorded by Step.compile; a replay cannot "
                + "repeat a host read (nor a branch on the value read). Read outside the step, e.g. the loss "
                + "CompiledStep.run returns";
    }

    private void pinArgs(Object[] args) {
        if (args == null) {
            return;
        }
        for (Object a : args) {
            if (a instanceof Buffer b) {
                pin(b);
            } else if (a instanceof StridedView v) {
                pin(v.buffer());
            } else if (a instanceof Buffer[] bs) {
                for (Buffer b : bs) {
                    pin(b);
                }
            }
        }
    }

    /** The arguments with arrays copied (the caller may reuse them); records and buffers are kept as they are. */
    private static Object[] copyArgs(Object[] args) {
        if (args == null) {
            return null;
        }
        Object[] c = args.clone();
        for (int i = 0; i < c.length; i++) {
            if (c[i] instanceof int[] v) {
                c[i] = v.clone();
            } else if (c[i] instanceof long[] v) {
                c[i] = v.clone();
            } else if (c[i] instanceof Object[] v) {
                c[i] = v.clone();
            }
        }
        return c;
    }

    private static Object invokeRaw(Backend b, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(b, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void invoke(Backend b, Method m, Object[] args) {
        try {
            m.invoke(b, args);
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("replay of " + m.getName() + " failed", c);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("replay of " + m.getName() + " failed", e);
        }
    }
}
