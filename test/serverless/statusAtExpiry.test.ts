/**
 * The plugin asks `status` the moment a call's holds are due (a stop no next field followed): in a
 * container that knows the call, that look resumes the call from the ledger it has — the write, then
 * the resume, nothing read first. An agent's right to a call comes from the ledger the functions
 * wrote at the acceptance, or from TaskRouter's reservations: never from what a task's attributes say.
 */
import { NEXT_FIELD_WINDOW_MS } from '../../src/core/desktopEvents';
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { handleRecordingControl, type RecordingControlsDeps } from '../../src/serverless/lib/endpoints/recordingControls';
import { buildServices } from '../../src/serverless/lib/wiring/services';
import { taskEventDeps } from '../../src/serverless/lib/endpoints/taskEvent';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { apiDeps, ledgerAtStandin, shippedConfig, signed, statusOf, testEnv } from '../support/harness';
import { useStandinWithTaskEvents } from '../support/taskEvents';

let clock = Date.parse('2030-05-06T09:00:00Z');
const now = () => new Date(clock);
const { standin, route } = useStandinWithTaskEvents({ now });

type Json = Record<string, any>;
const ask = (verb: 'status' | 'pause', deps: RecordingControlsDeps, body: Json) =>
  handleRecordingControl(verb, deps, { headers: {}, body }).then((result) => ({ status: result.status, body: result.body as Json }));
const operationsSince = (mark: number) =>
  standin
    .requests()
    .slice(mark)
    .map((request) => request.operation ?? '');

/** One Function container that takes TaskRouter's events, the agent's signals and the plugin's requests, with the product's next-field window. */
function container() {
  const services = buildServices(readSettings({ ...testEnv, NEXT_FIELD_WINDOW_MS: String(NEXT_FIELD_WINDOW_MS) }), { now, asset: () => shippedConfig });
  const { settings, calls, control, answers } = services;
  route.container = taskEventDeps(services);
  return { api: { ...services, now }, signals: { settings, config: shippedConfig, calls, control, answers, now } };
}

test('the look at an expiry in a container that knows the call: the write, then one resume, no recordings list', async () => {
  const warm = container();
  const call = standin.createLiveCall({ agent: 'ada', recording: 'call' });
  await standin.callbacksDelivered();
  const ref = { taskSid: call.taskSid, callSid: call.callSid, Token: call.token };
  // The plugin's first look at the call (its token now known here).
  expect((await ask('status', warm.api, ref)).status).toBe(200);
  const send = (trigger: string) => handleDesktopEvent(warm.signals, signed({ agent: 'ada', trigger }, { timestamp: clock / 1000 }));
  await send('cvv.focus');
  clock += 3_000;
  const left = (await send('cvv.blur')).body as Json;
  clock = Date.parse(left.holds[0].resumeAt);

  const mark = standin.requests().length;
  const status = await ask('status', warm.api, ref);
  expect(status).toMatchObject({ status: 200, body: { recording: 'in-progress', holds: [] } });
  expect(await statusOf(standin, call.recordingSids[0])).toBe('in-progress');
  const operations = operationsSince(mark);
  expect(operations).not.toContain('recording.list');
  expect(operations.filter((operation) => operation === 'recording.update')).toHaveLength(1);
  // Written down first, on the revision this container wrote last: the ledger is not read at all.
  const written = operations.indexOf('sync.document.update');
  expect(written).toBeGreaterThanOrEqual(0);
  expect(written).toBeLessThan(operations.indexOf('recording.update'));
  const ledgerRead = standin
    .requests()
    .slice(mark)
    .findIndex((request) => request.operation === 'sync.document.fetch' && request.path.endsWith(`rc-call-${call.callSid}`));
  expect(ledgerRead).toBe(-1);
  // The ledger names ada on this task since her acceptance: TaskRouter is not asked whether she holds it.
  expect(operations.some((operation) => operation.startsWith('taskrouter') || operation === 'token.validate')).toBe(false);
});

test('an agent the ledger does not name on the task is refused, and rewriting the task’s attributes changes nothing', async () => {
  const ada = standin.createLiveCall({ agent: 'ada', recording: 'call' });
  const bob = standin.createLiveCall({ agent: 'bob', recording: 'call' });
  await standin.callbacksDelivered();
  expect((await ledgerAtStandin(standin, ada.callSid))?.record.call).toMatchObject({ agent: 'ada', workerSid: ada.workerSid, taskSid: ada.taskSid });

  // A container new to the call: the ledger it reads to find the call names ada, so she needs no reservations list.
  const fresh = apiDeps({}, now);
  const mark = standin.requests().length;
  expect((await ask('status', fresh, { callSid: ada.callSid, Token: ada.token })).status).toBe(200);
  expect(operationsSince(mark)).not.toContain('taskrouter.reservation.list');
  // The same ledger on hand names someone else for bob: TaskRouter's reservations decide, and say no.
  expect(await ask('pause', fresh, { callSid: ada.callSid, Token: bob.token })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  expect(await statusOf(standin, ada.recordingSids[0])).toBe('in-progress');

  // Ada writes bob into her task's attributes: neither the ledger nor bob's right follows.
  const attributes = standin.task(ada.taskSid)!.attributes as Json;
  standin.setTaskAttributes(ada.taskSid, ada.token, {
    ...attributes,
    worker_sid: bob.workerSid,
    agent: 'bob',
    contact_uri: 'client:bob',
    call_sid: ada.callSid,
  });
  await standin.callbacksDelivered();
  expect((await ledgerAtStandin(standin, ada.callSid))?.record.call).toMatchObject({ agent: 'ada', workerSid: ada.workerSid });
  for (const deps of [fresh, apiDeps({}, now)]) {
    for (const named of [{ callSid: ada.callSid }, { taskSid: ada.taskSid }, { taskSid: ada.taskSid, callSid: ada.callSid }]) {
      expect(await ask('pause', deps, { ...named, Token: bob.token })).toMatchObject({ status: 403 });
      expect(await ask('status', deps, { ...named, Token: bob.token })).toMatchObject({ status: 403 });
    }
  }
  expect(await statusOf(standin, ada.recordingSids[0])).toBe('in-progress');
});
