import { DESKTOP_EVENT_LIMITS, parseDesktopEventBody } from '../../src/core/desktopEventRequest';
import { readEvent } from '../../src/serverless/lib/base/http';

const valid = { eventId: 'evt-1', agent: 'alice@example.com', trigger: 'card-number.focus' };

describe('desktop event body', () => {
  test('a minimal and a full body are accepted', () => {
    expect(parseDesktopEventBody(valid).ok).toBe(true);
    expect(parseDesktopEventBody({ ...valid, occurredAt: '2026-11-24T10:00:00.123Z', callSid: `CA${'a'.repeat(32)}` }).ok).toBe(true);
  });

  test('unknown fields are refused without echoing their values', () => {
    const check = parseDesktopEventBody({ ...valid, cardNumber: '4111111111111111', '4111111111111111': 'x' });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.join()).toMatch(/unknown field/);
    expect(check.problems.join()).toContain('cardNumber');
    expect(check.problems.join()).not.toContain('4111');
  });

  test('missing and malformed fields are named with what they must be; values are never quoted', () => {
    const check = parseDesktopEventBody({ eventId: 'has space 4111111111111111', trigger: 'x', callSid: 'CA123', occurredAt: 'yesterday' });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    const text = check.problems.join('\n');
    expect(text).toMatch(/agent: is required/);
    expect(text).toContain('eventId: must be 1–128 of A-Z a-z 0-9 . _ : -');
    expect(text).toContain('callSid: must be CA followed by 32 hex digits');
    expect(text).toContain('occurredAt: must be an RFC 3339 time, such as 2026-12-01T10:00:00Z');
    expect(text).not.toContain('4111');
  });

  test('an event id that looks like a person’s hold (manual:, supervisor:, api:) is refused, in any case', () => {
    for (const eventId of ['manual:alice', 'supervisor:bob', 'API:1', 'Manual:x']) {
      const check = parseDesktopEventBody({ ...valid, eventId });
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.problems).toEqual(['eventId: must not start with manual:, supervisor: or api: (those name a person’s hold)']);
    }
    expect(parseDesktopEventBody({ ...valid, eventId: 'evt:manual:1' }).ok).toBe(true);
  });

  test('a body over 4 KiB or nested is refused as the function reads it, before any field is looked at', () => {
    const read = (body: Record<string, unknown>) => readEvent({ request: { headers: {} }, ...body }, DESKTOP_EVENT_LIMITS);
    expect(read({ ...valid, agent: 'a'.repeat(5000) })).toEqual({ ok: false, problem: 'the body is over 4096 bytes' });
    expect(read({ ...valid, trigger: { deeper: [1] } })).toEqual({ ok: false, problem: 'the body is nested too deeply' });
    expect(read({ 0: valid })).toEqual({ ok: false, problem: 'the body must be a JSON object, not an array' });
    expect(parseDesktopEventBody({ ...valid, agent: 'a'.repeat(300) })).toEqual({ ok: false, problems: ['agent: is too long'] });
  });
});
