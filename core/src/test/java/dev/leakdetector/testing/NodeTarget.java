package dev.leakdetector.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real Node.js process for capture tests ({@code node/target.js}); stopped on close. */
public final class NodeTarget implements AutoCloseable {
    private final Process process;

    private NodeTarget(Process process) {
        this.process = process;
    }

    /** Starts the target with the given node flags and object count, and waits until it is ready. */
    public static NodeTarget start(int objects, String... nodeFlags) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("node");
        command.addAll(List.of(nodeFlags));
        command.add(NodeFixtures.resource("node/target.js").toString());
        command.add(Integer.toString(objects));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            process.destroyForcibly();
            throw new IOException("the Node target did not start (said " + line + ")");
        }
        return new NodeTarget(process);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
