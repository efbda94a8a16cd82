package dev.leakdetector.heap.graph;

import java.util.Arrays;

/**
 * A growable stack of ints, for the explicit stacks that replace recursion over the graph.
 *
 * <p>It grows by adding blocks instead of copying into a larger array: a DFS path through a V8
 * heap can be millions of nodes deep, and with the parallel collector every array dropped while
 * growing stays in the old generation until the next full collection. Blocks double up to
 * {@link #MAX_BLOCK} ints; a block emptied by pops is kept for the next pushes.
 */
public final class IntStack {
    private static final int MAX_BLOCK = 1 << 20;

    private int[][] blocks;
    private int blockIndex;
    /** The current block, {@code blocks[blockIndex]}, and how many of its slots are used. */
    private int[] items;
    private int top;
    /** Items in the blocks below the current one. */
    private int below;

    public IntStack(int initialCapacity) {
        items = new int[Math.min(MAX_BLOCK, Math.max(16, initialCapacity))];
        blocks = new int[][] {items};
    }

    public void push(int value) {
        if (top == items.length) {
            nextBlock();
        }
        items[top++] = value;
    }

    public int pop() {
        if (top == 0) {
            previousBlock();
        }
        return items[--top];
    }

    public int peek() {
        return top > 0 ? items[top - 1] : blocks[blockIndex - 1][blocks[blockIndex - 1].length - 1];
    }

    public boolean isEmpty() {
        return top == 0 && below == 0;
    }

    public int size() {
        return below + top;
    }

    public void clear() {
        blockIndex = 0;
        items = blocks[0];
        top = 0;
        below = 0;
    }

    private void nextBlock() {
        below += items.length;
        blockIndex++;
        if (blockIndex == blocks.length) {
            blocks = Arrays.copyOf(blocks, blocks.length * 2);
        }
        if (blocks[blockIndex] == null) {
            blocks[blockIndex] = new int[Math.min(MAX_BLOCK, items.length * 2)];
        }
        items = blocks[blockIndex];
        top = 0;
    }

    private void previousBlock() {
        items = blocks[--blockIndex];
        below -= items.length;
        top = items.length;
    }
}
