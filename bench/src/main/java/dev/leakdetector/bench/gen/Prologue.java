package dev.leakdetector.bench.gen;

import static dev.leakdetector.bench.gen.V8Layout.*;

/** Prologue: roots, runtime objects, pools and the module-level hubs, ahead of the units. */
final class Prologue extends PrologueNodes {
    Prologue(Generator g) {
        super(g);
    }

    /** Creates every prologue node and the edges among them. */
    void buildNodes() {
        createNodes();
        linkStaticEdges();
    }

    /** Edges from prologue nodes to prologue nodes only. */
    void linkStaticEdges() {
        // ---------------- static edges (prologue -> prologue only) ----------------
        // root
        edge(root, E_ELEMENT, 1, gcRoots);
        edge(root, E_SHORTCUT, numName(2), global);
        edge(root, E_ELEMENT, 3, cppRoots);
        edge(root, E_ELEMENT, 4, cppCrossThread);
        edge(root, E_ELEMENT, 5, nodeEnv);
        for (int i = 0; i < SUBROOTS.length; i++) edge(gcRoots, E_ELEMENT, i + 1, subroot0 + i);
        int sInternalized = subroot0, sReadOnly = subroot0 + 2, sStrong = subroot0 + 3,
                sStack = subroot0 + 6, sHandleScope = subroot0 + 10, sBuiltins = subroot0 + 11,
                sGlobalHandles = subroot0 + 12, sEternal = subroot0 + 14, sExtensions = subroot0 + 17,
                sStartupCache = subroot0 + 19;
        for (int i = 0; i < allPoolStrings.size(); i++) {
            internalNum(sInternalized, i + 1, allPoolStrings.get(i));
        }
        internal(sReadOnly, "meta_map", mapMeta);
        internal(sReadOnly, "one_byte_internalized_string_map", mapOneByteInternalized);
        internal(sReadOnly, "one_byte_string_map", mapOneByteString);
        internal(sReadOnly, "string_map", mapTwoByteString);
        internal(sReadOnly, "cons_one_byte_string_map", mapCons);
        internal(sReadOnly, "sliced_one_byte_string_map", mapSliced);
        internal(sReadOnly, "heap_number_map", mapHeapNumber);
        internal(sReadOnly, "fixed_array_map", mapFixedArray);
        internal(sReadOnly, "ordered_hash_map_map", mapOrderedHashMap);
        internal(sReadOnly, "ordered_hash_set_map", mapOrderedHashSet);
        internal(sReadOnly, "promise_reaction_map", mapPromiseReaction);
        internal(sReadOnly, "byte_array_map", mapJsArrayBufferData);
        internal(sReadOnly, "undefined_value", undef);
        internal(sReadOnly, "the_hole_value", hole);
        internal(sReadOnly, "empty_fixed_array", emptyFixed);
        internal(sStrong, "feedback_cell", feedbackCell);
        internal(sStrong, "symbol", symbolSessionKey);
        internal(sStack, "the_hole_value", hole);
        internalNum(sStack, 3, moduleContext);
        internalNum(sHandleScope, 1, global);
        internalNum(sHandleScope, 2, shapeObject);
        for (int i = 0; i < builtinCodes.size(); i++) {
            int c = builtinCodes.get(i);
            String n = d.list.get(name[c]);
            internal(sBuiltins, (i + 1) + " / " + n.substring(1, n.indexOf(' ')), c);
        }
        internalNum(sGlobalHandles, 1, float64);
        internalNum(sGlobalHandles, 2, nativeContext);
        edge(sGlobalHandles, E_WEAK, numName(3), tcpWrap);
        edge(sGlobalHandles, E_WEAK, numName(4), timerWrap);
        internalNum(sEternal, 1, symbolSessionKey);
        internal(sExtensions, "empty_fixed_array", emptyFixed);
        internalNum(sStartupCache, 1, sfiTouch);
        internalNum(sStartupCache, 2, bigintCounter);
        internalNum(sStartupCache, 3, regexpRoute);
        internal(nodeEnv, "isolate_data", isolateData);
        internal(nodeEnv, "binding_data", bindingData);
        internal(nodeEnv, "async_hooks", asyncHooks);
        internal(nodeEnv, "cleanup_queue", cleanupQueue);
        internal(nodeEnv, "tcp_wrap", tcpWrap);
        internal(nodeEnv, "timer_wrap", timerWrap);
        internal(isolateData, "aliased_buffer", aliased);
        internal(float64, "backing_store", aliased);
        internal(tcpWrap, "wrapper", bus); // native -> JS wrapper edge
        internalNum(bindingData, 0, nativeContext);

        // maps of maps
        for (int m : new int[]{mapOneByteInternalized, mapOneByteString, mapTwoByteString, mapCons, mapSliced,
                mapHeapNumber, mapFixedArray, mapOrderedHashMap, mapOrderedHashSet, mapPromiseReaction,
                mapJsArrayBufferData}) {
            internal(m, "map", mapMeta);
        }
        internal(mapMeta, "map", mapMeta); // self-loop, as in V8
        for (int s : allPoolStrings) internal(s, "map", mapOneByteInternalized);
        internal(scriptSource, "map", mapOneByteString);
        internal(undef, "map", mapMeta);
        internal(hole, "map", mapMeta);
        internal(emptyFixed, "map", mapFixedArray);
        internal(script, "source", scriptSource);
        internal(script, "name", scriptName);
        internal(script, "line_ends", lineEnds);
        internal(script, "context_data", moduleContext);
        internal(lineEnds, "map", mapFixedArray);
        internal(symbolSessionKey, "name", kSession);
        internal(symbolSessionKey, "map", mapMeta);
        internal(bigintCounter, "map", mapMeta);
        internal(regexpRoute, "data", emptyFixed);
        internal(regexpRoute, "map", shapeRegExp);
        for (int c : builtinCodes) internal(c, "map", mapMeta);
        internal(feedbackCell, "map", mapMeta);
        for (int sc : new int[]{scopeBuildUnit, scopeRequest, scopeResolve}) {
            internal(sc, "map", mapMeta);
            internal(sc, "outer_scope_info", scopeBuildUnit == sc ? emptyFixed : scopeBuildUnit);
        }

        // native context and global
        internal(nativeContext, "global_object", global);
        internal(nativeContext, "global_proxy_object", global);
        internal(nativeContext, "script_context_table", moduleContext);
        internal(nativeContext, "map", mapMeta);
        for (int i = 0; i < classes.length; i++) {
            edge(nativeContext, E_INTERNAL, d.intern("class_" + classes[i]), classCtor[i]);
        }
        prop(global, "globalThis", global);
        prop(global, "sessions", sessionsMap);
        prop(global, "cache", lruCache);
        prop(global, "bus", bus);
        prop(global, "metrics", metrics);
        for (int i = 0; i < classes.length; i++) prop(global, classes[i], classCtor[i]);
        prop(global, "routePattern", regexpRoute);
        prop(global, "requestCounter", bigintCounter);
        edge(global, E_PROPERTY, pSessionKey, symbolSessionKey);
        internal(global, "native_context", nativeContext);
        internal(global, "map", shapeObject);
        // module context: the closures' outer scope, holds module-level bindings
        edge(moduleContext, E_CONTEXT, d.intern("sessions"), sessionsMap);
        edge(moduleContext, E_CONTEXT, d.intern("cache"), lruCache);
        edge(moduleContext, E_CONTEXT, d.intern("bus"), bus);
        edge(moduleContext, E_CONTEXT, d.intern("metrics"), metrics);
        edge(moduleContext, E_CONTEXT, d.intern("timerListMap"), timerListMap);
        prop(timerListMap, "1800000", timersList); // 30-minute session expiry list
        internal(timerListMap, "map", shapeLeafObject);
        internal(timersList, "map", shapeObject);
        internal(symbolAsyncId, "map", mapMeta);
        internalNum(subroot0 + 14, 2, symbolAsyncId); // (Eternal handles)
        internal(moduleContext, "scope_info", scopeBuildUnit);
        internal(moduleContext, "previous", nativeContext);
        internal(moduleContext, "map", shapeContext);

        for (int i = 0; i < classes.length; i++) {
            int c = classCtor[i];
            int sfi = sfi(classes[i], script, line[c], col[c]);
            internal(c, "feedback_cell", feedbackCell);
            internal(c, "shared", sfi);
            internal(c, "context", moduleContext);
            internal(c, "code", codeInterpreter);
            prop(c, "prototype", classProto[i]);
            internal(c, "map", shapeFunction);
            prop(classProto[i], "constructor", c);
            internal(classProto[i], "map", shapeObject);
        }
        int[] shapes = {shapeSession, shapeUser, shapeCacheEntry, shapeRequestContext};
        for (int i = 0; i < shapes.length; i++) {
            internal(shapes[i], "prototype", classProto[i == 3 ? 3 : i]);
            internal(shapes[i], "constructor", classCtor[i == 3 ? 3 : i]);
        }
        internal(shapeContext, "map", mapMeta);
        internal(shapeBound, "map", mapMeta);
        internal(shapeLeafObject, "map", mapMeta);
        edge(shapeObject, E_WEAK, d.intern("transition"), shapeLeafObject);
        edge(shapeLeafObject, E_WEAK, d.intern("transition"), shapeBound); // transition tree leaf

        // containers
        internal(sessionsMap, "table", sessionsTable);
        internal(sessionsMap, "map", shapeMap);
        prop(lruCache, "map", cacheMap);
        prop(lruCache, "self", lruCache); // a self-loop, like V8's meta map
        internal(lruCache, "map", shapeObject);
        internal(cacheMap, "table", cacheTable);
        internal(cacheMap, "map", shapeMap);
        prop(bus, "_events", busEvents);
        internal(bus, "map", shapeObject);
        internal(busEvents, "properties", busEventsProps);
        internal(busEvents, "map", shapeLeafObject);
        for (int b = 0; b < Generator.LISTENER_BUCKETS; b++) {
            String ev = "session:" + b;
            if (b < 8) prop(busEvents, ev, listenerArray[b]);
            else internalNum(busEventsProps, b - 8, listenerArray[b]);
            hubKind[listenerArray[b]] = HUB_LISTENERS;
            hubKind[listenerElements[b]] = HUB_LISTENER_ELEMENTS;
        }
        internal(busEventsProps, "map", mapFixedArray);
        hubKind[sessionsTable] = HUB_SESSIONS_TABLE;
        hubKind[cacheTable] = HUB_CACHE_TABLE;
        prop(metrics, "histogram", float64);
        internal(metrics, "map", shapeObject);
        internal(latencyFallback, "map", shapeArray);
        latencyFallbackNode = latencyFallback;
    }

    int latencyFallbackNode;

    /** Edges that point into the unit region; needs the plan. */
    void buildEdges() {
        int sHandleScope = subroot0 + 10;
        // a few handles into the first units, like a request being processed while the snapshot was taken
        for (int u = 0, k = 3; u < Math.min(g.units, 6); u++) {
            if (g.unitKind[u] == Generator.K_SESSION || g.unitKind[u] == Generator.K_CACHE) {
                internalNum(sHandleScope, k++, g.unitStart[u]);
            }
        }
        prop(global, "latencies", g.tailUnit >= 0 ? g.unitStart[g.tailUnit] : latencyFallbackNode);
        int newest = g.cacheNeighbour(g.units, -1, false);
        int oldest = g.cacheNeighbour(-1, +1, false);
        prop(lruCache, "oldest", oldest);
        prop(lruCache, "newestEntry", newest);
        prop(timersList, "_idleNext", g.timerNeighbour(-1, +1, false));
        prop(timersList, "_idlePrev", g.timerNeighbour(g.units, -1, false));
    }

    long edgeTotal() {
        long n = 0;
        for (int k = 0; k < count; k++) n += edgeCount(k);
        return n;
    }

    int edgeCount(int k) {
        int stat = staticEdgeLen[k] / 3;
        return switch (hubKind[k]) {
            case HUB_SESSIONS_TABLE -> stat + 1 + 2 * g.sessionUnits;
            case HUB_CACHE_TABLE -> stat + 1 + 2 * g.cacheUnits;
            case HUB_LISTENERS -> stat + 2 + g.bucketSize[bucketOf(k, listenerArray)];
            case HUB_LISTENER_ELEMENTS -> stat + 1 + g.bucketSize[bucketOf(k, listenerElements)];
            default -> stat;
        };
    }

    private static int bucketOf(int k, int[] arr) {
        // listener arrays are allocated in pairs, so the bucket is the distance from the first one
        for (int b = 0; b < arr.length; b++) if (arr[b] == k) return b;
        throw new IllegalStateException("not a listener hub: " + k);
    }

    int emitEdges(int k, EdgeSink out) {
        int n = 0;
        int[] a = staticEdges.get(k);
        for (int i = 0; i < staticEdgeLen[k]; i += 3, n++) {
            int nm = a[i + 1];
            if (nm < 0 && a[i] != E_ELEMENT && a[i] != E_HIDDEN) nm = g.num(-nm - 1);
            out.edge(a[i], nm, a[i + 2]);
        }
        switch (hubKind[k]) {
            case HUB_SESSIONS_TABLE -> {
                int slot = 5;
                for (int u = 0; u < g.units; u++) {
                    if (g.unitKind[u] != Generator.K_SESSION) continue;
                    out.edge(E_INTERNAL, g.num(slot++), g.unitStart[u] + 1); // key: the session id string
                    out.edge(E_INTERNAL, g.num(slot++), g.unitStart[u]); // value: the Session
                    n += 2;
                }
                out.edge(E_INTERNAL, sMap, mapOrderedHashMap);
                n++;
            }
            case HUB_CACHE_TABLE -> {
                int slot = 5;
                for (int u = 0; u < g.units; u++) {
                    if (g.cacheOffset[u] == Generator.NO_CACHE) continue;
                    int entry = g.unitStart[u] + (g.cacheOffset[u] & 0xff);
                    out.edge(E_INTERNAL, g.num(slot++), entry + 1); // key string follows the entry
                    out.edge(E_INTERNAL, g.num(slot++), entry);
                    n += 2;
                }
                out.edge(E_INTERNAL, sMap, mapOrderedHashMap);
                n++;
            }
            case HUB_LISTENERS -> {
                int b = bucketOf(k, listenerArray);
                int i = 0;
                for (int u = b; u < g.units; u += Generator.LISTENER_BUCKETS) {
                    if (g.unitKind[u] != Generator.K_SESSION) continue;
                    out.edge(E_ELEMENT, i++, g.unitStart[u] + 2);
                    n++;
                }
                out.edge(E_INTERNAL, sElements, listenerElements[b]);
                out.edge(E_INTERNAL, sMap, shapeArray);
                n += 2;
            }
            case HUB_LISTENER_ELEMENTS -> {
                int b = bucketOf(k, listenerElements);
                int i = 0;
                for (int u = b; u < g.units; u += Generator.LISTENER_BUCKETS) {
                    if (g.unitKind[u] != Generator.K_SESSION) continue;
                    out.edge(E_INTERNAL, g.num(i++), g.unitStart[u] + 2);
                    n++;
                }
                out.edge(E_INTERNAL, sMap, mapFixedArray);
                n++;
            }
            default -> {
            }
        }
        return n;
    }

    void finishHubSizes() {
        size[sessionsTable] = 16 + 8L * (3 + 3L * Math.max(1, g.sessionUnits));
        size[cacheTable] = 16 + 8L * (3 + 3L * Math.max(1, g.cacheUnits));
        for (int b = 0; b < Generator.LISTENER_BUCKETS; b++) {
            size[listenerElements[b]] = 16 + 8L * g.bucketSize[b];
        }
    }
}
