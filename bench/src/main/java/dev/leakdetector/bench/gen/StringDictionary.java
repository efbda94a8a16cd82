package dev.leakdetector.bench.gen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.leakdetector.bench.gen.V8Layout.*;

/** Fixed dictionary; numeric names and unit strings are index ranges appended after it. */
final class StringDictionary {
    final List<String> list = new ArrayList<>();
    final Map<String, Integer> index = new HashMap<>();
    boolean frozen;

    StringDictionary() {
        intern("<dummy>");
    }

    int intern(String s) {
        Integer i = index.get(s);
        if (i != null) return i;
        if (frozen) throw new IllegalStateException("dictionary is frozen; intern \"" + s + "\" earlier");
        list.add(s);
        index.put(s, list.size() - 1);
        return list.size() - 1;
    }

    int size() {
        return list.size();
    }
}
