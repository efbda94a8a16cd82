package dev.leakdetector.cli;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code leak-detector run --replace-strategy k8s} through the real command line, against the
 * fabric8 mock API server reached through a kubeconfig: bad input exits 2, a cluster that refuses
 * exits 3, each with one clear line, and nothing in the cluster is changed.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesBadInputTest {
    private static final Logger FABRIC8 = Logger.getLogger("io.fabric8");

    static {
        FABRIC8.setLevel(Level.WARNING);
    }

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;

    private Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                users:
                - name: tester
                  user:
                    token: not-a-secret
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: tester
                    namespace: shop
                current-context: mock
                """.formatted(client.getConfiguration().getMasterUrl()));
        env = Map.of("KUBECONFIG", kubeconfig.toString(), "HOME", dir.toString());
        client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("web-1").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("node:20").endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus().build()).create();
    }

    private CliRunner.Result run(String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--replace-strategy", "k8s", "--delay", "0.1",
                "--output-dir", dir.resolve("reports").toString()));
        args.addAll(List.of(extra));
        return CliRunner.run(env, args.toArray(String[]::new));
    }

    /** The requests that would have changed the cluster (reads and access reviews do not). */
    private List<String> writes() throws InterruptedException {
        List<String> writes = new ArrayList<>();
        for (RecordedRequest r = server.takeRequest(1, TimeUnit.MILLISECONDS); r != null;
             r = server.takeRequest(1, TimeUnit.MILLISECONDS)) {
            if (!r.getMethod().equals("GET") && !r.getPath().contains("selfsubjectaccessreviews")) {
                writes.add(r.getMethod() + " " + r.getPath());
            }
        }
        // The fixture's own pod creation is the only write.
        writes.remove("POST /api/v1/namespaces/shop/pods");
        return writes;
    }

    @Test
    void aPodThatDoesNotExistExits2() throws Exception {
        CliRunner.Result result = run("--container-id", "web-9");

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("leak-detector: pod web-9 not found in namespace shop\n");
        assertThat(writes()).isEmpty();
    }

    @Test
    void theWrongNamespaceExits2WithAHint() throws Exception {
        CliRunner.Result result = run("--container-id", "web-1", "--namespace", "default");

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("leak-detector: pod web-1 not found in namespace default (a pod of that name"
                + " exists in namespace shop: add --namespace shop)\n");
        assertThat(writes()).isEmpty();
    }

    @Test
    void credentialsWithoutPermissionsExit3BeforeAnythingChanges() throws Exception {
        // A user bound to no Role: the API server answers every access review with allowed=false.
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
                .andReply(201, request -> request.getUtf8Body().replaceFirst("}$", ",\"status\":{\"allowed\":false}}"))
                .always();
        CliRunner.Result result = run("--container-id", "web-1", "--drain-method", "none");

        assertThat(result.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains("leak-detector: the Kubernetes credentials in use lack ")
                .contains("permission(s); nothing was changed:\nmissing permission: get pods in namespace shop (needed to"
                        + " read the target pod)\n");
        assertThat(writes()).isEmpty();
    }

    @Test
    void anUnknownContextExits3() throws Exception {
        CliRunner.Result result = run("--container-id", "web-1", "--context", "prod");

        assertThat(result.exitCode()).isEqualTo(ExitCode.ENVIRONMENT);
        assertThat(result.err()).contains("leak-detector: context prod not found in " + dir.resolve("kubeconfig"));
        assertThat(writes()).isEmpty();
    }

    @Test
    void theJobManifestsArgumentsParseAndPickAPodByLabel() throws Exception {
        String manifest = Files.readString(Path.of("..", "deploy", "k8s", "job.yaml")).replace("SERVICE", "orders");
        io.fabric8.kubernetes.api.model.batch.v1.Job job = client.getKubernetesSerialization().unmarshal(manifest,
                io.fabric8.kubernetes.api.model.batch.v1.Job.class);
        List<String> args = new ArrayList<>(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs());
        args.replaceAll(a -> a.equals("--output-dir=/reports") ? "--output-dir=" + dir.resolve("reports") : a);

        CliRunner.Result result = CliRunner.run(env, args.toArray(String[]::new));

        // The selector is resolved in the service account's namespace (here: the context's).
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCode.USAGE);
        assertThat(result.err()).contains("leak-detector: no Ready pod matches app=orders in namespace shop (0 pod(s)"
                + " match, none Ready)\n");
        assertThat(writes()).isEmpty();
    }
}
