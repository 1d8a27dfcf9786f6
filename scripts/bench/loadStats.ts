/**
 * How the load run's records are read: Sync objects from request paths, their busiest windows,
 * invocations in flight, retries.
 */
import { kindOf } from './serverCost';
import type { AnsweredRequest } from './requestLog';

/**
 * The Sync object a request counts toward, by its path: a Document, or the Map or List whose item
 * (or permission) it reaches. Requests on a service's collections (create, list) name no object.
 */
export function syncObjectOf(path: string): string | undefined {
  const match = /^\/v1\/Services\/[^/]+\/(Documents|Maps|Lists)\/([^/]+)/.exec(path);
  if (!match) return undefined;
  const kind = { Documents: 'document', Maps: 'map', Lists: 'list' }[match[1] as 'Documents' | 'Maps' | 'Lists'];
  return `${kind} ${decodeURIComponent(match[2])}`;
}

/** The most of `times` (epoch ms, any order) that fall in any window of `windowMs`. */
export function worstWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end] - sorted[start] >= windowMs) start += 1;
    worst = Math.max(worst, end - start + 1);
  }
  return worst;
}

export interface SyncObjectLoad {
  object: string;
  reads: number;
  writes: number;
  worstReads: number;
  worstWrites: number;
}

/** Each Sync object's reads and writes, and the most of each in any window of `windowMs`. */
export function syncObjectLoads(requests: AnsweredRequest[], windowMs: number): SyncObjectLoad[] {
  const byObject = new Map<string, { reads: number[]; writes: number[] }>();
  for (const request of requests) {
    const object = syncObjectOf(request.path);
    const kind = kindOf(request);
    if (!object || (kind !== 'sync read' && kind !== 'sync write')) continue;
    const entry = byObject.get(object) ?? { reads: [], writes: [] };
    (kind === 'sync read' ? entry.reads : entry.writes).push(Date.parse(request.at));
    byObject.set(object, entry);
  }
  return [...byObject].map(([object, { reads, writes }]) => ({
    object,
    reads: reads.length,
    writes: writes.length,
    worstReads: worstWindow(reads, windowMs),
    worstWrites: worstWindow(writes, windowMs),
  }));
}

/** Twilio's answers that mean "try again" (rate limits, server errors, a busy recording). */
const isTransient = (request: AnsweredRequest) => request.status === 0 || request.status === 429 || request.status >= 500 || request.code === 16114;

/**
 * Which requests were sent again after the same method on the same path was answered "try
 * again", in the order given.
 */
export function retryFlags(requests: AnsweredRequest[]): boolean[] {
  const lastAnswer = new Map<string, AnsweredRequest>();
  return requests.map((request) => {
    const key = `${request.method} ${request.path}`;
    const previous = lastAnswer.get(key);
    lastAnswer.set(key, request);
    const answeredBefore = previous?.answeredAt && Date.parse(previous.answeredAt) <= Date.parse(request.at);
    return Boolean(previous && answeredBefore && isTransient(previous));
  });
}

export interface Interval {
  start: number;
  end: number;
}

/** The most intervals open at once within [from, to), and the mean number open over it. */
export function inFlight(intervals: Interval[], from: number, to: number): { peak: number; mean: number } {
  const edges: Array<[number, number]> = [];
  let busy = 0;
  for (const { start, end } of intervals) {
    if (end <= from || start >= to) continue;
    busy += Math.min(end, to) - Math.max(start, from);
    edges.push([Math.max(start, from), 1], [Math.min(end, to), -1]);
  }
  // Ends before starts at the same instant: back-to-back requests are not concurrent.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, change] of edges) {
    open += change;
    peak = Math.max(peak, open);
  }
  return { peak, mean: busy / (to - from) };
}
