package dev.leakdetector.report;

import dev.leakdetector.testing.NodeFixtures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every writer against a checked-in expected file, on a fixed report. A deliberate change of a
 * format regenerates them with {@code -Dgolden.update=true}; review the diff before committing.
 */
class GoldenReportTest {

    @Test
    void json() throws IOException {
        assertGolden("leak.analysis.json", new JsonReportWriter().toJson(SampleReports.leak()));
        assertGolden("clean.analysis.json", new JsonReportWriter().toJson(SampleReports.clean()));
    }

    @Test
    void text() throws IOException {
        assertGolden("leak.summary.txt", text(w -> new TextReportWriter().write(SampleReports.leak(), w)));
        assertGolden("clean.summary.txt", text(w -> new TextReportWriter().write(SampleReports.clean(), w)));
    }

    @Test
    void junit() throws IOException {
        assertGolden("leak.junit.xml", junit(SampleReports.leak()));
        assertGolden("clean.junit.xml", junit(SampleReports.clean()));
    }

    @Test
    void html() throws IOException {
        assertGolden("leak.report.html", text(w -> new HtmlReportWriter().write(SampleReports.leak(), w)));
    }

    @Test
    void webhookPayload() throws IOException {
        assertGolden("leak.webhook.json", WebhookNotifier.payload(SampleReports.leak(), "https://ci.example/job/1/report.html") + "\n");
    }

    private static String junit(LeakReport report) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new JUnitReportWriter().write(report, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String text(java.util.function.Consumer<PrintWriter> writer) {
        StringWriter out = new StringWriter();
        writer.accept(new PrintWriter(out));
        return out.toString();
    }

    private static void assertGolden(String name, String actual) throws IOException {
        Path golden = NodeFixtures.repositoryRoot().resolve("core/src/test/resources/golden").resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, actual);
        }
        assertThat(actual).as("golden file %s (regenerate with -Dgolden.update=true)", name)
                .isEqualTo(Files.readString(golden));
    }
}
