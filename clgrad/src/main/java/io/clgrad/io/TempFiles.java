package io.clgrad.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary files of atomic saves: {@code .<name>.<pid>.<random>.tmp} beside the target
 * {@code <name>}, where {@code <pid>} is the writing process's id. A save interrupted by a crash or
 * {@code kill -9} leaves its temporary file behind; the next save to the same target removes the
 * ones whose writer process is gone, and never one whose writer is alive (another process, or
 * another save in this process), so a save in progress is never disturbed.
 *
 * <p>Temporary files of clgrad versions that did not put the process id in the name
 * ({@code .<name>.<random>.tmp}) have no writer to check: they are removed once they have not
 * been modified for {@link #LEGACY_MAX_AGE} (a save writes its file continuously, so such a file
 * belongs to a save that died).
 *
 * <p>A process id is reused once its process is gone, often soon in a container (even by the next
 * clgrad run), so a live process with the writer's id is taken for the writer only if it started
 * before the file was last modified (with {@link #START_SLACK} for the coarse start times the
 * system reports); a file last written before that process started belongs to a writer that is
 * gone. Where the start time is unknown, a live process counts as the writer.
 *
 * <p>The liveness check is local: two machines saving to one shared network directory each see
 * the other's writer as gone. clgrad assumes one machine saves to a given path at a time.
 *
 * <p>A save interrupted by an orderly JVM exit (Ctrl-C, SIGTERM, {@code System.exit} during a save
 * on another thread) does not leave its file: every temporary file is registered from
 * {@link #create} until {@link #release}, and a shutdown hook, installed with the first temporary
 * file, deletes those still registered. A save that finishes meanwhile has renamed its file, so
 * the deletion finds nothing (and a rename after the deletion fails, leaving the target as it
 * was); once the hook has started, {@link #create} refuses new temporary files.
 */
final class TempFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TempFiles.class);

    /** How old a temporary file without a process id must be before it is removed. */
    static final Duration LEGACY_MAX_AGE = Duration.ofHours(24);

    /**
     * How much earlier than a process's reported start a file must have been last modified to be
     * taken for an earlier process's with the same id: start times come from the boot time in whole
     * seconds plus clock ticks, so they may be off by about a second.
     */
    static final Duration START_SLACK = Duration.ofSeconds(2);

    private static final String SUFFIX = ".tmp";

    /** Guards {@link #REGISTERED}, {@link #hookInstalled} and {@link #shuttingDown}. */
    private static final Object LOCK = new Object();
    /** Temporary files created and not yet released: what the shutdown hook deletes. */
    private static final Set<Path> REGISTERED = new HashSet<>();
    private static boolean hookInstalled;
    private static boolean shuttingDown;

    private TempFiles() {
    }

    /**
     * How many bytes {@link #create}'s name adds to the target's name: the dots, this process's id,
     * {@code Files.createTempFile}'s random part (an unsigned long, at most 20 digits) and the suffix.
     */
    static int nameOverhead() {
        return ".".length() + ".".length() + Long.toString(ProcessHandle.current().pid()).length() + ".".length()
                + 20 + SUFFIX.length();
    }

    /**
     * Creates an empty temporary file for saving {@code target}, in the target's directory, and
     * registers it for deletion at JVM exit until {@link #release}d. Call {@link #release} when
     * the file has been renamed or deleted.
     *
     * @param dir  the target's directory
     * @param name the target's file name
     * @return the new file, {@code .<name>.<pid>.<random>.tmp}
     * @throws IOException when it cannot be created, or the JVM is shutting down
     */
    static Path create(Path dir, String name) throws IOException {
        synchronized (LOCK) {
            if (!shuttingDown && !hookInstalled) {
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::deleteInFlight, "clgrad-temp-files"));
                    hookInstalled = true;
                } catch (IllegalStateException e) {   // the JVM is already shutting down
                    shuttingDown = true;
                }
            }
            if (shuttingDown) {
                throw new IOException("the JVM is shutting down; not starting a save to " + dir.resolve(name));
            }
            Path tmp = Files.createTempFile(dir, "." + name + "." + ProcessHandle.current().pid() + ".", SUFFIX);
            REGISTERED.add(tmp);
            return tmp;
        }
    }

    /**
     * Ends the registration of a temporary file of {@link #create}: it has been renamed over its
     * target or deleted.
     *
     * @param tmp the file
     */
    static void release(Path tmp) {
        synchronized (LOCK) {
            REGISTERED.remove(tmp);
        }
    }

    /** The temporary files registered now (for tests). */
    static List<Path> inFlight() {
        synchronized (LOCK) {
            return List.copyOf(REGISTERED);
        }
    }

    /** The shutdown hook: deletes the temporary files of saves still running. */
    private static void deleteInFlight() {
        List<Path> left;
        synchronized (LOCK) {
            shuttingDown = true;
            left = new ArrayList<>(REGISTERED);
        }
        for (Path p : left) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException | RuntimeException e) {
                // nothing more to do at exit; the next save to the target removes it
            }
        }
    }

    /**
     * Removes the temporary files of earlier saves to {@code dir/name} whose writer is gone. Errors
     * (a file removed meanwhile, no permission) are logged at debug level and otherwise ignored:
     * cleaning up must not stop the save.
     *
     * @param dir  the target's directory
     * @param name the target's file name
     * @return the files removed
     */
    static List<Path> removeStale(Path dir, String name) {
        String prefix = "." + name + ".";
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, p -> isCandidate(p, prefix))) {
            for (Path p : ds) {
                String middle = middle(p, prefix);
                if (isStale(p, middle)) {
                    try {
                        if (Files.deleteIfExists(p)) {
                            removed.add(p);
                            LOG.debug("removed {}, the temporary file of an interrupted save", p);
                        }
                    } catch (IOException e) {
                        LOG.debug("could not remove the stale temporary file {}: {}", p, e.toString());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not look for stale temporary files of {} in {}: {}", name, dir, e.toString());
        }
        return removed;
    }

    private static boolean isCandidate(Path p, String prefix) {
        String f = p.getFileName().toString();
        return f.startsWith(prefix) && f.endsWith(SUFFIX) && f.length() > prefix.length() + SUFFIX.length()
                && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private static String middle(Path p, String prefix) {
        String f = p.getFileName().toString();
        return f.substring(prefix.length(), f.length() - SUFFIX.length());
    }

    /** Whether a temporary file named {@code .<name>.<middle>.tmp} belongs to a save that is over. */
    private static boolean isStale(Path p, String middle) throws IOException {
        int dot = middle.indexOf('.');
        if (dot < 0) {
            // an older clgrad's ".<name>.<random>.tmp": no writer to ask; go by age
            return digits(middle) && Files.getLastModifiedTime(p).toInstant()
                    .isBefore(Instant.now().minus(LEGACY_MAX_AGE));
        }
        String pid = middle.substring(0, dot);
        String random = middle.substring(dot + 1);
        if (!digits(pid) || !digits(random) || pid.length() > 18) {
            return false;   // not a name clgrad makes: leave it
        }
        return writerIsGone(Long.parseLong(pid), Files.getLastModifiedTime(p).toInstant());
    }

    /**
     * Whether the process that wrote a file last modified at {@code modified} with id {@code pid} is
     * gone: no process has that id, or the one that has it started after the file was written
     * (the id was reused).
     */
    static boolean writerIsGone(long pid, Instant modified) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return true;
        }
        Optional<Instant> started = h.get().info().startInstant();
        return started.isPresent() && modified.plus(START_SLACK).isBefore(started.get());
    }

    private static boolean digits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
