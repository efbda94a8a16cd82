package dev.leakdetector.cli;

import picocli.CommandLine;

/** The version from the jar manifest, for {@code --version}. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"leak-detector " + (version == null ? "development build" : version),
                "Java " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cores, max heap "
                        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB"};
    }
}
