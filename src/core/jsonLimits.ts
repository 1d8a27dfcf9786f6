/**
 * Limits on a parsed JSON value, checked without recursion. A body nested 20,000 levels deep
 * parses fine (V8's JSON.parse is iterative) but breaks every recursive walk after it —
 * JSON.stringify, a key sort, a schema — with a RangeError. So depth and size are measured here,
 * with an explicit stack, before anything else looks at a body; and the size is counted from the
 * value itself, since a chunked body has no Content-Length.
 */

export interface JsonLimits {
  /** Containers inside containers: a flat object is depth 1. */
  maxDepth: number;
  /** Bytes of the value's compact UTF-8 JSON (the canonical form's size: key order does not matter). */
  maxBytes: number;
}

export type JsonMeasure = { ok: true; bytes: number; depth: number } | { ok: false; problem: 'too_deep' | 'too_large' };

const scalarBytes = (value: unknown): number => {
  if (typeof value === 'string') return Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  return 4; // null, and anything JSON would write as null
};

/** Measures `value`, stopping at the first limit passed, so a huge body costs little to refuse. */
export function measureJson(value: unknown, limits: JsonLimits): JsonMeasure {
  let bytes = 0;
  let deepest = 0;
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop() as { value: unknown; depth: number };
    if (current === null || typeof current !== 'object') {
      bytes += scalarBytes(current);
    } else {
      const level = depth + 1;
      if (level > limits.maxDepth) return { ok: false, problem: 'too_deep' };
      deepest = Math.max(deepest, level);
      const items: unknown[] = Array.isArray(current) ? current : Object.keys(current);
      // Brackets and commas first: a container with a million members is refused before its members are visited.
      bytes += 2 + Math.max(0, items.length - 1);
      if (bytes > limits.maxBytes) return { ok: false, problem: 'too_large' };
      if (Array.isArray(current)) {
        for (const item of current) pending.push({ value: item, depth: level });
      } else {
        for (const key of items as string[]) {
          bytes += Buffer.byteLength(JSON.stringify(key), 'utf8') + 1;
          if (bytes > limits.maxBytes) return { ok: false, problem: 'too_large' };
          pending.push({ value: (current as Record<string, unknown>)[key], depth: level });
        }
      }
    }
    if (bytes > limits.maxBytes) return { ok: false, problem: 'too_large' };
  }
  return { ok: true, bytes, depth: deepest };
}

/** What a body over its limits is told, the same from every endpoint. */
export const overLimit = (problem: 'too_deep' | 'too_large', maxBytes: number): string =>
  problem === 'too_deep' ? 'the body is nested too deeply' : `the body is over ${maxBytes} bytes`;
