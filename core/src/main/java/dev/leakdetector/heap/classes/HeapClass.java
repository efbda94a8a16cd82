package dev.leakdetector.heap.classes;

/**
 * One class as DevTools' Summary view groups objects: a name, and for JS objects with a known
 * constructor location, that location too (two classes named {@code Foo} in different files are
 * different rows).
 *
 * @param key      DevTools' class key: {@code ",Name"}, or {@code "scriptId,line,column,Name"}
 * @param name     the class name shown to users
 * @param scriptId V8 script id of the constructor, or -1 when the class has no location
 * @param line     0-based line, or -1
 * @param column   0-based column, or -1
 */
public record HeapClass(String key, String name, int scriptId, int line, int column) {

    public boolean hasLocation() {
        return scriptId >= 0;
    }
}
