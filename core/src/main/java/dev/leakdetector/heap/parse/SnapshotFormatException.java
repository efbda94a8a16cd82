package dev.leakdetector.heap.parse;

import java.nio.file.Path;

/**
 * A heap snapshot file that cannot be read: truncated, corrupt, or not a V8 heap snapshot at all.
 *
 * <p>The message always names the file and, where known, the section and the byte offset, so a
 * user can tell a truncated transfer from a wrong file without a stack trace.
 */
public final class SnapshotFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String section;
    private final long byteOffset;
    private final String detail;

    public SnapshotFormatException(Path file, String section, long byteOffset, String detail) {
        super(format(file, section, byteOffset, detail));
        this.file = file;
        this.section = section;
        this.byteOffset = byteOffset;
        this.detail = detail;
    }

    public SnapshotFormatException(Path file, String section, long byteOffset, String detail, Throwable cause) {
        this(file, section, byteOffset, detail);
        initCause(cause);
    }

    private static String format(Path file, String section, long byteOffset, String detail) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<stream>" : file.toString()).append(": ");
        if (section != null) {
            sb.append("in section '").append(section).append("'");
            if (byteOffset >= 0) {
                sb.append(" at byte ").append(byteOffset);
            }
            sb.append(": ");
        } else if (byteOffset >= 0) {
            sb.append("at byte ").append(byteOffset).append(": ");
        }
        sb.append(detail);
        return sb.toString();
    }

    public Path file() {
        return file;
    }

    /** The top-level section being read ({@code snapshot}, {@code nodes}, {@code strings}, …), or null. */
    public String section() {
        return section;
    }

    /** Offset in the (uncompressed) snapshot text, or -1 when the problem is not tied to a position. */
    public long byteOffset() {
        return byteOffset;
    }

    public String detail() {
        return detail;
    }
}
