/**
 * A container whose copy of the desktop item events is older than 5 s reads it again before a
 * signal acts — but a start trigger's pause does not wait for that read: it goes out by the copy on
 * hand, and the change waits for the newer copy, which must say the same of the trigger (else the
 * pause is put back and the signal acts by the newer one).
 */
import { buildServices } from '../../src/serverless/lib/services';
import { readSettings } from '../../src/serverless/lib/settings';
import { handleDesktopEvent } from '../../src/serverless/lib/signals/desktopEvent';
import { handleDesktopEventsConfig } from '../../src/serverless/lib/api/desktopEventsConfigApi';
import { shippedConfig, signed, testEnv, useStandin } from '../support/harness';

let clock = Date.parse('2030-05-06T08:00:00Z');
const now = () => new Date(clock);
const standin = useStandin();
type Json = Record<string, any>;
const body = (result: { body: unknown }) => result.body as Json;

/** A container that acted on the agent's call (so it knows it) and last read the configuration 6 s ago. */
async function idleContainer(agent: string) {
  const services = buildServices(readSettings(testEnv), { now, asset: () => shippedConfig });
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

test('when the newer configuration no longer pauses on the trigger, the early pause is put back and the signal is refused as unknown', async () => {
  const call = standin.createLiveCall({ agent: 'vic', recording: 'call' });
  const send = await idleContainer('vic');
  // An admin removes the card number event meanwhile, through another container.
  const admins = buildServices(readSettings(testEnv), { now, asset: () => shippedConfig });
  const saved = await handleDesktopEventsConfig(
    { configs: admins.configs, auth: admins.auth },
    {
      headers: { authorization: `Bearer ${testEnv.RECORDING_CONTROLS_ADMIN_KEYS}` },
      body: { version: 0, events: shippedConfig.ok ? shippedConfig.config.events.filter((event) => event.id !== 'card-number') : [] },
    },
  );
  expect(saved.status).toBe(200);
  const history = () => standin.recording(call.recordingSids[0])!.history.map((entry) => entry.status);
  const before = history().length;
  const answer = await send('card-number.focus');
  expect(answer.status).toBe(422);
  // The pause that went out by the older copy, and its undoing.
  expect(history().slice(before)).toEqual(['paused', 'in-progress']);
});
