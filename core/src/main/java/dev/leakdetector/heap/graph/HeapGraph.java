package dev.leakdetector.heap.graph;

import dev.leakdetector.heap.parse.SnapshotHeader;

/**
 * A heap snapshot as columnar primitive arrays indexed by node ordinal and edge ordinal.
 *
 * <p>Vocabulary, as in DevTools: a <em>node ordinal</em> is a node's position (0…nodeCount-1), an
 * <em>edge ordinal</em> an edge's position, and a node's <em>id</em> is V8's object id. The file's
 * "node index" (ordinal × field count) never leaves the parser: edge targets are stored as ordinals.
 *
 * <p>Edges of node {@code n} are the ordinals {@code firstEdge(n) … firstEdge(n+1)-1}. An edge's
 * type and target share one int: the type in the top 4 bits and the target ordinal in the low 28
 * (V8 caps a snapshot at 2²⁸ nodes). V8's uint32 values (ids, element indexes) are kept in ints and
 * read unsigned.
 *
 * <p>The arrays returned by the {@code raw…} methods are the graph's own storage, exposed for hot
 * loops; callers must not modify them. Names and self sizes are mutable on purpose: DevTools renames
 * detached nodes and re-attributes shallow sizes, and the loader reproduces those steps in place.
 */
public final class HeapGraph {
    public static final int TYPE_SHIFT = 28;
    public static final int TARGET_MASK = (1 << TYPE_SHIFT) - 1;
    public static final int MAX_NODES = 1 << TYPE_SHIFT;
    public static final int MAX_EDGE_TYPES = 1 << (32 - TYPE_SHIFT);

    private final SnapshotHeader header;
    private final GraphTypes types;
    private final int nodeCount;
    private final int edgeCount;
    private final byte[] nodeTypes;
    private final int[] nodeNames;
    private final int[] nodeIds;
    private final NodeSizes selfSizes;
    /** Null when the file has no such field, and when every node's value is 0 (Node.js heaps). */
    private final byte[] detachedness;
    private final boolean hasDetachedness;
    private final int[] firstEdge;
    private final int[] edgeTypeAndTarget;
    private final int[] edgeNameOrIndex;
    private final StringTable strings;
    private final Locations locations;
    private final int rootOrdinal;

    public HeapGraph(SnapshotHeader header, byte[] nodeTypes, int[] nodeNames, int[] nodeIds, NodeSizes selfSizes,
                     byte[] detachedness, int[] firstEdge, int[] edgeTypeAndTarget, int[] edgeNameOrIndex,
                     StringTable strings, Locations locations, int rootOrdinal) {
        this.header = header;
        this.types = new GraphTypes(header);
        this.nodeCount = nodeTypes.length;
        this.edgeCount = edgeTypeAndTarget.length;
        this.nodeTypes = nodeTypes;
        this.nodeNames = nodeNames;
        this.nodeIds = nodeIds;
        this.selfSizes = selfSizes;
        this.hasDetachedness = detachedness != null;
        // A column of zeros says nothing that detachedness() does not say without it: 1 byte per node.
        this.detachedness = detachedness != null && allZero(detachedness) ? null : detachedness;
        this.firstEdge = firstEdge;
        this.edgeTypeAndTarget = edgeTypeAndTarget;
        this.edgeNameOrIndex = edgeNameOrIndex;
        this.strings = strings;
        this.locations = locations;
        this.rootOrdinal = rootOrdinal;
    }

    public SnapshotHeader header() {
        return header;
    }

    /** Resolved type codes of this snapshot's enums. */
    public GraphTypes types() {
        return types;
    }

    public int nodeCount() {
        return nodeCount;
    }

    public int edgeCount() {
        return edgeCount;
    }

    public int rootOrdinal() {
        return rootOrdinal;
    }

    public StringTable strings() {
        return strings;
    }

    public Locations locations() {
        return locations;
    }

    // ---- nodes

    public int nodeType(int nodeOrdinal) {
        return nodeTypes[nodeOrdinal] & 0xFF;
    }

    public String nodeTypeName(int nodeOrdinal) {
        return types.nodeTypeName(nodeType(nodeOrdinal));
    }

    public int nodeNameIndex(int nodeOrdinal) {
        return nodeNames[nodeOrdinal];
    }

    public String nodeName(int nodeOrdinal) {
        return strings.get(nodeNames[nodeOrdinal]);
    }

    /** Points a node at another name; used for DevTools' {@code Detached …} renaming. */
    public void setNodeNameIndex(int nodeOrdinal, int stringIndex) {
        nodeNames[nodeOrdinal] = stringIndex;
    }

    /** V8's object id, as an unsigned 32-bit value. */
    public long nodeId(int nodeOrdinal) {
        return Integer.toUnsignedLong(nodeIds[nodeOrdinal]);
    }

    public long selfSize(int nodeOrdinal) {
        return selfSizes.get(nodeOrdinal);
    }

    public NodeSizes selfSizes() {
        return selfSizes;
    }

    /** True when the file carries the {@code detachedness} field. */
    public boolean hasDetachedness() {
        return hasDetachedness;
    }

    /** 0 unknown, 1 attached, 2 detached, as written by V8; 0 when the field is absent. */
    public int detachedness(int nodeOrdinal) {
        return detachedness == null ? 0 : detachedness[nodeOrdinal];
    }

    public int firstEdge(int nodeOrdinal) {
        return firstEdge[nodeOrdinal];
    }

    public int edgeCountOf(int nodeOrdinal) {
        return firstEdge[nodeOrdinal + 1] - firstEdge[nodeOrdinal];
    }

    // ---- edges

    public int edgeType(int edgeOrdinal) {
        return edgeTypeAndTarget[edgeOrdinal] >>> TYPE_SHIFT;
    }

    public int edgeTarget(int edgeOrdinal) {
        return edgeTypeAndTarget[edgeOrdinal] & TARGET_MASK;
    }

    /** The raw {@code name_or_index} value: a string index, or an element/hidden slot number. */
    public int edgeNameOrIndex(int edgeOrdinal) {
        return edgeNameOrIndex[edgeOrdinal];
    }

    /** True when {@code name_or_index} of this edge is a string index rather than a number. */
    public boolean edgeHasStringName(int edgeOrdinal) {
        return types.hasStringName(edgeType(edgeOrdinal));
    }

    /** The edge's name as DevTools prints it: element and hidden slots as decimal numbers. */
    public String edgeName(int edgeOrdinal) {
        int value = edgeNameOrIndex[edgeOrdinal];
        return edgeHasStringName(edgeOrdinal) ? strings.get(value) : Long.toString(Integer.toUnsignedLong(value));
    }

    // ---- raw storage for hot loops (do not modify)

    public int[] rawFirstEdge() {
        return firstEdge;
    }

    public int[] rawEdgeTypeAndTarget() {
        return edgeTypeAndTarget;
    }

    public int[] rawEdgeNameOrIndex() {
        return edgeNameOrIndex;
    }

    public byte[] rawNodeTypes() {
        return nodeTypes;
    }

    public int[] rawNodeNames() {
        return nodeNames;
    }

    public int[] rawNodeIds() {
        return nodeIds;
    }

    private static boolean allZero(byte[] values) {
        for (byte value : values) {
            if (value != 0) {
                return false;
            }
        }
        return true;
    }
}
