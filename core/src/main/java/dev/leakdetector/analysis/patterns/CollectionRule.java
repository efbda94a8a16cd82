package dev.leakdetector.analysis.patterns;

import dev.leakdetector.analysis.RetainerPath;

import java.util.Optional;
import java.util.Set;

/** A Map or Set that only grows: a cache without eviction, a registry nobody cleans. */
final class CollectionRule implements PatternRule {
    private static final Set<String> COLLECTIONS = Set.of("Map", "Set");

    @Override
    public String id() {
        return "map-set-accumulation";
    }

    @Override
    public Optional<PatternMatch> match(PatternContext context) {
        RetainerPath path = context.mainPath();
        RetainerPath.Step holder = Holders.first(path);
        if (holder == null || !COLLECTIONS.contains(holder.className())) {
            return Optional.empty();
        }
        String where = describeOwner(path, holder);
        return Optional.of(new PatternMatch(id(), holder.className() + " accumulation",
                context.className() + " objects accumulate as entries of a " + holder.className() + where
                        + " that only grows.",
                "Bound the " + holder.className() + ": evict old entries (an LRU with a maximum size or a TTL),"
                        + " delete entries when their owner goes away, or use a WeakMap/WeakRef when the key's"
                        + " lifetime should decide.",
                path.render()));
    }

    private static String describeOwner(RetainerPath path, RetainerPath.Step collection) {
        var holders = Holders.nearest(path, 2);
        if (holders.size() < 2) {
            return "";
        }
        return " (" + Holders.describe(holders.get(1)) + ")";
    }
}
