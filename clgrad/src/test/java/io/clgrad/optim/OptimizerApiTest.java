package io.clgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Printing (PyTorch 2.x's block format), argument errors and Python number formatting. */
class OptimizerApiTest {

    private static List<Tensor> params(Device d) {
        return List.of(Tensor.randn(d, 10, 2).requiresGrad(true), Tensor.randn(d, 10).requiresGrad(true));
    }

    @Test
    void adamPrintsLikePyTorch() {
        Adam opt = new Adam(params(Device.cpu()), 0.01);
        assertEquals("Adam (\n"
                + "Parameter Group 0\n"
                + "    amsgrad: False\n"
                + "    betas: (0.9, 0.999)\n"
                + "    capturable: False\n"
                + "    differentiable: False\n"
                + "    eps: 1e-08\n"
                + "    foreach: None\n"
                + "    fused: None\n"
                + "    lr: 0.01\n"
                + "    maximize: False\n"
                + "    weight_decay: 0\n"
                + ")", opt.toString());
    }

    @Test
    void adamWPrintsLikePyTorch() {
        AdamW opt = AdamW.builder(params(Device.cpu())).lr(3e-4).amsgrad(true).build();
        assertEquals("AdamW (\n"
                + "Parameter Group 0\n"
                + "    amsgrad: True\n"
                + "    betas: (0.9, 0.999)\n"
                + "    capturable: False\n"
                + "    differentiable: False\n"
                + "    eps: 1e-08\n"
                + "    foreach: None\n"
                + "    fused: None\n"
                + "    lr: 0.0003\n"
                + "    maximize: False\n"
                + "    weight_decay: 0.01\n"
                + ")", opt.toString());
    }

    @Test
    void sgdPrintsLikePyTorchWithTwoGroupsAndAScheduler() {
        List<Tensor> ps = params(Device.cpu());
        SGD opt = SGD.builder(ps.subList(0, 1)).lr(0.1).momentum(0.9).nesterov(true).build();
        opt.addParamGroup(ps.subList(1, 2), Map.of("lr", 1e-5, "weight_decay", 5e-4));
        new StepLR(opt, 10);
        assertEquals("SGD (\n"
                + "Parameter Group 0\n"
                + "    dampening: 0\n"
                + "    differentiable: False\n"
                + "    foreach: None\n"
                + "    fused: None\n"
                + "    initial_lr: 0.1\n"
                + "    lr: 0.1\n"
                + "    maximize: False\n"
                + "    momentum: 0.9\n"
                + "    nesterov: True\n"
                + "    weight_decay: 0\n"
                + "\n"
                + "Parameter Group 1\n"
                + "    dampening: 0\n"
                + "    differentiable: False\n"
                + "    foreach: None\n"
                + "    fused: None\n"
                + "    initial_lr: 1e-05\n"
                + "    lr: 1e-05\n"
                + "    maximize: False\n"
                + "    momentum: 0.9\n"
                + "    nesterov: True\n"
                + "    weight_decay: 0.0005\n"
                + ")", opt.toString());
    }

    @Test
    void pythonFloatRepr() {
        assertEquals("0.01", PyRepr.floatRepr(0.01));
        assertEquals("1e-08", PyRepr.floatRepr(1e-8));
        assertEquals("1e-05", PyRepr.floatRepr(1e-5));
        assertEquals("0.0001", PyRepr.floatRepr(1e-4));
        assertEquals("1.5e-07", PyRepr.floatRepr(1.5e-7));
        assertEquals("0.30000000000000004", PyRepr.floatRepr(0.1 + 0.2));
        assertEquals("0.3333333333333333", PyRepr.floatRepr(1.0 / 3));
        assertEquals("100.0", PyRepr.floatRepr(100.0));
        assertEquals("123.456", PyRepr.floatRepr(123.456));
        assertEquals("1e+16", PyRepr.floatRepr(1e16));
        assertEquals("1234567890123456.0", PyRepr.floatRepr(1234567890123456.0));
        assertEquals("-2.5", PyRepr.floatRepr(-2.5));
        assertEquals("0.0", PyRepr.floatRepr(0.0));
        assertEquals("inf", PyRepr.floatRepr(Double.POSITIVE_INFINITY));
        assertEquals("0", PyRepr.option("weight_decay", 0.0));
        assertEquals("(0.9, 0.999)", PyRepr.option("betas", List.of(0.9, 0.999)));
        assertEquals("(0.0, 0.99)", PyRepr.option("betas", List.of(0.0, 0.99)));
        assertEquals("None", PyRepr.option("foreach", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.clgrad.TestDevices#all")
    void parameterNotRequiringGradIsNamed(Device d) {
        Tensor ok = Tensor.randn(d, 4).requiresGrad(true);
        Tensor frozen = Tensor.randn(d, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Adam(List.of(ok, frozen), 0.01));
        assertTrue(e.getMessage().contains("optimizer can only optimize Tensors that require grad"), e.getMessage());
        assertTrue(e.getMessage().contains("parameter 1"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        SGD sgd = new SGD(List.of(ok), 0.1);
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
                () -> sgd.addParamGroup(List.of(frozen), Map.of()));
        assertTrue(g.getMessage().contains("parameter 0 of parameter group 1"), g.getMessage());
    }

    @Test
    void otherMisuseErrors() {
        List<Tensor> ps = params(Device.cpu());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(), 0.01));
        assertTrue(e.getMessage().contains("empty parameter list"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(), 0.01));
        e = assertThrows(IllegalArgumentException.class,
                () -> SGD.builder(ps).lr(0.1).nesterov(true).build());
        assertTrue(e.getMessage().contains("Nesterov momentum requires a momentum and zero dampening"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SGD.builder(ps).lr(0.1).momentum(0.9).dampening(0.1).nesterov(true).build());
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(ps, -1));
        assertEquals("Invalid learning rate: -1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adam.builder(ps).betas(1.0, 0.999).build());
        assertEquals("Invalid beta parameter at index 0: 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(ps.get(0), ps.get(0)), 0.1));
        assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
        Adam adam = new Adam(ps.subList(0, 1), 0.1);
        e = assertThrows(IllegalArgumentException.class, () -> adam.addParamGroup(ps, Map.of()));
        assertTrue(e.getMessage().contains("more than one parameter group"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> adam.addParamGroup(ps.subList(1, 2), Map.of("maximize", true)));
        assertTrue(e.getMessage().contains("maximize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> adam.addParamGroup(ps.subList(1, 2), Map.of("momentum", 0.9)));
        assertTrue(e.getMessage().contains("no option 'momentum'"), e.getMessage());
        Tensor nonLeaf = ps.get(1).mul(2f);
        e = assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(nonLeaf), 0.1));
        assertTrue(e.getMessage().contains("non-leaf"), e.getMessage());
    }

    @Test
    void lrGetterAndSetter() {
        List<Tensor> ps = params(Device.cpu());
        Adam opt = new Adam(ps.subList(0, 1), 0.01);
        opt.addParamGroup(ps.subList(1, 2), Map.of("lr", 0.5));
        assertEquals(0.01, opt.lr());
        opt.setLr(0.2);
        assertEquals(0.2, opt.paramGroups().get(0).lr());
        assertEquals(0.2, opt.paramGroups().get(1).lr());
        opt.paramGroups().get(1).set("weight_decay", 1);
        assertEquals(1.0, opt.paramGroups().get(1).getDouble("weight_decay"));
    }
}
