package dev.leakdetector.heap.graph;

import dev.leakdetector.heap.parse.SnapshotHeader;

/**
 * Node and edge type codes of one snapshot, resolved by name from its meta (absent names are -1).
 *
 * <p>Codes differ between V8 versions as enums grow, so nothing else hard-codes them.
 */
public final class GraphTypes {
    public final int nodeHidden;
    public final int nodeArray;
    public final int nodeString;
    public final int nodeObject;
    public final int nodeCode;
    public final int nodeClosure;
    public final int nodeRegExp;
    public final int nodeNumber;
    public final int nodeNative;
    public final int nodeSynthetic;
    public final int nodeConsString;
    public final int nodeSlicedString;
    public final int nodeObjectShape;

    public final int edgeContext;
    public final int edgeElement;
    public final int edgeProperty;
    public final int edgeInternal;
    public final int edgeHidden;
    public final int edgeShortcut;
    public final int edgeWeak;

    private final String[] nodeTypeNames;
    private final String[] edgeTypeNames;

    public GraphTypes(SnapshotHeader header) {
        nodeHidden = header.nodeType("hidden");
        nodeArray = header.nodeType("array");
        nodeString = header.nodeType("string");
        nodeObject = header.nodeType("object");
        nodeCode = header.nodeType("code");
        nodeClosure = header.nodeType("closure");
        nodeRegExp = header.nodeType("regexp");
        nodeNumber = header.nodeType("number");
        nodeNative = header.nodeType("native");
        nodeSynthetic = header.nodeType("synthetic");
        nodeConsString = header.nodeType("concatenated string");
        nodeSlicedString = header.nodeType("sliced string");
        nodeObjectShape = header.nodeType("object shape");
        edgeContext = header.edgeType("context");
        edgeElement = header.edgeType("element");
        edgeProperty = header.edgeType("property");
        edgeInternal = header.edgeType("internal");
        edgeHidden = header.edgeType("hidden");
        edgeShortcut = header.edgeType("shortcut");
        edgeWeak = header.edgeType("weak");
        nodeTypeNames = header.nodeTypes().toArray(new String[0]);
        edgeTypeNames = header.edgeTypes().toArray(new String[0]);
    }

    /** The type's name, or {@code "type#N"} for a code beyond this snapshot's enum. */
    public String nodeTypeName(int code) {
        return code >= 0 && code < nodeTypeNames.length ? nodeTypeNames[code] : "type#" + code;
    }

    public String edgeTypeName(int code) {
        return code >= 0 && code < edgeTypeNames.length ? edgeTypeNames[code] : "type#" + code;
    }

    /** Element and hidden edges carry a number in {@code name_or_index}; all others a string index. */
    public boolean hasStringName(int edgeTypeCode) {
        return edgeTypeCode != edgeElement && edgeTypeCode != edgeHidden;
    }
}
