/**
 * Closes every hold whose time ran out, and retries calls whose last change Twilio did not
 * confirm. For a scheduler (and `npm start`, which runs it every second). It reads only the live
 * index — one request when nothing is due, however many calls there were — and each call's
 * ledger only when its item says there is work.
 */
import { closeHolds } from '../../../core/holds';
import { CallControl, expireDue } from './callControl';
import { LiveIndex, needsSweep } from './liveIndex';
import { CallEndedError } from '../twilio/recordings';

export interface SweepReport {
  live: number;
  due: number;
  changed: number;
  failed: number;
}

export async function sweep(index: LiveIndex, control: CallControl, now: () => Date): Promise<SweepReport> {
  const items = await index.calls.list();
  const due = items.filter(({ data }) => needsSweep(data, now()));
  const results = await Promise.allSettled(
    due.map(async ({ data }) => {
      const call = { callSid: data.callSid, ...(data.conferenceSid && { conferenceSid: data.conferenceSid }) };
      try {
        await control.change(call, { change: expireDue });
      } catch (error) {
        if (!(error instanceof CallEndedError)) throw error;
        // The call is over: nothing can be paused any more, so its holds end now and it leaves the index.
        await control.commit(data.callSid, (current) => (current ? { ...current, ...closeHolds(current, () => true, now()), outOfSync: false } : null));
        await index.removeCall(data.callSid);
      }
    }),
  );
  return {
    live: items.length,
    due: due.length,
    changed: results.filter((result) => result.status === 'fulfilled').length,
    failed: results.filter((result) => result.status === 'rejected').length,
  };
}
