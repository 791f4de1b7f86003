package io.clgrad;

import io.clgrad.backend.DeviceOutOfMemoryException;

/**
 * A 2-D convolution followed by batch normalisation with running statistics (evaluation mode), run
 * as one convolution whose weight and bias have the normalisation folded in, with the formula of
 * PyTorch's {@code torch.nn.utils.fusion.fuse_conv_bn_weights} (ONNX Runtime folds the same way):
 * {@code r = rsqrt(var + eps)}, {@code W'[o] = W[o]·(γ[o]·r[o])},
 * {@code b'[o] = (b[o] − mean[o])·r[o]·γ[o] + β[o]} (γ = 1 and β = 0 without affine parameters,
 * b = 0 without a convolution bias).
 *
 * <p>Used only where the forward records no node (no-grad, or nothing requires a gradient) and no
 * step is being recorded; anything else runs the convolution, then the normalisation. The folded
 * pair is made on the first such call and kept on the convolution weight's {@link Storage} while the
 * six tensors are the same tensors at the same {@link Tensor#version()}s and eps is the same (a write
 * to the convolution weight drops it at once; the other five are compared on each call); it is
 * freed with the weight. It holds memory the size of the weight: none is made while it would bring
 * the device's memory in use past half of it, nor after the device had no memory for it (until one of
 * the six tensors changes); the unfolded path runs then. One fold per weight: a weight shared by two
 * normalisations folds again whenever the other one comes. The results equal the unfolded ones up to
 * float rounding (the products are scaled before they are summed, not after), as in PyTorch's fused
 * inference.
 */
final class ConvBatchNormFold {
    /** The folded weight and bias, and what they were folded from. */
    record Fold(Tensor[] sources, int[] versions, double eps, Tensor weight, Tensor bias) {
        /** Whether these are the same six tensors at the same versions, and the same eps. */
        boolean matches(Tensor[] s, double e) {
            if (e != eps || s.length != sources.length) {
                return false;
            }
            for (int i = 0; i < s.length; i++) {
                if (s[i] != sources[i] || (s[i] != null && s[i].version() != versions[i])) {
                    return false;
                }
            }
            return true;
        }

        /** Frees the folded tensors (a reader holding handles keeps their buffers until it is done). */
        void close() {
            if (weight != null) {
                weight.close();
            }
            if (bias != null) {
                bias.close();
            }
        }
    }

    private ConvBatchNormFold() {
    }

    /**
     * {@code batchNorm(conv2d(x, w, b), mean, var, γ, β, eval, eps)}, folded where it may be (see the
     * class comment).
     */
    static Tensor forward(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups,
                          Tensor mean, Tensor var, Tensor gamma, Tensor beta, double eps) {
        if (x.dim() != 4) {   // BatchNorm2d's own check (a [C, H, W] input would be normalised along H)
            throw new IllegalArgumentException("conv2dBatchNorm: expected 4D input (got " + x.dim() + "D input)");
        }
        Tensor[] sources = {w, b, mean, var, gamma, beta};
        Tensor[] folded = foldable(x, sources) ? folded(sources, eps) : null;
        if (folded == null) {
            Tensor y = Convolution.conv2d(x, w, b, stride, padding, dilation, groups);
            return BatchNorms.batchNorm(y, mean, var, gamma, beta, false, 0.0, eps);
        }
        try {
            return Convolution.conv2d(x, folded[0], folded[1], stride, padding, dilation, groups);
        } finally {
            folded[0].close();
            folded[1].close();
        }
    }

    /**
     * Whether the pair may run folded: running statistics given, nothing recording (neither autograd
     * nor a step), a 4-D float weight and [C_out] float vectors (anything else takes the unfolded
     * path and its checks and messages).
     */
    private static boolean foldable(Tensor x, Tensor[] sources) {
        Tensor w = sources[0];
        if (sources[2] == null || sources[3] == null || Step.isRecording() || Graph.shouldRecord(x)
                || Graph.shouldRecord(sources) || w.isClosed() || w.dim() != 4 || w.dtype() != DType.FLOAT32) {
            return false;
        }
        for (int i = 1; i < sources.length; i++) {
            Tensor t = sources[i];
            if (t != null && (t.isClosed() || t.dtype() != DType.FLOAT32 || t.dim() != 1 || !t.isDense()
                    || t.shapeRef()[0] != w.shapeRef()[0] || t.device() != w.device())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Handles (closed by the caller) on the folded weight and bias of these sources, folded now if
     * need be; null when the device has no room for them (the unfolded path then; after an
     * out-of-memory failure not tried again for the same sources and versions).
     */
    private static Tensor[] folded(Tensor[] sources, double eps) {
        Tensor w = sources[0];
        Storage s = w.storage();
        Fold stale = null;
        Tensor[] handles = null;
        synchronized (s) {
            Fold f = s.convBatchNormFold();
            if (f == null || !f.matches(sources, eps)) {
                stale = f;
                if (!PackedLinearWeights.roomForCache(w.device(), ((long) w.numel() + w.shapeRef()[0]) * Float.BYTES)) {
                    f = null;   // a cache: not while it would fill more than half the device (asked again next call)
                } else {
                    try {
                        f = fold(sources, eps);
                    } catch (DeviceOutOfMemoryException e) {   // noted, so not tried again for these sources
                        f = new Fold(sources.clone(), versions(sources), eps, null, null);
                    }
                }
                s.setConvBatchNormFold(f);
            }
            if (f != null && f.weight() != null) {
                handles = new Tensor[] {f.weight().restride(0, f.weight().shapeRef(), f.weight().stridesRef()),
                    f.bias().restride(0, f.bias().shapeRef(), f.bias().stridesRef())};
                TensorScope.release(handles[0]);
                TensorScope.release(handles[1]);
            }
        }
        if (stale != null) {
            stale.close();
        }
        return handles;
    }

    private static int[] versions(Tensor[] src) {
        int[] versions = new int[src.length];
        for (int i = 0; i < src.length; i++) {
            versions[i] = src[i] == null ? 0 : src[i].version();
        }
        return versions;
    }

    /** Folds the normalisation into the convolution (no-grad), the results owned by no scope. */
    private static Fold fold(Tensor[] src, double eps) {
        Tensor w = src[0];
        Tensor b = src[1];
        Tensor mean = src[2];
        Tensor gamma = src[4];
        Tensor beta = src[5];
        int[] versions = versions(src);
        try (Autograd.Mode m = Autograd.noGrad(); TensorScope scope = Tensors.scope()) {
            Tensor r = Tensor.ones(w.device(), w.shapeRef()[0]).div(src[3].add((float) eps).sqrt());   // rsqrt
            Tensor scale = gamma == null ? r : gamma.mul(r);
            Tensor weight = w.mul(scale.reshape(w.shapeRef()[0], 1, 1, 1));
            Tensor centred = b == null ? mean.neg() : b.sub(mean);
            Tensor bias = gamma == null ? centred.mul(r) : centred.mul(r).mul(gamma);
            bias = beta == null ? bias : bias.add(beta);
            TensorScope.release(weight);
            TensorScope.release(bias);
            return new Fold(src.clone(), versions, eps, weight, bias);
        }
    }
}
