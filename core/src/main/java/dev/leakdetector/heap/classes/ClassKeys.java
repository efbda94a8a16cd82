package dev.leakdetector.heap.classes;

import dev.leakdetector.heap.graph.Blocks;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntIntMap;
import dev.leakdetector.heap.graph.Locations;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assigns every node a class id, keyed as DevTools' {@code classKeyInternal} keys aggregates:
 * objects of type {@code object} with a source location by location and name (many constructors
 * share a name), everything else by class name alone.
 */
public final class ClassKeys {
    private final int[] classOf;
    private final List<HeapClass> classes;

    private ClassKeys(int[] classOf, List<HeapClass> classes) {
        this.classOf = classOf;
        this.classes = classes;
    }

    /**
     * @param classIndex the class-name string index per node; it is overwritten with class ids,
     *                   because the names are no longer needed once keyed and the array is large
     */
    public static ClassKeys assign(HeapGraph graph, int[] classIndex) {
        int objectType = graph.types().nodeObject;
        Locations locations = graph.locations();
        IntIntMap byName = new IntIntMap();
        // Names the class naming added ("Function", "{a, b}") may also be in the file's own table
        // under another index; DevTools keys by the text, so both indexes must find one class.
        Map<String, Integer> byNameText = new HashMap<>();
        // Keys by location are text, "scriptId,line,column,name"; most lookups find a class already
        // made, so they go by the name's string index first, which spares building the text.
        Map<LocationKey, Integer> byLocationAndIndex = new HashMap<>();
        Map<String, Integer> byLocation = new HashMap<>();
        LocationKey probe = new LocationKey();
        List<HeapClass> classes = new ArrayList<>();
        Blocks.ascending(classIndex.length, (from, to) -> {
            // Locations are sorted by ordinal: walk them alongside the nodes.
            int nextLocation = locations.firstFrom(from);
            for (int node = from; node < to; node++) {
                int nameIndex = classIndex[node];
                while (nextLocation < locations.size() && locations.nodeOrdinal(nextLocation) < node) {
                    nextLocation++;
                }
                int entry = graph.nodeType(node) == objectType && nextLocation < locations.size()
                        && locations.nodeOrdinal(nextLocation) == node ? nextLocation : -1;
                int id;
                if (entry < 0) {
                    id = byName.get(nameIndex, -1);
                    if (id < 0) {
                        id = classByName(graph.strings().get(nameIndex), byNameText, classes);
                        byName.put(nameIndex, id);
                    }
                } else {
                    probe.set(locations.scriptId(entry), locations.line(entry), locations.column(entry), nameIndex);
                    Integer known = byLocationAndIndex.get(probe);
                    if (known == null) {
                        known = classByLocation(locations, entry, graph.strings().get(nameIndex), byLocation,
                                classes);
                        byLocationAndIndex.put(probe.copy(), known);
                    }
                    id = known;
                }
                classIndex[node] = id;
            }
        });
        return new ClassKeys(classIndex, List.copyOf(classes));
    }

    // The two lookups by text below are rare (once per distinct name or location) and kept out of
    // the loop over all nodes, whose compilation they would only make larger.

    private static int classByName(String name, Map<String, Integer> byNameText, List<HeapClass> classes) {
        Integer id = byNameText.get(name);
        if (id == null) {
            id = classes.size();
            classes.add(new HeapClass("," + name, name, -1, -1, -1));
            byNameText.put(name, id);
        }
        return id;
    }

    private static int classByLocation(Locations locations, int entry, String name, Map<String, Integer> byLocation,
                                       List<HeapClass> classes) {
        String key = locations.scriptId(entry) + "," + locations.line(entry) + "," + locations.column(entry) + ","
                + name;
        Integer id = byLocation.get(key);
        if (id == null) {
            id = classes.size();
            classes.add(new HeapClass(key, name, locations.scriptId(entry), locations.line(entry),
                    locations.column(entry)));
            byLocation.put(key, id);
        }
        return id;
    }

    /** A location and a name's string index; a mutable probe for lookups, copied to be stored. */
    private static final class LocationKey {
        private int scriptId;
        private int line;
        private int column;
        private int nameIndex;

        void set(int scriptId, int line, int column, int nameIndex) {
            this.scriptId = scriptId;
            this.line = line;
            this.column = column;
            this.nameIndex = nameIndex;
        }

        LocationKey copy() {
            LocationKey copy = new LocationKey();
            copy.set(scriptId, line, column, nameIndex);
            return copy;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof LocationKey k && k.scriptId == scriptId && k.line == line && k.column == column
                    && k.nameIndex == nameIndex;
        }

        @Override
        public int hashCode() {
            return ((scriptId * 31 + line) * 31 + column) * 31 + nameIndex;
        }
    }

    public int classOf(int nodeOrdinal) {
        return classOf[nodeOrdinal];
    }

    public int[] rawClassOf() {
        return classOf;
    }

    public List<HeapClass> classes() {
        return classes;
    }

    public HeapClass heapClass(int classId) {
        return classes.get(classId);
    }
}
