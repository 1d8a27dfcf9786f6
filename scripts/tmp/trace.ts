import twilio from 'twilio';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildServices } from '../../src/serverless/lib/runtime';
import { signedHeaders } from '../../src/core/signature';
import { TASK_EVENTS, taskEvent } from '../../src/serverless/lib/ledger/callbacks';
import { handleDesktopEvent } from '../../src/serverless/lib/signals/desktopEvent';
import { handleRecordingControl } from '../../src/serverless/lib/api/recordingControls';
import { readSettings } from '../../src/serverless/lib/settings';
import { createStandin } from '../../src/standin/standin';
import { parseDesktopEventsConfig } from '../../src/core/desktopEvents';
import { InProcessRequestClient } from '../bench/inProcess';

const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const WORKSPACE_SID = `WS${'0'.repeat(32)}`;
const SID = `IS${'5'.repeat(32)}`;
const env = { ACCOUNT_SID, AUTH_TOKEN: 'b'.repeat(32), TWILIO_WORKSPACE_SID: WORKSPACE_SID, SYNC_SERVICE_SID: SID, DESKTOP_EVENT_SECRET: 's', RECORDING_CONTROLS_API_KEYS: 'k' };
const L = 50;
async function main() {
  let label = '';
  const traced = async (name: string, work: () => Promise<unknown>) => {
    const mark = standin.requests().length;
    const t0 = Date.now();
    await work();
    const ms = Date.now() - t0;
    const reqs = standin.requests().slice(mark);
    console.log(`${name}: ${(ms / L).toFixed(1)} RT, ${reqs.length} REST`);
    for (const r of reqs) console.log(`   +${((Date.parse(r.at) - t0) / L).toFixed(1)} ${r.method} ${r.operation} ${r.status} ${r.path.replace(/\/v1\/Services\/IS5+/, '').slice(0, 90)}`);
  };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (c) => (body += c));
    request.on('end', () => {
      const event = Object.fromEntries(new URLSearchParams(body));
      if (!TASK_EVENTS.includes(event.EventType)) { response.statusCode = 204; response.end(); return; }
      void traced(`task-event ${event.EventType} ${label}`, () => taskEvent(cb(), event)).then(() => { response.statusCode = 204; response.end(); });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const standin = createStandin({ accountSid: ACCOUNT_SID, workspaceSid: WORKSPACE_SID, eventCallbackUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/task-event`, authToken: env.AUTH_TOKEN });
  standin.createSyncService({ sid: SID, friendlyName: 'rc', aclEnabled: true });
  const settings = readSettings(env);
  const client = twilio(settings.accountSid, settings.authToken, { httpClient: new InProcessRequestClient(standin) });
  const services = buildServices(settings, { client });
  const cb = () => ({ client, control: services.control, index: services.index, workspaceSid: WORKSPACE_SID, now: () => new Date(), grants: services.grants });
  const config = parseDesktopEventsConfig(JSON.stringify({ events: [
    { id: 'card-number', startTrigger: 'card-number.focus', action: 'pause', durationSeconds: 60, stopTrigger: 'card-number.blur' },
    { id: 'cvv', startTrigger: 'cvv.focus', action: 'pause', durationSeconds: 60, stopTrigger: 'cvv.blur' } ] }));
  const desktop = { ...services, config, now: () => new Date() };
  let n = 0;
  const signal = (agent: string, trigger: string, callSid?: string) => traced(`signal ${trigger}`, async () => {
    n += 1; const body = { eventId: `e${n}`, agent, trigger, ...(callSid && { callSid }) };
    const headers = Object.fromEntries(Object.entries(signedHeaders('s', body)).map(([k, v]) => [k.toLowerCase(), v]));
    const r = await handleDesktopEvent(desktop, { headers, body });
    if (r.status !== 200) console.log('  !!', r.status, JSON.stringify(r.body));
  });
  standin.setLatency(L);
  for (const round of ['warm-up', 'second']) {
    label = round;
    console.log(`=== ${round}`);
    const call = standin.createLiveCall({ agent: `a-${round}`, recording: (process.env.REC as any) ?? 'conference' });
    await standin.callbacksDelivered();
    await traced('status', () => handleRecordingControl('status', { ...services, now: () => new Date() }, { headers: { authorization: 'Bearer k' }, body: { callSid: call.callSid } }));
    for (const t of ['card-number.focus', 'card-number.blur', 'cvv.focus', 'cvv.blur']) await signal(`a-${round}`, t, process.env.NAMED ? call.callSid : undefined);
    standin.endCall(call.callSid);
    await standin.callbacksDelivered();
  }
  server.close();
}
void main();
