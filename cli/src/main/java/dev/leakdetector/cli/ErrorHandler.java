package dev.leakdetector.cli;

import dev.leakdetector.heap.parse.HeapTooLargeException;
import dev.leakdetector.heap.parse.SnapshotFormatException;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Maps every failure to one line on stderr and a documented exit code. Stack traces appear only
 * with {@code DEBUG=leak-detector:*}, except for internal errors, which print a hint to file a bug.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    private final Environment environment;

    ErrorHandler(Environment environment) {
        this.environment = environment;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        Throwable problem = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        int code = classify(problem);
        err.println("leak-detector: " + message(problem));
        if (environment.debug()) {
            problem.printStackTrace(err);
        } else if (code == ExitCode.INTERNAL) {
            err.println("This is a bug in leak-detector. Run again with DEBUG=leak-detector:* for details.");
        }
        err.flush();
        return code;
    }

    static int classify(Throwable problem) {
        if (problem instanceof UserException user) {
            return user.exitCode();
        }
        if (problem instanceof SnapshotFormatException || problem instanceof NoSuchFileException
                || problem instanceof dev.leakdetector.capture.TargetNotFoundException) {
            return ExitCode.USAGE;
        }
        if (problem instanceof dev.leakdetector.capture.CaptureException) {
            return ExitCode.ENVIRONMENT;
        }
        if (problem instanceof dev.leakdetector.orchestrator.workflow.TargetNotFoundException) {
            return ExitCode.USAGE;
        }
        if (problem instanceof dev.leakdetector.orchestrator.workflow.OrchestrationException) {
            return ExitCode.ENVIRONMENT;
        }
        if (problem instanceof HeapTooLargeException || problem instanceof OutOfMemoryError) {
            return ExitCode.ENVIRONMENT;
        }
        if (problem instanceof IOException) {
            return ExitCode.ENVIRONMENT;
        }
        return ExitCode.INTERNAL;
    }

    static String message(Throwable problem) {
        if (problem instanceof NoSuchFileException e) {
            return e.getFile() + ": no such file";
        }
        if (problem instanceof AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        if (problem instanceof FileSystemException e) {
            String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
            return e.getFile() + ": " + reason;
        }
        if (problem instanceof OutOfMemoryError) {
            return "out of Java heap memory; raise the limit with LEAK_DETECTOR_OPTS=-Xmx<size>g";
        }
        String message = problem.getMessage();
        return message == null ? problem.getClass().getName() : message;
    }
}
