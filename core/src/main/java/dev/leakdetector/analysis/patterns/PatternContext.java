package dev.leakdetector.analysis.patterns;

import dev.leakdetector.analysis.ClassGrowth;
import dev.leakdetector.analysis.RetainerPath;

import java.util.List;

/**
 * What a pattern rule may look at for one offender: its growth, and the retainer paths of its new
 * objects grouped into clusters (largest first).
 *
 * @param growth     the class's growth
 * @param clusters   path clusters of the class's new (or, without ids, current) instances
 * @param holderClass class of the old object that holds most new instances, or null
 * @param detachedDomNodes new instances that are detached DOM nodes (Chrome heaps only)
 * @param retainedClasses  classes found inside what the new instances retain (their dominator
 *                         subtrees), most frequent first: what each leaked object keeps alive
 */
public record PatternContext(ClassGrowth growth, List<PathCluster> clusters, String holderClass,
                             long detachedDomNodes, List<String> retainedClasses) {

    public PatternContext {
        clusters = List.copyOf(clusters);
        retainedClasses = List.copyOf(retainedClasses);
    }

    public String className() {
        return growth.name();
    }

    /** The example path of the largest cluster, or null when no path was found. */
    public RetainerPath mainPath() {
        return clusters.isEmpty() ? null : clusters.get(0).example();
    }

    /** The share of clustered objects in the largest cluster, 0 to 1. */
    public double mainClusterShare() {
        long total = clusters.stream().mapToLong(PathCluster::count).sum();
        return total == 0 ? 0 : (double) clusters.get(0).count() / total;
    }
}
