package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.ConvSpec;

/**
 * Double-precision reference for {@link Backend#im2col} and {@link Backend#col2im}, written from the
 * definition on an explicitly zero-padded image rather than with the backends' bounds tests: im2col
 * reads the padded image at {@code (oh·strideH + i·dilationH, ow·strideW + j·dilationW)}, and col2im
 * scatters every patch element back onto the padded image and crops it (the backends gather).
 */
final class RefConv {
    private RefConv() {
    }

    /** The padded height and width of the spec's input. */
    private static int paddedH(ConvSpec s) {
        return s.height() + s.padTop() + s.padBottom();
    }

    private static int paddedW(ConvSpec s) {
        return s.width() + s.padLeft() + s.padRight();
    }

    /** The patch matrix of x: a copy, so compared bit-exactly. */
    static double[] im2col(ConvSpec s, float[] x) {
        int ph = paddedH(s);
        int pw = paddedW(s);
        double[] padded = new double[s.batch() * s.channels() * ph * pw];
        for (int n = 0; n < s.batch(); n++) {
            for (int c = 0; c < s.channels(); c++) {
                for (int h = 0; h < s.height(); h++) {
                    for (int w = 0; w < s.width(); w++) {
                        padded[((n * s.channels() + c) * ph + h + s.padTop()) * pw + w + s.padLeft()] =
                                x[((n * s.channels() + c) * s.height() + h) * s.width() + w];
                    }
                }
            }
        }
        double[] cols = new double[s.colsSize()];
        forEachPatchElement(s, (o, at) -> cols[o] = padded[at]);
        return cols;
    }

    /**
     * The adjoint of im2col: every patch element added onto the padded image, then cropped; scale
     * {@code max(1, |dx|, sqrt(terms)·max|term|)} per pixel (an accumulation of its terms).
     */
    static RefLinalg.Result col2im(ConvSpec s, float[] cols) {
        int ph = paddedH(s);
        int pw = paddedW(s);
        int size = s.batch() * s.channels() * ph * pw;
        double[] sum = new double[size];
        double[] maxTerm = new double[size];
        int[] terms = new int[size];
        forEachPatchElement(s, (o, at) -> {
            double t = cols[o];
            sum[at] += t;
            maxTerm[at] = Math.max(maxTerm[at], Math.abs(t));
            terms[at]++;
        });
        double[] dx = new double[s.inputSize()];
        double[] scale = new double[dx.length];
        int k = 0;
        for (int nc = 0; nc < s.batch() * s.channels(); nc++) {
            for (int h = 0; h < s.height(); h++) {
                for (int w = 0; w < s.width(); w++) {
                    int at = (nc * ph + h + s.padTop()) * pw + w + s.padLeft();
                    dx[k] = sum[at];
                    scale[k] = Tolerance.accum(sum[at], Math.max(1, terms[at]), maxTerm[at]);
                    k++;
                }
            }
        }
        return new RefLinalg.Result(dx, scale);
    }

    /** Receives patch element {@code o} and the index {@code at} of the padded-image pixel it copies. */
    private interface PatchVisitor {
        void visit(int o, int at);
    }

    /**
     * Walks the patch matrix in its storage order (group, image, output row, output column, channel,
     * tap row, tap column), giving each element's index and its pixel's index in the padded image
     * [N, C, H + padTop + padBottom, W + padLeft + padRight].
     */
    private static void forEachPatchElement(ConvSpec s, PatchVisitor v) {
        int ph = paddedH(s);
        int pw = paddedW(s);
        int cg = s.channels() / s.groups();
        int o = 0;
        for (int g = 0; g < s.groups(); g++) {
            for (int n = 0; n < s.batch(); n++) {
                for (int oh = 0; oh < s.outH(); oh++) {
                    for (int ow = 0; ow < s.outW(); ow++) {
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < s.kernelH(); i++) {
                                for (int j = 0; j < s.kernelW(); j++) {
                                    int hp = oh * s.strideH() + i * s.dilationH();
                                    int wp = ow * s.strideW() + j * s.dilationW();
                                    v.visit(o++, ((n * s.channels() + g * cg + c) * ph + hp) * pw + wp);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
