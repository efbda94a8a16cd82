package dev.leakdetector.cli;

import picocli.CommandLine;

/** Creates commands with the injected {@link Environment}, without reflection tricks in the commands. */
final class CommandFactory implements CommandLine.IFactory {
    private final Environment environment;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    CommandFactory(Environment environment) {
        this.environment = environment;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        if (type == SummaryCommand.class) {
            return type.cast(new SummaryCommand(environment));
        }
        if (type == AnalyzeCommand.class) {
            return type.cast(new AnalyzeCommand(environment));
        }
        if (type == SnapshotCommand.class) {
            return type.cast(new SnapshotCommand(environment));
        }
        if (type == TestCommand.class) {
            return type.cast(new TestCommand(environment));
        }
        if (type == RunCommand.class) {
            return type.cast(new RunCommand(environment));
        }
        if (type == DemoCommand.class) {
            return type.cast(new DemoCommand(environment));
        }
        if (type == CleanupCommand.class) {
            return type.cast(new CleanupCommand(environment));
        }
        if (type == InternalSnapshotCommand.class) {
            return type.cast(new InternalSnapshotCommand(environment));
        }
        return fallback.create(type);
    }
}
