import fc from 'fast-check';
import { closeHold, emptyLedger, expireHolds, isPaused, Ledger, nextExpiry, openHold, resumesAt } from '../../src/core/holds';
import { applyDesktopTrigger, DesktopEventsConfig } from '../../src/core/desktopEvents';

const at = (seconds: number) => new Date(Date.UTC(2026, 10, 24, 12, 0, seconds));

describe('holds ledger', () => {
  test('a hold pauses; closing the last hold resumes and ends the interval', () => {
    let ledger = openHold(emptyLedger(), { id: 'card-number', source: 'desktop', by: 'alice', durationSeconds: 60 }, at(0));
    expect(isPaused(ledger)).toBe(true);
    expect(ledger.holds[0]).toMatchObject({ id: 'card-number', source: 'desktop', by: 'alice', resumeAt: at(60).toISOString() });
    ledger = closeHold(ledger, 'card-number', at(5));
    expect(isPaused(ledger)).toBe(false);
    expect(ledger.intervals).toEqual([{ from: at(0).toISOString(), to: at(5).toISOString(), holdIds: ['card-number'], sources: ['desktop'], by: ['alice'] }]);
  });

  test('overlapping holds make one interval that lists every hold, source and person', () => {
    let ledger = openHold(emptyLedger(), { id: 'card-number', source: 'desktop', by: 'alice', durationSeconds: 60 }, at(0));
    ledger = openHold(ledger, { id: 'manual:alice', source: 'manual', by: 'alice' }, at(2));
    ledger = closeHold(ledger, 'card-number', at(3));
    expect(isPaused(ledger)).toBe(true);
    expect(resumesAt(ledger)).toBeNull(); // the manual hold has no end of its own
    ledger = closeHold(ledger, 'manual:alice', at(9));
    expect(ledger.intervals).toHaveLength(1);
    expect(ledger.intervals[0]).toMatchObject({ to: at(9).toISOString(), holdIds: ['card-number', 'manual:alice'], sources: ['desktop', 'manual'] });
  });

  test('opening an open hold again renews its expiry instead of adding a second one', () => {
    let ledger = openHold(emptyLedger(), { id: 'cvv', source: 'desktop', durationSeconds: 60 }, at(0));
    ledger = openHold(ledger, { id: 'cvv', source: 'desktop', durationSeconds: 60 }, at(30));
    expect(ledger.holds).toHaveLength(1);
    expect(ledger.holds[0].resumeAt).toBe(at(90).toISOString());
    expect(ledger.holds[0].openedAt).toBe(at(0).toISOString());
  });

  test('expired holds close; unexpired and open-ended ones stay', () => {
    let ledger = openHold(emptyLedger(), { id: 'a', source: 'desktop', durationSeconds: 10 }, at(0));
    ledger = openHold(ledger, { id: 'b', source: 'desktop', durationSeconds: 30 }, at(0));
    expect(nextExpiry(ledger)).toBe(at(10).toISOString());
    expect(resumesAt(ledger)).toBe(at(30).toISOString());
    ledger = expireHolds(ledger, at(10));
    expect(ledger.holds.map((hold) => hold.id)).toEqual(['b']);
    ledger = expireHolds(ledger, at(31));
    expect(isPaused(ledger)).toBe(false);
    expect(ledger.intervals[0].to).toBe(at(31).toISOString());
  });

  test('closing a hold that is not open changes nothing', () => {
    const ledger = openHold(emptyLedger(), { id: 'a', source: 'api' }, at(0));
    expect(closeHold(ledger, 'nope', at(1))).toBe(ledger);
  });
});

describe('property: any sequence of starts, stops, expiry and manual holds', () => {
  const config: DesktopEventsConfig = {
    events: [
      { id: 'card-number', startTrigger: 'card-number.focus', action: 'pause', durationSeconds: 60, stopTrigger: 'card-number.blur' },
      { id: 'cvv', startTrigger: 'cvv.focus', action: 'pause', durationSeconds: 20, stopTrigger: 'cvv.blur' },
      { id: 'ssn', startTrigger: 'ssn.open', action: 'pause', durationSeconds: 5 },
      // A trigger shared by two events: both apply.
      { id: 'payment-page', startTrigger: 'payment.open', action: 'pause', stopTrigger: 'card-number.blur' },
    ],
  };
  const step = fc.record({
    advance: fc.integer({ min: 0, max: 40 }),
    action: fc.oneof(
      fc.constantFrom(...['card-number.focus', 'card-number.blur', 'cvv.focus', 'cvv.blur', 'ssn.open', 'payment.open'].map((trigger) => ({ trigger }))),
      fc.constantFrom({ manual: 'open' as const }, { manual: 'close' as const }, { expire: true as const }),
    ),
  });

  test('paused ⇔ open holds; intervals are ordered, closed but for the last, and never overlap', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        let ledger: Ledger = emptyLedger();
        let clock = 0;
        for (const { advance, action } of steps) {
          clock += advance;
          const now = at(clock);
          if ('trigger' in action) ledger = applyDesktopTrigger(ledger, config, action.trigger, 'alice', now);
          else if ('manual' in action) {
            ledger =
              action.manual === 'open' ? openHold(ledger, { id: 'manual:alice', source: 'manual', by: 'alice' }, now) : closeHold(ledger, 'manual:alice', now);
          } else ledger = expireHolds(ledger, now);

          const open = ledger.intervals.filter((interval) => interval.to === null);
          expect(open.length).toBe(isPaused(ledger) ? 1 : 0);
          if (isPaused(ledger)) expect(ledger.intervals[ledger.intervals.length - 1].to).toBeNull();
          expect(new Set(ledger.holds.map((hold) => hold.id)).size).toBe(ledger.holds.length);
          for (const hold of ledger.holds) {
            expect(ledger.intervals[ledger.intervals.length - 1].holdIds).toContain(hold.id);
            if (hold.resumeAt) expect(Date.parse(hold.resumeAt)).toBeGreaterThan(Date.parse(hold.openedAt) - 1);
          }
          for (let i = 0; i < ledger.intervals.length; i += 1) {
            const { from, to } = ledger.intervals[i];
            if (to !== null) expect(Date.parse(to)).toBeGreaterThanOrEqual(Date.parse(from));
            const next = ledger.intervals[i + 1];
            if (next) expect(Date.parse(next.from)).toBeGreaterThanOrEqual(Date.parse(to as string));
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});
