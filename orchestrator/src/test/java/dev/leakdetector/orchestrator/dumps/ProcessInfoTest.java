package dev.leakdetector.orchestrator.dumps;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the exec probes of the signal method report, and what is made of it. */
class ProcessInfoTest {

    @Test
    void processFactsAndTheCgroupLimit() {
        ProcessInfo info = ProcessInfo.parse("cwd /app\nUid:\t1000\t1000\t1000\t1001\nGid:\t50\t50\t50\t51\n"
                + "Groups:\t4 27 \nVmRSS:\t  102400 kB\nlimit 536870912\nusage 123\n");
        assertThat(info.cwd()).isEqualTo("/app");
        assertThat(info.user()).isEqualTo("1001:51"); // the file-system ids: what Node creates files as
        assertThat(info.groups()).containsExactlyInAnyOrder(4L, 27L);
        assertThat(info.inGroup(27)).isTrue();
        assertThat(info.inGroup(51)).isTrue();
        assertThat(info.inGroup(50)).isFalse();
        assertThat(info.rss()).isEqualTo(100L << 20);
        assertThat(info.memoryLimit()).isEqualTo(512L << 20);
        assertThat(info.memory(7, 0).constrained()).isEqualTo(512L << 20);
    }

    @Test
    void noLimitIsZeroInBothCgroupVersions() {
        assertThat(ProcessInfo.parse("limit max\n").memoryLimit()).isZero();
        assertThat(ProcessInfo.parse("limit 9223372036854771712\n").memoryLimit()).isZero();
        assertThat(ProcessInfo.parse("gone\n").gone()).isTrue();
        ProcessInfo unknown = ProcessInfo.parse("cwd \n");
        assertThat(unknown.user()).isNull();
        assertThat(unknown.memory(7, 0)).as("no RSS, no memory check").isNull();
    }

    @Test
    void theHeapIsEstimatedHighFromTheRssAndCappedByMaxOldSpace() {
        ProcessInfo info = ProcessInfo.parse("VmRSS:\t 307200 kB\n"); // 300 MiB
        assertThat(info.heapUsedEstimate(0)).isEqualTo(268L << 20);
        assertThat(info.heapUsedEstimate(128)).isEqualTo(128L << 20);
        assertThat(info.fileSizeEstimate(128)).isEqualTo((256L + 16) << 20);
        assertThat(ProcessInfo.parse("VmRSS:\t 20000 kB\n").heapUsedEstimate(0)).isZero();
    }

    @Test
    void onlyTheProcesssOwnSnapshotFilesAreItsOwn() {
        assertThat(HeapDumpFiles.ofProcess("Heap.20261128.123023.7.0.001.heapsnapshot", 7)).isTrue();
        // Thread 7 of pid 3, and pid 17: not pid 7's.
        assertThat(HeapDumpFiles.ofProcess("Heap.20261128.123023.3.7.001.heapsnapshot", 7)).isFalse();
        assertThat(HeapDumpFiles.ofProcess("Heap.20261128.123023.17.0.001.heapsnapshot", 7)).isFalse();
        assertThat(HeapDumpFiles.ofProcess("Heap.20261128.123023.7.0.001.heapsnapshot.partial", 7)).isFalse();
    }

    @Test
    void aFileIsCompleteOnlyWhenClosedAndItsJsonEnds() {
        HeapDumpFiles.State writing = HeapDumpFiles.State.parse("size 1572864\nend 3,\nopen yes\n");
        assertThat(writing.jsonClosed()).isFalse();
        assertThat(writing.released()).isFalse();
        HeapDumpFiles.State done = HeapDumpFiles.State.parse("size 7221683\nend ]}\nopen no\n");
        assertThat(done.jsonClosed()).isTrue();
        assertThat(done.released()).isTrue();
        assertThat(done.size()).isEqualTo(7221683);
        assertThat(HeapDumpFiles.State.parse("gone\nabsent\n").processGone()).isTrue();
    }
}
