/**
 * Closes every hold whose time ran out, retries calls whose last change Twilio did not confirm,
 * and keeps the recordings of calls with an open hold paused — including one someone else started
 * meanwhile (Flex, another plugin, a Studio flow), which reports to nobody. For a scheduler (and
 * `npm start`, which runs it every second). With no open hold for a while it reads one document
 * (sweepWatch.ts); otherwise the live index — one request per shard — and it touches a call only
 * when its item says there is work or a hold is open, so its cost follows open holds, not live calls. Calls marked for repair in TaskRouter (a pause whose ledger
 * Sync could not take, repairMarks.ts) are put right once Sync answers.
 */
import pLimit from 'p-limit';
import { closeHolds } from '../../../core/holds';
import type { CallControl } from './callControl';
import { expireDue } from '../base/ledgerTransforms';
import type { LiveCallItem } from '../../../core/wire';
import { LiveIndex, needsSweep } from '../stores/liveIndex';
import { SweepWatch } from '../stores/sweepWatch';
import type { MapItem } from '../twilio/syncCollections';
import type { LiveCall } from '../base/recordingBackend';

export interface SweepReport {
  live: number;
  due: number;
  changed: number;
  failed: number;
  /** Calls marked in TaskRouter for repair, and how many of them were put right. */
  marked: number;
  repaired: number;
}

/**
 * Calls a round puts right at once. Each takes a few Twilio requests in flight (its ledger, its
 * recordings): at 10,000 agents some 130 calls are in card entry at any moment, and all at once
 * would pass the account's REST concurrency (100 in flight) and crowd live pauses with 429s.
 */
export const SWEEP_CALLS_AT_ONCE = 20;

const callOf = (item: LiveCallItem): LiveCall => ({
  callSid: item.callSid,
  ...(item.conferenceSid && { conferenceSid: item.conferenceSid }),
  ...(item.taskSid && { taskSid: item.taskSid }),
});

/**
 * The live index's items when something may need the sweep; none, at the cost of one read, when
 * nothing has for a while (sweepWatch.ts). A round that finds nothing says so; one that finds work
 * the watch had given up on takes it back.
 */
async function itemsToLookAt(index: LiveIndex, now: () => Date): Promise<{ items: MapItem<LiveCallItem>[]; due: MapItem<LiveCallItem>[] }> {
  const watch = index.sweepWatch;
  // Unread, the watch cannot say there is nothing: the shards are read.
  const reading = await watch.read().catch(() => undefined);
  if (reading && SweepWatch.skips(reading, now())) return { items: [], due: [] };
  const items = await index.listCalls();
  const due = items.filter(({ data }) => needsSweep(data, now()) || data.holds.length > 0);
  if (reading && due.length === 0 && reading.idleSince === null) await watch.idle(reading).catch(() => undefined);
  if (reading && due.length > 0 && reading.idleSince !== null) await watch.watch(reading).catch(() => undefined);
  return { items, due };
}

export async function sweep(index: LiveIndex, control: CallControl, now: () => Date): Promise<SweepReport> {
  const [{ items, due }, marks] = await Promise.all([itemsToLookAt(index, now), control.repairs?.due(now().getTime()).catch(() => []) ?? []]);
  /** Sets the call's recordings to what its ledger says once due holds are closed; an ended call leaves the index. */
  const putRight = async (call: LiveCall) => {
    const result = await control.change(call, { change: expireDue });
    if (result.kind !== 'ended') return;
    // The call is over: nothing can be paused any more, so its holds end now and it leaves the index.
    await control.commit(call.callSid, (current) => (current ? { ...current, ...closeHolds(current, () => true, now()), outOfSync: false } : null));
    await index.removeCall(call.callSid);
  };
  const atOnce = pLimit(SWEEP_CALLS_AT_ONCE);
  const results = await Promise.allSettled(due.map(({ data }) => atOnce(() => putRight(callOf(data)))));
  const repairs = await Promise.allSettled(
    marks.map(async (mark) => {
      // The marked task was created for this call (repairMarks.ts): its conference carries the task's
      // name unless the call's ledger knows better (a transfer).
      await putRight({ callSid: mark.callSid, conferenceName: mark.taskSid });
      await control.repairs?.clear(mark);
    }),
  );
  return {
    live: items.length,
    due: due.length,
    changed: results.filter((result) => result.status === 'fulfilled').length,
    failed: results.filter((result) => result.status === 'rejected').length + repairs.filter((result) => result.status === 'rejected').length,
    marked: marks.length,
    repaired: repairs.filter((result) => result.status === 'fulfilled').length,
  };
}
