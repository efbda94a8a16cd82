package dev.leakdetector.report;

import java.util.Locale;

/** The report files a run or an analysis can write. */
public enum ReportFormat {
    JSON("analysis.json"), TEXT("summary.txt"), JUNIT("junit.xml"), HTML("report.html");

    private final String fileName;

    ReportFormat(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }

    public static ReportFormat parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "json" -> JSON;
            case "text", "txt" -> TEXT;
            case "junit", "xml" -> JUNIT;
            case "html" -> HTML;
            default -> throw new IllegalArgumentException("unknown report format '" + text
                    + "' (expected json, text, junit or html)");
        };
    }
}
