package dev.leakdetector.bench.gen;

import java.io.BufferedOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import static dev.leakdetector.bench.gen.V8Layout.*;

/**
 * Writes a very large, realistic-looking V8 heap snapshot ({@code .heapsnapshot}, the Node 20 / V8 11.3
 * layout: 7 node fields, 3 edge fields) directly, streaming, for benchmarks beyond what Node can write.
 *
 * <pre>
 *   java bench/gen/SyntheticSnapshotWriter.java --nodes 55000000 --out FILE [--seed N]
 *   java bench/gen/SyntheticSnapshotWriter.java --verify FILE
 * </pre>
 *
 * <h2>Shape</h2>
 * Ordinal 0 is the synthetic root ({@code ""}, id 1) with {@code element 1 -> (GC roots)}, {@code shortcut "2"
 * -> global} and element edges to {@code C++ roots}, {@code C++ cross-thread roots} and {@code Node / Environment}.
 * {@code (GC roots)} has one element edge per V8 root category (28, {@code (Strong roots)} twice). A fixed
 * <em>prologue</em> follows: the global object, native and module contexts, class constructors, prototypes, maps
 * ("object shape"), descriptor arrays, shared function infos, a script, a pool of internalized strings (including
 * escape specimens), Node embedder natives (even ids) and the module-level containers: a sessions {@code Map},
 * an {@code LruCache} with its {@code Map}, and an {@code EventEmitter} with 97 listener arrays. Their hash tables
 * are hubs with one or two edges per unit.
 * <p>
 * The rest is a forest of <em>units</em>, each a small service object graph generated from {@code (seed, unit)}:
 * session units ({@code Session}, shared {@code User}, attrs {@code Map}, tags {@code Set}, 1-3
 * {@code RequestContext}s with headers, spans, resolved and pending {@code Promise}s, reactions, closures and
 * their {@code system / Context}s, cons and sliced strings, heap numbers, {@code WeakRef}s whose targets are only
 * weakly reachable, bound functions with shortcut edges), cache units ({@code CacheEntry} in a doubly linked LRU
 * list, values, {@code Buffer -> ArrayBuffer -> system / JSArrayBufferData} with a few self sizes above 4 GiB),
 * unreachable cliques (self-retaining cycles nobody points to) and a tail that pads the node count exactly.
 * Units point back to earlier units (shared users, peers) and forward (LRU "newer" links), so there are cycles
 * and cross-unit sharing. The average is about 3 edges per node.
 *
 * <h2>How it streams</h2>
 * V8 writes node edge counts before edges, and the header needs the totals, so the generator is a pure function
 * of {@code (seed, unit index)} and is replayed: a planning pass records each unit's first ordinal (an int per
 * unit) and the totals, then the nodes, edges, locations and strings passes regenerate every unit and write it.
 * Nothing but the per-unit index is kept; output goes through a {@link BufferedOutputStream}.
 * <p>
 * String table: {@code "<dummy>"}, a fixed dictionary, a block of numeric names {@code "0".."K-1"} (hash-table
 * slot names), then every unit's unique strings in unit order. Output is 7-bit ASCII with V8's escapes.
 * <p>
 * {@code --verify FILE} streams any Node 20 style snapshot back and checks the structure (JSON tokens, counts,
 * {@code to_node} divisible by 7 and in range, string indexes in range, unique ids), then reports strong, weak-only
 * and unreachable node counts.
 */
public final class SyntheticSnapshotWriter {

    static final int EXIT_OK = 0, EXIT_USAGE = 2, EXIT_INVALID = 3, EXIT_IO = 4;

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (UncheckedIOException e) {
            System.err.println("SyntheticSnapshotWriter: I/O error: " + e.getCause().getMessage());
            code = EXIT_IO;
        }
        System.exit(code);
    }

    static int run(String[] args) {
        long nodes = 55_000_000L;
        long seed = 0x5eed_1234L;
        Path out = null;
        Path verify = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(usage());
                return EXIT_OK;
            }
            if (i + 1 >= args.length) return usageError("missing value for " + a);
            String v = args[++i];
            try {
                switch (a) {
                    case "--nodes" -> nodes = Long.parseLong(v.replace("_", ""));
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--out" -> out = Path.of(v);
                    case "--verify" -> verify = Path.of(v);
                    default -> {
                        return usageError("unknown argument " + a);
                    }
                }
            } catch (NumberFormatException e) {
                return usageError("not a number for " + a + ": " + v);
            }
        }
        if (verify != null) return Verifier.verify(verify) ? EXIT_OK : EXIT_INVALID;
        if (out == null) return usageError("--out FILE is required");
        if (nodes < Generator.MIN_NODES || nodes > (1L << 28)) {
            return usageError("--nodes must be in [" + Generator.MIN_NODES + ", 2^28] (V8 max node count)");
        }
        new Generator((int) nodes, seed).write(out);
        return EXIT_OK;
    }

    /** Writes the snapshot for {@code nodes} and {@code seed} to {@code out}, as {@code --nodes N --out FILE} does. */
    public static void write(int nodes, long seed, Path out) {
        if (nodes < Generator.MIN_NODES || nodes > (1 << 28)) {
            throw new IllegalArgumentException("nodes must be in [" + Generator.MIN_NODES + ", 2^28]");
        }
        new Generator(nodes, seed).write(out);
    }

    static String usage() {
        return "usage: bench/gen/synthetic-snapshot --nodes N --out FILE [--seed S]\n"
                + "       bench/gen/synthetic-snapshot --verify FILE";
    }

    static int usageError(String msg) {
        System.err.println("SyntheticSnapshotWriter: " + msg + "\n" + usage());
        return EXIT_USAGE;
    }

    static void log(String msg) {
        System.err.printf(Locale.ROOT, "[synthetic-snapshot %tT] %s%n", System.currentTimeMillis(), msg);
    }
}
