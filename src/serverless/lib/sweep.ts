/**
 * Closes every hold whose time ran out, and retries calls whose last change Twilio did not
 * confirm. For a scheduler (and `npm start`, which runs it every second); the Flex plugin asks
 * for precise expiry of its own call through the API.
 */
import { closeHolds, nextExpiry } from '../../core/holds';
import { CallControl, expireDue } from './callControl';
import type { CallRecord, LedgerStore } from './ledgerStore';
import { CallEndedError } from './recordings';

export interface SweepReport {
  ledgers: number;
  changed: number;
  failed: number;
}

const needsWork = (record: CallRecord, now: Date): boolean => {
  const expiry = nextExpiry(record);
  return record.outOfSync || (expiry !== null && Date.parse(expiry) <= now.getTime());
};

export async function sweep(store: LedgerStore, control: CallControl, now: () => Date): Promise<SweepReport> {
  const ledgers = await store.list();
  const due = ledgers.filter(({ record }) => needsWork(record, now()));
  const results = await Promise.allSettled(
    due.map(async ({ record }) => {
      try {
        await control.change(record.call, { change: expireDue });
      } catch (error) {
        if (!(error instanceof CallEndedError)) throw error;
        // The call is over: nothing can be paused any more, so its holds end now.
        await store.commit(record.call.callSid, (current) =>
          current ? { ...current, ...closeHolds(current, () => true, now()), outOfSync: false } : null,
        );
      }
    }),
  );
  return {
    ledgers: ledgers.length,
    changed: results.filter((result) => result.status === 'fulfilled').length,
    failed: results.filter((result) => result.status === 'rejected').length,
  };
}
