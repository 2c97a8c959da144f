/**
 * How far fusion may nest tasks. Fusing a chain makes one task nested as deep as the chain,
 * and evaluating a task, cloning it to a worker (structured clone) or writing it as JSON
 * recurses once per level: a 100,000-long chain fused whole overflows the stack (structured
 * clone fails near 1,200 levels on Node 20's default stack, worker threads can have less).
 * So the fusion passes stop a fused task at these limits and start a new one, as Dask's
 * `fuse` bounds its fused subgraphs: a chain of 100,000 tasks becomes 1,000 tasks of 100.
 * Per-task overhead is already amortized well below that (the local schedulers batch chains).
 */

/** The deepest nesting (`nestingDepth`) that `fuseLinear` and `inline` build into one task. */
export const MAX_FUSED_DEPTH = 100;

/**
 * The most layers `fuseBlockwise` merges into one. Collections can compile a fused template
 * into one expression (array kernels generate a loop from it) whose depth the task's nesting
 * does not show, so the count of layers is bounded as well.
 */
export const MAX_FUSED_LAYERS = 64;
