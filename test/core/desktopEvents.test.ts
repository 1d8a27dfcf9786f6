import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyDesktopTrigger,
  checkDesktopEventsConfig,
  desktopEventsConfigIssues,
  onlyStarts,
  parseDesktopEventsConfig,
  NEXT_FIELD_WINDOW_MS,
  renewEveryMs,
} from '../../src/core/desktopEvents';
import { emptyLedger, expireHolds, Ledger } from '../../src/core/holds';

const shipped = readFileSync(join(__dirname, '../../src/serverless/assets/desktop-events.private.json'), 'utf8');

describe('desktop item events configuration', () => {
  test('the shipped configuration is valid and holds the card number and CVV events', () => {
    const check = parseDesktopEventsConfig(shipped);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.config.events.map((event) => [event.id, event.startTrigger, event.stopTrigger, event.durationSeconds])).toEqual([
      ['card-number', 'card-number.focus', 'card-number.blur', 60],
      ['cvv', 'cvv.focus', 'cvv.blur', 60],
    ]);
  });

  test('an invalid file is refused with every problem listed', () => {
    const check = checkDesktopEventsConfig({
      events: [
        { id: 'a', startTrigger: 'x.focus', action: 'pause' },
        { id: 'a', startTrigger: 'y.focus', action: 'pause', stopTrigger: 'y.focus' },
        { id: 'b', startTrigger: 'bad trigger!', action: 'mute', durationSeconds: 7200, colour: 'red' },
      ],
    });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    const problems = check.problems.join('\n');
    expect(problems).toMatch(/events\[2\]\.startTrigger/);
    expect(problems).toMatch(/events\[2\]\.action/);
    expect(problems).toMatch(/events\[2\]\.durationSeconds/);
    expect(problems).toMatch(/colour/);
    expect(check.problems.length).toBeGreaterThanOrEqual(4);
  });

  test('cross-field rules: unique ids, a way to end, distinct start and stop', () => {
    const check = checkDesktopEventsConfig({
      events: [
        { id: 'a', startTrigger: 'x.focus', action: 'pause' },
        { id: 'a', startTrigger: 'y.focus', action: 'pause', stopTrigger: 'y.focus' },
      ],
    });
    expect(check).toEqual({
      ok: false,
      problems: [
        'events[0]: needs durationSeconds, stopTrigger or both, or the pause would never end',
        'events[1].id: "a" is used by an earlier event',
        'events[1].stopTrigger: must differ from startTrigger',
      ],
    });
  });

  test('a value of the wrong type is named for what it should be; only a missing one is "required"', () => {
    const issues = desktopEventsConfigIssues({
      events: [
        { id: 'a', startTrigger: 'x.focus', action: 'pause', durationSeconds: 'abc' },
        { startTrigger: 'y.focus', action: 'pause', durationSeconds: 5 },
      ],
    });
    expect(issues.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: ['events', 0, 'durationSeconds'], code: 'duration_range' },
      { path: ['events', 1, 'id'], code: 'required' },
    ]);
  });

  test('an event may keep its pause while the agent is in its field: renewed before its last seconds', () => {
    expect(
      checkDesktopEventsConfig({ events: [{ id: 'cvv', startTrigger: 'cvv.focus', action: 'pause', durationSeconds: 60, keepPausedWhileFocused: true }] }).ok,
    ).toBe(true);
    expect(
      checkDesktopEventsConfig({ events: [{ id: 'cvv', startTrigger: 'cvv.focus', action: 'pause', durationSeconds: 60, keepPausedWhileFocused: 'yes' }] }).ok,
    ).toBe(false);
    expect(renewEveryMs({ durationSeconds: 60, keepPausedWhileFocused: true })).toBe(45_000);
    expect(renewEveryMs({ durationSeconds: 5, keepPausedWhileFocused: true })).toBe(2_500);
    expect(renewEveryMs({ durationSeconds: 60 })).toBeUndefined();
    // Without a duration the pause never ends by itself: nothing to renew.
    expect(renewEveryMs({ keepPausedWhileFocused: true })).toBeUndefined();
  });

  test('not JSON is one clear problem', () => {
    const check = parseDesktopEventsConfig('{ "events": [');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problems[0]).toMatch(/^not JSON/);
  });

  test('a trigger used by several events applies to each', () => {
    const check = checkDesktopEventsConfig({
      events: [
        { id: 'card', startTrigger: 'pay.open', action: 'pause', durationSeconds: 30 },
        { id: 'cvv', startTrigger: 'pay.open', action: 'pause', stopTrigger: 'pay.close' },
      ],
    });
    if (!check.ok) throw new Error(check.problems.join());
    const ledger = applyDesktopTrigger(emptyLedger(), check.config, 'pay.open', 'alice', new Date(0));
    expect(ledger.holds.map((hold) => [hold.id, hold.resumeAt])).toEqual([
      ['card', new Date(30_000).toISOString()],
      ['cvv', null],
    ]);
    expect(onlyStarts(check.config, 'pay.open')).toBe(true);
    expect(onlyStarts(check.config, 'pay.close')).toBe(false);
  });

  test('a signal from inside Flex closes only the holds a signal from inside Flex opened', () => {
    const check = checkDesktopEventsConfig({ events: [{ id: 'card', startTrigger: 'card.focus', action: 'pause', stopTrigger: 'card.blur' }] });
    if (!check.ok) throw new Error(check.problems.join());
    const at = new Date(0);
    /** The holds open once a stop's wait for the next field is over. */
    const openAfterwards = (ledger: Ledger) => expireHolds(ledger, new Date(at.getTime() + NEXT_FIELD_WINDOW_MS)).holds.map((hold) => hold.id);
    const byRelay = applyDesktopTrigger(emptyLedger(), check.config, 'card.focus', 'alice', at, 'relay');
    // The agent's token cannot undo what the desktop relay paused.
    expect(openAfterwards(applyDesktopTrigger(byRelay, check.config, 'card.blur', 'alice', at, 'token'))).toEqual(['card']);
    expect(openAfterwards(applyDesktopTrigger(byRelay, check.config, 'card.blur', 'alice', at, 'relay'))).toEqual([]);

    const byToken = applyDesktopTrigger(emptyLedger(), check.config, 'card.focus', 'alice', at, 'token');
    expect(openAfterwards(applyDesktopTrigger(byToken, check.config, 'card.blur', 'alice', at, 'token'))).toEqual([]);
    // Once the relay starts it too, it is the relay's.
    const vouched = applyDesktopTrigger(byToken, check.config, 'card.focus', 'alice', at, 'relay');
    expect(openAfterwards(applyDesktopTrigger(vouched, check.config, 'card.blur', 'alice', at, 'token'))).toEqual(['card']);
    // A token's start of the relay's hold does not make it the token's.
    const extended = applyDesktopTrigger(byRelay, check.config, 'card.focus', 'alice', at, 'token');
    expect(openAfterwards(applyDesktopTrigger(extended, check.config, 'card.blur', 'alice', at, 'token'))).toEqual(['card']);
  });

  test("a stop that would resume waits a second for the next field's start, which keeps the pause unbroken", () => {
    const check = checkDesktopEventsConfig({
      events: [
        { id: 'card-number', startTrigger: 'card-number.focus', action: 'pause', durationSeconds: 60, stopTrigger: 'card-number.blur' },
        { id: 'cvv', startTrigger: 'cvv.focus', action: 'pause', durationSeconds: 60, stopTrigger: 'cvv.blur' },
      ],
    });
    if (!check.ok) throw new Error(check.problems.join());
    const at = (ms: number) => new Date(ms);
    const typing = applyDesktopTrigger(emptyLedger(), check.config, 'card-number.focus', 'alice', at(0), 'relay');
    const left = applyDesktopTrigger(typing, check.config, 'card-number.blur', 'alice', at(6_000), 'relay');
    // Still paused: the hold closes by itself a second later unless another field starts.
    expect(left.holds).toEqual([expect.objectContaining({ id: 'card-number', resumeAt: at(6_000 + NEXT_FIELD_WINDOW_MS).toISOString() })]);
    expect(left.intervals).toEqual([expect.objectContaining({ to: null })]);
    const cvv = applyDesktopTrigger(left, check.config, 'cvv.focus', 'alice', at(6_300), 'relay');
    const afterWindow = expireHolds(cvv, at(7_500));
    expect(afterWindow.holds.map((hold) => hold.id)).toEqual(['cvv']);
    // One pause interval from the card number's start on: nothing was recorded in between.
    expect(afterWindow.intervals).toEqual([expect.objectContaining({ from: at(0).toISOString(), to: null, holdIds: ['card-number', 'cvv'] })]);
    // With no next field, the pause ends when the window does.
    const done = applyDesktopTrigger(afterWindow, check.config, 'cvv.blur', 'alice', at(9_000), 'relay');
    expect(expireHolds(done, at(9_000 + NEXT_FIELD_WINDOW_MS)).intervals).toEqual([expect.objectContaining({ to: at(10_000).toISOString() })]);
    // A stop while another hold stays open closes at once.
    const both = applyDesktopTrigger(left, check.config, 'cvv.focus', 'alice', at(6_300), 'relay');
    const withCvv = applyDesktopTrigger(
      { ...both, holds: both.holds.map((hold) => ({ ...hold, resumeAt: null })) },
      check.config,
      'card-number.blur',
      'alice',
      at(6_400),
    );
    expect(withCvv.holds.map((hold) => hold.id)).toEqual(['cvv']);
  });
});
