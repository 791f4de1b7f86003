package io.clgrad.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@code io} package reads and writes files of state-dict maps ({@code Map<String, Tensor>} and
 * plain metadata); it does not know modules, optimizers, data sets or the CLI (issue 9 item 15).
 * Checked on the sources: no reference to those packages, imported or fully qualified.
 */
class IoLayeringTest {
    private static final Pattern FORBIDDEN = Pattern.compile("io\\.clgrad\\.(nn|optim|data|cli|examples|bench)\\b");

    @Test
    void ioDependsOnNoModuleOptimizerDataOrCliClass() throws IOException {
        Path src = Path.of("src/main/java/io/clgrad/io");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).replaceAll("^\\s*(\\*|//).*", "");   // comments may mention them
                    Matcher m = FORBIDDEN.matcher(code);
                    if (m.find()) {
                        found.add(f.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }
}
