import { checkDesktopEventBody } from '../../src/core/desktopEventRequest';

const valid = { eventId: 'evt-1', agent: 'alice@example.com', trigger: 'card-number.focus' };

describe('desktop event body', () => {
  test('a minimal and a full body are accepted', () => {
    expect(checkDesktopEventBody(valid).ok).toBe(true);
    expect(checkDesktopEventBody({ ...valid, occurredAt: '2026-11-24T10:00:00.123Z', callSid: `CA${'a'.repeat(32)}` }).ok).toBe(true);
  });

  test('unknown fields are refused without echoing their values', () => {
    const check = checkDesktopEventBody({ ...valid, cardNumber: '4111111111111111', '4111111111111111': 'x' });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.join()).toMatch(/unknown field/);
    expect(check.problems.join()).toContain('cardNumber');
    expect(check.problems.join()).not.toContain('4111');
  });

  test('missing and malformed fields are named; values are never quoted', () => {
    const check = checkDesktopEventBody({ eventId: 'has space 4111111111111111', trigger: 'x', callSid: 'CA123', occurredAt: 'yesterday' });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    const text = check.problems.join('\n');
    expect(text).toMatch(/agent: is required/);
    expect(text).toMatch(/eventId: is malformed/);
    expect(text).toMatch(/callSid: is malformed/);
    expect(text).toMatch(/occurredAt: is malformed/);
    expect(text).not.toContain('4111');
  });

  test('an event id that looks like a person’s hold (manual:, supervisor:, api:) is refused, in any case', () => {
    for (const eventId of ['manual:alice', 'supervisor:bob', 'API:1', 'Manual:x']) {
      const check = checkDesktopEventBody({ ...valid, eventId });
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.problems).toEqual(['eventId: must not start with manual:, supervisor: or api: (those name a person’s hold)']);
    }
    expect(checkDesktopEventBody({ ...valid, eventId: 'evt:manual:1' }).ok).toBe(true);
  });

  test('non-objects and bodies over 4 KiB are refused', () => {
    expect(checkDesktopEventBody([valid]).ok).toBe(false);
    expect(checkDesktopEventBody('text').ok).toBe(false);
    expect(checkDesktopEventBody({ ...valid, agent: 'a'.repeat(5000) }).ok).toBe(false);
  });
});
