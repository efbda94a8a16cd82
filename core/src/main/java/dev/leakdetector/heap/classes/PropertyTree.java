package dev.leakdetector.heap.classes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trie over sorted property names, for finding the best interface definition that an object's
 * properties contain (DevTools' {@code PropertyTreeNode} in {@code applyInterfaceDefinitions}).
 */
final class PropertyTree {

    /** The name of a matched definition, its property count and its position in the list. */
    record Match(String name, int propertyCount, int index) {
    }

    private static final class Node {
        final Map<String, Node> next = new HashMap<>();
        Match match;
        String greatestNext;
    }

    private final Node root = new Node();

    PropertyTree(List<InterfaceInference.Definition> definitions) {
        for (int index = 0; index < definitions.size(); index++) {
            InterfaceInference.Definition definition = definitions.get(index);
            List<String> properties = new ArrayList<>(definition.properties());
            properties.sort(null);
            Node current = root;
            for (String property : properties) {
                Node next = current.next.get(property);
                if (next == null) {
                    next = new Node();
                    current.next.put(property, next);
                    if (current.greatestNext == null || current.greatestNext.compareTo(property) < 0) {
                        current.greatestNext = property;
                    }
                }
                current = next;
            }
            if (current.match == null) {
                current.match = new Match(definition.name(), properties.size(), index);
            }
        }
    }

    /** The best match for an object with these (sorted) property names, or null for none. */
    Match bestMatch(String[] sortedProperties) {
        List<Node> states = new ArrayList<>();
        states.add(root);
        Match best = better(null, root.match);
        List<Node> snapshot = new ArrayList<>();
        for (String property : sortedProperties) {
            snapshot.clear();
            snapshot.addAll(states);
            for (Node state : snapshot) {
                if (state.greatestNext == null || property.compareTo(state.greatestNext) >= 0) {
                    states.remove(state);
                }
                Node next = state.next.get(property);
                if (next != null) {
                    if (!states.contains(next)) {
                        states.add(next);
                    }
                    best = better(best, next.match);
                }
            }
        }
        return best;
    }

    /** Prefers more properties, then the earlier definition; null means "no definition yet". */
    private static Match better(Match a, Match b) {
        if (b == null) {
            return a;
        }
        if (a == null || b.propertyCount() > a.propertyCount()) {
            return b;
        }
        if (a.propertyCount() > b.propertyCount()) {
            return a;
        }
        return a.index() <= b.index() ? a : b;
    }
}
