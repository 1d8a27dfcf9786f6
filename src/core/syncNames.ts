/**
 * The names of the Sync objects both the functions (which write them) and the plugin (which
 * follows them) use. docs/architecture.md ("Sync objects and their limits") says what each holds.
 */

/** A call's ledger document. */
export const callDocumentName = (callSid: string): string => `rc-call-${callSid}`;

/**
 * The live-calls index is split over this many Sync Maps: Twilio takes at most 20 writes/s per
 * Map (its items included), and every change of every call is copied into the index — about 10
 * writes a call with a card payment, so ~330 writes/s at 10,000 agents: ~5 per shard, a quarter of
 * the limit on average and within half of it in the busiest 10 s (`npm run bench`).
 */
export const LIVE_SHARDS = 64;
export const LIVE_CALLS_PREFIX = 'rc-live-calls-';

export const liveCallsShardNames = (): string[] =>
  Array.from({ length: LIVE_SHARDS }, (_, shard) => `${LIVE_CALLS_PREFIX}${shard.toString(16).padStart(2, '0')}`);

/** Whether the sweep has anything to look at (the functions' own; docs/architecture.md, "The sweep"). */
export const SWEEP_WATCH_DOCUMENT = 'rc-sweep-watch';
