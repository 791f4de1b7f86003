package io.clgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The chapter's SimpleNet(2, 10, 1) has PyTorch's parameter count: (2*10 + 10) + (10*1 + 1). */
class SimpleNetTest {

    @Test
    void numParametersMatchesPyTorch() {
        assertEquals(41, new SimpleNet(2, 10, 1).numParameters());
    }
}
