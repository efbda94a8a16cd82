package dev.leakdetector.heap.classes;

import dev.leakdetector.heap.graph.Blocks;
import dev.leakdetector.heap.graph.GraphTypes;
import dev.leakdetector.heap.graph.HeapGraph;
import dev.leakdetector.heap.graph.IntIntMap;
import dev.leakdetector.heap.graph.StringTable;

import java.util.HashMap;
import java.util.Map;

/**
 * The class name of every node, as DevTools' Summary view shows it today
 * ({@code calculateObjectNames} in {@code HeapSnapshot.ts}):
 * <ul>
 *   <li>{@code hidden} nodes are {@code (system)}, {@code code} nodes {@code (compiled code)},
 *       closures {@code Function}, regexps {@code RegExp};</li>
 *   <li>objects and natives use their own name, with DOM-like names cut at the first space
 *       ({@code <div class="x">} becomes {@code <div>});</li>
 *   <li>everything else is {@code "(" + type + ")"}, such as {@code (string)} or {@code (array)}.</li>
 * </ul>
 * Plain objects are renamed afterwards by {@link InterfaceInference}.
 *
 * <p>The result is a string index per node; new names are appended to the string table once each.
 */
public final class ClassNames {
    private ClassNames() {
    }

    public static int[] compute(HeapGraph graph) {
        GraphTypes t = graph.types();
        StringTable strings = graph.strings();
        Map<String, Integer> added = new HashMap<>();
        int system = intern(strings, added, "(system)");
        int compiledCode = intern(strings, added, "(compiled code)");
        int function = intern(strings, added, "Function");
        int regExp = intern(strings, added, "RegExp");
        int[] byType = new int[256];
        java.util.Arrays.fill(byType, -1);
        // Object and native names map to a class name per distinct string; cache by string index.
        IntIntMap namedClass = new IntIntMap();

        int nodeCount = graph.nodeCount();
        int[] classIndex = new int[nodeCount];
        Blocks.ascending(nodeCount, (from, to) -> {
            for (int i = from; i < to; i++) {
                int type = graph.nodeType(i);
                int result;
                if (type == t.nodeHidden) {
                    result = system;
                } else if (type == t.nodeObject || type == t.nodeNative) {
                    int name = graph.nodeNameIndex(i);
                    result = namedClass.get(name, -1);
                    if (result < 0) {
                        result = objectClass(strings, added, name);
                        namedClass.put(name, result);
                    }
                } else if (type == t.nodeCode) {
                    result = compiledCode;
                } else if (type == t.nodeClosure) {
                    result = function;
                } else if (type == t.nodeRegExp) {
                    result = regExp;
                } else {
                    if (byType[type] < 0) {
                        byType[type] = intern(strings, added, "(" + t.nodeTypeName(type) + ")");
                    }
                    result = byType[type];
                }
                classIndex[i] = result;
            }
        });
        return classIndex;
    }

    private static int objectClass(StringTable strings, Map<String, Integer> added, int nameIndex) {
        String name = strings.get(nameIndex);
        if (name.startsWith("<")) {
            int space = name.indexOf(' ');
            return intern(strings, added, space < 0 ? name : name.substring(0, space) + ">");
        }
        if (name.startsWith("Detached <")) {
            int space = name.indexOf(' ', 10);
            return intern(strings, added, space < 0 ? name : name.substring(0, space) + ">");
        }
        return nameIndex;
    }

    private static int intern(StringTable strings, Map<String, Integer> added, String name) {
        return added.computeIfAbsent(name, strings::add);
    }
}
