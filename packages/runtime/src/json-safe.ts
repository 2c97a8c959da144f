/**
 * Whether a value survives JSON.stringify then JSON.parse unchanged: strings, finite numbers
 * other than -0, booleans, null, arrays without holes, and plain objects of those. Executors
 * ship such task nodes as one JSON string, several times cheaper to carry than a structured
 * clone or the codec (the threads pool's batches, a cluster's compute-task messages).
 */

/** True when `x` comes back from a JSON round trip equal to itself. */
export function survivesJson(x: unknown, depth = 0): boolean {
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(x) && !Object.is(x, -0);
    case 'object': {
      if (x === null) return true;
      if (depth > 256) return false;
      if (Array.isArray(x)) {
        for (let i = 0; i < x.length; i++) if (!(i in x) || !survivesJson(x[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(x) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k in x) if (!survivesJson((x as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}
