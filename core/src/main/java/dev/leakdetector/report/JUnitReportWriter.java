package dev.leakdetector.report;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/**
 * {@code junit.xml} for CI servers (Jenkins' junit step, GitLab's junit artifacts): one test case
 * per offender, failing at or above the failure severity, skipped when suppressed; with no
 * offender, one passing test case, so a clean run shows as a pass rather than as nothing.
 */
public final class JUnitReportWriter {
    private static final String SUITE = "leak-detector";

    public void write(LeakReport report, OutputStream out) throws IOException {
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            long failures = report.offenders().stream()
                    .filter(o -> o.severity().atLeast(report.summary().failOn())).count();
            int tests = Math.max(1, report.offenders().size()) + report.suppressed().size();
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", SUITE);
            xml.writeAttribute("tests", Integer.toString(tests));
            xml.writeAttribute("failures", Long.toString(failures));
            xml.writeAttribute("errors", "0");
            xml.writeAttribute("skipped", Integer.toString(report.suppressed().size()));
            xml.writeAttribute("timestamp", report.generatedAt().replace("Z", ""));
            xml.writeCharacters("\n  ");
            properties(xml, report);
            if (report.offenders().isEmpty()) {
                xml.writeCharacters("\n  ");
                xml.writeEmptyElement("testcase");
                xml.writeAttribute("classname", SUITE);
                xml.writeAttribute("name", "no memory leak");
                xml.writeAttribute("time", "0");
            }
            for (LeakReport.Offender o : report.offenders()) {
                xml.writeCharacters("\n  ");
                xml.writeStartElement("testcase");
                xml.writeAttribute("classname", SUITE + ".offenders");
                xml.writeAttribute("name", o.type());
                xml.writeAttribute("time", "0");
                if (o.severity().atLeast(report.summary().failOn())) {
                    xml.writeCharacters("\n    ");
                    xml.writeStartElement("failure");
                    xml.writeAttribute("type", o.severity().label());
                    xml.writeAttribute("message", message(o));
                    xml.writeCharacters(details(o));
                    xml.writeEndElement();
                    xml.writeCharacters("\n  ");
                } else {
                    xml.writeCharacters("\n    ");
                    xml.writeStartElement("system-out");
                    xml.writeCharacters("below the failure severity (" + report.summary().failOn().label() + "): "
                            + message(o));
                    xml.writeEndElement();
                    xml.writeCharacters("\n  ");
                }
                xml.writeEndElement();
            }
            for (LeakReport.Offender o : report.suppressed()) {
                xml.writeCharacters("\n  ");
                xml.writeStartElement("testcase");
                xml.writeAttribute("classname", SUITE + ".suppressed");
                xml.writeAttribute("name", o.type());
                xml.writeAttribute("time", "0");
                xml.writeStartElement("skipped");
                xml.writeAttribute("message", "suppressed: " + o.suppressedBy());
                xml.writeEndElement();
                xml.writeEndElement();
            }
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.flush();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write junit.xml: " + e.getMessage(), e);
        }
    }

    private static void properties(XMLStreamWriter xml, LeakReport report) throws XMLStreamException {
        xml.writeStartElement("properties");
        property(xml, "status", report.summary().status());
        property(xml, "before", report.before().file());
        property(xml, "after", report.after().file());
        if (report.baseline() != null) {
            property(xml, "baseline", report.baseline().file());
        }
        if (report.target() != null && report.target().container() != null) {
            property(xml, "container", report.target().container());
        }
        property(xml, "totalGrowthMB", String.format(Locale.ROOT, "%.3f", report.summary().totalGrowthMB()));
        xml.writeEndElement();
    }

    private static void property(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeEmptyElement("property");
        xml.writeAttribute("name", name);
        xml.writeAttribute("value", value == null ? "" : value);
    }

    private static String message(LeakReport.Offender o) {
        return String.format(Locale.ROOT, "%s grew by %s (%s, %s instances), severity %s, confidence %.0f%%", o.type(),
                Format.signedBytes(o.deltaSize()), Format.rate(o.growthRate()), Format.signedCount(o.deltaCount()),
                o.severity().label(), o.confidence() * 100);
    }

    private static String details(LeakReport.Offender o) {
        StringBuilder sb = new StringBuilder("\n");
        for (LeakReport.Pattern p : o.patterns()) {
            sb.append(p.title()).append(": ").append(p.description()).append('\n');
        }
        for (LeakReport.PathGroup g : o.retainerPaths()) {
            sb.append(g.count()).append(" held via ").append(g.holders()).append('\n');
        }
        if (!o.retainerPaths().isEmpty()) {
            sb.append("Path: ").append(o.retainerPaths().get(0).path()).append('\n');
        }
        return sb.toString();
    }
}
