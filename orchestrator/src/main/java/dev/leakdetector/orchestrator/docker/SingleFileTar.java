package dev.leakdetector.orchestrator.docker;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

/**
 * Reads the one regular file of the tar stream that the Engine API's archive endpoint (what
 * {@code docker cp} uses) returns, with Commons Compress, which docker-java already brings: it
 * reads ustar, PAX and GNU headers (long names, sizes of 8 GiB and more). The file's bytes are
 * copied as they arrive, never held in memory.
 */
final class SingleFileTar {
    private static final int BUFFER = 1 << 16;

    /** The file found in the archive. */
    record Entry(String name, long size) {
    }

    private SingleFileTar() {
    }

    /**
     * Copies the data of the first regular file in {@code tar} to {@code out}.
     *
     * @param progress told the bytes copied so far
     * @throws IOException when the archive holds no regular file, a header is damaged, or it ends early
     */
    static Entry extract(InputStream tar, OutputStream out, LongConsumer progress) throws IOException {
        // Closing the tar stream would close the daemon's response, which the caller owns.
        TarArchiveInputStream archive = new TarArchiveInputStream(tar);
        TarArchiveEntry entry;
        while ((entry = archive.getNextEntry()) != null) {
            if (entry.isFile()) {
                long copied = copy(archive, out, entry.getSize(), progress);
                return new Entry(entry.getName(), copied);
            }
        }
        throw new EOFException("the archive holds no regular file");
    }

    private static long copy(InputStream in, OutputStream out, long size, LongConsumer progress) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long copied = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.write(buffer, 0, n);
            copied += n;
            progress.accept(copied);
        }
        if (copied != size) {
            throw new EOFException("the archive ended after " + copied + " of " + size + " bytes");
        }
        return copied;
    }
}
