package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Module registration, naming, printing, state dicts, modes and devices. */
class ModuleTest {
    /** The PyTorch tutorial's network, registered the Java way. */
    static final class SimpleNet extends io.clgrad.nn.Module<SimpleNet> {
        final Linear layer_1 = register("layer_1", new Linear(2, 10));
        final ReLU relu = register("relu", new ReLU());
        final Linear layer_2 = register("layer_2", new Linear(10, 1));

        @Override
        public Tensor forward(Tensor x) {
            return layer_2.forward(relu.forward(layer_1.forward(x)));
        }
    }

    @Test
    void simpleNetPrintsLikePyTorch() {
        assertEquals("SimpleNet(\n"
                + "  (layer_1): Linear(in_features=2, out_features=10, bias=True)\n"
                + "  (relu): ReLU()\n"
                + "  (layer_2): Linear(in_features=10, out_features=1, bias=True)\n"
                + ")", new SimpleNet().toString());
    }

    @Test
    void sequentialAndLeavesPrintLikePyTorch() {
        Sequential s = new Sequential(new Flatten(), new Linear(4, 3, false), new Tanh(), new Dropout(0.25),
                new Sequential(new Sigmoid(), new Identity()));
        assertEquals("Sequential(\n"
                + "  (0): Flatten(start_dim=1, end_dim=-1)\n"
                + "  (1): Linear(in_features=4, out_features=3, bias=False)\n"
                + "  (2): Tanh()\n"
                + "  (3): Dropout(p=0.25, inplace=False)\n"
                + "  (4): Sequential(\n"
                + "    (0): Sigmoid()\n"
                + "    (1): Identity()\n"
                + "  )\n"
                + ")", s.toString());
        assertEquals(new LinearOptions(4, 3, false), ((Linear) s.get(1)).options());
        assertEquals("Dropout(p=0.5, inplace=False)", new Dropout().toString());
        assertEquals("Sequential()", new Sequential().toString());
        assertEquals("BCEWithLogitsLoss()", new BCEWithLogitsLoss().toString());
        assertEquals("BCEWithLogitsLoss()", BCEWithLogitsLoss.builder().posWeight(Tensor.of(new float[] {2f})).build().toString());
        assertEquals("CrossEntropyLoss()", CrossEntropyLoss.builder().labelSmoothing(0.1).build().toString());
        assertEquals("MSELoss()", new MSELoss().toString());
        assertEquals("L1Loss()", new L1Loss().toString());
        assertEquals("BCELoss()", new BCELoss().toString());
        assertEquals("NLLLoss()", new NLLLoss().toString());
    }

    @Test
    void namedParametersFollowRegistrationOrder() {
        SimpleNet net = new SimpleNet();
        Map<String, Tensor> named = net.namedParameters();
        assertEquals(List.of("layer_1.weight", "layer_1.bias", "layer_2.weight", "layer_2.bias"), List.copyOf(named.keySet()));
        assertSame(net.layer_1.weight(), named.get("layer_1.weight"));
        List<Tensor> params = net.parameters();
        assertEquals(4, params.size());
        assertSame(net.layer_2.bias(), params.get(3));
        for (Tensor p : params) {
            assertTrue(p.requiresGrad());
            assertTrue(p.isLeaf());
        }
        assertArrayEquals(new int[] {10, 2}, named.get("layer_1.weight").shape());
        assertArrayEquals(new int[] {1}, named.get("layer_2.bias").shape());

        Sequential s = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2, false));
        assertEquals(List.of("0.weight", "0.bias", "2.weight"), List.copyOf(s.namedParameters().keySet()));
        assertNull(((Linear) s.get(2)).bias());
        assertSame(s.get(-1), s.get(2));
    }

    @Test
    void namedModulesAndApplyWalkTheTree() {
        Sequential inner = new Sequential(new ReLU());
        Sequential s = new Sequential(new Linear(2, 2), inner);
        assertEquals(List.of("", "0", "1", "1.0"), List.copyOf(s.namedModules().keySet()));
        assertSame(inner, s.namedModules().get("1"));
        List<String> visited = new java.util.ArrayList<>();
        s.apply(m -> visited.add(m.getClass().getSimpleName()));
        assertEquals(List.of("Linear", "ReLU", "Sequential", "Sequential"), visited);
        s.apply(m -> {
            if (m instanceof Linear l) {
                io.clgrad.nn.init.Init.ones(l.weight());
            }
        });
        assertArrayEquals(new float[] {1, 1, 1, 1}, ((Linear) s.get(0)).weight().toFloatArray());
    }

    @Test
    void registrationRejectsBadNames() {
        io.clgrad.nn.Module<?> m = new Identity() {
            {
                registerParameter("w", Tensor.zeros(2));
                assertThrows(IllegalArgumentException.class, () -> register("w", new ReLU()));
                assertThrows(IllegalArgumentException.class, () -> register("a.b", new ReLU()));
                assertThrows(IllegalArgumentException.class, () -> register("", new ReLU()));
            }
        };
        assertEquals(List.of("w"), List.copyOf(m.namedParameters().keySet()));
        assertEquals("Identity()", m.toString());   // an anonymous subclass prints its superclass's name
    }

    @Test
    void stateDictRoundTrip() {
        Tensor.manualSeed(1);
        SimpleNet a = new SimpleNet();
        SimpleNet b = new SimpleNet();
        Map<String, Tensor> state = a.stateDict();
        assertEquals(List.copyOf(a.namedParameters().keySet()), List.copyOf(state.keySet()));
        for (Tensor t : state.values()) {
            assertFalse(t.requiresGrad());
        }
        Tensor bWeight = b.layer_1.weight();
        assertFalse(java.util.Arrays.equals(a.layer_1.weight().toFloatArray(), bWeight.toFloatArray()));
        b.loadStateDict(state);
        assertSame(bWeight, b.layer_1.weight(), "values are copied in place");
        for (String k : state.keySet()) {
            assertArrayEquals(a.namedParameters().get(k).toFloatArray(), b.namedParameters().get(k).toFloatArray(), k);
        }
        assertTrue(b.layer_1.weight().requiresGrad());
        // A later change to a does not reach b.
        a.loadStateDict(new SimpleNet().stateDict());
        assertFalse(java.util.Arrays.equals(a.layer_1.weight().toFloatArray(), b.layer_1.weight().toFloatArray()));
    }

    @Test
    void strictLoadNamesMissingUnexpectedAndMismatchedKeys() {
        SimpleNet net = new SimpleNet();
        float[] before = net.layer_1.weight().toFloatArray();
        Map<String, Tensor> state = new LinkedHashMap<>(new SimpleNet().stateDict());
        state.remove("layer_2.bias");
        state.put("layer_3.weight", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(state));
        assertTrue(e.getMessage().startsWith("Error(s) in loading state_dict for SimpleNet:"), e.getMessage());
        assertTrue(e.getMessage().contains("Missing key(s) in state_dict: \"layer_2.bias\"."), e.getMessage());
        assertTrue(e.getMessage().contains("Unexpected key(s) in state_dict: \"layer_3.weight\"."), e.getMessage());
        assertArrayEquals(before, net.layer_1.weight().toFloatArray(), "nothing is copied on error");

        Map<String, Tensor> wrong = new LinkedHashMap<>(new SimpleNet().stateDict());
        wrong.put("layer_1.weight", Tensor.zeros(10, 3));
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(wrong));
        assertTrue(s.getMessage().contains("size mismatch for layer_1.weight: copying a param with shape [10, 3] from"
                + " checkpoint, the shape in current model is [10, 2]."), s.getMessage());

        // Non-strict: key problems are reported, matching keys are loaded.
        Map<String, Tensor> partial = new LinkedHashMap<>();
        partial.put("layer_1.bias", Tensor.ones(10));
        partial.put("extra", Tensor.ones(1));
        io.clgrad.nn.Module.IncompatibleKeys keys = net.loadStateDict(partial, false);
        assertEquals(List.of("layer_1.weight", "layer_2.weight", "layer_2.bias"), keys.missingKeys());
        assertEquals(List.of("extra"), keys.unexpectedKeys());
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, net.layer_1.bias().toFloatArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void toKeepsAFrozenParameterFrozen(Device d) {
        SimpleNet net = new SimpleNet();
        net.layer_1.weight().requiresGrad(false);
        net.to(d);
        assertFalse(net.layer_1.weight().requiresGrad(), "frozen before to(" + d + "), frozen after, as in PyTorch");
        assertTrue(net.layer_1.bias().requiresGrad());
        assertTrue(net.layer_2.weight().requiresGrad());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void toMovesParametersAndLoadCopiesAcrossDevices(Device d) {
        SimpleNet net = new SimpleNet();
        float[] w = net.layer_1.weight().toFloatArray();
        Tensor oldWeight = net.layer_1.weight();
        assertSame(net, net.to(d));
        for (Tensor p : net.parameters()) {
            assertSame(d, p.device());
            assertTrue(p.requiresGrad());
            assertTrue(p.isLeaf());
        }
        if (!d.isCpu()) {
            assertNotSame(oldWeight, net.layer_1.weight());
        }
        assertArrayEquals(w, net.layer_1.weight().toFloatArray());
        Tensor y = net.forward(Tensor.of(d, new float[] {1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new int[] {2, 1}, y.shape());
        assertSame(d, y.device());

        // loadStateDict from CPU tensors into device parameters.
        SimpleNet cpu = new SimpleNet();
        net.loadStateDict(cpu.stateDict());
        assertSame(d, net.layer_2.weight().device());
        assertArrayEquals(cpu.layer_2.weight().toFloatArray(), net.layer_2.weight().toFloatArray());
        net.to(Device.cpu());
        assertSame(Device.cpu(), net.layer_1.bias().device());
    }

    @Test
    void trainAndEvalAreRecursive() {
        Sequential s = new Sequential(new Linear(2, 2), new Sequential(new Dropout()));
        assertTrue(s.isTraining());
        s.eval();
        assertFalse(s.isTraining());
        assertFalse(((Sequential) s.get(1)).get(0).isTraining());
        s.train();
        assertTrue(((Sequential) s.get(1)).get(0).isTraining());
    }

    @Test
    void lossForwardWithOneArgumentExplains() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> new MSELoss().forward(Tensor.zeros(2)));
        assertTrue(e.getMessage().contains("MSELoss"), e.getMessage());
    }
}
