package io.clgrad.backend.conformance;

import io.clgrad.backend.Backend;
import io.clgrad.backend.Buffer;
import io.clgrad.backend.ElementType;
import java.util.ArrayList;
import java.util.List;

/**
 * Cases for host transfers at offsets, {@link Backend#write} and {@link Backend#read} of float32
 * and int32 data: a buffer is first written whole with a background value, then {@code n} values
 * from the middle of a host array are written at a device offset, and a window two elements wider
 * on each side is read back into the middle of another host array. The read must give the
 * background, the written values and the background again, exactly: a transfer that lands one
 * element off, or writes past its end, shows.
 */
final class TransferCases {
    private static final int SRC_OFFSET = 5;
    private static final int DST_OFFSET = 10;
    private static final int MARGIN = 2;
    private static final int BACKGROUND = 7;

    private TransferCases() {
    }

    static List<OpCase> transfers(CaseSize size) {
        List<OpCase> cases = new ArrayList<>();
        for (int n : size.lengths(1, 33, 1000, 100_003)) {
            cases.add(f32(n));
            cases.add(i32(n));
        }
        return cases;
    }

    /** The background, the written values, the background: what the window read must hold. */
    private static double[] expected(int n, java.util.function.IntToDoubleFunction value) {
        double[] ref = new double[n + 2 * MARGIN];
        for (int i = 0; i < ref.length; i++) {
            int k = i - MARGIN;
            ref[i] = k >= 0 && k < n ? value.applyAsDouble(SRC_OFFSET + k) : BACKGROUND;
        }
        return ref;
    }

    private static OpCase f32(int n) {
        return windowCase(ElementType.F32, n, i -> i * 0.5 - 3.25);
    }

    private static OpCase i32(int n) {
        return windowCase(ElementType.I32, n, i -> i * 7919 - 1_000_003);
    }

    /** One case: the background, then {@code n} values of {@code value} written at the offsets, read back. */
    private static OpCase windowCase(ElementType type, int n, java.util.function.IntToDoubleFunction value) {
        int total = DST_OFFSET + n + DST_OFFSET;
        int window = n + 2 * MARGIN;
        double[] ref = expected(n, value);
        String name = type == ElementType.F32 ? "f32" : "i32";
        return OpCase.of("write/read " + name + " at offsets n=" + n, b -> {
            try (Bufs m = new Bufs(b)) {
                Buffer d = m.alloc(type, total);
                HostArray background = HostArray.of(type, total, i -> BACKGROUND);
                HostArray src = HostArray.of(type, SRC_OFFSET + n + 3, value);
                HostArray back = HostArray.of(type, 1 + window + 1, i -> 0);
                background.write(b, d, 0, 0, total);
                src.write(b, d, DST_OFFSET, SRC_OFFSET, n);
                back.read(b, d, DST_OFFSET - MARGIN, 1, window);
                return List.of(back.values(1, window));
            }
        }, OpCase.Out.exact("window", new int[] {window}, ref));
    }
}
