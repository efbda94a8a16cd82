package dev.leakdetector.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.leakdetector.analysis.Severity;

import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code analysis.json}: the report model as versioned JSON, the contract other tools read. Field
 * order follows the model; severities are lower-case words. Deterministic for equal input.
 */
public final class JsonReportWriter {
    private final ObjectMapper mapper;

    public JsonReportWriter() {
        SimpleModule module = new SimpleModule("leak-detector");
        module.addSerializer(Severity.class, new JsonSerializer<>() {
            @Override
            public void serialize(Severity value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.label());
            }
        });
        mapper = new ObjectMapper()
                .registerModule(module)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        mapper.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
    }

    public void write(LeakReport report, OutputStream out) throws IOException {
        mapper.writeValue(out, report);
        out.write('\n');
        out.flush();
    }

    public String toJson(LeakReport report) throws IOException {
        return mapper.writeValueAsString(report) + "\n";
    }
}
