package dev.leakdetector.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a {@link SnapshotSummary} as JSON:
 * {@code {nodeCount, edgeCount, totalSize, classes:[{name, count, selfSize, retainedSize, …}]}}.
 * Streaming, so that snapshots with hundreds of thousands of classes stay cheap.
 */
public final class SummaryJsonWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    public void write(SnapshotSummary summary, OutputStream out) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("file", summary.file());
            json.writeNumberField("nodeCount", summary.nodeCount());
            json.writeNumberField("edgeCount", summary.edgeCount());
            json.writeNumberField("totalSize", summary.totalSize());
            json.writeNumberField("unreachableNodes", summary.unreachableNodes());
            json.writeNumberField("classCount", summary.classes().size());
            json.writeArrayFieldStart("classes");
            for (SnapshotSummary.ClassRow row : summary.classes()) {
                json.writeStartObject();
                json.writeStringField("name", row.name());
                json.writeNumberField("count", row.count());
                json.writeNumberField("selfSize", row.selfSize());
                json.writeNumberField("retainedSize", row.retainedSize());
                json.writeNumberField("distance", row.distance());
                json.writeStringField("key", row.key());
                if (row.location() != null) {
                    json.writeStringField("location", row.location());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeRaw('\n');
        }
    }
}
