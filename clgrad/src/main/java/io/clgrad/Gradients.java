package io.clgrad;

import java.util.Arrays;

/**
 * {@link Autograd#grad}: the checks PyTorch's {@code torch.autograd.grad} makes, then one
 * {@link BackwardPass} that returns the wanted gradients instead of adding into {@code grad()}.
 */
final class Gradients {
    private static final String OP = "Autograd.grad";

    private Gradients() {
    }

    static Tensor[] of(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean retainGraph,
                       boolean createGraph, boolean allowUnused) {
        if (createGraph) {
            throw new UnsupportedOperationException(OP + ": createGraph=true (gradients of gradients) is not supported;"
                    + " backward functions run with recording off, so only first-order gradients exist");
        }
        if (outputs == null || inputs == null) {
            throw new IllegalArgumentException(OP + ": outputs and inputs must not be null");
        }
        if (outputs.length == 0) {
            throw new IllegalArgumentException(OP + ": grad requires at least one output");
        }
        if (inputs.length == 0) {
            throw new IllegalArgumentException(OP + ": grad requires at least one input");
        }
        if (gradOutputs != null && gradOutputs.length != outputs.length) {
            throw new IllegalArgumentException(OP + ": grad requires one gradOutput per output: got "
                    + gradOutputs.length + " gradOutputs for " + outputs.length + " outputs");
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new IllegalArgumentException(OP + ": inputs[" + i + "] is null");
            }
            inputs[i].checkOpen(OP);
            if (!inputs[i].requiresGrad()) {
                throw new IllegalStateException(OP + ": One of the differentiated Tensors does not require grad"
                        + " (inputs[" + i + "], " + inputs[i].dtype() + " " + Shape.str(inputs[i].shapeRef()) + ")");
            }
        }
        Tensor[] grads = new Tensor[outputs.length];
        Tensor[] made = new Tensor[outputs.length];
        try {
            for (int i = 0; i < outputs.length; i++) {
                grads[i] = gradOutputFor(i, outputs[i], gradOutputs == null ? null : gradOutputs[i], made);
            }
            Tensor[] result = new BackwardPass(outputs, grads, retainGraph, inputs).run();
            for (int i = 0; i < inputs.length; i++) {
                for (int j = 0; j < i && result[i] == null; j++) {
                    if (inputs[j] == inputs[i] && result[j] != null) {
                        result[i] = result[j].copy();   // the same tensor asked for twice
                    }
                }
            }
            for (int i = 0; i < inputs.length; i++) {
                if (result[i] == null && !allowUnused) {
                    for (Tensor r : result) {
                        if (r != null) {
                            r.close();
                        }
                    }
                    throw new IllegalStateException(OP + ": One of the differentiated Tensors appears to not have been"
                            + " used in the graph (inputs[" + i + "], " + Shape.str(inputs[i].shapeRef()) + "). Set"
                            + " allowUnused=true if this is the desired behavior (then its gradient is null)");
                }
            }
            return result;
        } finally {
            for (Tensor t : made) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    /** The gradient of output {@code i}: the one given (checked), or an implicit 1 for a one-element output. */
    private static Tensor gradOutputFor(int i, Tensor out, Tensor given, Tensor[] made) {
        if (out == null) {
            throw new IllegalArgumentException(OP + ": outputs[" + i + "] is null");
        }
        out.checkOpen(OP);
        if (!out.requiresGrad()) {
            throw new IllegalStateException(OP + ": element " + i + " of tensors does not require grad and does not"
                    + " have a grad_fn");
        }
        if (given == null) {
            if (out.numel() != 1) {
                throw new IllegalStateException(OP + ": grad can be implicitly created only for scalar outputs;"
                        + " outputs[" + i + "] has shape " + Shape.str(out.shapeRef()) + ", so pass its gradOutput");
            }
            made[i] = Tensor.full(out.device(), 1f, out.shapeRef().clone());
            return made[i];
        }
        if (!Arrays.equals(given.shapeRef(), out.shapeRef())) {
            throw new IllegalArgumentException(OP + ": Mismatch in shape: gradOutputs[" + i + "] has a shape of "
                    + Shape.str(given.shapeRef()) + " and outputs[" + i + "] has a shape of "
                    + Shape.str(out.shapeRef()));
        }
        if (given.dtype() != out.dtype()) {
            throw new IllegalArgumentException(OP + ": Mismatch in dtype: gradOutputs[" + i + "] is " + given.dtype()
                    + " and outputs[" + i + "] is " + out.dtype());
        }
        Checks.sameDevice(OP, out, given);
        return given;
    }
}
