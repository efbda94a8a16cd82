package dev.leakdetector.orchestrator.dumps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether Node may create its snapshot file in a directory, from the probe that ran in its
 * container: its own file when it ran as Node's uid, the directory's mode and owner when it ran as
 * root while Node runs as another uid (a Kubernetes exec cannot choose its user). Both forms of the
 * probe run for real here.
 */
class DirectoryProbeTest {

    @TempDir
    Path dir;

    /** Node running as uid 1000, gid 1000, also in group 27. */
    private static final ProcessInfo NODE = ProcessInfo.parse("Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000"
            + "\t1000\nGroups:\t27\n");

    private static DirectoryProbe asRoot(String permissions, long owner, long group) {
        return DirectoryProbe.parse("writable\nexecUid:\t0\t0\t0\t0\ndir " + permissions + " " + owner + " " + group
                + "\nfreekb 2048\n");
    }

    @Test
    void aProbeAsNodeItselfAnswersForNode() {
        DirectoryProbe own = DirectoryProbe.parse("writable\nexecUid:\t1000\t1000\t1000\t1000\ndir dr-xr-xr-x 0 0\n");
        assertThat(own.refusal(NODE)).as("its own file was created, whatever the mode says").isNull();
        DirectoryProbe readOnly = DirectoryProbe.parse("unwritable Read-only file system\nexecUid:\t1000\t1000\t1000\t1000\n");
        assertThat(readOnly.refusal(NODE)).isEqualTo("Read-only file system");
    }

    @Test
    void aProbeAsRootLeavesItToTheModeAndOwner() {
        assertThat(asRoot("drwxr-xr-x", 1000, 1000).refusal(NODE)).isNull();
        assertThat(asRoot("drwxrwxr-x", 0, 27).refusal(NODE)).as("a supplementary group").isNull();
        assertThat(asRoot("drwxrwxrwt", 0, 0).refusal(NODE)).as("/tmp").isNull();
        assertThat(asRoot("drwxr-xr-x", 0, 0).refusal(NODE))
                .isEqualTo("mode drwxr-xr-x, owner 0:0, does not let uid 1000 create files");
        assertThat(asRoot("drwxrwxrw-", 0, 0).refusal(NODE)).as("write without search").isNotNull();
        assertThat(asRoot("drwxr-xr-x", 0, 0).freeBytes()).isEqualTo(2048 * 1024);
        // Root's own write failing answers for everyone.
        assertThat(DirectoryProbe.parse("unwritable EROFS\nexecUid:\t0\t0\t0\t0\n").refusal(NODE)).isEqualTo("EROFS");
    }

    @Test
    void bothFormsOfTheProbeReportTheSameFactsOnARealDirectory() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        long uid = (Integer) Files.getAttribute(dir, "unix:uid");
        long gid = (Integer) Files.getAttribute(dir, "unix:gid");
        DumpCommands shell = new DumpCommands(true, "node", Set.of("rm", "ls", "tail", "df"));
        DumpCommands node = new DumpCommands(false, "node", Set.of());
        for (DumpCommands commands : List.of(shell, node)) {
            DirectoryProbe probe = DirectoryProbe.parse(run(commands.directory(dir.toString(), ".probe-x")));
            assertThat(probe.created()).as(commands.toString()).isTrue();
            assertThat(probe.probeUid()).isEqualTo(uid);
            assertThat(probe.permissions()).isEqualTo("drwxr-x---");
            assertThat(probe.ownerUid()).isEqualTo(uid);
            assertThat(probe.ownerGid()).isEqualTo(gid);
            assertThat(probe.freeBytes()).isPositive();
            try (var files = Files.list(dir)) {
                assertThat(files).as("the probe file is gone").isEmpty();
            }
        }
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
        return out;
    }
}
