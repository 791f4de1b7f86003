package io.clgrad.cli;

import io.clgrad.backend.DeviceOutOfMemoryException;
import io.clgrad.backend.TargetOutOfBoundsException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code clgrad} command. Subcommands do the work; this class wires them up, selects the CLI's
 * logging setup (warnings and errors to stderr, so that stdout carries only command output) and
 * turns expected failures into one-line messages with an exit code:
 * 0 success, 1 a failure (e.g. a device failed its self-test), 2 bad usage or configuration.
 */
@Command(name = "clgrad",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Deep learning for the JVM on OpenCL devices, with a pure-Java CPU backend.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, DevicesCommand.class,
                ExampleCommand.class, BenchCommand.class, TuneCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Environment:",
                "  CLGRAD_DEVICE     cpu | opencl | opencl:N | gpu  (overrides Device.best())",
                "  CLGRAD_CACHE_DIR  kernel program cache (default ~/.cache/clgrad)",
                "  CLGRAD_LOG_LEVEL  log level on stderr (default warn; debug shows more)"})
public final class Main implements Callable<Integer> {
    /** The logback configuration shipped for the CLI (clgrad-cli/src/main/resources). */
    static final String LOGBACK_CONFIG = "clgrad-cli-logback.xml";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (try: clgrad devices)");
    }

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        configureLogging();
        int code = newCommandLine().execute(args);
        System.out.flush();
        System.exit(code);
    }

    /**
     * Points logback at the CLI's configuration unless the user chose one. Must run before the
     * first logger is created.
     */
    static void configureLogging() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
    }

    /** A fresh command line for {@code clgrad}, with the CLI's error handling. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new OneLineErrors());
        cl.setParameterExceptionHandler(Main::usageError);
        return cl;
    }

    /** Bad usage: one line naming the command, the problem and where help is; exit code 2. */
    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String name = cl.getCommandSpec().qualifiedName();
        StringBuilder line = new StringBuilder(name).append(": ").append(ex.getMessage());
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            line.append(" (did you mean ").append(String.join(" or ", u.getSuggestions())).append("?)");
        }
        line.append("; see '").append(name).append(" --help'");
        cl.getErr().println(line);
        cl.getErr().flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Prints an exception from a subcommand as one line on stderr and picks the exit code. */
    static final class OneLineErrors implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
            // a user's input or a resource limit: one line; anything else is a bug, labelled as one
            boolean expected = ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof java.io.UncheckedIOException || ex instanceof IOException
                    || ex instanceof DeviceOutOfMemoryException || ex instanceof TargetOutOfBoundsException;
            String msg = SelfTest.describe(ex);
            if (expected && ex.getMessage() != null) {
                msg = ex.getMessage().strip().split("\\R", 2)[0];
            }
            cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + (expected ? msg
                    : "internal error: " + msg + " (set CLGRAD_LOG_LEVEL=debug for the stack trace)"));
            if (debug()) {
                ex.printStackTrace(cl.getErr());
            }
            cl.getErr().flush();
            return ex instanceof IllegalArgumentException ? CommandLine.ExitCode.USAGE : CommandLine.ExitCode.SOFTWARE;
        }

        private static boolean debug() {
            String level = System.getenv("CLGRAD_LOG_LEVEL");
            return level != null && (level.toLowerCase(Locale.ROOT).equals("debug")
                    || level.toLowerCase(Locale.ROOT).equals("trace"));
        }
    }

    /** The version from the jar's Maven descriptor (or "development build" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "clgrad " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
            };
        }

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/io.clgrad/clgrad/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    String v = p.getProperty("version");
                    if (v != null) {
                        return v;
                    }
                }
            } catch (IOException e) {
                // fall through
            }
            String v = Main.class.getPackage().getImplementationVersion();
            return v != null ? v : "(development build)";
        }
    }
}
