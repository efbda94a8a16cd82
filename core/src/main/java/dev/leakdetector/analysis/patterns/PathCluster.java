package dev.leakdetector.analysis.patterns;

import dev.leakdetector.analysis.RetainerPath;

/**
 * Objects whose retainer paths end the same way: "9,800 of these are held by X → Y → Z".
 *
 * @param holders  the shared end of the paths, element indexes collapsed, nearest holder last
 * @param count    objects in the cluster, estimated from a sample when there are many
 * @param example  the full shortest path of one of them, root first
 */
public record PathCluster(String holders, long count, RetainerPath example) {
}
