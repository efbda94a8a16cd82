package dev.leakdetector.bench.gen;

import static dev.leakdetector.bench.gen.V8Layout.*;

/** Receives edges as they are generated. */
interface EdgeSink {
    void edge(int type, long nameOrIndex, int toOrdinal);
}
