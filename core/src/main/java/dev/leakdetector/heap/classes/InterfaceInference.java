package dev.leakdetector.heap.classes;

import dev.leakdetector.heap.graph.Blocks;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.StringTable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names plain JS objects by their shape, such as {@code {id, name, tags}}, as DevTools does
 * ({@code inferInterfaceDefinitions} and {@code applyInterfaceDefinitions} in {@code HeapSnapshot.ts}).
 *
 * <p>Step one collects, for every object named {@code Object}, its property names in order (without
 * {@code __proto__}, until the name would pass 120 characters) and keeps the shapes that at least 2
 * objects and one in a thousand plain objects share, most popular first. Step two gives each plain
 * object the definition with the most properties that all appear among its own, the earlier
 * definition winning a tie; objects matching none stay {@code Object}.
 */
public final class InterfaceInference {
    private static final int MIN_INTERFACE_PROPERTY_COUNT = 1;
    private static final int MAX_INTERFACE_NAME_LENGTH = 120;
    private static final int MIN_OBJECT_COUNT_PER_INTERFACE = 2;
    private static final int MIN_OBJECT_PROPORTION_PER_INTERFACE = 1000;

    /** A shape: its display name and its property names in first-seen order. */
    public record Definition(String name, List<String> properties) {
    }

    private InterfaceInference() {
    }

    /** Infers the definitions of this snapshot. */
    public static List<Definition> infer(HeapGraph graph) {
        int objectName = plainObjectName(graph);
        if (objectName < 0) {
            return List.of();
        }
        int propertyType = graph.types().edgeProperty;
        int protoName = graph.strings().indexOf("__proto__");
        // Objects of one shape list the same property names in the same order: count shapes first,
        // then name each distinct shape once. Shapes are kept in first-seen order, which keeps the
        // names in the first-seen order DevTools' candidate map has.
        Map<ShapeKey, int[]> shapes = new LinkedHashMap<>();
        Map<ShapeKey, Integer> firstNode = new HashMap<>();
        long total = countShapes(graph, objectName, propertyType, protoName, shapes, firstNode);
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, List<String>> properties = new HashMap<>();
        StringTable strings = graph.strings();
        for (Map.Entry<ShapeKey, int[]> shape : shapes.entrySet()) {
            ShapeKey key = shape.getKey();
            StringBuilder name = new StringBuilder("{");
            int included = 0;
            for (int k = 0; k < key.length; k++) {
                String shown = JsonNames.formatPropertyName(strings.get(key.names[k]));
                if (name.length() > MIN_INTERFACE_PROPERTY_COUNT
                        && name.length() + shown.length() > MAX_INTERFACE_NAME_LENGTH) {
                    break;
                }
                if (name.length() != 1) {
                    name.append(", ");
                }
                name.append(shown);
                included++;
            }
            String interfaceName = name.append('}').toString();
            int[] count = counts.get(interfaceName);
            if (count == null) {
                counts.put(interfaceName, new int[] {shape.getValue()[0]});
                properties.put(interfaceName, collectProperties(graph, firstNode.get(key), propertyType, included));
            } else {
                count[0] += shape.getValue()[0];
            }
        }
        List<Map.Entry<String, int[]>> sorted = new ArrayList<>(counts.entrySet());
        // Stable: equally popular shapes keep first-seen order, as in DevTools.
        sorted.sort((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0]));
        double minCount = Math.max(MIN_OBJECT_COUNT_PER_INTERFACE, (double) total / MIN_OBJECT_PROPORTION_PER_INTERFACE);
        List<Definition> result = new ArrayList<>();
        for (Map.Entry<String, int[]> candidate : sorted) {
            if (candidate.getValue()[0] < minCount) {
                break;
            }
            result.add(new Definition(candidate.getKey(), properties.get(candidate.getKey())));
        }
        return result;
    }

    /**
     * The pass over all nodes, block by block (see {@link Blocks}), apart from the naming and
     * sorting around it, which would only make its compilation slower.
     *
     * @return how many plain objects there are
     */
    private static long countShapes(HeapGraph graph, int objectName, int propertyType, int protoName,
                                    Map<ShapeKey, int[]> shapes, Map<ShapeKey, Integer> firstNode) {
        ShapeKey probe = new ShapeKey(new int[16], 0);
        long[] total = new long[1];
        Blocks.ascending(graph.nodeCount(), (from, to) -> {
            for (int node = from; node < to; node++) {
                if (!isPlainObject(graph, node, objectName)) {
                    continue;
                }
                total[0]++;
                probe.setToProperties(graph, node, propertyType, protoName);
                if (probe.length == 0) {
                    continue;
                }
                int[] count = shapes.get(probe);
                if (count == null) {
                    ShapeKey key = probe.copy();
                    shapes.put(key, new int[] {1});
                    firstNode.put(key, node);
                } else {
                    count[0]++;
                }
            }
        });
        return total[0];
    }

    private static List<String> collectProperties(HeapGraph graph, int node, int propertyType, int limit) {
        List<String> props = new ArrayList<>(limit);
        for (int e = graph.firstEdge(node); e < graph.firstEdge(node + 1) && props.size() < limit; e++) {
            if (graph.edgeType(e) != propertyType) {
                continue;
            }
            String edgeName = graph.strings().get(graph.edgeNameOrIndex(e));
            if (!edgeName.equals("__proto__")) {
                props.add(edgeName);
            }
        }
        return props;
    }

    /**
     * Re-classifies plain objects with the given definitions, writing into {@code classIndex}.
     * Interface names are appended to the string table once each.
     */
    public static void apply(HeapGraph graph, List<Definition> definitions, int[] classIndex) {
        int objectName = plainObjectName(graph);
        if (objectName < 0) {
            return;
        }
        PropertyTree tree = new PropertyTree(definitions);
        int propertyType = graph.types().edgeProperty;
        Map<String, Integer> interfaceNames = new HashMap<>();
        // Objects of one shape have the same property names in the same order; match once per shape.
        Map<ShapeKey, Integer> byShape = new HashMap<>();
        ShapeKey probe = new ShapeKey(new int[16], 0);
        Blocks.ascending(graph.nodeCount(), (from, to) -> {
            for (int node = from; node < to; node++) {
                if (!isPlainObject(graph, node, objectName)) {
                    continue;
                }
                probe.setToProperties(graph, node, propertyType, NO_NAME);
                Integer cached = byShape.get(probe);
                if (cached == null) {
                    cached = matchShape(graph, node, probe, tree, interfaceNames);
                    byShape.put(probe.copy(), cached);
                }
                classIndex[node] = cached;
            }
        });
    }

    /** The class name of a shape not met before: the best definition's, or the object's own. */
    private static int matchShape(HeapGraph graph, int node, ShapeKey shape, PropertyTree tree,
                                  Map<String, Integer> interfaceNames) {
        StringTable strings = graph.strings();
        String[] names = new String[shape.length];
        for (int k = 0; k < shape.length; k++) {
            names[k] = strings.get(shape.names[k]);
        }
        Arrays.sort(names);
        PropertyTree.Match match = tree.bestMatch(names);
        return match == null ? graph.nodeNameIndex(node) : interfaceNames.computeIfAbsent(match.name(), strings::add);
    }

    private static boolean isPlainObject(HeapGraph graph, int node, int objectName) {
        return graph.nodeType(node) == graph.types().nodeObject && graph.nodeNameIndex(node) == objectName;
    }

    private static int plainObjectName(HeapGraph graph) {
        return graph.strings().indexOf("Object");
    }

    /** No string index: what {@link StringTable#indexOf} answers for a name the table lacks. */
    private static final int NO_NAME = -1;

    /** A sequence of property-name string indexes; a mutable probe for lookups, copied to be stored. */
    private static final class ShapeKey {
        private int[] names;
        private int length;
        private int hash;

        ShapeKey(int[] names, int length) {
            this.names = names;
            this.length = length;
            this.hash = hashOf(names, length);
        }

        /**
         * Makes this key the names of the node's property edges, in order, without those named
         * {@code skippedName} (a string index, or {@link #NO_NAME} to keep all).
         */
        void setToProperties(HeapGraph graph, int node, int propertyType, int skippedName) {
            length = 0;
            for (int e = graph.firstEdge(node); e < graph.firstEdge(node + 1); e++) {
                if (graph.edgeType(e) == propertyType && graph.edgeNameOrIndex(e) != skippedName) {
                    add(graph.edgeNameOrIndex(e));
                }
            }
        }

        void add(int name) {
            if (length == 0) {
                hash = 1;
            }
            if (length == names.length) {
                names = Arrays.copyOf(names, length * 2);
            }
            names[length++] = name;
            hash = 31 * hash + name;
        }

        ShapeKey copy() {
            return new ShapeKey(Arrays.copyOf(names, length), length);
        }

        private static int hashOf(int[] names, int length) {
            int h = 1;
            for (int i = 0; i < length; i++) {
                h = 31 * h + names[i];
            }
            return h;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ShapeKey k && Arrays.equals(names, 0, length, k.names, 0, k.length);
        }

        @Override
        public int hashCode() {
            return length == 0 ? 1 : hash;
        }
    }
}
