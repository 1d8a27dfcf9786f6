/**
 * docs/openapi.json against what the functions really accept and answer: every path has a
 * function, every documented field is accepted (and only those), and real answers — successes
 * and every kind of refusal — validate against the documented schema and codes.
 */
import Ajv2020 from 'ajv/dist/2020';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DESKTOP_EVENT_FIELDS } from '../../src/core/desktopEventRequest';
import { handleDesktopEvent } from '../../src/serverless/lib/signals/desktopEvent';
import { handleRecordingControl, VERB_BODIES, VERBS, Verb } from '../../src/serverless/lib/api/recordingControls';
import { apiDeps, desktopDeps, signed, useStandin } from '../support/harness';

const standin = useStandin();
jest.setTimeout(30_000);
const root = join(__dirname, '../..');
const doc = JSON.parse(readFileSync(join(root, 'docs/openapi.json'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
// RFC 3339 date-times, as the contract says.
ajv.addFormat('date-time', (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value));
ajv.addSchema({ $id: 'openapi', components: doc.components });

const requestFields = (path: string): string[] =>
  Object.keys(doc.paths[path].post.requestBody.content['application/json'].schema.properties).sort();

function expectDocumented(path: string, status: number, body: unknown) {
  const response = doc.paths[path].post.responses[String(status)];
  if (!response) throw new Error(`${path} answered ${status}, which the document does not list`);
  const schema = JSON.parse(JSON.stringify(response.content['application/json'].schema).replace(/"#\/components/g, '"openapi#/components'));
  const validate = ajv.compile(schema);
  if (!validate(body)) throw new Error(`${path} ${status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(body)}`);
  const code = (body as { error?: { code: string } }).error?.code;
  if (code) expect(response.description).toContain(code);
}

test('every documented path is a function, and every function is documented', () => {
  const documented = Object.keys(doc.paths).sort();
  expect(documented).toEqual(['/desktop-event', ...VERBS.map((verb) => `/recording-controls/${verb}`)].sort());
  for (const path of documented) expect(existsSync(join(root, 'build/serverless/functions', `${path}.js`))).toBe(true);
});

test('the documented request fields are exactly the accepted ones', () => {
  expect(requestFields('/desktop-event')).toEqual([...DESKTOP_EVENT_FIELDS].sort());
  for (const verb of VERBS) expect(requestFields(`/recording-controls/${verb}`)).toEqual(Object.keys(VERB_BODIES[verb].shape).sort());
});

test('desktop-event answers match the document', async () => {
  standin.createLiveCall({ agent: 'alice', recording: 'both' });
  const deps = desktopDeps();
  const answers = [
    await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'card-number.focus' })),
    await handleDesktopEvent(deps, { headers: {}, body: [] }),
    await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'cvv.focus' }, { secret: 'x' })),
    await handleDesktopEvent(deps, signed({ agent: 'nobody', trigger: 'cvv.focus' })),
    await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'nope' })),
    await handleDesktopEvent(desktopDeps({}, { DESKTOP_EVENT_SECRET: '' }), signed({ agent: 'alice', trigger: 'cvv.focus' })),
  ];
  standin.injectFault({ operation: 'recording.update', status: 503, code: 20503, times: 1000 });
  answers.push(await handleDesktopEvent(deps, signed({ agent: 'alice', trigger: 'cvv.focus' })));
  expect(answers.map((answer) => answer.status)).toEqual([200, 400, 401, 404, 422, 500, 502]);
  for (const answer of answers) expectDocumented('/desktop-event', answer.status, answer.body);
});

test('recording-controls answers match the document', async () => {
  const live = standin.createLiveCall({ agent: 'alice', recording: 'none' });
  const other = standin.createLiveCall({ agent: 'bob', recording: 'call' });
  const key = { authorization: 'Bearer test-api-key' };
  const run = async (verb: Verb, body: Record<string, unknown>, headers: Record<string, string> = {}, env: Record<string, string> = {}) => {
    const answer = await handleRecordingControl(verb, apiDeps(env), { headers, body });
    expectDocumented(`/recording-controls/${verb}`, answer.status, answer.body);
    return answer.status;
  };
  const statuses = [
    await run('start', { callSid: live.callSid, Token: live.token }),
    await run('start', { callSid: live.callSid, Token: live.token }),
    await run('pause', { callSid: live.callSid, Token: live.token, reason: 'card' }),
    await run('status', { callSid: live.callSid }, key),
    await run('timeline', { callSid: live.callSid }, key),
    await run('resume', { callSid: live.callSid, Token: live.token }),
    await run('tags', { taskSid: live.taskSid, tags: ['a'], metadata: { b: 'c' } }, key),
    await run('stop', { callSid: live.callSid }, key),
    await run('stop', { callSid: live.callSid }, key, { ALLOW_STOP_RECORDING: 'true' }),
    await run('pause', { callSid: other.callSid, Token: live.token }),
    await run('pause', { callSid: live.callSid }),
    await run('pause', { callSid: 'nope' }, key),
    await run('status', { callSid: `CA${'e'.repeat(32)}` }, key),
  ];
  expect(statuses).toEqual([200, 409, 200, 200, 200, 200, 200, 403, 200, 403, 401, 400, 404]);
});
