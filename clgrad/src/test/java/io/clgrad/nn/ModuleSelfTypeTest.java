package io.clgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clgrad.Device;
import io.clgrad.Tensor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code to}, {@code train}, {@code eval} and {@code apply} return the receiver's own type (issue 9
 * item 13): {@code Net model = new Net().to(device)} compiles, and {@code Linear l = net.to(d)} does
 * not (an unchecked generic would let it through). Checked by compiling small sources with javac
 * against the library, so the test fails if the signatures regress.
 */
class ModuleSelfTypeTest {
    /** A user's network written the documented way. */
    static final class Net extends Module<Net> {
        final Linear fc = register("fc", new Linear(3, 2));

        @Override
        public Tensor forward(Tensor x) {
            return fc.forward(x);
        }
    }

    @Test
    void chainedCallsKeepTheSubclassType() {
        Net model = new Net().to(Device.cpu()).train().eval();
        assertFalse(model.isTraining());
        Net same = model.train(true).apply(m -> { });
        assertSame(model, same);
        assertTrue(same.isTraining());
        Linear lin = new Linear(2, 2).to(Device.cpu()).eval();
        Sequential seq = new Sequential(lin, new ReLU()).train();
        CrossEntropyLoss ce = new CrossEntropyLoss().to(Device.cpu());
        assertEquals("CrossEntropyLoss()", ce.toString());
        assertSame(lin, seq.get(0));
    }

    @Test
    void userCodeCompilesWithTheReceiversType(@TempDir Path dir) throws IOException {
        List<String> errors = compile(dir, """
                import io.clgrad.Device;
                import io.clgrad.Tensor;
                import io.clgrad.nn.Linear;
                import io.clgrad.nn.Module;
                class Net extends Module<Net> {
                    final Linear fc = register("fc", new Linear(2, 1));
                    public Tensor forward(Tensor x) { return fc.forward(x); }
                    static Net make(Device d) {
                        Net model = new Net().to(d);
                        Net evaluating = model.eval();
                        Net training = model.train();
                        Linear l = new Linear(2, 3).to(d).eval();
                        return model;
                    }
                }
                """);
        assertEquals(List.of(), errors);
    }

    @Test
    void aModuleIsNotReturnedAsAnotherType(@TempDir Path dir) throws IOException {
        List<String> errors = compile(dir, """
                import io.clgrad.Device;
                import io.clgrad.nn.Linear;
                import io.clgrad.nn.Sequential;
                class Wrong {
                    static Linear make(Device d) {
                        Linear l = new Sequential(new Linear(2, 1)).to(d);
                        return l;
                    }
                }
                """);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("incompatible types"), errors.get(0));
    }

    /** Compiles one source against the test's class path; returns the error messages. */
    private static List<String> compile(Path dir, String source) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String name = source.contains("class Net ") ? "Net" : "Wrong";
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Files.createDirectories(dir);
        List<String> options = List.of("-d", dir.toString(), "-classpath", System.getProperty("java.class.path"),
                "-proc:none");
        javac.getTask(null, null, diagnostics, options, null, List.of(file)).call();
        return diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(Locale.ROOT))
                .collect(Collectors.toList());
    }
}
