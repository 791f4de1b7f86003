package io.clgrad.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * A sum all-reduce of float vectors between {@code n} ranks connected in a ring over TCP: rank
 * {@code r} sends to rank {@code r+1} and receives from rank {@code r-1} (mod n). The vector is cut
 * into {@code n} chunks (chunk {@code c} is {@code [c·L/n, (c+1)·L/n)}, so uneven lengths and
 * {@code L < n} work); a reduce-scatter of {@code n-1} steps leaves the full sum of chunk {@code c}
 * on rank {@code c-1}, and an all-gather of {@code n-1} steps copies each summed chunk to every rank.
 * Each rank sends and receives {@code 2·(n-1)/n·L} floats, the bandwidth-optimal amount.
 *
 * <p><b>Deterministic</b>: chunk {@code c} is summed in the fixed order
 * {@code ((x_c + x_{c+1}) + x_{c+2}) + ... + x_{c-1}} (ranks mod n), whatever the timing, and the
 * all-gather copies bits; so every rank ends with bitwise the same vector, and two runs with the same
 * inputs give the same bits.
 *
 * <pre>{@code
 * try (ServerSocket server = RingAllReduce.listen();
 *      RingAllReduce ring = RingAllReduce.connect(rank, addresses, server, 60_000, () -> false)) {
 *     ring.allReduce(gradients);   // in place: the sum over the ranks
 * }
 * }</pre>
 *
 * <p>Reads wait in slices of a second, asking {@code abort} between them (Spark's task kill) and
 * giving up after the timeout, so a rank whose peer hangs does not hang forever; a peer that dies
 * closes its sockets and the reads fail at once. Not thread-safe: one caller per ring.
 */
public final class RingAllReduce implements AutoCloseable {
    private static final int SLICE_MS = 1000;

    private final int rank;
    private final int size;
    private final long timeoutMs;
    private final BooleanSupplier abort;
    private final Socket right;
    private final Socket left;
    private final OutputStream out;
    private final InputStream in;
    private final ExecutorService sender;
    private byte[] sendBuf = new byte[0];
    private byte[] recvBuf = new byte[0];

    private RingAllReduce(int rank, int size, long timeoutMs, BooleanSupplier abort, Socket right, Socket left)
            throws IOException {
        this.rank = rank;
        this.size = size;
        this.timeoutMs = timeoutMs;
        this.abort = abort;
        this.right = right;
        this.left = left;
        this.out = right == null ? null : right.getOutputStream();
        this.in = left == null ? null : left.getInputStream();
        this.sender = right == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "clgrad-ring-send-" + rank);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A server socket on every interface and a free port, for the left neighbour to connect to.
     *
     * @return the listening socket (the caller closes it)
     * @throws IOException when no port can be bound
     */
    public static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 4);
    }

    /**
     * Joins the ring: connects to rank {@code rank+1}'s address (retrying until it listens) and
     * accepts rank {@code rank-1}'s connection on {@code server}. Every rank must call it.
     *
     * @param rank      this rank, in [0, n)
     * @param addresses every rank's address, by rank (n = its size); this rank's is its own server's
     * @param server    this rank's listening socket (from {@link #listen()}); closing it is the caller's
     * @param timeoutMs how long to wait for a neighbour to connect, and for one read, in milliseconds
     * @param abort     asked while waiting: true gives up with an exception (e.g. Spark killed the task)
     * @return the connected ring
     * @throws IOException when a neighbour cannot be reached within the timeout
     */
    public static RingAllReduce connect(int rank, List<InetSocketAddress> addresses, ServerSocket server, long timeoutMs,
                                        BooleanSupplier abort) throws IOException {
        int n = addresses.size();
        if (n < 1 || rank < 0 || rank >= n) {
            throw new IllegalArgumentException("RingAllReduce: rank " + rank + " is outside [0, " + n + ")");
        }
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("RingAllReduce: timeoutMs must be positive, got " + timeoutMs);
        }
        if (n == 1) {
            return new RingAllReduce(rank, 1, timeoutMs, abort, null, null);
        }
        InetSocketAddress to = addresses.get((rank + 1) % n);
        long deadline = System.currentTimeMillis() + timeoutMs;
        Socket right = null;
        while (right == null) {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(to, SLICE_MS);
                right = s;
            } catch (IOException e) {
                s.close();
                check(abort, deadline, "connecting to rank " + (rank + 1) % n + " at " + to, e);
                sleep(50);
            }
        }
        Socket left = null;
        try {
            server.setSoTimeout(SLICE_MS);
            while (left == null) {
                try {
                    left = server.accept();
                } catch (SocketTimeoutException e) {
                    check(abort, deadline, "waiting for rank " + (rank - 1 + n) % n + " to connect to " + server, e);
                }
            }
            left.setTcpNoDelay(true);
            left.setSoTimeout(SLICE_MS);
            return new RingAllReduce(rank, n, timeoutMs, abort, right, left);
        } catch (IOException | RuntimeException e) {
            right.close();
            if (left != null) {
                left.close();
            }
            throw e;
        }
    }

    /** The number of ranks in the ring. */
    public int size() {
        return size;
    }

    /** This rank. */
    public int rank() {
        return rank;
    }

    /**
     * Replaces {@code data} on every rank with the element-wise sum of every rank's {@code data}.
     * Every rank must call it with a vector of the same length, in the same order of calls.
     *
     * @param data the vector (changed in place)
     * @throws IOException when a peer fails, closes its socket, or sends nothing within the timeout
     */
    public void allReduce(float[] data) throws IOException {
        int n = size;
        if (n == 1) {
            return;
        }
        int maxChunk = 0;
        for (int c = 0; c < n; c++) {
            maxChunk = Math.max(maxChunk, end(data.length, c) - start(data.length, c));
        }
        if (sendBuf.length < 4 * maxChunk + 4) {
            sendBuf = new byte[4 * maxChunk + 4];
            recvBuf = new byte[4 * maxChunk + 4];
        }
        // reduce-scatter: at step k send chunk r-k, receive chunk r-k-1 and add this rank's part to it
        for (int k = 0; k < n - 1; k++) {
            int sendChunk = Math.floorMod(rank - k, n);
            int recvChunk = Math.floorMod(rank - k - 1, n);
            exchange(data, sendChunk, recvChunk, true);
        }
        // all-gather: at step k send chunk r+1-k (summed here or just received), receive chunk r-k
        for (int k = 0; k < n - 1; k++) {
            int sendChunk = Math.floorMod(rank + 1 - k, n);
            int recvChunk = Math.floorMod(rank - k, n);
            exchange(data, sendChunk, recvChunk, false);
        }
    }

    /** The first index of chunk {@code c} of a vector of {@code length}. */
    static int start(int length, int c, int n) {
        return (int) ((long) c * length / n);
    }

    private int start(int length, int c) {
        return start(length, c, size);
    }

    private int end(int length, int c) {
        return start(length, c + 1, size);
    }

    private void exchange(float[] data, int sendChunk, int recvChunk, boolean add) throws IOException {
        int s0 = start(data.length, sendChunk);
        int sLen = end(data.length, sendChunk) - s0;
        ByteBuffer sb = ByteBuffer.wrap(sendBuf).order(ByteOrder.LITTLE_ENDIAN);
        sb.putInt(sLen);
        sb.asFloatBuffer().put(data, s0, sLen);
        int sendBytes = 4 + 4 * sLen;
        Future<?> sent = sender.submit(() -> {
            out.write(sendBuf, 0, sendBytes);
            out.flush();
            return null;
        });
        int r0 = start(data.length, recvChunk);
        int rLen = end(data.length, recvChunk) - r0;
        readFully(recvBuf, 4);
        int got = ByteBuffer.wrap(recvBuf, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (got != rLen) {
            // let our own chunk reach the right neighbour before this rank fails and closes, so that it
            // reads the same reason rather than a closed connection (bounded: it may not be reading)
            try {
                awaitSent(sent, 1000);
            } catch (IOException e) {
                // the reason below is what matters
            }
            throw new IOException("RingAllReduce: rank " + rank + " expected chunk " + recvChunk + " of " + rLen
                    + " floats from rank " + Math.floorMod(rank - 1, size) + " but got " + got
                    + "; every rank must all-reduce vectors of the same length (" + data.length + " here)");
        }
        readFully(recvBuf, 4 * rLen);
        var fb = ByteBuffer.wrap(recvBuf, 0, 4 * rLen).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        if (add) {
            for (int i = 0; i < rLen; i++) {
                data[r0 + i] = fb.get(i) + data[r0 + i];   // the partial sum so far, then this rank's part
            }
        } else {
            fb.get(data, r0, rLen);
        }
        awaitSent(sent, 0);
    }

    /** Waits for this exchange's send, at most {@code ms} milliseconds (0: no limit). */
    private void awaitSent(Future<?> sent, long ms) throws IOException {
        try {
            if (ms > 0) {
                sent.get(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
            } else {
                sent.get();
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io
                    : new IOException("RingAllReduce: rank " + rank + " failed to send to its right neighbour", c);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("RingAllReduce: rank " + rank + " timed out sending to its right neighbour", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("RingAllReduce: interrupted", e);
        }
    }

    private void readFully(byte[] buf, int len) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        int off = 0;
        while (off < len) {
            int r;
            try {
                r = in.read(buf, off, len - off);
            } catch (SocketTimeoutException e) {
                check(abort, deadline, "reading from rank " + Math.floorMod(rank - 1, size), e);
                continue;
            }
            if (r < 0) {
                throw new IOException("RingAllReduce: rank " + Math.floorMod(rank - 1, size) + " closed its connection to rank "
                        + rank + " (it failed or was killed)");
            }
            off += r;
        }
    }

    private static void check(BooleanSupplier abort, long deadline, String what, Exception cause) throws IOException {
        if (abort.getAsBoolean()) {
            throw new IOException("RingAllReduce: aborted while " + what, cause);
        }
        if (System.currentTimeMillis() > deadline) {
            throw new IOException("RingAllReduce: timed out while " + what, cause);
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("RingAllReduce: interrupted while connecting", e);
        }
    }

    /** Closes the sockets (the neighbours' reads then fail) and the sending thread. */
    @Override
    public void close() throws IOException {
        if (sender != null) {
            sender.shutdownNow();
        }
        IOException first = null;
        for (Socket s : new Socket[] {right, left}) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
