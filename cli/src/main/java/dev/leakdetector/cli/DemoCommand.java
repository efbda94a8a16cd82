package dev.leakdetector.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code leak-detector demo}: the README's first command; a real leak found in a real process. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Shows leak-detector at work: runs the bundled leaky Node.js workload, snapshots it live",
                "through its inspector and prints the full report (the same as test --scenario leak)."})
final class DemoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.commandLine().getParent();
        return root.execute("test", "--scenario", "leak");
    }
}
