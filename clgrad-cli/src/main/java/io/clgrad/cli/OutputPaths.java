package io.clgrad.cli;

import io.clgrad.io.ModelFileException;
import io.clgrad.io.Safetensors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a command writes ({@code --save}, {@code --plot}, {@code --metrics-json}): checked
 * before any work starts, so that a bad path fails in a second instead of after the whole run, and
 * written so that a failure names the user's path, never a temporary file.
 *
 * <p>A path passes the check when it is not {@code -} (which would be a file of that name: use
 * {@code /dev/stdout}), not a directory, its file name fits the file system's
 * {@value #NAME_MAX} bytes, an existing file at it is writable, and its directory exists (or, for
 * writers that create parent directories, its nearest existing ancestor is a directory). What else is needed depends on how the file is written:
 * <ul>
 *   <li>writers that write in place ({@code --plot}, {@code --metrics-json}) need only the file
 *       itself when it exists: an existing regular file must open for writing (opened without
 *       truncating and closed again), any other existing file (a device such as {@code /dev/stdout}
 *       or {@code /dev/full}, a FIFO) must be writable by its permissions, since opening a FIFO
 *       would wait for a reader. The directory is not asked, so a writable file in a directory the
 *       user cannot write to (such as {@code /dev}) is accepted;</li>
 *   <li>a missing file, and every file of a writer that renames a temporary file over its target
 *       ({@code --save}, {@code --checkpoint}), need a directory that accepts a new file: the check
 *       creates and deletes an empty {@code .clgrad-write-check-*.tmp} there, the only test that
 *       also covers read-only mounts, /proc and the like.</li>
 * </ul>
 */
final class OutputPaths {
    /**
     * The most bytes a file name may have: NAME_MAX of Linux's file systems (ext4, xfs, btrfs,
     * tmpfs), and of macOS's. Checked before training, since a longer name fails only at the write.
     */
    static final int NAME_MAX = 255;

    private OutputPaths() {
    }

    /**
     * Checks that {@code path} can be written.
     *
     * @param option         the option that named it, for the message (e.g. "--plot")
     * @param path           the user's path
     * @param createsParents whether the writer creates missing parent directories; such writers
     *                       ({@link #write}) also write an existing file in place, so for them an
     *                       existing file is checked instead of its directory
     * @throws IllegalArgumentException naming the option, the path and the reason
     */
    static void check(String option, Path path, boolean createsParents) {
        String where = option + " " + path;
        if (path.toString().equals("-")) {
            throw new IllegalArgumentException(where + ": '-' would be a file named '-', not standard output; "
                    + (createsParents ? "use /dev/stdout to print it" : "give a file name") + " (" + (createsParents
                    ? "or " : "") + "./- for a file of that name)");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(where + ": is a directory; give a file name in it");
        }
        Path abs = path.toAbsolutePath();
        Path parent = abs.getParent();
        if (parent == null) {
            throw new IllegalArgumentException(where + ": not a file path");
        }
        int bytes = nameBytes(path);
        if (bytes > NAME_MAX) {
            throw new IllegalArgumentException(where + ": the file name is " + bytes + " bytes long" + inUtf8(path)
                    + "; a file name may have at most " + NAME_MAX + " bytes");
        }
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IllegalArgumentException(where + ": no part of its directory " + parent + " exists");
        }
        if (!Files.isDirectory(existing)) {
            throw new IllegalArgumentException(where + ": " + existing + " is not a directory");
        }
        if (existing != parent && !createsParents) {
            throw new IllegalArgumentException(where + ": directory " + parent + " does not exist");
        }
        boolean exists = Files.exists(path);
        if (exists && !Files.isWritable(path)) {
            throw new IllegalArgumentException(where + ": the file exists and is not writable");
        }
        if (exists && createsParents) {
            checkOpensForWriting(where, path);   // written in place: its directory need not accept new files
            return;
        }
        try {
            Path probe = Files.createTempFile(existing, ".clgrad-write-check-" + ProcessHandle.current().pid() + "-",
                    ".tmp");
            Files.delete(probe);
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalArgumentException(where + ": can't create files in " + existing + " ("
                    + (e instanceof IOException io ? reason(io) : e.toString()) + ")");
        }
    }

    /**
     * Opens an existing regular file for writing, without truncating or changing it, and closes it
     * again: the most direct test that the write after training will be allowed. Other files
     * (devices, FIFOs) are only checked by their permissions: opening a FIFO waits for a reader.
     */
    private static void checkOpensForWriting(String where, Path path) {
        if (!Files.isRegularFile(path)) {
            return;
        }
        try (FileChannel ignored = FileChannel.open(path, StandardOpenOption.WRITE)) {
            // opened: a write can start
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": can't write the file (" + reason(e) + ")");
        }
    }

    /**
     * Checks that a file written by renaming a temporary file over it (an atomic save) is a regular
     * file or absent: the rename would replace a device (e.g. {@code /dev/full}), a FIFO or a socket
     * with a plain file. Its name must also leave room for the temporary file's longer name
     * ({@link Safetensors#tempNameOverhead()}) within {@link #NAME_MAX}, or the save would fail
     * after the first epoch.
     *
     * @throws IllegalArgumentException naming the option and the path
     */
    static void checkReplaceable(String option, Path path) {
        if (Files.isSymbolicLink(path)) {
            // the save writes through the link: check the file at the end of the chain and its directory
            Path target;
            try {
                target = Safetensors.saveTarget(path);
            } catch (IOException e) {
                throw new IllegalArgumentException(option + " " + (e instanceof ModelFileException ? e.getMessage()
                        : path + ": a symbolic link that can't be followed (" + reason(e) + ")"));
            }
            check(option + " " + path + " is a link to", target, false);
            path = target;
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new IllegalArgumentException(option + " " + path + ": not a regular file (a device, FIFO or socket);"
                    + " saving replaces the file, so give a regular file name");
        }
        int bytes = nameBytes(path);
        int overhead = Safetensors.tempNameOverhead();
        if (bytes + overhead > NAME_MAX) {
            throw new IllegalArgumentException(option + " " + path + ": the file name is " + bytes + " bytes long"
                    + inUtf8(path) + "; saving first writes a temporary file whose name is " + overhead
                    + " bytes longer, and a file name may have at most " + NAME_MAX + " bytes: give a name of at most "
                    + (NAME_MAX - overhead) + " bytes");
        }
    }

    /** The UTF-8 length of {@code path}'s file name (0 for a path without one, such as /). */
    private static int nameBytes(Path path) {
        Path name = path.getFileName();
        return name == null ? 0 : name.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /** " (in UTF-8)" when the file name's bytes are not its characters, so that the count is not a puzzle. */
    private static String inUtf8(Path path) {
        Path name = path.getFileName();
        return name != null && nameBytes(path) != name.toString().length() ? " (in UTF-8)" : "";
    }

    /**
     * Checks that no two outputs name the same file, and that no output overwrites an input.
     *
     * @param outputs option to path, for the outputs that are set (null values are skipped)
     * @param inputs  option (or what names the input, e.g. "--data mnist") to the files the command
     *                reads or may read
     * @param mayReplace option pairs "output=input" allowed to be the same file (e.g. "--save=--resume")
     * @throws IllegalArgumentException naming both options and the file
     */
    static void checkDistinct(Map<String, Path> outputs, Map<String, List<Path>> inputs, String... mayReplace) {
        Map<String, Path> all = new LinkedHashMap<>();
        outputs.forEach((k, v) -> {
            if (v != null) {
                all.put(k, v);
            }
        });
        List<String> names = new ArrayList<>(all.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                if (sameFile(all.get(names.get(i)), all.get(names.get(j)))) {
                    throw new IllegalArgumentException(names.get(i) + " and " + names.get(j) + " name the same file "
                            + all.get(names.get(i)));
                }
            }
        }
        List<String> allowed = Arrays.asList(mayReplace);
        for (Map.Entry<String, Path> out : all.entrySet()) {
            for (Map.Entry<String, List<Path>> in : inputs.entrySet()) {
                for (Path input : in.getValue()) {
                    if (!allowed.contains(out.getKey() + "=" + in.getKey()) && sameFile(out.getValue(), input)) {
                        throw new IllegalArgumentException(out.getKey() + " " + out.getValue() + " would overwrite the "
                                + in.getKey() + " file; write to another file");
                    }
                }
            }
        }
    }

    /**
     * Whether two paths name one file: the same file when both exist (hard links, symbolic links
     * and other spellings included), else the same name in the same real directory.
     */
    static boolean sameFile(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            // fall back to comparing the names
        }
        return located(a).equals(located(b));
    }

    /** The absolute path of {@code p} with its directory's symbolic links resolved when the directory exists. */
    private static Path located(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent != null && abs.getFileName() != null) {
            try {
                return parent.toRealPath().resolve(abs.getFileName());
            } catch (IOException e) {
                // a missing directory: compare the names as given
            }
        }
        return abs;
    }

    /**
     * Writes {@code bytes} to {@code path}, creating missing parent directories. When the write
     * fails (a full disk), a partly written regular file is deleted.
     *
     * @throws IOException whose message names {@code path} and the reason (e.g. "No space left on device")
     */
    static void write(Path path, byte[] bytes) throws IOException {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(path, bytes);
        } catch (IOException e) {
            if (Files.isRegularFile(path)) {   // a cut-off PNG or JSON is worse than none (but never delete /dev/full)
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // the write error matters more
                }
            }
            throw failed(path, e);
        }
    }

    /**
     * An exception for a failed write of {@code path} whose one-line message names {@code path}
     * (not a temporary file the writer used) and the reason; {@code e} is kept as the cause.
     * An exception whose message already starts with the path is returned as it is.
     */
    static IOException failed(Path path, IOException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(path.toString() + ":")) {
            return e;
        }
        return new IOException(path + ": can't write: " + reason(e), e);
    }

    /** The reason of an I/O error without the file name (FileSystemException's message repeats it). */
    static String reason(IOException e) {
        if (e instanceof FileSystemException fs) {
            if (fs.getReason() != null) {
                return fs.getReason();
            }
            if (e instanceof AccessDeniedException) {
                return "Permission denied";
            }
            if (e instanceof NoSuchFileException) {
                return "No such file or directory";
            }
            return e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
