package io.clgrad.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the CPU GEMM's configuration is chosen from: the CPU model, the architecture, the Vector
 * API's preferred vector length in floats, how many vector registers the instruction set has, and
 * the data cache sizes.
 *
 * <p>Registers: 32 on x86 with 512-bit vectors (AVX-512: zmm0-31) and on AArch64 (NEON and SVE:
 * v0-31), 16 on x86 otherwise (AVX2 or SSE: ymm/xmm0-15; also what a JVM run with
 * {@code -XX:UseAVX=2} on an AVX-512 machine gets). Caches come from
 * {@code /sys/devices/system/cpu/cpu0/cache/index*} (Linux); where that cannot be read, 32 KiB L1,
 * 512 KiB L2 and 8 MiB L3. The model is {@code /proc/cpuinfo}'s "model name" (or "Hardware" /
 * "CPU part" on ARM), else {@code os.arch}.
 *
 * @param model     the CPU model, e.g. "AMD EPYC"
 * @param arch      {@code os.arch}, e.g. "amd64" or "aarch64"
 * @param lanes     floats per preferred vector (16 on AVX-512, 8 on AVX2, 4 on NEON)
 * @param registers vector registers of the instruction set
 * @param l1        L1 data cache bytes
 * @param l2        L2 cache bytes (per core)
 * @param l3        L3 cache bytes (shared)
 */
record CpuFacts(String model, String arch, int lanes, int registers, long l1, long l2, long l3) {
    private static final Path CACHE = Path.of("/sys/devices/system/cpu/cpu0/cache");

    /**
     * The facts of this machine for a vector length.
     *
     * @param lanes floats per preferred vector, as the Vector API reports it
     */
    static CpuFacts detect(int lanes) {
        String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        long l1 = 32 << 10;
        long l2 = 512 << 10;
        long l3 = 8 << 20;
        for (int i = 0; i < 8; i++) {
            Path d = CACHE.resolve("index" + i);
            String level = read(d.resolve("level"));
            String type = read(d.resolve("type"));
            long size = parseSize(read(d.resolve("size")));
            if (level == null || type == null || size <= 0) {
                continue;
            }
            if (level.equals("1") && type.equals("Data")) {
                l1 = size;
            } else if (level.equals("2") && !type.equals("Instruction")) {
                l2 = size;
            } else if (level.equals("3")) {
                l3 = size;
            }
        }
        return new CpuFacts(model(arch), arch, lanes, registers(arch, lanes), l1, l2, l3);
    }

    /** Vector registers of the instruction set that gives {@code lanes} floats per vector on {@code arch}. */
    static int registers(String arch, int lanes) {
        if (arch.contains("aarch64") || arch.contains("arm64")) {
            return 32;
        }
        return lanes >= 16 ? 32 : 16;
    }

    /** The instruction set's name for display: "AVX-512", "AVX2", "SSE", "NEON", else arch and bits. */
    String isa() {
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        if (x86) {
            return lanes >= 16 ? "AVX-512" : lanes == 8 ? "AVX2" : "SSE";
        }
        if ((arch.contains("aarch64") || arch.contains("arm64")) && lanes == 4) {
            return "NEON";
        }
        return arch + " " + (32 * lanes) + "-bit";
    }

    /** One line for logs and {@code clgrad devices}: model, ISA, lanes, registers, caches. */
    String describe() {
        return String.format(Locale.ROOT, "%s, %s: %d floats/vector, %d registers, L1 %d KiB, L2 %d KiB, L3 %d MiB",
                model, isa(), lanes, registers, l1 >> 10, l2 >> 10, l3 >> 20);
    }

    /** "model name" from /proc/cpuinfo (or the ARM fields), else {@code arch}. */
    private static String model(String arch) {
        String info = read(Path.of("/proc/cpuinfo"));
        if (info != null) {
            for (String key : new String[] {"model name", "Hardware", "CPU part"}) {
                for (String line : info.split("\n")) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                        String v = line.substring(colon + 1).trim();
                        if (!v.isEmpty()) {
                            return key.equals("CPU part") ? "ARM part " + v : v;
                        }
                    }
                }
            }
        }
        return arch;
    }

    /** "48K", "1024K", "32M" or a plain byte count, in bytes; -1 when it does not parse. */
    static long parseSize(String s) {
        if (s == null || s.isEmpty()) {
            return -1;
        }
        long unit = 1;
        char last = Character.toUpperCase(s.charAt(s.length() - 1));
        if (last == 'K' || last == 'M' || last == 'G') {
            unit = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Long.parseLong(s.trim()) * unit;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
