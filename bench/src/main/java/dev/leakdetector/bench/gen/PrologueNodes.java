package dev.leakdetector.bench.gen;

import java.util.Map;

import static dev.leakdetector.bench.gen.V8Layout.*;
import static dev.leakdetector.bench.gen.Rng.mix;

/** The prologue's nodes: roots, runtime objects, the string pool, classes and the module-level hubs. */
abstract class PrologueNodes extends PrologueNames {
    // well-known ordinals
    int root, gcRoots, cppRoots, cppCrossThread, nodeEnv, global, nativeContext, moduleContext;
    int subroot0;
    int sessionsMap, sessionsTable, lruCache, cacheMap, cacheTable, bus, busEvents, metrics;
    int[] listenerArray = new int[Generator.LISTENER_BUCKETS];
    int[] listenerElements = new int[Generator.LISTENER_BUCKETS];
    // maps and runtime singletons used by units
    int mapMeta, mapOneByteInternalized, mapOneByteString, mapTwoByteString, mapCons, mapSliced,
            mapHeapNumber, mapFixedArray, mapOrderedHashMap, mapOrderedHashSet, mapPromiseReaction,
            mapJsArrayBufferData;
    int shapeSession, shapeUser, shapeCacheEntry, shapeRequestContext, shapeObject, shapeArray, shapeMap,
            shapeSet, shapePromise, shapeFunction, shapeContext, shapeWeakRef, shapeBuffer, shapeArrayBuffer,
            shapeBound, shapeLeafObject, shapeRegExp;
    int feedbackCell, codeCompileLazy, codeResolve, codeInterpreter;
    int timersList, sfiExpire, shapeTimeout, symbolAsyncId;
    int sfiTouch, sfiOnSessionEvent, sfiOnDone, sfiResolve, sfiClique;
    int scopeBuildUnit, scopeRequest, scopeResolve;
    int[] personNames, wideNames, ipNames, poolHeaderNames;
    int[] poolMethods, poolRoutes, poolAgents, poolRoles, poolRegions, poolLocales, poolThemes, poolTags;
    int poolIp, poolUa, poolCsrf, poolAcceptJson, poolBoundArg;
    int symbolSessionKey, bigintCounter, regexpRoute;

    // made by createNodes() and linked by Prologue.linkStaticEdges()
    int aliased, asyncHooks, bindingData, busEventsProps, cleanupQueue, emptyFixed, float64, hole, isolateData, kSession, latencyFallback, lineEnds, script, scriptName, scriptSource, tcpWrap, timerListMap, timerWrap, undef;
    int[] classCtor, classProto;
    String[] classes;

    PrologueNodes(Generator g) {
        super(g);
    }

    static final String[] SUBROOTS = {"(Internalized strings)", "(External strings)", "(Read-only roots)",
            "(Strong roots)", "(Smi roots)", "(Bootstrapper)", "(Stack roots)", "(Relocatable)", "(Debugger)",
            "(Compilation cache)", "(Handle scope)", "(Builtins)", "(Global handles)", "(Traced handles)",
            "(Eternal handles)", "(Thread manager)", "(Strong roots)", "(Extensions)", "(Code flusher)",
            "(Startup object cache)", "(Read-only object cache)", "(Shareable object cache)",
            "(Weak collections)", "(Wrapper tracing)", "(Write barrier)", "(Retain maps)", "(Client heap)",
            "(Unknown)"};

    /** Creates every prologue node (the count must be known before units are planned). */
    void createNodes() {
        root = node(T_SYNTHETIC, "", 0);
        gcRoots = node(T_SYNTHETIC, "(GC roots)", 0);
        subroot0 = count;
        for (String s : SUBROOTS) node(T_SYNTHETIC, s, 0);

        // read-only roots: meta maps, oddballs
        mapMeta = node(T_HIDDEN, "system / Map", 40);
        mapOneByteInternalized = node(T_HIDDEN, "system / Map (OneByteInternalizedString)", 40);
        mapOneByteString = node(T_HIDDEN, "system / Map (OneByteString)", 40);
        mapTwoByteString = node(T_HIDDEN, "system / Map (String)", 40);
        mapCons = node(T_HIDDEN, "system / Map (ConsOneByteString)", 40);
        mapSliced = node(T_HIDDEN, "system / Map (SlicedOneByteString)", 40);
        mapHeapNumber = node(T_HIDDEN, "system / Map (HeapNumber)", 40);
        mapFixedArray = node(T_HIDDEN, "system / Map (FixedArray)", 40);
        mapOrderedHashMap = node(T_HIDDEN, "system / Map (OrderedHashMap)", 40);
        mapOrderedHashSet = node(T_HIDDEN, "system / Map (OrderedHashSet)", 40);
        mapPromiseReaction = node(T_HIDDEN, "system / Map (PromiseReaction)", 40);
        mapJsArrayBufferData = node(T_HIDDEN, "system / Map (ByteArray)", 40);
        undef = node(T_HIDDEN, "system / Oddball", 48);
        hole = node(T_HIDDEN, "system / Oddball", 48);
        emptyFixed = node(T_ARRAY, "", 16);

        nativeContext = node(T_HIDDEN, "system / NativeContext", 2264);
        global = node(T_OBJECT, "global", 40);
        moduleContext = node(T_OBJECT, "system / Context", 112);
        feedbackCell = node(T_CODE, "system / FeedbackCell", 24);
        codeCompileLazy = node(T_CODE, "(CompileLazy builtin handle)", 88);
        codeResolve = node(T_CODE, "(PromiseCapabilityDefaultResolve builtin handle)", 88);
        codeInterpreter = node(T_CODE, "(InterpreterEntryTrampoline builtin handle)", 88);
        builtinCodes.add(codeCompileLazy);
        builtinCodes.add(codeResolve);
        builtinCodes.add(codeInterpreter);
        for (String b : new String[]{"DeoptimizationEntry_Eager", "RecordWriteSaveFP", "ArrayPrototypePush",
                "MapPrototypeSet", "MapPrototypeGet", "SetPrototypeAdd", "PromiseConstructor",
                "PromisePrototypeThen", "StringAdd_CheckNone", "JSONParse", "JSONStringify",
                "FunctionPrototypeBind", "WeakRefConstructor", "ArrayBufferConstructor"}) {
            builtinCodes.add(node(T_CODE, "(" + b + " builtin handle)", 88));
        }
        script = node(T_CODE, "/srv/app/server.js", 144);
        scriptSource = node(T_STRING, d.intern(SCRIPT_SOURCE.substring(0, 1024)),
                align8(16 + SCRIPT_SOURCE_LENGTH), false);
        scriptName = string("/srv/app/server.js");
        lineEnds = node(T_ARRAY, "", 16 + 8L * 1400);

        // shapes (maps of JS objects) and their descriptor arrays
        shapeObject = shape("Object", 4);
        shapeSession = shape("Session", 12);
        shapeUser = shape("User", 6);
        shapeCacheEntry = shape("CacheEntry", 7);
        shapeRequestContext = shape("RequestContext", 11);
        shapeArray = shape("Array", 1);
        shapeMap = shape("Map", 0);
        shapeSet = shape("Set", 0);
        shapePromise = shape("Promise", 0);
        shapeFunction = shape("Function", 2);
        shapeContext = node(T_SHAPE, "system / Map", 72);
        shapeWeakRef = shape("WeakRef", 0);
        shapeBuffer = shape("Buffer", 0);
        shapeArrayBuffer = shape("ArrayBuffer", 0);
        shapeBound = node(T_SHAPE, "system / Map", 72);
        shapeLeafObject = node(T_SHAPE, "system / Map", 72);
        shapeRegExp = shape("RegExp", 1);

        // shared function infos and scope infos of the service code
        scopeBuildUnit = node(T_CODE, "system / ScopeInfo", 128);
        scopeRequest = node(T_CODE, "system / ScopeInfo", 96);
        scopeResolve = node(T_CODE, "system / ScopeInfo", 32);
        sfiTouch = sfi("touch", script, 120, 17);
        sfiOnSessionEvent = sfi("onSessionEvent", script, 201, 36);
        sfiOnDone = sfi("", script, 190, 21);
        sfiResolve = sfi("", script, 187, 35);
        sfiClique = sfi("retryLater", script, 342, 9);
        sfiExpire = sfi("", script, 228, 24);
        shapeTimeout = shape("Timeout", 9);

        // pool of internalized strings
        poolMethods = strings("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD");
        poolRoutes = strings("/api/v1/orders", "/api/v1/users", "/api/v1/cart", "/api/v2/search", "/healthz",
                "/api/v1/invoices", "/api/v2/recommendations", "/graphql", "/api/v1/payments",
                "/static/app.js");
        poolAgents = strings("Mozilla/5.0 (X11; Linux x86_64)", "curl/8.5.0", "okhttp/4.12.0",
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4)", "python-requests/2.31", "Go-http-client/2.0");
        poolRoles = strings("admin", "editor", "viewer", "billing", "support", "auditor", "owner", "guest");
        poolRegions = strings("eu-west-1", "us-east-1", "us-west-2", "ap-south-1", "sa-east-1");
        poolLocales = strings("en-GB", "de-DE", "fr-FR", "ja-JP", "pt-BR");
        poolThemes = strings("dark", "light");
        poolTags = new int[256];
        for (int i = 0; i < 256; i++) poolTags[i] = string("tag-" + Integer.toString(i, 36));
        poolIp = string("ip");
        poolUa = string("ua");
        poolCsrf = string("csrf");
        poolAcceptJson = string("application/json");
        poolHeaderNames = strings("X-Request-Id", "User-Agent", "Accept", "X-Trace");
        poolBoundArg = string("refresh");
        kSession = string("kSession");
        for (String s : ESCAPE_SPECIMENS) string(s);
        for (String s : new String[]{"id", "user", "createdAt", "lastSeen", "region", "attrs", "tags",
                "requests", "touch", "session", "method", "url", "headers", "span", "result", "done", "key",
                "value", "payload", "expiresAt", "hits", "name", "email", "roles", "prefs"}) {
            string(s);
        }
        // contents shared by many unit strings: interned once, like V8's deduplicated string table
        personNames = new int[Unit.FIRST.length * Unit.LAST.length];
        for (int i = 0; i < personNames.length; i++) {
            personNames[i] = d.intern(Unit.FIRST[i % Unit.FIRST.length] + " " + Unit.LAST[i / Unit.FIRST.length]);
        }
        wideNames = new int[Unit.WIDE.length];
        for (int i = 0; i < wideNames.length; i++) wideNames[i] = d.intern(Unit.WIDE[i]);
        ipNames = new int[2048];
        for (int i = 0; i < ipNames.length; i++) {
            long h = mix(0x1F00L + i);
            ipNames[i] = d.intern("10." + ((h >>> 8) & 255) + "." + ((h >>> 16) & 255) + "." + ((h >>> 24) & 255));
        }
        symbolSessionKey = node(T_SYMBOL, nSymbol, 24, false);
        bigintCounter = node(T_BIGINT, nBigint, 24, false);
        symbolAsyncId = node(T_SYMBOL, nSymbol, 24, false);
        regexpRoute = node(T_REGEXP, "^\\/api\\/v[12]\\/(\\w+)(?:\\?(.*))?$", 48);

        // classes: constructor closures and prototypes
        classes = new String[] {"Session", "User", "CacheEntry", "RequestContext", "LruCache", "LeakedRequest"};
        classCtor = new int[classes.length];
        for (int i = 0; i < classes.length; i++) {
            classCtor[i] = node(T_CLOSURE, classes[i], 64);
            line[classCtor[i]] = 100 + 30 * i;
            col[classCtor[i]] = 0;
            closures.add(classCtor[i]);
        }
        classProto = new int[classes.length];
        for (int i = 0; i < classes.length; i++) classProto[i] = node(T_OBJECT, classes[i], 24);

        // module-level containers
        sessionsMap = node(T_OBJECT, "Map", 32);
        sessionsTable = node(T_ARRAY, "", 0);
        lruCache = node(T_OBJECT, "LruCache", 48);
        cacheMap = node(T_OBJECT, "Map", 32);
        cacheTable = node(T_ARRAY, "", 0);
        bus = node(T_OBJECT, "EventEmitter", 56);
        busEvents = node(T_OBJECT, "Object", 24);
        busEventsProps = node(T_HIDDEN, "system / PropertyArray", 16 + 8L * Generator.LISTENER_BUCKETS);
        for (int b = 0; b < Generator.LISTENER_BUCKETS; b++) {
            listenerArray[b] = node(T_OBJECT, "Array", 32);
            listenerElements[b] = node(T_ARRAY, "(object elements)", 0);
        }
        metrics = node(T_OBJECT, "Object", 40);
        timerListMap = node(T_OBJECT, "Object", 32);
        timersList = node(T_OBJECT, "TimersList", 64);
        latencyFallback = node(T_OBJECT, "Array", 32);

        // embedder (Node) roots: even ids, pointer-like
        cppRoots = node(T_SYNTHETIC, d.intern("C++ roots"), 0, true);
        cppCrossThread = node(T_SYNTHETIC, d.intern("C++ cross-thread roots"), 0, true);
        nodeEnv = node(T_SYNTHETIC, d.intern("Node / Environment"), 2592, true);
        isolateData = node(T_NATIVE, d.intern("Node / IsolateData"), 3832, true);
        bindingData = node(T_NATIVE, d.intern("Node / BindingData"), 120, true);
        asyncHooks = node(T_NATIVE, d.intern("Node / AsyncHooks"), 216, true);
        cleanupQueue = node(T_NATIVE, d.intern("Node / CleanupQueue"), 96, true);
        tcpWrap = node(T_NATIVE, d.intern("Node / TCPWrap"), 312, true);
        timerWrap = node(T_NATIVE, d.intern("Node / TimerWrap"), 96, true);
        det[tcpWrap] = 1; // attached
        det[timerWrap] = 2; // detached (Node's non-DOM meaning: handle closed)
        aliased = node(T_NATIVE, d.intern("Node / AliasedFloat64Array"), 56, true);
        float64 = node(T_OBJECT, "Float64Array", 96);

    }

    int shape(String cls, int descriptors) {
        int s = node(T_SHAPE, "system / Map", 72);
        int desc = node(T_SHAPE, "system / DescriptorArray", 16 + 24L * descriptors);
        internal(s, "descriptors", desc);
        internal(s, "map", mapMeta);
        internal(desc, "map", mapMeta);
        return s;
    }

    int sfi(String fn, int script, int ln, int cl) {
        int s = node(T_CODE, fn.isEmpty() ? "(shared function info)" : fn, 56);
        int bytecode = node(T_CODE, "system / BytecodeArray", 64 + (mix(count) & 511));
        internal(s, "name_or_scope_info", scopeRequest);
        internal(s, "script_or_debug_info", script);
        internal(s, "function_data", bytecode);
        internal(s, "map", mapMeta);
        internal(bytecode, "map", mapMeta);
        return s;
    }

    static final String[] ESCAPE_SPECIMENS = {
            "line one\nline two", "she said \"hi\"", "C:\\srv\\app\\logs", "tab\tseparated\tvalue",
            "carriage\r\nreturn", "bell\u0007 and nul\u0000 and esc\u001b", "form\ffeed back\bspace",
            "raw del \u007f kept", "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e", "snow \u2603 man", "\u65e5\u672c\u8a9e",
            "lone surrogate \uD800 here", "emoji as V8 writes it: \uF600", "trailing backslash \\",
            "{\"json\":[1,2,{\"nested\":\"yes\"}]}", "\u00a0nbsp\u2028line-sep\u2029para-sep"};
    
    static final int SCRIPT_SOURCE_LENGTH = 48_213;
    static final String SCRIPT_SOURCE;
    
    static {
        StringBuilder sb = new StringBuilder("'use strict';\n\nconst { EventEmitter } = require('events');\n");
        while (sb.length() < 1100) {
            sb.append("class Session {\n  constructor(n, user) {\n    this.id = `sess-${hex(16)}`;\n")
                    .append("    this.attrs = new Map([[\"ip\", ip], ['ua', \"curl\\/8\"]]);\n  }\n}\n");
        }
        SCRIPT_SOURCE = sb.toString();
    }
}
