import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyDesktopTrigger,
  checkDesktopEventsConfig,
  desktopEventsConfigIssues,
  onlyStarts,
  parseDesktopEventsConfig,
  renewEveryMs,
} from '../../src/core/desktopEvents';
import { emptyLedger } from '../../src/core/holds';

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
    const byRelay = applyDesktopTrigger(emptyLedger(), check.config, 'card.focus', 'alice', at, 'relay');
    // The agent's token cannot undo what the desktop relay paused.
    expect(applyDesktopTrigger(byRelay, check.config, 'card.blur', 'alice', at, 'token').holds.map((hold) => hold.id)).toEqual(['card']);
    expect(applyDesktopTrigger(byRelay, check.config, 'card.blur', 'alice', at, 'relay').holds).toEqual([]);

    const byToken = applyDesktopTrigger(emptyLedger(), check.config, 'card.focus', 'alice', at, 'token');
    expect(applyDesktopTrigger(byToken, check.config, 'card.blur', 'alice', at, 'token').holds).toEqual([]);
    // Once the relay starts it too, it is the relay's.
    const vouched = applyDesktopTrigger(byToken, check.config, 'card.focus', 'alice', at, 'relay');
    expect(applyDesktopTrigger(vouched, check.config, 'card.blur', 'alice', at, 'token').holds.map((hold) => hold.id)).toEqual(['card']);
    // A token's start of the relay's hold does not make it the token's.
    const extended = applyDesktopTrigger(byRelay, check.config, 'card.focus', 'alice', at, 'token');
    expect(applyDesktopTrigger(extended, check.config, 'card.blur', 'alice', at, 'token').holds.map((hold) => hold.id)).toEqual(['card']);
  });
});
