package dev.leakdetector.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where a command writes its result: stdout, or a file written under a temporary name and renamed
 * into place, so a failure never leaves a half-written report that looks complete.
 */
final class Output implements AutoCloseable {
    private final Path target;
    private final Path temporary;
    private final OutputStream stream;
    private final PrintWriter writer;
    private boolean committed;

    private Output(Path target, Path temporary, OutputStream stream, PrintWriter writer) {
        this.target = target;
        this.temporary = temporary;
        this.stream = stream;
        this.writer = writer;
    }

    static Output open(Path file, PrintWriter stdout) throws IOException {
        if (file == null) {
            OutputStream stream = new WriterOutputStream(stdout);
            return new Output(null, null, stream, stdout);
        }
        Path absolute = file.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".partial",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        OutputStream stream = Files.newOutputStream(temporary);
        PrintWriter writer = new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
        return new Output(absolute, temporary, stream, writer);
    }

    OutputStream stream() {
        return stream;
    }

    PrintWriter writer() {
        return writer;
    }

    @Override
    public void close() throws IOException {
        if (target == null) {
            writer.flush();
            return;
        }
        try {
            writer.flush();
            stream.close();
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        } finally {
            if (!committed) {
                Files.deleteIfExists(temporary);
            }
        }
    }

    /** Bytes to a PrintWriter as UTF-8 text, so JSON writers can target stdout too. */
    private static final class WriterOutputStream extends OutputStream {
        private final PrintWriter writer;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        WriterOutputStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            pending.write(b);
            if (pending.size() >= 8192) {
                flush();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
            if (pending.size() >= 8192) {
                flush();
            }
        }

        @Override
        public void flush() {
            // UTF-8 sequences may straddle a flush; only cut at a character boundary.
            byte[] bytes = pending.toByteArray();
            int cut = bytes.length;
            while (cut > 0 && cut > bytes.length - 4 && (bytes[cut - 1] & 0xC0) == 0x80) {
                cut--;
            }
            if (cut > 0 && (bytes[cut - 1] & 0x80) != 0 && (bytes[cut - 1] & 0xC0) == 0xC0) {
                cut--;
            }
            writer.write(new String(bytes, 0, cut, StandardCharsets.UTF_8));
            writer.flush();
            pending.reset();
            pending.write(bytes, cut, bytes.length - cut);
        }

        @Override
        public void close() {
            flush();
        }
    }
}
