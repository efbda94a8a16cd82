package dev.leakdetector.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Writes reports into an output directory. Reports describe the heap of a service and may name
 * its internals, so the directory is created 0700 and files 0600. Each file is written under a
 * temporary name and renamed into place, so a crash never leaves a half-written report that looks
 * complete.
 */
public final class ReportFiles {
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private ReportFiles() {
    }

    /** Creates the directory (and parents) 0700 if needed; fails clearly when it cannot be written. */
    public static Path prepareDirectory(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath();
        if (!Files.exists(absolute)) {
            try {
                Files.createDirectories(absolute, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            } catch (FileAlreadyExistsException e) {
                throw new IOException(absolute + ": exists and is not a directory");
            }
            Files.setPosixFilePermissions(absolute, PRIVATE_DIR);
        } else if (!Files.isDirectory(absolute)) {
            throw new IOException(absolute + ": exists and is not a directory");
        }
        if (!Files.isWritable(absolute)) {
            throw new java.nio.file.AccessDeniedException(absolute.toString(), null, "output directory is not writable");
        }
        return absolute;
    }

    public static List<Path> write(LeakReport report, Path directory, Collection<ReportFormat> formats)
            throws IOException {
        Path dir = prepareDirectory(directory);
        List<Path> written = new ArrayList<>();
        for (ReportFormat format : formats) {
            Path target = dir.resolve(format.fileName());
            writePrivately(target, out -> {
                switch (format) {
                    case JSON -> new JsonReportWriter().write(report, out);
                    case TEXT -> text(out, w -> new TextReportWriter().write(report, w));
                    case JUNIT -> new JUnitReportWriter().write(report, out);
                    case HTML -> text(out, w -> new HtmlReportWriter().write(report, w));
                    default -> throw new IllegalStateException(format.name());
                }
            });
            written.add(target);
        }
        return written;
    }

    /** Content writer that may throw. */
    @FunctionalInterface
    public interface Content {
        void write(OutputStream out) throws IOException;
    }

    /** Writes a file 0600 through a temporary sibling and an atomic rename. */
    public static void writePrivately(Path target, Content content) throws IOException {
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".partial",
                PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
        boolean done = false;
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                content.write(out);
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.setPosixFilePermissions(target, PRIVATE_FILE);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    private interface TextContent {
        void write(PrintWriter writer);
    }

    private static void text(OutputStream out, TextContent content) {
        PrintWriter writer = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        content.write(writer);
        writer.flush();
    }
}
