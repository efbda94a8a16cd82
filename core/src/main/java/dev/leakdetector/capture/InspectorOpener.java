package dev.leakdetector.capture;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Opens the inspector of a local Node.js process without changing it: Node starts its inspector
 * on 127.0.0.1 when it receives SIGUSR1, exactly as {@code kill -USR1 PID} does. The port it
 * listens on is then found among the process's own loopback sockets, so a port taken by another
 * process can never lead to snapshotting the wrong one.
 */
public final class InspectorOpener {
    private final InspectorHttp http;
    private final Duration wait;

    public InspectorOpener(InspectorHttp http, Duration wait) {
        this.http = http;
        this.wait = wait;
    }

    public static InspectorOpener create() {
        return new InspectorOpener(InspectorHttp.create(), Duration.ofSeconds(10));
    }

    /** The process's inspector endpoint, opening it first when it is not listening yet. */
    public InspectorEndpoint open(long pid) throws CaptureException {
        LocalProcess process = LocalProcess.of(pid)
                .orElseThrow(() -> new TargetNotFoundException("no process with pid " + pid));
        if (!process.isNode()) {
            throw new TargetNotFoundException("pid " + pid + " is not a Node.js process (" + process.commandLine() + ")");
        }
        InspectorEndpoint existing = findListening(process);
        if (existing != null) {
            return existing;
        }
        if (process.sigusr1Disabled()) {
            throw new CaptureException("pid " + pid + " was started with --disable-sigusr1, so its inspector cannot be"
                    + " opened from outside; restart it without that flag, or use the agent or --heapsnapshot-signal");
        }
        if (!process.catchesSigusr1().orElse(true)) {
            throw new CaptureException("pid " + pid + " does not handle SIGUSR1 (started with --disable-sigusr1, or a"
                    + " Node.js built without the inspector), and SIGUSR1 would kill it; use the agent or"
                    + " --heapsnapshot-signal instead");
        }
        long myUid = LocalProcess.of(ProcessHandle.current().pid()).map(LocalProcess::uid).orElse(-1L);
        long owner = process.uid();
        if (myUid > 0 && owner >= 0 && owner != myUid) {
            throw new CaptureException("pid " + pid + " belongs to uid " + owner + "; only that user or root may"
                    + " signal it (run leak-detector as that user)");
        }
        signal(pid);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.alive()) {
                throw new CaptureException("pid " + pid + " exited after SIGUSR1");
            }
            InspectorEndpoint endpoint = findListening(process);
            if (endpoint != null) {
                return endpoint;
            }
            sleep(100);
        }
        int port = process.configuredInspectorPort();
        String reason = port == 0 ? "" : " (is port " + port + " already taken by another process? Node then"
                + " prints 'address already in use' on its own stderr; start it with --inspect-port=0)";
        throw new CaptureException("pid " + pid + " did not open its inspector within " + wait.toSeconds()
                + " s after SIGUSR1" + reason);
    }

    /** The process's own loopback port that answers as a Node inspector, or null. */
    private InspectorEndpoint findListening(LocalProcess process) {
        List<Integer> ports = new ArrayList<>(process.loopbackListeningPorts());
        int configured = process.configuredInspectorPort();
        if (ports.remove(Integer.valueOf(configured))) {
            ports.add(0, configured);
        }
        for (int port : ports) {
            InspectorEndpoint endpoint = new InspectorEndpoint("127.0.0.1", port);
            if (http.answers(endpoint)) {
                return endpoint;
            }
        }
        return null;
    }

    private static void signal(long pid) throws CaptureException {
        try {
            Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(pid)).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes()).trim();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new CaptureException("cannot send SIGUSR1 to pid " + pid + ": "
                        + (output.isEmpty() ? "kill failed" : output));
            }
        } catch (IOException e) {
            throw new CaptureException("cannot run kill to send SIGUSR1 to pid " + pid + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted", e);
        }
    }

    private static void sleep(long millis) throws CaptureException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted while waiting for the inspector", e);
        }
    }
}
