package dev.leakdetector.analysis;

import java.util.List;

/**
 * A chain of references from a GC root to an object, root first, as DevTools' Retainers pane shows
 * it when you follow the nearest retainer each time. Runs of the same step (a long linked list)
 * are folded into one step with a repeat count.
 *
 * @param steps root first; each step is a node and the edge that leads from it to the next step
 */
public record RetainerPath(List<Step> steps) {

    public RetainerPath {
        steps = List.copyOf(steps);
    }

    /**
     * One node on the path, and the edge from it to the next node (null on the last step).
     *
     * @param className  class of the node, as in the Summary view (synthetic nodes by their name)
     * @param nodeType   V8 node type
     * @param nodeId     V8 object id (of the first node when repeated)
     * @param edgeType   type of the outgoing edge ({@code property}, {@code element}, …), or null
     * @param edgeName   name of the outgoing edge, or its index for elements
     * @param repeat     how many consecutive nodes of this class follow the same kind of edge (1 or more)
     */
    public record Step(String className, String nodeType, long nodeId, String edgeType, String edgeName, int repeat) {

        public Step(String className, String nodeType, long nodeId, String edgeType, String edgeName) {
            this(className, nodeType, nodeId, edgeType, edgeName, 1);
        }

        /** The edge as DevTools prints it: {@code .name}, {@code [3]}, {@code ->name}, {@code {internal}}. */
        public String edgeLabel() {
            if (edgeType == null) {
                return "";
            }
            return switch (edgeType) {
                case "context" -> "->" + edgeName;
                case "element" -> "[" + edgeName + "]";
                case "weak" -> "[[" + edgeName + "]]";
                case "property", "shortcut" -> edgeName.indexOf(' ') < 0 ? "." + edgeName : "[\"" + edgeName + "\"]";
                default -> "{" + edgeName + "}";
            };
        }

        /** Same label with element indexes replaced by {@code *}, so paths to siblings compare equal. */
        public String normalizedEdgeLabel() {
            if (isIndex()) {
                return "[*]";
            }
            return edgeLabel();
        }

        /** Element edges, and internal or hidden edges named by a slot number. */
        public boolean isIndex() {
            return "element".equals(edgeType) || ("internal".equals(edgeType) || "hidden".equals(edgeType))
                    && edgeName != null && !edgeName.isEmpty() && edgeName.chars().allMatch(Character::isDigit);
        }

        /** The step as text; normalized text folds any run length into "×…" so siblings in a list match. */
        public String text(boolean normalized) {
            String label = className + (normalized ? normalizedEdgeLabel() : edgeLabel());
            if (repeat <= 1) {
                return label;
            }
            return label + (normalized ? " ×…" : " ×" + repeat);
        }
    }

    /** The path in one line: {@code (GC roots) → system / Context->requestLog → Array[12] → RequestRecord}. */
    public String render() {
        return join(false, steps.size());
    }

    /** The path with element indexes collapsed, for grouping the paths of many similar objects. */
    public String normalized() {
        return join(true, steps.size());
    }

    /** The object and its nearest {@code segments - 1} holders, normalized. */
    public String normalizedTail(int segments) {
        return join(true, segments);
    }

    private String join(boolean normalized, int segments) {
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, steps.size() - segments); i < steps.size(); i++) {
            if (!sb.isEmpty()) {
                sb.append(" → ");
            }
            sb.append(steps.get(i).text(normalized));
        }
        return sb.toString();
    }

    /** The last {@code count} steps before the object itself, and the object. */
    public RetainerPath tail(int count) {
        int from = Math.max(0, steps.size() - count - 1);
        return new RetainerPath(steps.subList(from, steps.size()));
    }
}
