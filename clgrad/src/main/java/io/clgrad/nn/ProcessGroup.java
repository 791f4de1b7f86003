package io.clgrad.nn;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A group of replicas in one JVM, each on its own thread, that synchronise inside a step: the
 * in-process counterpart of PyTorch's {@code torch.distributed} process group, for the collectives
 * that cannot wait until after backward ({@link SyncBatchNorm}'s batch statistics).
 * {@link io.clgrad.nn.parallel.DataParallel} makes one per trainer and binds member {@code i} to
 * replica {@code i}'s thread for each step; a layer finds its member with {@link #current()}.
 *
 * <p>Every member must make the same collective calls in the same order (replicas of one module
 * do); a member that fails calls {@link #abort}, so the others stop waiting and fail too.
 *
 * <pre>{@code
 * ProcessGroup group = new ProcessGroup(2);
 * // on thread i (i = 0, 1):
 * try (ProcessGroup.Binding b = group.member(i).bind()) {
 *     double[] total = ProcessGroup.current().allReduceSum(new double[] {i + 1});   // {3} on both
 * }
 * }</pre>
 */
public final class ProcessGroup {
    private static final ThreadLocal<Member> CURRENT = new ThreadLocal<>();

    private final int size;
    private final double[][] slots;
    /** The barrier: members arrived in this generation; a new generation each time all have. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private int arrived;
    private long generation;
    private Throwable abortCause;

    /**
     * A group of {@code size} members.
     *
     * @param size the number of replicas, at least 1
     * @throws IllegalArgumentException when size is below 1
     */
    public ProcessGroup(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("ProcessGroup: size must be at least 1, got " + size);
        }
        this.size = size;
        this.slots = new double[size][];
    }

    /** The number of members. */
    public int size() {
        return size;
    }

    /**
     * Member {@code rank} of this group.
     *
     * @throws IndexOutOfBoundsException when rank is not in {@code [0, size)}
     */
    public Member member(int rank) {
        if (rank < 0 || rank >= size) {
            throw new IndexOutOfBoundsException("ProcessGroup: rank " + rank + " is not in [0, " + size + ")");
        }
        return new Member(rank);
    }

    /** The member bound to the calling thread ({@link Member#bind}), or null outside a data-parallel step. */
    public static Member current() {
        return CURRENT.get();
    }

    /**
     * Stops every collective: members waiting in one, and every later call until {@link #reset},
     * throw an {@link IllegalStateException} naming {@code cause}.
     *
     * @param cause why (a replica's failure)
     */
    public void abort(Throwable cause) {
        lock.lock();
        try {
            abortCause = cause == null ? new IllegalStateException("aborted") : cause;
            advanced.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Clears an {@link #abort}, for the next step (call while no member is in a collective). */
    public void reset() {
        lock.lock();
        try {
            abortCause = null;
            arrived = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every member has arrived (a no-op for one member). */
    private void await(int rank) {
        if (size == 1) {
            return;
        }
        lock.lock();
        try {
            checkAborted(rank);
            long g = generation;
            if (++arrived == size) {
                arrived = 0;
                generation++;
                advanced.signalAll();
                return;
            }
            while (generation == g) {
                advanced.await();
                checkAborted(rank);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("ProcessGroup: member " + rank + " was interrupted in a collective", e);
        } finally {
            lock.unlock();
        }
    }

    private void checkAborted(int rank) {
        if (abortCause != null) {
            throw new IllegalStateException("ProcessGroup: member " + rank + " stopped: another replica failed ("
                    + abortCause + ")", abortCause);
        }
    }

    /** A member of the group: one replica, on one thread. */
    public final class Member {
        private final int rank;

        private Member(int rank) {
            this.rank = rank;
        }

        /** This member's index in the group, its replica's index. */
        public int rank() {
            return rank;
        }

        /** The number of members of the group. */
        public int size() {
            return size;
        }

        /**
         * Makes this member the calling thread's {@link ProcessGroup#current()} until the returned
         * binding is closed.
         */
        public Binding bind() {
            Member previous = CURRENT.get();
            CURRENT.set(this);
            return () -> {
                if (previous == null) {
                    CURRENT.remove();
                } else {
                    CURRENT.set(previous);
                }
            };
        }

        /**
         * The element-wise sum of every member's {@code local}, in rank order (so every member gets
         * the same bits); blocks until every member has called it.
         *
         * @param local this member's values (every member gives the same length)
         * @return a new array with the sum
         * @throws IllegalStateException when the members' lengths differ or the group was aborted
         */
        public double[] allReduceSum(double[] local) {
            slots[rank] = local;
            await(rank);
            double[] out = new double[local.length];
            for (int r = 0; r < size; r++) {
                double[] v = slots[r];
                if (v.length != local.length) {
                    throw new IllegalStateException("ProcessGroup.allReduceSum: member " + r + " gave " + v.length
                            + " values but member " + rank + " gave " + local.length + "; the replicas must make the"
                            + " same collective calls in the same order");
                }
                for (int j = 0; j < out.length; j++) {
                    out[j] += v[j];
                }
            }
            await(rank);   // every member has read the slots: they may be written again
            return out;
        }
    }

    /** What {@link Member#bind} returns: closing it unbinds the member from the thread. */
    @FunctionalInterface
    public interface Binding extends AutoCloseable {
        /** Restores the thread's previous member (or none). */
        @Override
        void close();
    }
}
