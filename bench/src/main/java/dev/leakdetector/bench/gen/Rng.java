package dev.leakdetector.bench.gen;

/** Small xorshift stream for the decisions inside one unit. */
final class Rng {
    /** SplitMix64 finalizer: the one source of randomness; every decision is a function of (seed, unit, salt). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    long s;

    void seed(long v) {
        s = mix(v) | 1L;
    }

    long next() {
        s ^= s << 13;
        s ^= s >>> 7;
        s ^= s << 17;
        return s * 0x2545F4914F6CDD1DL;
    }

    int nextInt(int bound) {
        return (int) ((next() >>> 33) % bound);
    }

    boolean chance(int percent) {
        return nextInt(100) < percent;
    }
}
