package dev.leakdetector.heap.graph;

import java.util.ArrayDeque;

/**
 * A growable first-in, first-out queue of ints, for breadth-first searches. It holds one frontier
 * at a time, which in a heap graph is far smaller than the node count that a plain array queue
 * would need, but can still reach millions of ints.
 *
 * <p>It is a chain of fixed-size blocks, and a block that the head has passed is reused at the
 * tail. So its memory follows the largest frontier, and growing never copies: with the parallel
 * collector, arrays dropped while growing would stay in the old generation until the next full
 * collection.
 */
public final class IntQueue {
    private final int blockSize;
    /** The blocks from the head's to the tail's. */
    private final ArrayDeque<int[]> blocks = new ArrayDeque<>();
    private final ArrayDeque<int[]> spare = new ArrayDeque<>();
    private int[] headBlock;
    private int[] tailBlock;
    private int headPos;
    private int tailPos;
    private int size;

    public IntQueue(int blockSize) {
        this.blockSize = Math.max(16, blockSize);
        headBlock = tailBlock = new int[this.blockSize];
        blocks.add(tailBlock);
    }

    public void add(int value) {
        if (tailPos == blockSize) {
            tailBlock = spare.isEmpty() ? new int[blockSize] : spare.pop();
            blocks.addLast(tailBlock);
            tailPos = 0;
        }
        tailBlock[tailPos++] = value;
        size++;
    }

    public int poll() {
        if (headPos == blockSize) {
            spare.push(blocks.pollFirst());
            headBlock = blocks.peekFirst();
            headPos = 0;
        }
        size--;
        return headBlock[headPos++];
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }
}
