package dev.leakdetector.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code leak-detector} command line. Only {@link #main} exits the process; everything else
 * returns exit codes, so tests drive the real wiring through {@link #run}.
 */
@Command(name = "leak-detector",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Finds memory leaks in running Node.js services from V8 heap snapshots.",
        subcommands = {RunCommand.class, CleanupCommand.class, AnalyzeCommand.class, SnapshotCommand.class,
                SummaryCommand.class, TestCommand.class, DemoCommand.class, InternalSnapshotCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(out, err, Environment.system(), args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line with the given streams and environment; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, Environment environment, String... args) {
        CommandLine commandLine = new CommandLine(new Main(), new CommandFactory(environment));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(new ErrorHandler(environment));
        commandLine.setParameterExceptionHandler((ex, arguments) -> {
            ex.getCommandLine().getErr().println("leak-detector: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for usage.");
            return ExitCode.USAGE;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
