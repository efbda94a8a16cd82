package dev.leakdetector.bench.gen;

import java.util.Map;

import static dev.leakdetector.bench.gen.V8Layout.*;

/** Dictionary indexes of the names that prologue and units give nodes and edges. */
abstract class PrologueNames extends PrologueGraph {
    // dictionary indices used by units (edge and node names)
    final int sEmpty, sMap, sElements, sTable, sContext, sShared, sCode, sFeedbackCell, sScopeInfo, sPrevious,
            sReactions, sBackingStore, sBuffer, sBindings, sBoundFunction, sBoundThis, sBoundArg0, sFirst,
            sSecond, sParent, sTarget, sThis, sS, sSessionId, sOwner, sOther, sBack, sCb, sLabel;
    final int nSession, nUser, nCacheEntry, nRequestContext, nObject, nArray, nMap, nSet, nPromise, nWeakRef,
            nBuffer, nArrayBuffer, nTimeout, nContext, nObjectElements, nBoundArguments, nNativeBind, nHeapNumber,
            nConcatenated, nSliced, nPromiseReaction, nJsArrayBufferData, nOnSessionEvent, nSymbol, nBigint;
    final int pId, pUser, pCreatedAt, pRegion, pAttrs, pTags, pRequests, pTouch, pCache, pPeer, pWeakMeta,
            pBoundTouch, pShortId, pPattern, pName, pEmail, pRoles, pPrefs, pTheme, pLocale, pSession, pMethod,
            pUrl, pHeaders, pSpan, pResult, pDone, pFinish, pXRequestId, pUserAgent, pAccept, pXTrace,
            pTraceId, pSpanId, pParentSpan, pAttrsList, pKey, pValue, pPayload, pNewer, pOlder, pRows, pEtag,
            pNote, pBody, pSessionKey, pCounter, pIdlePrev, pIdleNext, pOnTimeout, pAsyncId, pExpiry, pRawHeaders;

    PrologueNames(Generator g) {
        super(g);
        sEmpty = d.intern("");
        sMap = d.intern("map");
        sElements = d.intern("elements");
        sTable = d.intern("table");
        sContext = d.intern("context");
        sShared = d.intern("shared");
        sCode = d.intern("code");
        sFeedbackCell = d.intern("feedback_cell");
        sScopeInfo = d.intern("scope_info");
        sPrevious = d.intern("previous");
        sReactions = d.intern("reactions_or_result");
        sBackingStore = d.intern("backing_store");
        sBuffer = d.intern("buffer");
        sBindings = d.intern("bindings");
        sBoundFunction = d.intern("bound_function");
        sBoundThis = d.intern("bound_this");
        sBoundArg0 = d.intern("bound_argument_0");
        sFirst = d.intern("first");
        sSecond = d.intern("second");
        sParent = d.intern("parent");
        sTarget = d.intern("target");
        sThis = d.intern("this");
        sS = d.intern("s");
        sSessionId = d.intern("sessionId");
        sOwner = d.intern("owner");
        sOther = d.intern("other");
        sBack = d.intern("back");
        sCb = d.intern("cb");
        sLabel = d.intern("label");
        nSession = d.intern("Session");
        nUser = d.intern("User");
        nCacheEntry = d.intern("CacheEntry");
        nRequestContext = d.intern("RequestContext");
        nObject = d.intern("Object");
        nArray = d.intern("Array");
        nMap = d.intern("Map");
        nSet = d.intern("Set");
        nPromise = d.intern("Promise");
        nWeakRef = d.intern("WeakRef");
        nBuffer = d.intern("Buffer");
        nArrayBuffer = d.intern("ArrayBuffer");
        nTimeout = d.intern("Timeout");
        nContext = d.intern("system / Context");
        nObjectElements = d.intern("(object elements)");
        nBoundArguments = d.intern("(bound arguments)");
        nNativeBind = d.intern("native_bind");
        nHeapNumber = d.intern("heap number");
        nConcatenated = d.intern("(concatenated string)");
        nSliced = d.intern("(sliced string)");
        nPromiseReaction = d.intern("system / PromiseReaction");
        nJsArrayBufferData = d.intern("system / JSArrayBufferData");
        nOnSessionEvent = d.intern("onSessionEvent");
        nSymbol = d.intern("symbol");
        nBigint = d.intern("bigint");
        pId = d.intern("id");
        pUser = d.intern("user");
        pCreatedAt = d.intern("createdAt");
        pRegion = d.intern("region");
        pAttrs = d.intern("attrs");
        pTags = d.intern("tags");
        pRequests = d.intern("requests");
        pTouch = d.intern("touch");
        pCache = d.intern("cache");
        pPeer = d.intern("peer");
        pWeakMeta = d.intern("weakMeta");
        pBoundTouch = d.intern("boundTouch");
        pShortId = d.intern("shortId");
        pPattern = d.intern("pattern");
        pName = d.intern("name");
        pEmail = d.intern("email");
        pRoles = d.intern("roles");
        pPrefs = d.intern("prefs");
        pTheme = d.intern("theme");
        pLocale = d.intern("locale");
        pSession = d.intern("session");
        pMethod = d.intern("method");
        pUrl = d.intern("url");
        pHeaders = d.intern("headers");
        pSpan = d.intern("span");
        pResult = d.intern("result");
        pDone = d.intern("done");
        pFinish = d.intern("finish");
        pXRequestId = d.intern("x-request-id");
        pUserAgent = d.intern("user-agent");
        pAccept = d.intern("accept");
        pXTrace = d.intern("x-trace");
        pTraceId = d.intern("traceId");
        pSpanId = d.intern("spanId");
        pParentSpan = d.intern("parent");
        pAttrsList = d.intern("attributes");
        pKey = d.intern("key");
        pValue = d.intern("value");
        pPayload = d.intern("payload");
        pNewer = d.intern("newer");
        pOlder = d.intern("older");
        pRows = d.intern("rows");
        pEtag = d.intern("etag");
        pNote = d.intern("note");
        pBody = d.intern("body");
        pSessionKey = d.intern("<symbol kSession>");
        pCounter = d.intern("counter");
        pIdlePrev = d.intern("_idlePrev");
        pIdleNext = d.intern("_idleNext");
        pOnTimeout = d.intern("_onTimeout");
        pAsyncId = d.intern("<symbol async_id_symbol>");
        pExpiry = d.intern("expiry");
        pRawHeaders = d.intern("rawHeaders");
    }
}
