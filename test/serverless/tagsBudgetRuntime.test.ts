/**
 * What `POST /recording-controls/tags` may keep on a task in all (docs/api.md): each request is
 * capped, and so is their sum, so the task's end record still fits in its attributes. Run as Twilio
 * runs the functions (built, in twilio-run, over HTTP) on the run's shared local stack
 * (test/support/sharedStack.ts), the task read back at the stand-in.
 */
import { TAGS_BUDGET } from '../../src/serverless/lib/endpoints/recordingControls';
import { sharedStack, uniqueAgent } from '../support/sharedStack';

jest.setTimeout(120_000);
const stack = sharedStack();

type Json = Record<string, any>;

async function tags(token: string, body: Json): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${stack.functionsUrl}/recording-controls/tags`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ Token: token, ...body }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

const attributesOf = async (taskSid: string) => (await stack.standin.task(taskSid)).attributes as Json;
const bytesOf = (kept: { tags: string[]; metadata: Record<string, string> }) => Buffer.byteLength(JSON.stringify(kept));
const numbered = (prefix: string, from: number, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${String(from + i).padStart(3, '0')}`);

/** The refusal: what the budget is, and that nothing changed; never what was sent. */
function expectRefused(answer: { status: number; body: Json }, sent: string[]) {
  expect(answer.status).toBe(400);
  expect(answer.body.error.code).toBe('invalid_request');
  const { message } = answer.body.error as { message: string };
  for (const figure of [TAGS_BUDGET.tags, TAGS_BUDGET.metadata, TAGS_BUDGET.bytes]) expect(message).toContain(String(figure));
  expect(message).toContain('nothing was changed');
  for (const value of sent) expect(JSON.stringify(answer.body)).not.toContain(value);
}

test('tags and metadata fill up to their counts; the next one is refused and the task keeps what it had', async () => {
  const call = await stack.standin.createLiveCall({ agent: uniqueAgent('tina'), recording: 'call', conferenceDelayMs: 0 });
  // Twenty a request (each request's own cap), until the budget's counts are reached.
  const allTags = numbered('t', 0, TAGS_BUDGET.tags);
  const allKeys = numbered('k', 0, TAGS_BUDGET.metadata);
  for (let from = 0; from < allTags.length; from += 20) {
    const metadata = Object.fromEntries(allKeys.slice(from, from + 20).map((key) => [key, 'v']));
    expect((await tags(call.token, { taskSid: call.taskSid, tags: allTags.slice(from, from + 20), metadata })).status).toBe(200);
  }
  const full = await attributesOf(call.taskSid);
  expect(full.recording_controls.tags).toEqual(allTags);
  expect(Object.keys(full.recording_controls.metadata)).toEqual(allKeys);
  expect(bytesOf(full.recording_controls)).toBeLessThanOrEqual(TAGS_BUDGET.bytes);

  expectRefused(await tags(call.token, { taskSid: call.taskSid, tags: ['one-more-tag'] }), ['one-more-tag']);
  expectRefused(await tags(call.token, { taskSid: call.taskSid, metadata: { extra_key: 'extra-value' } }), ['extra_key', 'extra-value']);
  // Refused whole: the known tag beside the new one is not written either.
  expectRefused(await tags(call.token, { callSid: call.callSid, tags: [allTags[0], 'another-new-tag'] }), ['another-new-tag']);
  expect(await attributesOf(call.taskSid)).toEqual(full);

  // What is kept already may be sent again, and a value replaced in place.
  expect((await tags(call.token, { taskSid: call.taskSid, tags: allTags.slice(0, 3), metadata: { [allKeys[0]]: 'w' } })).status).toBe(200);
  expect((await attributesOf(call.taskSid)).recording_controls.metadata[allKeys[0]]).toBe('w');

  // The task's end record is written beside them.
  await stack.standin.endCall(call.callSid);
  expect((await attributesOf(call.taskSid)).recording_controls).toMatchObject({ call_sid: call.callSid, ended_at: expect.any(String), tags: allTags });
});

test('long values fill the byte budget before the counts; the next entry is refused and the task keeps what it had', async () => {
  const call = await stack.standin.createLiveCall({ agent: uniqueAgent('tomas'), recording: 'call', conferenceDelayMs: 0 });
  const value = (i: number) => `${String(i).padStart(3, '0')}-${'x'.repeat(252)}`; // 256 characters, the most a value may have
  const kept: { tags: string[]; metadata: Record<string, string> } = { tags: [], metadata: {} };
  let next = 0;
  // One entry a request, for as long as the next one still fits.
  while (bytesOf({ ...kept, metadata: { ...kept.metadata, [`k${next}`]: value(next) } }) <= TAGS_BUDGET.bytes) {
    kept.metadata[`k${next}`] = value(next);
    expect((await tags(call.token, { taskSid: call.taskSid, metadata: { [`k${next}`]: value(next) } })).status).toBe(200);
    next += 1;
  }
  expect(next).toBeLessThan(TAGS_BUDGET.metadata);
  const full = await attributesOf(call.taskSid);
  expect(full.recording_controls.metadata).toEqual(kept.metadata);

  expectRefused(await tags(call.token, { taskSid: call.taskSid, metadata: { [`k${next}`]: value(next) } }), [value(next)]);
  expectRefused(await tags(call.token, { taskSid: call.taskSid, tags: ['one-more'], metadata: { [`k${next}`]: value(next) } }), [value(next)]);
  expect(await attributesOf(call.taskSid)).toEqual(full);
});
