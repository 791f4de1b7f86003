package io.clgrad.backend.cpu;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Helper threads for ops of a few microseconds, such as the matrix-vector products of batch-1
 * inference: the caller runs a job's chunk 0 and helper h its chunk h + 1 (or the caller, when it
 * finds that chunk not yet taken once its own is done), and the helpers stay awake, spinning, for
 * {@link #SPIN_NANOS} after each job, so that the next op of the same forward pass reaches them
 * without a wake-up. Handing work to a parked ForkJoinPool worker costs
 * tens of microseconds on a virtual machine (an unpark, then the caller's own wake-up), more than
 * such an op takes; OpenMP runtimes and ONNX Runtime's thread pool spin for the same reason.
 *
 * <p>One job at a time: a caller that finds the team busy (another thread's op, or a chunk of the
 * running job calling back in) runs its whole range inline ({@link #run}), or is told so and runs it
 * elsewhere ({@link #tryRun}: the large products of {@link CpuParallel#forEachClaimed} then use the
 * pool). Helpers are daemons, started on the first job, and park after the spin window, so an idle
 * process does not burn a core; a helper parked for {@link #IDLE_EXIT_NANOS} ends its thread (and
 * its per-thread scratch), and the next job starts a new one.
 *
 * <p>A helper descheduled in the middle of its chunk (a timer tick, a JVM or kernel thread wanting
 * its core) holds the whole op until it runs again, up to a scheduler tick (4 ms): on the 2-core
 * Zen 4 machine of docs/benchmarks.md such waits were most of the difference between the batch-1
 * MLP's mean and median latency. Ops whose chunks write separate columns of one output use
 * {@link #tryRunColumns}: helpers write into buffers of their own, and the caller computes a chunk
 * itself rather than wait longer than its own chunks took.
 *
 * <p>A job reaches a helper in one fetch from the caller's core ({@link Mailbox}: the job's fields
 * beside the ticket that announces it), and each helper takes and publishes its chunk in lines of
 * its own ({@link Progress}; a column job's chunk without a compare-and-set, which would first wait
 * for the line the caller read at the last job), so a hand-off costs about one line each way. With
 * a job object behind a posted reference, a shared claim counter and a per-job state array, a helper
 * fetched three lines in turn before its chunk began: on the 2-core Zen 4 machine a helper started
 * 180-230 ns after the post with both vCPUs on one CCX and 580-710 ns with them on two CCDs, now
 * 140-190 and 400-640 (design-notes.md, "Small products and inference latency", "One line each way").
 *
 * <pre>{@code
 * SpinTeam team = new SpinTeam(1);           // the caller plus one helper
 * team.run(2, (lo, hi) -> work(lo, hi));     // chunks [0,1) and [1,2), one here, one on the helper
 * }</pre>
 */
final class SpinTeam {
    /** How long a helper keeps polling for the next job before it parks. */
    static final long SPIN_NANOS = 200_000;
    /**
     * How long a parked helper waits for a job before its thread ends (the next job starts a new one),
     * as a ForkJoinPool's idle workers do: an idle or unclosed backend then holds no threads and no
     * per-thread scratch (the packed blocks of {@link VectorGemm}, megabytes per thread).
     */
    static final long IDLE_EXIT_NANOS = 60_000_000_000L;
    /**
     * The least a caller waits for a helper's chunk of a {@link #tryRunColumns} job before computing it itself
     * (else as long as its own chunks took): a helper a little behind is not raced.
     */
    static final long MIN_PATIENCE_NANOS = 2_000;
    /**
     * How long a helper waiting for its next job, or a caller waiting for a helper's plain chunk, spins
     * before it yields its core once (then again after as long): where the scheduler has put a helper on
     * the same core as the caller, or as another thread of the process (a compiler or GC thread, a
     * service's request), a spin that never yields holds that core for the rest of its time slice while
     * the thread it waits for cannot run. A yield took 0.5 µs when nothing else wanted the core (the
     * Zen 4 machine of docs/benchmarks.md). The waits bounded by a patience ({@link #tryRunColumns}) and
     * the few nanoseconds a helper waits for a mailbox being written do not yield.
     */
    static final long YIELD_NANOS = 20_000;

    /**
     * 128 bytes of padding before an object's own fields (HotSpot lays a superclass's fields first; the
     * int fills the gap after a header of 12 bytes, with compressed class pointers), so that they share
     * no cache line, nor the pair of lines that adjacent-line prefetchers fetch together, with the
     * header or another object; {@link Mailbox} and {@link Progress} end with 128 more. Objects are
     * aligned to 8 bytes only, so the fields take one line or two adjacent ones.
     */
    abstract static class LeftPad {
        int i0;
        long l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15;
    }

    /**
     * The posted job, written by the caller that holds the team and read by the helpers, side by side:
     * a helper that sees a new {@link #ticket} has the job's fields with it or in the adjacent line,
     * fetched at once (where a job object behind a reference would be a line fetched after the first). The ticket
     * is odd while the caller writes the fields and even when they are complete, as in a seqlock: a
     * helper takes the fields only if the ticket it read before them is even and unchanged after them.
     * A ticket whose body and columns are both null is a cleared mailbox (after every job, so that the
     * team keeps none of the op's arrays alive).
     */
    abstract static class MailboxFields extends LeftPad {
        volatile long ticket;
        CpuParallel.Body body;
        CpuParallel.ColumnsBody columns;
        int chunks;
        int rows;
        int width;
    }

    /** {@link MailboxFields} and the padding after them. */
    static final class Mailbox extends MailboxFields {
        long r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15;
    }

    /**
     * Helper h's side of a job, written by that helper (and, for {@link #claimed}, by a caller taking
     * its chunk over) and read by the caller: in a line of its own, so that the helper claims and
     * publishes its chunk without first fetching a line from the caller's core (a compare-and-set on
     * a line another core wrote waits for that line).
     */
    abstract static class ProgressFields extends LeftPad {
        /**
         * The ticket of the job whose chunk h+1 the helper took, or minus it when the caller took that
         * chunk first (compare-and-set by both: whoever moves it to their value runs the chunk).
         */
        volatile long claimed;
        /**
         * The ticket of the column job whose chunk the helper began: such a chunk may run twice, so the
         * helper takes it without a compare-and-set (which would wait for the line the caller last read
         * to come back: as long as the whole hand-off across two CCDs), stores this (a release store: no
         * wait), and the caller computes any chunk not begun when its own is done.
         */
        volatile long started;
        /** The ticket of the job whose chunk the helper finished (or failed: {@link #failure}). */
        volatile long finished;
        /** The finished chunk's failure, or null (written before {@link #finished}). */
        Throwable failure;
        /**
         * The helper's output buffer for column jobs, laid out as the output (written by the helper only:
         * growing it, or dropping it on idle exit; read by the caller after the helper published a chunk).
         */
        float[] buffer;
    }

    /** {@link ProgressFields} and the padding after them. */
    static final class Progress extends ProgressFields {
        long r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15;
    }

    private static final VarHandle TICKET;
    private static final VarHandle CLAIMED;
    private static final VarHandle STARTED;

    static {
        try {
            TICKET = MethodHandles.lookup().findVarHandle(MailboxFields.class, "ticket", long.class);
            CLAIMED = MethodHandles.lookup().findVarHandle(ProgressFields.class, "claimed", long.class);
            STARTED = MethodHandles.lookup().findVarHandle(ProgressFields.class, "started", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long spinNanos;
    private final long idleExitNanos;
    /** What a wait calls every {@link #YIELD_NANOS}: {@link Thread#yield} (tests count the calls). */
    private final Runnable yielder;
    private final Thread[] helpers;
    private final Mailbox mailbox = new Mailbox();
    /** Per helper, its side of the jobs (each padded to lines of its own). */
    private final Progress[] progress;
    /**
     * 1 when helper h's thread has ended (or is ending) after {@link #IDLE_EXIT_NANOS} idle, 0 while it
     * lives; a caller that restarts the slot moves it from 1 to 0 first (compare-and-set), so one
     * thread at most serves a slot.
     */
    private final AtomicIntegerArray exited;
    /** 1 while helper h is parked (or about to park); volatile reads and writes. */
    private final AtomicIntegerArray parked;
    /** Held by the thread whose job runs; not reentrant, so a job's chunk that calls {@link #run} runs inline. */
    private final AtomicBoolean busy = new AtomicBoolean();
    /** Bumped by {@link #rest()}: a spinning helper that sees it change parks at once. */
    private volatile int restRequests;
    private volatile boolean stopped;
    private boolean started;

    /**
     * A team with {@code helpers} helper threads (not started until the first job).
     *
     * @param helpers threads besides the caller's, at least 1
     */
    SpinTeam(int helpers) {
        this(helpers, SPIN_NANOS, IDLE_EXIT_NANOS);
    }

    /** As {@link #SpinTeam(int)} with another spin window and idle exit (tests). */
    SpinTeam(int helpers, long spinNanos, long idleExitNanos) {
        this(helpers, spinNanos, idleExitNanos, Thread::yield);
    }

    /** As {@link #SpinTeam(int, long, long)}, with what the waits call instead of {@link Thread#yield} (tests). */
    SpinTeam(int helpers, long spinNanos, long idleExitNanos, Runnable yielder) {
        this.yielder = yielder;
        this.spinNanos = spinNanos;
        this.idleExitNanos = idleExitNanos;
        if (helpers < 1) {
            throw new IllegalArgumentException("a spin team needs at least one helper thread, got " + helpers);
        }
        this.helpers = new Thread[helpers];
        this.progress = new Progress[helpers];
        for (int h = 0; h < helpers; h++) {
            progress[h] = new Progress();
        }
        this.parked = new AtomicIntegerArray(helpers);
        this.exited = new AtomicIntegerArray(helpers);
    }

    /** Chunks one job can be split into: the helpers and the caller. */
    int width() {
        return helpers.length + 1;
    }

    /**
     * Runs {@code body(c, c + 1)} for every chunk c in [0, chunks), and returns when all have finished:
     * chunk 0 on the caller, chunk h + 1 on helper h unless the caller, done with its own, finds it not
     * yet taken (a helper descheduled by a busy machine, or parked) and runs it itself. Runs everything
     * inline when {@code chunks} is 1, the team is stopped, or another thread's job is running. An
     * exception from any chunk is rethrown (the first one seen).
     *
     * @param chunks at most {@link #width()}
     */
    void run(int chunks, CpuParallel.Body body) {
        if (!tryRun(chunks, body)) {
            body.run(0, chunks);
        }
    }

    /**
     * {@link #run} on the team, or nothing: returns false, having run nothing, when {@code chunks}
     * is at most 1, the team is stopped, or another job is running (the caller then picks another
     * way to run the work).
     *
     * @param chunks at most {@link #width()}
     */
    boolean tryRun(int chunks, CpuParallel.Body body) {
        if (!claimTeam(chunks)) {
            return false;
        }
        try {
            long ticket = post(body, null, chunks, 0, 0);
            Throwable first = null;
            try {
                body.run(0, 1);
            } catch (RuntimeException | Error e) {
                first = e;
            }
            for (int h = 0; h < chunks - 1; h++) {
                Progress p = progress[h];
                Throwable e = null;
                if (takeOver(p, ticket)) {
                    try {
                        body.run(h + 1, h + 2);
                    } catch (RuntimeException | Error x) {
                        e = x;
                    }
                } else {
                    // the helper's chunk writes the output: wait for it (the clock only once there is a wait)
                    if (p.finished != ticket) {
                        for (long yieldAt = System.nanoTime() + YIELD_NANOS; p.finished != ticket; ) {
                            yieldAt = pause(System.nanoTime(), yieldAt);
                        }
                    }
                    e = p.failure;
                }
                first = first == null ? e : first;
            }
            rethrow(first);
            return true;
        } finally {
            clear();
            busy.set(false);
        }
    }

    /**
     * {@link #tryRun} for chunks that each write one range of columns ({@link CpuParallel.ColumnsBody})
     * of {@code out}, a [rows, width] row-major array: the caller computes any helper's chunk that has
     * not begun ({@link ProgressFields#started}) when its own is done; a helper computes its chunk into a buffer of its
     * own laid out as the output ({@link ProgressFields#buffer}) and publishes it, and the caller copies
     * that range in. A caller that has waited for a helper's chunk as long as its own chunk took (at
     * least {@link #MIN_PATIENCE_NANOS}) computes it itself: the helper was descheduled (a timer tick,
     * another process or JVM thread on its core) and would hold the op for a tick's 4 ms; what it writes
     * later lands in its own buffer, which nobody reads for this job. The helper may read inputs the
     * caller has already reused, and compute garbage, or fail: both are dropped with its buffer. Returns
     * false, having run nothing, as {@link #tryRun} does.
     *
     * @param chunks at most {@link #width()}
     */
    boolean tryRunColumns(int chunks, int rows, int width, float[] out, CpuParallel.ColumnsBody body) {
        if (!claimTeam(chunks)) {
            return false;
        }
        try {
            long ticket = post(null, body, chunks, rows, width);
            long start = System.nanoTime();
            body.run(0, out);   // the caller's own exception needs no wait: helpers write only their buffers
            long waitStart = System.nanoTime();   // the end of its own chunk: one clock read serves both
            long patience = Math.max(MIN_PATIENCE_NANOS, waitStart - start);
            for (int h = 0; h < chunks - 1; h++) {
                Progress p = progress[h];
                if (p.started != ticket || !awaitFinished(p, ticket, waitStart, patience)) {
                    body.run(h + 1, out);
                    continue;
                }
                rethrow(p.failure);
                // the buffer its chunk was written to; only an idle exit (a minute parked after this job,
                // so a caller suspended that long) can have dropped it since: then compute it again
                float[] from = p.buffer;
                if (from == null) {
                    body.run(h + 1, out);
                    continue;
                }
                int lo = body.columnStart(h + 1);
                int len = body.columnStart(h + 2) - lo;
                for (int i = 0; i < rows; i++) {
                    System.arraycopy(from, i * width + lo, out, i * width + lo, len);
                }
            }
            return true;
        } finally {
            clear();
            busy.set(false);
        }
    }

    /** Throws a chunk's failure, if any: as it is, or a checked one thrown undeclared inside an IllegalStateException. */
    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("a chunk of a CPU job failed: " + failure, failure);
        }
    }

    /** Whether the caller took helper chunk {@code p} of plain job {@code ticket} before the helper did (it then runs it). */
    private static boolean takeOver(Progress p, long ticket) {
        long c = p.claimed;
        return c != ticket && CLAIMED.compareAndSet(p, c, -ticket);
    }

    /** Waits for {@code p}'s helper to finish job {@code ticket}'s chunk: false when patience ran out first. */
    private static boolean awaitFinished(Progress p, long ticket, long waitStart, long patienceNanos) {
        while (p.finished != ticket) {
            if (System.nanoTime() - waitStart > patienceNanos) {
                return false;
            }
            Thread.onSpinWait();
        }
        return true;
    }

    /** Takes the team for one job: false when {@code chunks} is at most 1, the team is stopped or busy. */
    private boolean claimTeam(int chunks) {
        if (chunks > width()) {
            throw new IllegalArgumentException(chunks + " chunks for a team of " + width());
        }
        return chunks > 1 && !stopped && busy.compareAndSet(false, true);
    }

    /** Posts a job (body or columns) under a new even ticket, which it returns, and wakes the parked helpers it needs. */
    private long post(CpuParallel.Body body, CpuParallel.ColumnsBody columns, int chunks, int rows, int width) {
        startHelpers();
        long ticket = write(body, columns, chunks, rows, width);
        for (int h = 0; h < chunks - 1; h++) {
            // read after the job is posted; a helper sets its flag before it re-reads the ticket
            if (parked.get(h) == 1) {
                parked.set(h, 0);
                LockSupport.unpark(helpers[h]);
            }
        }
        return ticket;
    }

    /** Empties the mailbox after a job: helpers then hold none of its arrays. */
    private void clear() {
        write(null, null, 0, 0, 0);
    }

    /** Writes the mailbox's fields between an odd and the next even ticket (the seqlock of {@link MailboxFields}). */
    private long write(CpuParallel.Body body, CpuParallel.ColumnsBody columns, int chunks, int rows, int width) {
        Mailbox m = mailbox;
        long ticket = m.ticket + 2;
        // no fence of its own (it would wait for the line the helpers spin on, then the next write again)
        TICKET.setOpaque(m, ticket - 1);
        VarHandle.storeStoreFence();   // the odd ticket is seen before any field below
        m.body = body;
        m.columns = columns;
        m.chunks = chunks;
        m.rows = rows;
        m.width = width;
        m.ticket = ticket;   // volatile: the fields are seen with it, and it before the parked flags are read
        return ticket;
    }

    /**
     * Asks spinning helpers to park now rather than at the end of their spin window: called before
     * work goes to another pool (the ForkJoinPool of large ops), whose threads need the cores.
     */
    void rest() {
        restRequests++; // racy increments are fine: any change is the signal
    }

    /** Whether every helper has parked (after {@link #SPIN_NANOS} without a job): an idle team uses no CPU. */
    boolean helpersParked() {
        for (int h = 0; h < helpers.length; h++) {
            if (parked.get(h) != 1) {
                return false;
            }
        }
        return true;
    }

    /** Stops the helpers (they exit at their next poll); later jobs run inline. */
    void stop() {
        stopped = true;
        for (Thread t : helpers) {
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Starts the helpers on the first job, and again any whose thread ended after a long idle. */
    private void startHelpers() {
        if (started) {
            for (int h = 0; h < helpers.length; h++) {
                if (exited.get(h) == 1 && exited.compareAndSet(h, 1, 0)) {
                    start(h);
                }
            }
            return;
        }
        started = true;
        for (int h = 0; h < helpers.length; h++) {
            start(h);
        }
    }

    private void start(int h) {
        parked.set(h, 0);
        long current = mailbox.ticket; // a helper (re)started now waits for the next job, not the last one
        Thread t = new Thread(() -> helperLoop(h, current), "clgrad-cpu-spin-" + (h + 1));
        t.setDaemon(true);
        helpers[h] = t;
        t.start();
    }

    private void helperLoop(int h, long seen) {
        Mailbox m = mailbox;
        long last = seen;
        while (!stopped) {
            long t = m.ticket;
            if (t != last) {
                if ((t & 1) != 0) {   // the caller is writing a job
                    Thread.onSpinWait();
                    continue;
                }
                CpuParallel.Body body = m.body;
                CpuParallel.ColumnsBody columns = m.columns;
                int chunks = m.chunks;
                int rows = m.rows;
                int width = m.width;
                VarHandle.loadLoadFence();   // the fields are read before the ticket is checked again
                if (m.ticket != t) {
                    continue;   // rewritten while read: take the newer one
                }
                last = t;
                if (h + 1 < chunks && (body != null || columns != null)) {
                    help(h, t, body, columns, rows, width);
                }
                continue;
            }
            if (!waitForJob(h, last)) {
                progress[h].buffer = null;   // an idle team holds no scratch (a restarted helper allocates again)
                exited.set(h, 1);
                // a job posted after this re-check runs on the caller, and the next job restarts the slot;
                // one that came while announcing is taken here unless a caller already restarted the slot
                if (m.ticket == last || stopped || !exited.compareAndSet(h, 1, 0)) {
                    return;
                }
            }
        }
    }

    /** Helper h's chunk (h + 1) of job {@code ticket}: of a plain job unless the caller took it first. */
    private void help(int h, long ticket, CpuParallel.Body body, CpuParallel.ColumnsBody columns, int rows, int width) {
        Progress p = progress[h];
        if (body != null) {
            // a value of this job or a later one (|claimed| only grows) means the caller took this chunk,
            // or this helper is late for a job that has ended: it must not run again
            long c = p.claimed;
            if (Math.abs(c) >= ticket || !CLAIMED.compareAndSet(p, c, ticket)) {
                return;
            }
        } else {
            STARTED.setRelease(p, ticket);
        }
        Throwable failure = null;
        try {
            if (body != null) {
                body.run(h + 1, h + 2);
            } else {
                float[] b = p.buffer;   // inside the try: an OutOfMemoryError fails the chunk, not the helper
                if (b == null || b.length < rows * width) {
                    b = new float[rows * width];
                    p.buffer = b;
                }
                columns.run(h + 1, b);
            }
        } catch (Throwable e) {   // anything, so that the caller is always told (a plain chunk's caller waits)
            failure = e;
        }
        p.failure = failure;
        p.finished = ticket;   // a volatile write: the buffer and failure are seen with it
    }

    /**
     * Spins for the spin window ({@link #SPIN_NANOS}), yielding the core every {@link #YIELD_NANOS}, until a
     * ticket other than {@code last} is posted, then parks; parks
     * at once on a {@link #rest()}. Returns false when it stayed parked for {@link #IDLE_EXIT_NANOS} without a job (the
     * helper's thread then ends), true otherwise.
     */
    private boolean waitForJob(int h, long last) {
        Mailbox m = mailbox;
        long now = System.nanoTime();
        long deadline = now + spinNanos;
        long yieldAt = now + YIELD_NANOS;
        int rests = restRequests;
        while (m.ticket == last && !stopped) {
            now = System.nanoTime();
            if (now > deadline || restRequests != rests) {
                parked.set(h, 1);
                long parkedAt = System.nanoTime();
                // re-check after announcing: a job posted before the caller saw the flag is not missed
                while (parked.get(h) == 1 && m.ticket == last && !stopped) {
                    long left = idleExitNanos - (System.nanoTime() - parkedAt);
                    if (left <= 0) {
                        parked.set(h, 0);
                        return false;
                    }
                    LockSupport.parkNanos(this, left);
                }
                parked.set(h, 0);
                return true;
            }
            yieldAt = pause(now, yieldAt);
        }
        return true;
    }

    /**
     * One step of a wait at time {@code now}: a spin-wait hint, or a yield of the core once {@code yieldAt}
     * has come ({@link #YIELD_NANOS}); returns when to yield next.
     */
    private long pause(long now, long yieldAt) {
        if (now - yieldAt < 0) {
            Thread.onSpinWait();
            return yieldAt;
        }
        yielder.run();
        return System.nanoTime() + YIELD_NANOS;
    }

    /** Helper threads alive now (tests: an idle team ends them after its idle exit). */
    int liveHelpers() {
        int n = 0;
        for (int h = 0; h < helpers.length; h++) {
            Thread t = helpers[h];
            n += t != null && t.isAlive() ? 1 : 0;
        }
        return n;
    }
}
