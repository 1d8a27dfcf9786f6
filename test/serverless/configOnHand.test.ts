/**
 * A container whose copy of the desktop item events is older than 5 s reads it again before a
 * signal acts — but a start trigger's pause does not wait for that read: it goes out by the copy on
 * hand, and the change waits for the newer copy, which must say the same of the trigger (else the
 * pause is put back and the signal acts by the newer one). A stop that only moves its hold's end is
 * written by the copy on hand too; the newer copy, read alongside, must agree, or the end goes back.
 */
import { buildServices } from '../../src/serverless/lib/wiring/services';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { handleDesktopEventsConfig } from '../../src/serverless/lib/endpoints/desktopEventsConfigApi';
import { NEXT_FIELD_WINDOW_MS } from '../../src/core/desktopEvents';
import { ledgerAtStandin, shippedConfig, signed, testEnv, useStandin } from '../support/harness';

let clock = Date.parse('2030-05-06T08:00:00Z');
const now = () => new Date(clock);
const standin = useStandin();
type Json = Record<string, any>;
const body = (result: { body: unknown }) => result.body as Json;

/** A container that acted on the agent's call (so it knows it) and last read the configuration 6 s ago. */
async function idleContainer(agent: string, env: Record<string, string> = {}) {
  const services = buildServices(readSettings({ ...testEnv, ...env }), { now, asset: () => shippedConfig });
  const send = (trigger: string) =>
    handleDesktopEvent({ ...services, ...services.configs.forSignal(), now }, signed({ agent, trigger }, { timestamp: clock / 1000 }));
  expect((await send('cvv.focus')).status).toBe(200);
  expect((await send('cvv.blur')).status).toBe(200);
  clock += 6_000;
  return send;
}

test('the pause goes out while the configuration is read again, not after it', async () => {
  const call = standin.createLiveCall({ agent: 'uma', recording: 'call' });
  const send = await idleContainer('uma');
  standin.setLatency(40);
  try {
    const before = standin.requests().length;
    expect(body(await send('card-number.focus'))).toMatchObject({ outcome: 'paused', recording: 'paused' });
    const sent = standin.requests().slice(before);
    const configRead = sent.find((request) => request.path.endsWith('/Documents/rc-desktop-events-config'));
    const pause = sent.find((request) => request.operation === 'recording.update' && request.path.includes(call.callSid));
    expect(configRead?.answeredAt).toEqual(expect.any(String));
    // Sent before the read was answered: the two share a round trip.
    expect(Date.parse(pause!.at)).toBeLessThan(Date.parse(configRead!.answeredAt!));
  } finally {
    standin.setLatency(0);
  }
});

/** An admin removes the card number event, through another container. */
async function removeCardNumberEvent() {
  const admins = buildServices(readSettings(testEnv), { now, asset: () => shippedConfig });
  const saved = await handleDesktopEventsConfig(
    { configs: admins.configs, auth: admins.auth },
    {
      headers: { authorization: `Bearer ${testEnv.RECORDING_CONTROLS_ADMIN_KEYS}` },
      body: { version: 0, events: shippedConfig.ok ? shippedConfig.config.events.filter((event) => event.id !== 'card-number') : [] },
    },
  );
  expect(saved.status).toBe(200);
}

/** The agent typed the card number for 6 s (a stop then waits the next field's window): the container's copy aged past 5 s again. */
async function typingCardNumber(agent: string) {
  const send = await idleContainer(agent, { NEXT_FIELD_WINDOW_MS: String(NEXT_FIELD_WINDOW_MS) });
  expect(body(await send('card-number.focus'))).toMatchObject({ recording: 'paused' });
  clock += 6_000;
  return send;
}

const isConfigRead = (request: { operation: string | null; path: string }) =>
  request.operation === 'sync.document.fetch' && request.path.endsWith('/Documents/rc-desktop-events-config');

test("a stop that only moves its hold's end is written while the configuration is read again, not after it", async () => {
  const call = standin.createLiveCall({ agent: 'wes', recording: 'call' });
  const send = await typingCardNumber('wes');
  standin.setLatency(40);
  try {
    const before = standin.requests().length;
    expect(body(await send('card-number.blur'))).toMatchObject({ outcome: 'unchanged', recording: 'paused' });
    const sent = standin.requests().slice(before);
    const write = sent.find((request) => request.operation === 'sync.document.update' && request.path.endsWith(`rc-call-${call.callSid}`));
    // The saved configuration is still read (it applies within 5 s), but none of its reads is answered before the write goes out.
    expect(sent.filter(isConfigRead)).toHaveLength(1);
    expect(sent.filter((request) => isConfigRead(request) && Date.parse(request.answeredAt!) <= Date.parse(write!.at))).toEqual([]);
    // Nothing asked of Twilio's recordings: the hold waits for the next field.
    expect(sent.filter((request) => request.operation?.startsWith('recording.'))).toEqual([]);
  } finally {
    standin.setLatency(0);
  }
});

test('when the newer configuration no longer has the stop, the hold is left as it was and the signal is refused as unknown', async () => {
  const call = standin.createLiveCall({ agent: 'xia', recording: 'call' });
  const send = await typingCardNumber('xia');
  const holdsBefore = (await ledgerAtStandin(standin, call.callSid))!.record.holds;
  expect(holdsBefore).toEqual([expect.objectContaining({ id: 'card-number' })]);
  await removeCardNumberEvent();
  const history = () => standin.recording(call.recordingSids[0])!.history.map((entry) => entry.status);
  const recorded = history().length;
  expect((await send('card-number.blur')).status).toBe(422);
  expect((await ledgerAtStandin(standin, call.callSid))!.record.holds).toEqual(holdsBefore);
  expect(history().slice(recorded)).toEqual([]);
});

test('when the newer configuration no longer pauses on the trigger, the early pause is put back and the signal is refused as unknown', async () => {
  const call = standin.createLiveCall({ agent: 'vic', recording: 'call' });
  const send = await idleContainer('vic');
  // An admin removes the card number event meanwhile, through another container.
  await removeCardNumberEvent();
  const history = () => standin.recording(call.recordingSids[0])!.history.map((entry) => entry.status);
  const before = history().length;
  const answer = await send('card-number.focus');
  expect(answer.status).toBe(422);
  // The pause that went out by the older copy, and its undoing.
  expect(history().slice(before)).toEqual(['paused', 'in-progress']);
});

test('a stop the older copy cannot write alone (another hold closes with it) acts by the newer, with no read of the ledger more', async () => {
  const call = standin.createLiveCall({ agent: 'yan', recording: 'call' });
  const send = await idleContainer('yan', { NEXT_FIELD_WINDOW_MS: String(NEXT_FIELD_WINDOW_MS) });
  expect(body(await send('card-number.focus'))).toMatchObject({ recording: 'paused' });
  expect(body(await send('card-number.blur'))).toMatchObject({ recording: 'paused' });
  expect(body(await send('cvv.focus'))).toMatchObject({ recording: 'paused' });
  // The CVV typed for 6 s: the card number's hold is past its wait for the next field, and the copy past 5 s.
  clock += 6_000;
  const before = standin.requests().length;
  expect(body(await send('cvv.blur'))).toMatchObject({ recording: 'paused' });
  const sent = standin.requests().slice(before);
  expect(sent.filter(isConfigRead)).toHaveLength(1);
  // This container wrote the ledger last: the write's If-Match checks it, and nothing reads it first.
  expect(sent.filter((request) => request.operation === 'sync.document.fetch' && request.path.endsWith(`rc-call-${call.callSid}`))).toEqual([]);
});
