package dev.leakdetector.heap.paths;

/** JavaScript's {@code parseInt(s, 10)}, for porting DevTools' edge-name checks exactly. */
final class JsNumbers {
    private JsNumbers() {
    }

    /** Leading whitespace, an optional sign, then decimal digits; NaN when there are no digits. */
    static double parseInt(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int start = i;
        double value = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            value = value * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i == start) {
            return Double.NaN;
        }
        return negative ? -value : value;
    }
}
