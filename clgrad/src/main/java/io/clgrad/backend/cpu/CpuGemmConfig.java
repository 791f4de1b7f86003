package io.clgrad.backend.cpu;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tile and the cache blocking of {@link VectorGemm}: a register tile of {@code mr} rows ×
 * {@code nv} vectors of columns (one of {@link #TILES}, each a micro-kernel of {@link VectorKernels}),
 * {@code kc} steps of k per packed tile, at most {@code mc} rows per packed block of A (rounded up
 * to a multiple of mr) and {@code nc} columns per packed block of B (rounded up to a multiple of
 * the tile's columns).
 *
 * <p>Written as {@code tile=8x3,kc=128,mc=1020,nc=2048} (the {@code -Dclgrad.cpu.gemm} and tuning
 * file syntax; any subset of the keys overrides a base configuration). The built-in choice
 * ({@link #builtIn}) takes the largest tile that fits the registers and the blocking from the cache
 * sizes; {@code clgrad tune} times {@link #candidates} and keeps the fastest ({@link CpuGemmTuner}).
 *
 * <pre>{@code
 * CpuGemmConfig c = CpuGemmConfig.parse("tile=6x2,kc=256", CpuGemmConfig.FIRST);
 * c.spec();   // "tile=6x2,kc=256,mc=128,nc=1024"
 * }</pre>
 *
 * @param mr rows of the register tile
 * @param nv vectors of columns of the register tile
 * @param kc k steps per packed tile (1 to 8192)
 * @param mc most rows per packed block of A (1 to 8192)
 * @param nc most columns per packed block of B (1 to 65536)
 */
record CpuGemmConfig(int mr, int nv, int kc, int mc, int nc) {
    /** The tile shapes {rows, vectors} that have a micro-kernel, in {@link VectorKernels#run}'s numbering. */
    static final int[][] TILES = {{4, 2}, {6, 2}, {8, 2}, {12, 2}, {4, 3}, {8, 3}, {6, 4}, {8, 1}};

    /** The configuration of the first version (a fixed 4×2 tile), for A/B comparisons. */
    static final CpuGemmConfig FIRST = new CpuGemmConfig(4, 2, 256, 128, 1024);

    /** Checks the fields; see the class comment. */
    CpuGemmConfig {
        if (tileIndex(mr, nv) < 0) {
            StringBuilder known = new StringBuilder();
            for (int[] t : TILES) {
                known.append(known.length() == 0 ? "" : ", ").append(t[0]).append('x').append(t[1]);
            }
            throw new IllegalArgumentException("CPU GEMM: no micro-kernel for the tile " + mr + "x" + nv
                    + " (rows x vectors; there are " + known + ")");
        }
        check("kc", kc, 8192);
        check("mc", mc, 8192);
        check("nc", nc, 65536);
    }

    /** The index of this tile's kernel in {@link #TILES}. */
    int tile() {
        return tileIndex(mr, nv);
    }

    /** Columns of the register tile for {@code lanes} floats per vector. */
    int nr(int lanes) {
        return nv * lanes;
    }

    /**
     * Whether the kernel's accumulators, B vectors and one broadcast fit {@code registers} vector
     * registers with one to spare: {@code mr·nv + nv + 1 <= registers - 1}. The spare is measured,
     * not theory: on AVX2 (16 ymm) the 4×3 tile, which needs exactly 16, ran at half the speed of
     * 6×2 (15), as C2 then spills (docs/benchmarks.md, "CPU GEMM per instruction set").
     */
    boolean fits(int registers) {
        return fits(mr, nv, registers);
    }

    private static boolean fits(int mr, int nv, int registers) {
        return mr * nv + nv + 1 <= registers - 1;
    }

    /** The configuration in the {@code tile=RxV,kc=..,mc=..,nc=..} syntax (tuning files, logs, {@code clgrad tune}). */
    String spec() {
        return "tile=" + mr + "x" + nv + ",kc=" + kc + ",mc=" + mc + ",nc=" + nc;
    }

    /**
     * Applies {@code key=value} overrides ({@code tile=RxV}, {@code kc}, {@code mc}, {@code nc}) to {@code base}.
     *
     * @param spec overrides separated by commas; blank returns {@code base}
     * @param base the configuration the overrides apply to
     * @return the new configuration
     * @throws IllegalArgumentException naming the part that is not a known key with a valid value
     */
    static CpuGemmConfig parse(String spec, CpuGemmConfig base) {
        if (spec == null || spec.isBlank()) {
            return base;
        }
        int mr = base.mr;
        int nv = base.nv;
        int[] v = {base.kc, base.mc, base.nc};
        List<String> keys = List.of("kc", "mc", "nc");
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("CPU GEMM configuration: expected key=value, got '" + part.trim()
                        + "' in '" + spec + "'");
            }
            String key = kv[0].trim();
            String value = kv[1].trim();
            if (key.equals("tile")) {
                String[] rv = value.split("x", 2);
                if (rv.length != 2) {
                    throw new IllegalArgumentException("CPU GEMM configuration: tile is ROWSxVECTORS, e.g. 6x2, not '"
                            + value + "'");
                }
                mr = integer("tile rows", rv[0]);
                nv = integer("tile vectors", rv[1]);
                continue;
            }
            int i = keys.indexOf(key);
            if (i < 0) {
                throw new IllegalArgumentException("CPU GEMM configuration: unknown key '" + key
                        + "' (known: tile, kc, mc, nc)");
            }
            v[i] = integer(key, value);
        }
        return new CpuGemmConfig(mr, nv, v[0], v[1], v[2]);
    }

    /**
     * The built-in configuration for a machine: the tile with the most accumulators that
     * {@linkplain #fits fits} its registers, among those the one with the most vectors (fewest
     * broadcasts of A per multiply-add: 6×4 rather than 8×3 or 12×2 with 32 registers; 6×2 with
     * AVX2's 16), then {@link #blocked} for the caches.
     */
    static CpuGemmConfig builtIn(CpuFacts f) {
        int[] best = null;
        for (int[] t : TILES) {
            if (fits(t[0], t[1], f.registers())
                    && (best == null || t[0] * t[1] > best[0] * best[1]
                    || (t[0] * t[1] == best[0] * best[1] && t[1] > best[1]))) {
                best = t;
            }
        }
        if (best == null) {
            best = TILES[0];
        }
        return blocked(best[0], best[1], 0, f);
    }

    /**
     * A tile with its blocking from the caches: kc such that a kc × NR panel of packed B takes a
     * quarter of L2 (it is read from there while the tile walks down A's block), 128 to 1024 in
     * steps of 16 (or {@code kc} when positive); mc such that a mc × kc block of packed A takes half
     * of L2; nc such that a kc × nc block of packed B takes a quarter of L3, at most 4096.
     *
     * <p>The kc rule departs from GotoBLAS/BLIS, which size the B panel for L1 (kc = 128 with 32 KB
     * of L1 and 64-float panels): each k step of kc reads and writes every tile of C again, and that
     * C traffic, not B's, is what the kernel waits for, while its ~11 bytes of B per cycle come from
     * L2 at full speed. On the 2-core AMD EPYC (Zen 4, docs/benchmarks.md) kc = 1024 ran n = 512-1024
     * products 5-15 % faster than kc = 128 with the AVX-512 6×4 tile and with the AVX2 6×2 tile
     * ({@code -XX:UseAVX=2}), n = 2048 2-4 % faster, and the MLP's training shapes the same.
     */
    static CpuGemmConfig blocked(int mr, int nv, int kc, CpuFacts f) {
        int nr = nv * f.lanes();
        if (kc <= 0) {
            kc = (int) Math.max(128, Math.min(1024, f.l2() / 4 / (4L * nr) / 16 * 16));
        }
        int mc = (int) Math.max(mr, Math.min(960, f.l2() / 2 / (4L * kc) / mr * mr));
        int nc = (int) Math.max(nr, Math.min(4096, f.l3() / 4 / (4L * kc) / nr * nr));
        return new CpuGemmConfig(mr, nv, kc, mc, nc);
    }

    /**
     * What {@code clgrad tune} times: every tile that fits the registers, each with the cache
     * blocking of {@link #blocked} at its own kc and (unless {@code quick}) at kc 128, 256, 512 and
     * 1024, and the first version's configuration {@link #FIRST}; without duplicates.
     */
    static List<CpuGemmConfig> candidates(CpuFacts f, boolean quick) {
        Set<CpuGemmConfig> out = new LinkedHashSet<>();
        for (int[] t : TILES) {
            if (!fits(t[0], t[1], f.registers())) {
                continue;
            }
            out.add(blocked(t[0], t[1], 0, f));
            if (!quick) {
                for (int kc : new int[] {128, 256, 512, 1024}) {
                    out.add(blocked(t[0], t[1], kc, f));
                }
            }
        }
        out.add(FIRST);
        return new ArrayList<>(out);
    }

    private static int tileIndex(int mr, int nv) {
        for (int i = 0; i < TILES.length; i++) {
            if (TILES[i][0] == mr && TILES[i][1] == nv) {
                return i;
            }
        }
        return -1;
    }

    private static void check(String key, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException("CPU GEMM configuration: " + key + " = " + value + " is outside 1 to " + max);
        }
    }

    private static int integer(String what, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CPU GEMM configuration: " + what + " is not an integer: '" + value + "'");
        }
    }
}
