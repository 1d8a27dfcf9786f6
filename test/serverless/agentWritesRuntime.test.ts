/**
 * Nothing an agent can write in TaskRouter changes what the functions decide (docs/architecture.md,
 * "Who can reach what"). In Flex an agent's browser may rewrite every attribute of the tasks it holds
 * (`task.setAttributes()`); the stand-in lets an agent's Flex token do the same
 * (`POST /__standin/tasks/<taskSid>/attributes`, with TaskRouter's `task.updated` after it). Each
 * sequence below was an insider's way in; it runs as Twilio runs the functions (built, in twilio-run,
 * over HTTP) on the run's shared local stack, and what Twilio ends up with is read at the stand-in.
 */
import { signedHeaders } from '../../src/core/signature';
import { LedgerStore } from '../../src/serverless/lib/stores/ledgerStore';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { twilioClient } from '../../src/serverless/lib/twilio/twilioClient';
import { DEFAULT_RETRIES } from '../../src/serverless/lib/twilio/retry';
import { testEnv } from '../support/harness';
import { sharedStack, uniqueAgent } from '../support/sharedStack';

jest.setTimeout(120_000);
const stack = sharedStack();
const account = twilioClient(readSettings({ ...testEnv, SYNC_SERVICE_SID: stack.syncServiceSid, TWILIO_API_BASE_URL: stack.standinUrl }));
const ledgers = new LedgerStore(account, DEFAULT_RETRIES, stack.syncServiceSid);

type Json = Record<string, any>;
let eventIds = 0;

async function answerOf(response: Response): Promise<{ status: number; body: Json }> {
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
}

/** A signal from the desktop relay, signed with the deployment's secret. */
function relaySignal(agent: string, trigger: string, callSid?: string) {
  const body = { eventId: `agent-writes-${(eventIds += 1)}`, agent, trigger, ...(callSid && { callSid }) };
  return fetch(`${stack.functionsUrl}/desktop-event`, {
    method: 'POST',
    headers: { ...signedHeaders(testEnv.DESKTOP_EVENT_SECRET, body), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }).then(answerOf);
}

/** The same signal from a CRM page inside Flex: the agent's Flex token stands in for the signature. */
function tokenSignal(token: string, agent: string, trigger: string, callSid?: string) {
  const body = { eventId: `agent-writes-${(eventIds += 1)}`, agent, trigger, ...(callSid && { callSid }) };
  return fetch(`${stack.functionsUrl}/desktop-event`, {
    method: 'POST',
    headers: { Token: token, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }).then(answerOf);
}

/** A Recording Controls verb from an agent's Flex (form-encoded, as Flex posts). */
function verb(name: string, token: string, fields: Record<string, string>) {
  return fetch(`${stack.functionsUrl}/recording-controls/${name}`, { method: 'POST', body: new URLSearchParams({ Token: token, ...fields }) }).then(answerOf);
}

const recordingStatus = async (sid: string) => (await stack.standin.recording(sid)).status;
const statuses = (sids: string[]) => Promise.all(sids.map(recordingStatus));

/** What an agent's browser may do to its own task: any attribute, replaced. */
async function rewrite(taskSid: string, token: string, change: (attributes: Json) => Json): Promise<void> {
  const { attributes } = await stack.standin.task(taskSid);
  await stack.standin.setTaskAttributes(taskSid, token, change(attributes as Json));
}

test("an agent's task pointed at a colleague's call reaches nothing of it: not by signal, API, Sync or the task's end", async () => {
  const alice = uniqueAgent('alice');
  const mallory = uniqueAgent('mallory');
  const alicesCall = await stack.standin.createLiveCall({ agent: alice, recording: 'both', conferenceDelayMs: 0 });
  const mallorysCall = await stack.standin.createLiveCall({ agent: mallory, recording: 'both', conferenceDelayMs: 0 });
  expect((await relaySignal(alice, 'card-number.focus')).body).toMatchObject({ outcome: 'paused', recording: 'paused', callSid: alicesCall.callSid });

  await rewrite(mallorysCall.taskSid, mallorysCall.token, (attributes) => ({
    ...attributes,
    call_sid: alicesCall.callSid,
    conference: { sid: alicesCall.conferenceSid, participants: { customer: alicesCall.callSid } },
  }));

  // Her own task still names her own call to the API, and her signal goes to her own call.
  const status = await verb('status', mallorysCall.token, { taskSid: mallorysCall.taskSid });
  expect(status.body.callSid).toBe(mallorysCall.callSid);
  expect((await verb('status', mallorysCall.token, { callSid: alicesCall.callSid })).status).toBe(403);
  expect((await tokenSignal(mallorysCall.token, mallory, 'card-number.blur', alicesCall.callSid)).status).toBe(404);
  expect((await relaySignal(mallory, 'cvv.focus')).body).toMatchObject({ callSid: mallorysCall.callSid, recording: 'paused' });
  expect(await statuses(mallorysCall.recordingSids)).toEqual(['paused', 'paused']);

  // Alice's ledger names Alice's task alone; Mallory's wrap-up closes nothing of Alice's.
  expect((await ledgers.load(alicesCall.callSid))?.record.call).toMatchObject({ agent: alice, taskSid: alicesCall.taskSid });
  await stack.standin.endCall(mallorysCall.callSid);
  expect(await statuses(alicesCall.recordingSids)).toEqual(['paused', 'paused']);
  const alicesLedger = (await ledgers.load(alicesCall.callSid))?.record;
  expect(alicesLedger?.holds.map((hold) => hold.id)).toEqual(['card-number']);
  expect(alicesLedger?.call.agent).toBe(alice);

  // Her Sync token was never granted Alice's call document.
  const syncToken = await fetch(`${stack.functionsUrl}/sync-token`, { method: 'POST', body: new URLSearchParams({ Token: mallorysCall.token }) }).then(
    answerOf,
  );
  expect(syncToken.status).toBe(200);
  const read = await fetch(
    `${stack.standinUrl}/__standin/sync/documents/rc-call-${alicesCall.callSid}?service=${stack.syncServiceSid}&token=${syncToken.body.token}`,
  );
  expect(read.status).toBe(403);
});

test('a task whose attributes say it ended still has its end counted: the record is written and the call leaves the index', async () => {
  const dana = uniqueAgent('dana');
  const call = await stack.standin.createLiveCall({ agent: dana, recording: 'call', conferenceDelayMs: 0 });
  expect((await relaySignal(dana, 'cvv.focus')).body).toMatchObject({ recording: 'paused' });
  await rewrite(call.taskSid, call.token, (attributes) => ({ ...attributes, recording_controls: { ended_at: new Date(0).toISOString() } }));
  await stack.standin.endCall(call.callSid);
  const { attributes } = await stack.standin.task(call.taskSid);
  expect((attributes as Json).recording_controls).toMatchObject({ call_sid: call.callSid, holds: [] });
  expect((attributes as Json).recording_controls.ended_at).not.toBe(new Date(0).toISOString());
  expect((await ledgers.load(call.callSid))?.record.endedTasks).toEqual([call.taskSid]);
});

test("an agent's Flex token cannot close a hold the signed desktop relay opened; it closes its own", async () => {
  const erin = uniqueAgent('erin');
  const call = await stack.standin.createLiveCall({ agent: erin, recording: 'both', conferenceDelayMs: 0 });
  expect((await relaySignal(erin, 'card-number.focus')).body).toMatchObject({ outcome: 'paused' });
  const refused = await tokenSignal(call.token, erin, 'card-number.blur');
  expect(refused.body).toMatchObject({ outcome: 'unchanged', recording: 'paused' });
  expect(refused.body.holds.map((hold: Json) => hold.id)).toEqual(['card-number']);
  expect(await statuses(call.recordingSids)).toEqual(['paused', 'paused']);
  expect((await relaySignal(erin, 'card-number.blur')).body).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });

  expect((await tokenSignal(call.token, erin, 'cvv.focus')).body).toMatchObject({ outcome: 'paused' });
  expect((await tokenSignal(call.token, erin, 'cvv.blur')).body).toMatchObject({ outcome: 'resumed' });
  expect(await statuses(call.recordingSids)).toEqual(['in-progress', 'in-progress']);
});

test('a transfer made before Flex names the conference: the new agent’s pause reaches the conference’s recording', async () => {
  const fay = uniqueAgent('fay');
  const gus = uniqueAgent('gus');
  // Flex names the conference in the task long after the transfer: only its name (the first task) finds it.
  const call = await stack.standin.createLiveCall({ agent: fay, recording: 'both', conferenceDelayMs: 60_000 });
  const transfer = await stack.standin.transferCall(call.callSid, gus);
  const paused = await relaySignal(gus, 'card-number.focus');
  expect(paused.body).toMatchObject({ outcome: 'paused', recording: 'paused', callSid: call.callSid });
  expect(await statuses(call.recordingSids)).toEqual(['paused', 'paused']);
  // Gus's status, naming his task, sees the conference's recording too.
  const status = await verb('status', transfer.token, { taskSid: transfer.taskSid });
  expect(status.body).toMatchObject({ recording: 'paused' });
  expect(status.body.recordings.map((recording: Json) => [recording.kind, recording.status]).sort()).toEqual([
    ['call', 'paused'],
    ['conference', 'paused'],
  ]);
  expect((await relaySignal(gus, 'card-number.blur')).body).toMatchObject({ outcome: 'resumed', recording: 'in-progress' });
  expect(await statuses(call.recordingSids)).toEqual(['in-progress', 'in-progress']);
});

test('an agent with two live calls: a signal that names no call pauses and resumes both', async () => {
  const hal = uniqueAgent('hal');
  const older = await stack.standin.createLiveCall({ agent: hal, recording: 'both', conferenceDelayMs: 0 });
  // A signal here first, so this container remembers the older call for Hal.
  expect((await relaySignal(hal, 'cvv.blur')).status).toBe(200);
  const newer = await stack.standin.createLiveCall({ agent: hal, recording: 'both', conferenceDelayMs: 0 });
  const paused = await relaySignal(hal, 'card-number.focus');
  expect(paused.body).toMatchObject({ outcome: 'paused', recording: 'paused' });
  expect(await statuses([...older.recordingSids, ...newer.recordingSids])).toEqual(['paused', 'paused', 'paused', 'paused']);
  expect((await relaySignal(hal, 'card-number.blur')).body).toMatchObject({ recording: 'in-progress' });
  expect(await statuses([...older.recordingSids, ...newer.recordingSids])).toEqual(['in-progress', 'in-progress', 'in-progress', 'in-progress']);
});

test("TaskRouter's events redelivered late change nothing: an ended call's acceptance does not become the agent's call again", async () => {
  const ida = uniqueAgent('ida');
  const first = await stack.standin.createLiveCall({ agent: ida, recording: 'call', conferenceDelayMs: 0 });
  await stack.standin.endCall(first.callSid);
  const second = await stack.standin.createLiveCall({ agent: ida, recording: 'call', conferenceDelayMs: 0 });
  const delivered = await stack.standin.eventCallbacks();
  const oldAcceptance = delivered.find((event) => event.taskSid === first.taskSid && event.eventType === 'reservation.accepted');
  const oldEnd = delivered.find((event) => event.taskSid === first.taskSid && event.eventType === 'task.wrapup');
  expect(oldAcceptance && oldEnd).toBeTruthy();
  const before = await ledgers.load(first.callSid);
  for (const event of [oldAcceptance!, oldEnd!]) expect((await stack.standin.redeliverEventCallback(event.sid)).status).toBe(204);
  expect((await ledgers.load(first.callSid))?.revision).toBe(before?.revision);
  const requestsBefore = (await stack.standin.requests()).length;
  expect((await relaySignal(ida, 'cvv.focus')).body).toMatchObject({ callSid: second.callSid, recording: 'paused' });
  // The agent's entry still names the live call: the signal needed no search.
  const asked = (await stack.standin.requests()).slice(requestsBefore);
  expect(asked.filter((request) => request.path.includes('/Workers') || request.path.includes('/Events'))).toEqual([]);
});

test("a task's attributes grown past a megabyte by its agent do not keep its end from counting", async () => {
  const jo = uniqueAgent('jo');
  const call = await stack.standin.createLiveCall({ agent: jo, recording: 'call', conferenceDelayMs: 0 });
  expect((await relaySignal(jo, 'cvv.focus')).body).toMatchObject({ recording: 'paused' });
  await rewrite(call.taskSid, call.token, (attributes) => ({ ...attributes, notes: 'x'.repeat(1_200_000) }));
  await stack.standin.endCall(call.callSid);
  const ends = (await stack.standin.eventCallbacks()).filter((event) => event.taskSid === call.taskSid && event.eventType === 'task.wrapup');
  expect(ends.map((event) => event.status)).toEqual([204]);
  expect((await ledgers.load(call.callSid))?.record).toMatchObject({ holds: [], endedTasks: [call.taskSid] });
  expect(await statuses(call.recordingSids)).toEqual(['completed']);
});

test("a record of its end the agent erased from its task is written again by the task's next end event, and nothing is counted twice", async () => {
  const kim = uniqueAgent('kim');
  const call = await stack.standin.createLiveCall({ agent: kim, recording: 'call', conferenceDelayMs: 0 });
  expect((await relaySignal(kim, 'cvv.focus')).body).toMatchObject({ recording: 'paused' });
  await stack.standin.endCall(call.callSid);
  // In wrap-up the agent still holds the task, and takes the record out of it.
  await rewrite(call.taskSid, call.token, (attributes) => ({ ...attributes, recording_controls: {} }));
  const ended = await ledgers.load(call.callSid);
  expect(ended?.record.endedTasks).toEqual([call.taskSid]);

  await account.taskrouter.v1.workspaces(testEnv.TWILIO_WORKSPACE_SID).tasks(call.taskSid).update({ assignmentStatus: 'completed' });
  // TaskRouter's task.completed reaches the functions on its own time: wait for what it writes.
  for (let tries = 0; ; tries += 1) {
    const record = ((await stack.standin.task(call.taskSid)).attributes as Json).recording_controls;
    if (record?.ended_at) {
      expect(record).toMatchObject({ call_sid: call.callSid, holds: [], intervals: [expect.objectContaining({ holdIds: ['cvv'] })] });
      break;
    }
    if (tries > 200) throw new Error('the end record was not written again');
    await new Promise((resolve) => setImmediate(resolve));
    await stack.standin.eventCallbacks();
  }
  // The end was not handled again: the ledger is as the first end left it.
  expect((await ledgers.load(call.callSid))?.revision).toBe(ended?.revision);
});
