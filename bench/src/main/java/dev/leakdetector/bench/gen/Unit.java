package dev.leakdetector.bench.gen;

import java.util.Map;

import static dev.leakdetector.bench.gen.V8Layout.*;

/** The kinds of unit: sessions, cache entries, unreachable cliques and the padding tail. */
final class Unit extends UnitGraph {
    Unit(Generator g) {
        super(g);
    }

    // ---- unit kinds ----

    @Override
    void genSession() {
        hiddenSlot = 1;
        int sess = node(T_OBJECT, p.nSession, 120); // local 0
        int id = string(S_SESSION_ID); // local 1 (the sessions Map key)
        int lisCtx;
        int listener = node(T_CLOSURE, p.nOnSessionEvent, 64); // local 2 (bus listener)
        lisCtx = contextNode(3);
        internal(listener, p.sFeedbackCell, p.feedbackCell);
        internal(listener, p.sShared, p.sfiOnSessionEvent);
        internal(listener, p.sContext, lisCtx);
        internal(listener, p.sCode, p.codeInterpreter);
        map(listener, p.shapeFunction);
        located(listener, 200, 36);
        edge(lisCtx, E_CONTEXT, p.sS, sess);
        contextTail(lisCtx, p.scopeBuildUnit, p.moduleContext);

        int owner = g.userOwner(u);
        int user;
        if (owner == u) {
            user = genUser(); // local 4
        } else {
            user = g.unitStart[owner] + 4;
        }

        prop(sess, p.pId, id);
        prop(sess, p.pUser, user);
        numberField(sess); // createdAt
        numberField(sess); // lastSeen
        prop(sess, p.pRegion, p.poolRegions[r.nextInt(p.poolRegions.length)]);

        // attrs: Map with three entries
        int attrs = node(T_OBJECT, p.nMap, 32);
        int table = node(T_ARRAY, p.sEmpty, 16 + 8L * (3 + 2 + 3 * 4));
        internal(attrs, p.sTable, table);
        map(attrs, p.shapeMap);
        internal(table, g.num(5), p.poolIp);
        internal(table, g.num(6), string(S_IP));
        internal(table, g.num(7), p.poolUa);
        internal(table, g.num(8), p.poolAgents[r.nextInt(p.poolAgents.length)]);
        internal(table, g.num(9), p.poolCsrf);
        internal(table, g.num(10), string(S_HEX24));
        map(table, p.mapOrderedHashMap);
        prop(sess, p.pAttrs, attrs);

        // tags: Set of pooled strings
        int tags = node(T_OBJECT, p.nSet, 32);
        int nTags = 1 + r.nextInt(4);
        int tagTable = node(T_ARRAY, p.sEmpty, 16 + 8L * (3 + 2 + 2 * 4));
        internal(tags, p.sTable, tagTable);
        map(tags, p.shapeSet);
        for (int i = 0; i < nTags; i++) internal(tagTable, g.num(5 + i), p.poolTags[r.nextInt(256)]);
        map(tagTable, p.mapOrderedHashSet);
        prop(sess, p.pTags, tags);

        // requests in flight: 1..3, each pointing back at the session (cycles)
        int nReq = 1 + (r.chance(30) ? 1 : 0) + (r.chance(10) ? 1 : 0);
        int[] reqs = new int[nReq];
        int prevSpan = -1;
        for (int i = 0; i < nReq; i++) {
            reqs[i] = genRequest(sess);
            int span = lastSpan;
            if (prevSpan >= 0) prop(span, p.pParentSpan, prevSpan);
            prevSpan = span;
        }
        prop(sess, p.pRequests, jsArray(reqs, nReq));

        // touch(): closure over sessionId
        int touchCtx = contextNode(3);
        int touch = closure(p.sEmpty, p.sfiTouch, touchCtx, p.codeCompileLazy, 119, 17);
        edge(touchCtx, E_CONTEXT, p.sSessionId, id);
        contextTail(touchCtx, p.scopeBuildUnit, p.moduleContext);
        prop(sess, p.pTouch, touch);

        // expiry timer: a Node Timeout in the doubly linked list of its duration's TimersList
        timerLocal = count;
        int timeout = node(T_OBJECT, p.nTimeout, 120);
        prop(timeout, p.pIdlePrev, g.timerNeighbour(u, -1, planning()));
        prop(timeout, p.pIdleNext, g.timerNeighbour(u, +1, planning()));
        int expireCtx = contextNode(2);
        int expire = closure(p.sEmpty, p.sfiExpire, expireCtx, p.codeCompileLazy, 228, 24);
        edge(expireCtx, E_CONTEXT, p.pSession, sess);
        contextTail(expireCtx, p.scopeBuildUnit, p.moduleContext);
        prop(timeout, p.pOnTimeout, expire);
        edge(timeout, E_HIDDEN, 1, heapNumber()); // _idleStart
        edge(timeout, E_PROPERTY, p.pAsyncId, p.symbolAsyncId);
        map(timeout, p.shapeTimeout);
        located(timeout, 228, 4);
        if (!planning() && timeout - start != (g.timerOffset[u] & 0xff)) {
            throw new IllegalStateException("timer replay");
        }
        prop(sess, p.pExpiry, timeout);

        if (g.sessionHasCache(u)) {
            cacheLocal = count;
            prop(sess, p.pCache, genCacheEntry(false));
        }
        if (u > 0 && r.chance(20)) {
            int v = u - 1 - r.nextInt(Math.min(u, 50_000));
            if (g.kindOf(v) == Generator.K_CLIQUE) v--;
            prop(sess, p.pPeer, planning() ? 0 : g.unitStart[v]); // unit heads are Session or CacheEntry
        }
        if (r.chance(5)) {
            // WeakRef whose target nothing else retains
            int wr = node(T_OBJECT, p.nWeakRef, 32);
            int target = node(T_OBJECT, p.nObject, 32);
            edge(wr, E_WEAK, p.sTarget, target);
            map(wr, p.shapeWeakRef);
            prop(target, p.pNote, string(S_NOTE));
            map(target, p.shapeLeafObject);
            prop(sess, p.pWeakMeta, wr);
        }
        if (r.chance(5)) {
            int bound = node(T_CLOSURE, p.nNativeBind, 48);
            int args = node(T_ARRAY, p.nBoundArguments, 24);
            internal(bound, p.sBindings, args);
            internal(bound, p.sBoundFunction, touch);
            edge(bound, E_SHORTCUT, p.sBoundThis, sess);
            edge(bound, E_SHORTCUT, p.sBoundArg0, p.poolBoundArg);
            map(bound, p.shapeBound);
            map(args, p.mapFixedArray);
            prop(sess, p.pBoundTouch, bound);
        }
        if (r.chance(3)) {
            int sliced = node(T_SLICED, p.nSliced, 32);
            internal(sliced, p.sParent, id);
            map(sliced, p.mapSliced);
            prop(sess, p.pShortId, sliced);
        }
        if (r.chance(2)) prop(sess, p.pPattern, p.regexpRoute);
        if (r.chance(1)) edge(sess, E_PROPERTY, p.pSessionKey, p.symbolSessionKey);
        map(sess, p.shapeSession);
        located(sess, 113, 2);
    }

    int genUser() {
        int user = node(T_OBJECT, p.nUser, 72);
        prop(user, p.pName, string(S_NAME));
        prop(user, p.pEmail, string(S_EMAIL));
        tmp[0] = p.poolRoles[r.nextInt(p.poolRoles.length)];
        tmp[1] = p.poolRoles[r.nextInt(p.poolRoles.length)];
        prop(user, p.pRoles, jsArray(tmp, 2));
        int prefs = node(T_OBJECT, p.nObject, 40);
        prop(prefs, p.pTheme, p.poolThemes[r.nextInt(2)]);
        prop(prefs, p.pLocale, p.poolLocales[r.nextInt(p.poolLocales.length)]);
        map(prefs, p.shapeLeafObject);
        prop(user, p.pPrefs, prefs);
        edge(user, E_HIDDEN, 1, heapNumber()); // quota
        map(user, p.shapeUser);
        located(user, 99, 2);
        if (user - start != 4) throw new IllegalStateException("User must be local 4");
        return user;
    }

    int lastSpan;

    int genRequest(int sess) {
        int ctx = node(T_OBJECT, p.nRequestContext, 104);
        prop(ctx, p.pSession, sess);
        prop(ctx, p.pMethod, p.poolMethods[r.nextInt(p.poolMethods.length)]);
        prop(ctx, p.pUrl, string(S_URL));

        int headers = node(T_OBJECT, p.nObject, 56);
        int requestId = string(S_HEX32);
        int agent = p.poolAgents[r.nextInt(p.poolAgents.length)];
        prop(headers, p.pXRequestId, requestId);
        prop(headers, p.pUserAgent, agent);
        prop(headers, p.pAccept, p.poolAcceptJson);
        int cons = node(T_CONS, p.nConcatenated, 32); // `${hex(16)}-${hex(16)}`
        internal(cons, p.sFirst, string(S_HEX16));
        internal(cons, p.sSecond, string(S_DASH_HEX16));
        map(cons, p.mapCons);
        prop(headers, p.pXTrace, cons);
        map(headers, p.shapeLeafObject);
        prop(ctx, p.pHeaders, headers);
        // IncomingMessage.rawHeaders: [name, value, ...] sharing the header strings
        raw[0] = p.poolHeaderNames[0];
        raw[1] = requestId;
        raw[2] = p.poolHeaderNames[1];
        raw[3] = agent;
        raw[4] = p.poolHeaderNames[2];
        raw[5] = p.poolAcceptJson;
        raw[6] = p.poolHeaderNames[3];
        raw[7] = cons;
        prop(ctx, p.pRawHeaders, jsArray(raw, 8));
        edge(ctx, E_HIDDEN, 1, heapNumber()); // startedAt

        int span = node(T_OBJECT, p.nObject, 48);
        prop(span, p.pTraceId, string(S_HEX16));
        prop(span, p.pSpanId, string(S_SPAN_ID));
        tmp[0] = p.poolMethods[r.nextInt(p.poolMethods.length)];
        prop(span, p.pAttrsList, jsArray(tmp, 1));
        map(span, p.shapeLeafObject);
        lastSpan = span;
        prop(ctx, p.pSpan, span);

        int result = node(T_OBJECT, p.nPromise, 40); // Promise.resolve({status, bytes})
        int resultValue = node(T_OBJECT, p.nObject, 32);
        internal(result, p.sReactions, resultValue);
        map(result, p.shapePromise);
        map(resultValue, p.shapeLeafObject);
        prop(ctx, p.pResult, result);

        int done = node(T_OBJECT, p.nPromise, 40); // pending, with a .then reaction
        int reaction = node(T_HIDDEN, p.nPromiseReaction, 48);
        internal(done, p.sReactions, reaction);
        map(done, p.shapePromise);
        int onDoneCtx = contextNode(2);
        int onDone = closure(p.sEmpty, p.sfiOnDone, onDoneCtx, p.codeCompileLazy, 189, 21);
        edge(onDoneCtx, E_CONTEXT, p.sThis, ctx);
        contextTail(onDoneCtx, p.scopeRequest, p.moduleContext);
        int derived = node(T_OBJECT, p.nPromise, 40);
        map(derived, p.shapePromise);
        edge(reaction, E_HIDDEN, 1, onDone);
        edge(reaction, E_HIDDEN, 2, derived);
        map(reaction, p.mapPromiseReaction);
        prop(ctx, p.pDone, done);

        int finCtx = contextNode(3); // the resolve function's context holds the promise
        int fin = closure(p.sEmpty, p.sfiResolve, finCtx, p.codeResolve, 186, 35);
        internal(finCtx, p.sScopeInfo, p.scopeResolve);
        edge(finCtx, E_HIDDEN, 1, done);
        map(finCtx, p.shapeContext);
        prop(ctx, p.pFinish, fin);
        map(ctx, p.shapeRequestContext);
        located(ctx, 170, 2);
        return ctx;
    }

    /** CacheEntry + its key string (next node: the cache Map's key) + value, in the LRU linked list. */
    @Override
    int genCacheEntry(boolean hugeBuffer) {
        int entry = node(T_OBJECT, p.nCacheEntry, 64);
        int key = string(S_CACHE_KEY);
        prop(entry, p.pKey, key);
        int value = node(T_OBJECT, p.nObject, 40);
        int rows = node(T_OBJECT, p.nArray, 32);
        int rowsEl = node(T_ARRAY, p.nObjectElements, 40); // Smis only: no edges but the map
        internal(rows, p.sElements, rowsEl);
        map(rows, p.shapeArray);
        map(rowsEl, p.mapFixedArray);
        prop(value, p.pRows, rows);
        prop(value, p.pEtag, string(S_ETAG));
        if (r.chance(1) || hugeBuffer) prop(value, p.pBody, string(S_BODY));
        map(value, p.shapeLeafObject);
        prop(entry, p.pValue, value);
        numberField(entry); // expiresAt
        if (hugeBuffer || r.chance(20)) {
            int buf = node(T_OBJECT, p.nBuffer, 96);
            int ab = node(T_OBJECT, p.nArrayBuffer, 88);
            long bytes = hugeBuffer ? (4L << 30) + (1L << 30) * (1 + (u % 4)) : 1024 + r.nextInt(64 * 1024);
            int data = node(T_NATIVE, p.nJsArrayBufferData, bytes);
            internal(buf, p.sBuffer, ab);
            map(buf, p.shapeBuffer);
            internal(ab, p.sBackingStore, data);
            map(ab, p.shapeArrayBuffer);
            prop(entry, p.pPayload, buf);
        }
        int self = entry - start;
        prop(entry, p.pNewer, g.cacheNeighbour(u, +1, planning()));
        prop(entry, p.pOlder, g.cacheNeighbour(u, -1, planning()));
        if (!planning() && self != (g.cacheOffset[u] & 0xff)) throw new IllegalStateException("cache replay");
        map(entry, p.shapeCacheEntry);
        located(entry, 140, 2);
        return entry;
    }

    /** Objects that only retain each other: unreachable from the root. */
    @Override
    void genClique() {
        int a = node(T_OBJECT, p.nObject, 40);
        int b = node(T_OBJECT, p.nObject, 40);
        int ctx = contextNode(2);
        int cb = closure(p.sEmpty, p.sfiClique, ctx, p.codeCompileLazy, 341, 9);
        int label = string(S_CLIQUE);
        prop(a, p.sOther, b);
        prop(a, p.sCb, cb);
        prop(a, p.sLabel, label);
        map(a, p.shapeLeafObject);
        prop(b, p.sBack, a);
        map(b, p.shapeLeafObject);
        edge(ctx, E_CONTEXT, p.sOwner, a);
        contextTail(ctx, p.scopeBuildUnit, p.moduleContext);
    }

    /** Pads to the exact node count: metrics.latencies, an Array of heap numbers. */
    @Override
    void genTail(int n) {
        if (n == 1) {
            heapNumber();
            return;
        }
        int arr = node(T_OBJECT, p.nArray, 32);
        int el = node(T_ARRAY, p.nObjectElements, 16 + 8L * (n - 2));
        int firstNum = start + 2;
        for (int i = 0; i < n - 2; i++) heapNumber();
        for (int i = 0; i < n - 2; i++) edge(arr, E_ELEMENT, i, firstNum + i);
        internal(arr, p.sElements, el);
        map(arr, p.shapeArray);
        for (int i = 0; i < n - 2; i++) internal(el, g.num(i), firstNum + i);
        map(el, p.mapFixedArray);
    }

    /** Stable counting sort of the unit's edges by source node (V8 groups edges by source). */
    void sortEdges() {
        java.util.Arrays.fill(firstEdge, 0, count + 1, 0);
        for (int e = 0; e < edgeCount; e++) firstEdge[eSrc[e] + 1]++;
        for (int l = 0; l < count; l++) firstEdge[l + 1] += firstEdge[l];
        int[] cursor = sortCursor;
        System.arraycopy(firstEdge, 0, cursor, 0, count);
        for (int e = 0; e < edgeCount; e++) order[cursor[eSrc[e]]++] = e;
    }

    final int[] sortCursor = new int[MAX_NODES];
}
