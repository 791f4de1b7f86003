package io.clgrad.backend.cpu;

import java.util.Arrays;

/**
 * The geometry of a stride-1 cross-correlation over zero-padded planes, as {@link DirectConv} computes
 * it: {@code channels} source planes of {@code h × w}, padded to {@code hp × wp} ({@code padT} rows
 * above, {@code padL} columns left), a {@code kh × kw} window with taps {@code dh}, {@code dw} apart.
 *
 * <p>A padded plane is stored row after row, {@code wp} floats per row, so output position
 * {@code q = oh·wp + ow} reads tap (c, i, j) at {@code c·hp·wp + i·dh·wp + j·dw + q} of the padded
 * source: every tap is one shift of the whole plane, and {@code outH · wp} consecutive positions are
 * computed as if the rows were one long row. The last {@code wp - outW} positions of each row are
 * not outputs (their windows run into the next row); they are computed and dropped.
 *
 * @param channels source channels (the taps of one output are channels·kh·kw)
 * @param h        source rows
 * @param w        source columns
 * @param padT     zero rows above
 * @param padB     zero rows below
 * @param padL     zero columns left
 * @param padR     zero columns right
 * @param kh       window rows
 * @param kw       window columns
 * @param dh       distance between window rows
 * @param dw       distance between window columns
 */
record DirectPlane(int channels, int h, int w, int padT, int padB, int padL, int padR, int kh, int kw, int dh,
                   int dw) {

    /** Padded rows. */
    int hp() {
        return h + padT + padB;
    }

    /** Padded columns: the row pitch of the padded planes and of the computed positions. */
    int wp() {
        return w + padL + padR;
    }

    /** Output rows. */
    int outH() {
        return hp() - (kh - 1) * dh;
    }

    /** Output columns. */
    int outW() {
        return wp() - (kw - 1) * dw;
    }

    /** Positions computed per output plane: outH rows of wp (the last wp - outW of each dropped). */
    int positions() {
        return outH() * wp();
    }

    /** Floats of one padded plane. */
    int plane() {
        return hp() * wp();
    }

    /** Taps of one output: channels·kh·kw. */
    int taps() {
        return channels * kh * kw;
    }

    /**
     * Floats of one padded source when {@code computed} positions (at least {@link #positions()}) are
     * read: the planes, then zeros for the windows of the positions past the last output row. In
     * long arithmetic, so that a caller can check a geometry whose planes pass an int.
     */
    long paddedSize(long computed) {
        return (long) channels * hp() * wp() + computed - (long) outH() * wp() + (long) (kw - 1) * dw;
    }

    /**
     * Each tap's shift, {@code c·hp·wp + i·dh·wp + j·dw} for tap {@code (c·kh + i)·kw + j}, then
     * {@code extra} more zeros (taps past the last, read and dropped by a kernel's last tile).
     */
    int[] offsets(int extra) {
        return offsets(plane(), extra);
    }

    /** {@link #offsets(int)} with the channels' planes {@code channelStride} floats apart. */
    int[] offsets(int channelStride, int extra) {
        int[] off = new int[taps() + extra];
        int t = 0;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    off[t++] = c * channelStride + i * dh * wp() + j * dw;
                }
            }
        }
        return off;
    }

    /**
     * Copies source {@code n} ({@code channels} planes of h·w at {@code src[n·channels·h·w]}) into
     * {@code dst[dstOff..]} padded, and zeros the {@code size - channels·plane} floats after the planes.
     */
    void pad(float[] src, int n, float[] dst, int dstOff, int size) {
        Arrays.fill(dst, dstOff, dstOff + size, 0f);
        copyRows(src, n, dst, dstOff, plane());
    }

    /**
     * Copies source {@code n}'s rows to where its padded planes hold them, channel c's plane at
     * {@code dstOff + c·channelStride}; the padding is not written.
     */
    void copyRows(float[] src, int n, float[] dst, int dstOff, int channelStride) {
        int from = n * channels * h * w;
        for (int c = 0; c < channels; c++) {
            int d = dstOff + c * channelStride + padT * wp() + padL;
            for (int r = 0; r < h; r++, d += wp(), from += w) {
                System.arraycopy(src, from, dst, d, w);
            }
        }
    }
}
