package dev.leakdetector.heap.classes;

import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.Locations;

import java.util.ArrayList;
import java.util.Arrays;
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
        int[] byName = new int[graph.strings().size()];
        Arrays.fill(byName, -1);
        Map<String, Integer> byLocation = new HashMap<>();
        List<HeapClass> classes = new ArrayList<>();
        int nextLocation = 0;
        for (int node = 0; node < classIndex.length; node++) {
            int nameIndex = classIndex[node];
            // Locations are sorted by ordinal: walk them alongside the nodes.
            while (nextLocation < locations.size() && locations.nodeOrdinal(nextLocation) < node) {
                nextLocation++;
            }
            int entry = graph.nodeType(node) == objectType && nextLocation < locations.size()
                    && locations.nodeOrdinal(nextLocation) == node ? nextLocation : -1;
            int id;
            if (entry < 0) {
                id = byName[nameIndex];
                if (id < 0) {
                    String name = graph.strings().get(nameIndex);
                    id = classes.size();
                    classes.add(new HeapClass("," + name, name, -1, -1, -1));
                    byName[nameIndex] = id;
                }
            } else {
                String name = graph.strings().get(nameIndex);
                String key = locations.scriptId(entry) + "," + locations.line(entry) + ","
                        + locations.column(entry) + "," + name;
                Integer known = byLocation.get(key);
                if (known == null) {
                    known = classes.size();
                    classes.add(new HeapClass(key, name, locations.scriptId(entry), locations.line(entry),
                            locations.column(entry)));
                    byLocation.put(key, known);
                }
                id = known;
            }
            classIndex[node] = id;
        }
        return new ClassKeys(classIndex, List.copyOf(classes));
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
