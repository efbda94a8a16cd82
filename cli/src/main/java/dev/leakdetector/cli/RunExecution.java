package dev.leakdetector.cli;

import dev.leakdetector.heap.parse.ProgressListener;
import dev.leakdetector.orchestrator.local.ManagedService;
import dev.leakdetector.orchestrator.workflow.Platform;
import dev.leakdetector.orchestrator.workflow.RunRequest;
import dev.leakdetector.orchestrator.workflow.RunWorkflow;
import dev.leakdetector.report.ReportFormat;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Set;

/** Runs the workflow with console logging; shared by {@code run} and {@code demo}. */
final class RunExecution {
    private RunExecution() {
    }

    static RunWorkflow.Result execute(RunRequest request, ManagedService managed, Environment environment,
                                      Set<ReportFormat> formats, boolean progress, PrintWriter err) throws Exception {
        String runId = RunCommand.newRunId();
        ProgressListener listener = ProgressBar.forEnvironment(environment, err, progress);
        boolean debug = environment.debug();
        try (Platform platform = Platforms.forStrategy(request.strategy(), managed, environment,
                request.environment().get("context"))) {
            RunWorkflow workflow = new RunWorkflow(platform, Clock.systemUTC(),
                    line -> {
                        // Steps always (CI logs want them); every action with DEBUG=leak-detector:*.
                        if (debug || line.startsWith("step: ")) {
                            err.println("leak-detector: " + line);
                            err.flush();
                        }
                    },
                    line -> {
                        err.println("leak-detector: warning: " + line);
                        err.flush();
                    },
                    listener);
            err.println("leak-detector: run " + runId + " on " + platform.name() + ", reports in "
                    + request.outputDirectory().resolve(runId));
            err.flush();
            try {
                return workflow.run(request, runId, formats);
            } finally {
                if (listener instanceof ProgressBar bar) {
                    bar.close();
                }
            }
        }
    }
}
