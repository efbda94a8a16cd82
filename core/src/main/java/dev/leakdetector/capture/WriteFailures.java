package dev.leakdetector.capture;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * One-line messages for a snapshot file that could not be written, the same wherever the bytes
 * come from (an inspector session, a container's copy): a full disk says so and what to do, and
 * any other failure names the file and the system's reason, without Java's exception names.
 */
public final class WriteFailures {

    private WriteFailures() {
    }

    /** The message for a failed write of {@code partial}, which the caller deletes. */
    public static String message(Path partial, IOException e) {
        String text = reason(e);
        if (text.contains("No space left")) {
            return "the disk is full while writing " + partial.getParent()
                    + "; free space or choose another output directory (the partial file was deleted)";
        }
        return "cannot write " + partial + ": " + text;
    }

    /** The system's reason ("Permission denied") rather than the exception's text, where there is one. */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
