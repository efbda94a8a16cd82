package dev.leakdetector.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * Maintenance by file: the service is in maintenance while the file exists (the agent polls
 * {@code /tmp/maintenance} by default; any app can do the same). Nobody answers, so entering
 * waits the whole grace period. Only a file this toggle created is removed: one an operator put
 * there by hand says the instance must stay out of rotation.
 */
public final class FileToggle implements MaintenanceSwitch {
    /** The agent's default, also {@code $LEAK_DETECTOR_AGENT_MAINTENANCE_FILE}. */
    public static final String DEFAULT_FILE = "/tmp/maintenance";

    private final Path file;
    private boolean created;
    private boolean left;

    public FileToggle(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /** True when {@link #enter} created the file (and {@link #leave} will remove it). */
    public synchronized boolean created() {
        return created;
    }

    @Override
    public String kind() {
        return "file";
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    @Override
    public Entered enter(Duration grace) throws CaptureException {
        create();
        try {
            Thread.sleep(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted during the maintenance grace period", e);
        }
        return new Entered(null, -1);
    }

    private synchronized void create() throws CaptureException {
        if (left) {
            throw new CaptureException("maintenance was already left; not creating " + file + " again");
        }
        try {
            // rw-r--r--: the app may run as another user and must be able to see the file.
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            created = true;
            Files.writeString(file, "maintenance requested by leak-detector internal-snapshot (pid "
                    + ProcessHandle.current().pid() + ")\n", StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException e) {
            // An operator's file (or another run's): maintenance is on already, and it stays theirs.
        } catch (IOException e) {
            if (!created) {
                throw new CaptureException("cannot create the maintenance file " + file + ": " + reason(e)
                        + " (choose another with --maintenance-file, or 'none')", e);
            }
            // The file exists, so maintenance is on; its text is only a courtesy to operators.
        }
    }

    @Override
    public synchronized void leave() throws CaptureException {
        if (left) {
            return;
        }
        left = true;
        if (!created) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CaptureException("cannot remove the maintenance file " + file + ": " + reason(e)
                    + "; the service stays out of rotation until it is removed (rm " + file + ")", e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
