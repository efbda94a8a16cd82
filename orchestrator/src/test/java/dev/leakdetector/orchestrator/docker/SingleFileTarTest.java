package dev.leakdetector.orchestrator.docker;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.workflow.OrchestrationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Unpacking the one file of a tar stream as the archive API sends it, checked on archives that GNU
 * tar writes in both formats the daemon's Go writer uses (ustar, and pax for long names), and
 * saving it as a 0600 file through a partial name.
 */
class SingleFileTarTest {

    @TempDir
    Path dir;

    private byte[] tarOf(String format, String name, byte[] content) throws Exception {
        Path source = Files.createDirectories(dir.resolve("src-" + format));
        Files.write(source.resolve(name), content);
        Path archive = dir.resolve(format + ".tar");
        Process tar = new ProcessBuilder("tar", "--format=" + format, "-cf", archive.toString(), "-C", source.toString(),
                name).redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor()).as(output).isZero();
        return Files.readAllBytes(archive);
    }

    private static byte[] snapshotLike(int size) {
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = (byte) ('0' + i % 10);
        }
        content[size - 2] = ']';
        content[size - 1] = '}';
        return content;
    }

    @Test
    void ustarAndPaxArchivesGiveTheFileByteForByte() throws Exception {
        byte[] content = snapshotLike(3 * 512 + 17);
        for (String format : List.of("ustar", "pax")) {
            String name = format.equals("pax") ? "Heap." + "x".repeat(120) + ".heapsnapshot"
                    : "Heap.20261128.123023.7.0.001.heapsnapshot";
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SingleFileTar.Entry entry = SingleFileTar.extract(new ByteArrayInputStream(tarOf(format, name, content)), out,
                    copied -> { });
            assertThat(entry.name()).as(format).isEqualTo(name);
            assertThat(entry.size()).isEqualTo(content.length);
            assertThat(out.toByteArray()).isEqualTo(content);
        }
    }

    @Test
    void cutAndEmptyArchivesAreErrors() throws Exception {
        byte[] tar = tarOf("ustar", "a.heapsnapshot", snapshotLike(2000));
        byte[] cut = Arrays.copyOf(tar, 512 + 1000);
        assertThatThrownBy(() -> SingleFileTar.extract(new ByteArrayInputStream(cut), new ByteArrayOutputStream(),
                c -> { })).isInstanceOf(IOException.class).hasMessageContaining("Truncated");
        assertThatThrownBy(() -> SingleFileTar.extract(new ByteArrayInputStream(new byte[1024]),
                new ByteArrayOutputStream(), c -> { })).hasMessage("the archive holds no regular file");
    }

    @Test
    void savedAs0600ThroughAPartialFile() throws Exception {
        byte[] content = snapshotLike(5000);
        Path file = dir.resolve("before.heapsnapshot");
        long bytes = ContainerFileCopy.save(new ByteArrayInputStream(tarOf("ustar", "h.heapsnapshot", content)),
                "/app/h.heapsnapshot", content.length, file, ProgressListener.NONE);
        assertThat(bytes).isEqualTo(content.length);
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(dir.resolve("before.heapsnapshot.partial")).doesNotExist();
    }

    @Test
    void aCopyOfTheWrongSizeOrUnclosedJsonIsRefusedAndLeavesNothing() throws Exception {
        byte[] content = snapshotLike(5000);
        Path file = dir.resolve("after.heapsnapshot");
        assertThatThrownBy(() -> ContainerFileCopy.save(new ByteArrayInputStream(tarOf("ustar", "h.heapsnapshot",
                content)), "/app/h.heapsnapshot", 6000, file, ProgressListener.NONE))
                .isInstanceOf(OrchestrationException.class).hasMessageContaining("has 5000 bytes, not the 6000");
        byte[] open = Arrays.copyOf(content, 4000);
        assertThatThrownBy(() -> ContainerFileCopy.save(new ByteArrayInputStream(tarOf("pax", "o.heapsnapshot", open)),
                "/app/o.heapsnapshot", 4000, file, ProgressListener.NONE))
                .hasMessageContaining("does not end with the close of its JSON");
        assertThat(file).doesNotExist();
        assertThat(dir.resolve("after.heapsnapshot.partial")).doesNotExist();
    }
}
