/**
 * The desktop item events configuration at runtime (docs/api.md, *Desktop item events — the configuration*), end to end through the real
 * `twilio` SDK and the stand-in's Sync: who may read and save, optimistic concurrency, every
 * problem listed, the history, and signals acting on a saved change within 5 s — but never on a
 * stored document that is not a valid configuration.
 */
import type { DesktopItemEvent } from '../../src/core/desktopEvents';
import { Authenticator } from '../../src/serverless/lib/endpoints/auth';
import { handleDesktopEvent } from '../../src/serverless/lib/endpoints/desktopEvent';
import { CONFIG_DOCUMENT, DesktopEventsConfigStore, FRESH_MS, versionDocument } from '../../src/serverless/lib/stores/desktopEventsConfig';
import { ConfigApiDeps, handleDesktopEventsConfig, handleDesktopEventsConfigHistory } from '../../src/serverless/lib/endpoints/desktopEventsConfigApi';
import { readSettings } from '../../src/serverless/lib/base/settings';
import { twilioClient } from '../../src/serverless/lib/twilio/twilioClient';
import { DEFAULT_RETRIES } from '../../src/serverless/lib/twilio/retry';
import { desktopDeps, shippedConfig, signed, testEnv, useStandin } from '../support/harness';

const standin = useStandin();
jest.setTimeout(20_000);

type Json = Record<string, any>;
const settings = readSettings(testEnv);
const client = twilioClient(settings);
const shipped = shippedConfig.ok ? shippedConfig.config.events : [];
const KEY = { authorization: 'Bearer test-admin-key' };
const json = { 'content-type': 'application/json' };

/** One function container: its own Sync-backed store, clock and log. */
function container(clock: { now: number } = { now: Date.now() }) {
  const log: string[] = [];
  const configs = new DesktopEventsConfigStore(client, DEFAULT_RETRIES, 'default', {
    asset: () => shippedConfig,
    now: () => clock.now,
    log: (line) => log.push(line),
  });
  const deps: ConfigApiDeps = { auth: new Authenticator(settings), configs, log: (line) => log.push(line) };
  const call = async (endpoint: typeof handleDesktopEventsConfig, headers: Record<string, string>, body: Json = {}) => {
    const result = await endpoint(deps, { headers, body });
    return { status: result.status, body: result.body as Json };
  };
  return {
    configs,
    deps,
    log,
    clock,
    get: (headers: Record<string, string> = KEY, query: Json = {}) => call(handleDesktopEventsConfig, headers, query),
    put: (body: Json, headers: Record<string, string> = KEY) => call(handleDesktopEventsConfig, { ...json, ...headers }, body),
    history: (headers: Record<string, string> = KEY, query: Json = {}) => call(handleDesktopEventsConfigHistory, headers, query),
  };
}

const withCvvSeconds = (seconds: number): DesktopItemEvent[] => shipped.map((event) => (event.id === 'cvv' ? { ...event, durationSeconds: seconds } : event));
const adminToken = () => standin.createLiveCall({ agent: 'ada', recording: 'none', role: 'admin' }).token;
const configFetches = () =>
  standin.requests().filter((request) => request.operation === 'sync.document.fetch' && request.path.endsWith(`/Documents/${CONFIG_DOCUMENT}`)).length;

describe('who may read and save', () => {
  test('no credentials, a bad token or a bad key: 401 unauthenticated; agents and supervisors: 403 forbidden', async () => {
    const api = container();
    const agent = standin.createLiveCall({ agent: 'alice', recording: 'none' });
    const supervisor = standin.createLiveCall({ agent: 'sue', recording: 'none', role: 'supervisor' });
    expect(await api.get({})).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await api.get({ token: 'forged' })).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await api.get({ authorization: 'Bearer nope' })).toMatchObject({ status: 401 });
    expect(await api.get({ token: agent.token })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await api.get({ token: supervisor.token })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await api.put({ version: 0, events: withCvvSeconds(10) }, { token: agent.token })).toMatchObject({ status: 403 });
    expect(await api.history({ token: supervisor.token })).toMatchObject({ status: 403 });
    // Nothing was saved by anyone refused.
    expect((await api.get()).body.version).toBe(0);
  });

  test('a Flex admin (Token header) and an admin key may read and save', async () => {
    const api = container();
    const token = adminToken();
    expect((await api.get({ token })).status).toBe(200);
    expect(await api.put({ version: 0, events: withCvvSeconds(10) }, { token })).toMatchObject({ status: 200, body: { version: 1, updatedBy: 'ada' } });
    expect(await api.put({ version: 1, events: withCvvSeconds(20) })).toMatchObject({ status: 200, body: { version: 2, updatedBy: 'admin-key-1' } });
  });

  test('a browser reads with a form-encoded POST of its Token and saves with a JSON POST carrying it', async () => {
    const api = container();
    const token = adminToken();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const read = await handleDesktopEventsConfig(api.deps, { headers: form, body: { Token: token } });
    expect(read).toEqual({ status: 200, body: { version: 0, events: shipped } });
    const saved = await handleDesktopEventsConfig(api.deps, { headers: json, body: { Token: token, version: 0, events: withCvvSeconds(10) } });
    expect(saved).toMatchObject({ status: 200, body: { version: 1, updatedBy: 'ada' } });
    expect(await handleDesktopEventsConfigHistory(api.deps, { headers: form, body: { Token: token } })).toMatchObject({
      status: 200,
      body: { versions: [{ version: 1 }] },
    });
  });

  test('an API key handed to an external application may read the configuration and its history, never save it', async () => {
    const api = container();
    const appKey = { authorization: 'Bearer test-api-key' };
    expect(await api.get(appKey)).toMatchObject({ status: 200, body: { version: 0 } });
    expect(await api.history(appKey)).toMatchObject({ status: 200, body: { versions: [] } });
    const refused = await api.put({ version: 0, events: withCvvSeconds(10) }, appKey);
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.stringMatching(/RECORDING_CONTROLS_ADMIN_KEYS/) } } });
    // Without cvv, say: nothing changed.
    expect((await api.get()).body).toMatchObject({ version: 0, events: shipped });
    // An admin key is no key for the Recording Controls API or the sweep.
    expect(new Authenticator(settings).apiKey('Bearer test-admin-key')).toMatchObject({ ok: false });
  });

  test('a body naming version or events is a save; a JSON body naming neither is a read, as many HTTP clients send a GET', async () => {
    expect(await container().put({ version: 'one' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_config', problems: [expect.stringMatching(/^version: /), 'events: must be a list of events'] } },
    });
    expect(await container().put({})).toEqual({ status: 200, body: { version: 0, events: shipped } });
  });

  test('a Flex token in a read’s URL is refused: URLs end up in logs', async () => {
    const api = container();
    expect(await api.get({}, { Token: adminToken() })).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthenticated', message: expect.stringMatching(/Token header/) } },
    });
  });
});

describe('reading and saving', () => {
  test('while the asset is in force: version 0 and no updatedAt; a save makes version 1 with who and when', async () => {
    const api = container();
    const before = await api.get();
    expect(before).toEqual({ status: 200, body: { version: 0, events: shipped } });

    const saved = await api.put({ version: 0, events: withCvvSeconds(10) });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ version: 1, events: withCvvSeconds(10), updatedAt: expect.any(String), updatedBy: 'admin-key-1' });
    expect(Math.abs(Date.parse(saved.body.updatedAt) - Date.now())).toBeLessThan(5000);
    // Any container reads the same: it is in Sync, not in this one's memory.
    expect((await container().get()).body).toEqual(saved.body);
  });

  test('a save echoing back what was read (updatedAt, updatedBy) is accepted', async () => {
    const api = container();
    await api.put({ version: 0, events: withCvvSeconds(10) });
    const read = (await api.get()).body;
    expect(await api.put({ ...read, events: withCvvSeconds(30) })).toMatchObject({ status: 200, body: { version: 2 } });
  });

  test('an edit of an older version is 409 version_conflict naming who saved meanwhile, and changes nothing', async () => {
    const alice = container();
    const bob = container();
    const ada = adminToken();
    await alice.put({ version: 0, events: withCvvSeconds(10) });
    const bobs = await bob.put({ version: 1, events: withCvvSeconds(20) }, { token: ada });
    expect(bobs.status).toBe(200);

    const stale = await alice.put({ version: 1, events: withCvvSeconds(30) });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'version_conflict',
      message: expect.stringContaining('saved by ada'),
      current: { version: 2, updatedBy: 'ada', updatedAt: bobs.body.updatedAt, events: withCvvSeconds(20) },
    });
    expect((await alice.get()).body).toEqual(bobs.body);
    expect((await alice.history()).body.versions.map((version: Json) => version.version)).toEqual([2, 1]);
  });

  test('two admins saving the same version at once: exactly one wins, the other gets 409', async () => {
    const api = container();
    await api.put({ version: 0, events: withCvvSeconds(10) });
    const results = await Promise.all([
      container().put({ version: 1, events: withCvvSeconds(20) }),
      container().put({ version: 1, events: withCvvSeconds(30) }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    const winner = results.find((result) => result.status === 200)?.body;
    expect((await api.get()).body).toEqual(winner);
    expect((await api.history()).body.versions.map((version: Json) => version.version)).toEqual([2, 1]);
  });

  test('the first save races too: only one creates version 1', async () => {
    const results = await Promise.all([
      container().put({ version: 0, events: withCvvSeconds(20) }),
      container().put({ version: 0, events: withCvvSeconds(30) }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
  });

  test('an invalid configuration is 400 invalid_config listing every problem, and nothing changes', async () => {
    const api = container();
    await api.put({ version: 0, events: withCvvSeconds(10) });
    const bad = await api.put({
      version: 1,
      events: [
        { id: 'cvv', startTrigger: 'cvv.focus', action: 'pause' },
        {
          id: 'cvv',
          startTrigger: 'cvv focus',
          action: 'mute',
          durationSeconds: 7200,
          fields: [{ selector: 'input[name=cvv]', origin: 'https://crm.example.com/pay' }],
        },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_config');
    expect(bad.body.error.problems).toEqual(
      expect.arrayContaining([
        'events[0]: needs durationSeconds, stopTrigger or both, or the pause would never end',
        expect.stringMatching(/^events\[1\]\.startTrigger: /),
        expect.stringMatching(/^events\[1\]\.action: /),
        expect.stringMatching(/^events\[1\]\.durationSeconds: /),
        expect.stringMatching(/^events\[1\]\.fields\[0\]\.origin: must be an origin/),
        'events[1].id: "cvv" is used by an earlier event',
      ]),
    );
    expect(await api.put({ events: [] })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_config', problems: [expect.stringMatching(/^version: /), 'events: must hold at least one event'] } },
    });
    expect(await api.put({ version: 1, events: shipped, colour: 'red' })).toMatchObject({
      status: 400,
      body: { error: { problems: ['unknown field(s): colour'] } },
    });
    expect((await api.get()).body).toMatchObject({ version: 1, events: withCvvSeconds(10) });
    expect((await api.history()).body.versions).toHaveLength(1);
  });

  test('a configuration too large for one Sync document is refused before anything is written', async () => {
    const api = container();
    const many = Array.from({ length: 60 }, (_, index) => ({
      id: `field-${index}`,
      name: 'x'.repeat(200),
      startTrigger: `field-${index}.focus`,
      action: 'pause',
      durationSeconds: 30,
    }));
    const answer = await api.put({ version: 0, events: many });
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_config', problems: [expect.stringMatching(/Twilio Sync keeps at most/)] } } });
    expect((await api.get()).body.version).toBe(0);
  });
});

describe('history', () => {
  test('is read a page at a time: ten versions by default (pageSize up to 50), next says where the older ones start', async () => {
    const api = container();
    for (let version = 0; version < 12; version += 1) expect((await api.put({ version, events: withCvvSeconds(10 + version) })).status).toBe(200);
    const before = standin.requests().length;
    const first = await api.history();
    expect(first.body.versions.map((saved: Json) => saved.version)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
    expect(first.body.next).toBe(3);
    // One Sync read per version listed (and the document in force), never every version.
    expect(standin.requests().slice(before).length).toBeLessThanOrEqual(12);
    const older = await api.history(KEY, { before: String(first.body.next) });
    expect(older.body).toEqual({ versions: [expect.objectContaining({ version: 2 }), expect.objectContaining({ version: 1 })] });
    expect((await api.history(KEY, { pageSize: '3' })).body).toMatchObject({ versions: [{ version: 12 }, { version: 11 }, { version: 10 }], next: 10 });
    expect(await api.history(KEY, { pageSize: '51' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });

  test('every saved version is kept with who saved it and when, newest first', async () => {
    const api = container();
    const token = adminToken();
    const first = await api.put({ version: 0, events: withCvvSeconds(10) }, { token });
    const second = await api.put({ version: 1, events: withCvvSeconds(20) });
    const third = await api.put({ version: 2, events: withCvvSeconds(30) }, { token });
    const history = await api.history();
    expect(history.status).toBe(200);
    expect(history.body).toEqual({ versions: [third.body, second.body, first.body] });
    expect(history.body.versions.map((version: Json) => version.updatedBy)).toEqual(['ada', 'admin-key-1', 'ada']);
    expect(await api.history(KEY, { before: '3' })).toEqual({ status: 200, body: { versions: [second.body, first.body] } });
  });

  test('before the first save the history is empty (the asset is not a saved version)', async () => {
    expect(await container().history()).toEqual({ status: 200, body: { versions: [] } });
  });

  test('reverting is saving an older version’s events as the next version', async () => {
    const api = container();
    await api.put({ version: 0, events: withCvvSeconds(10) });
    await api.put({ version: 1, events: withCvvSeconds(20) });
    const [, oldest] = (await api.history()).body.versions;
    const reverted = await api.put({ version: 2, events: oldest.events });
    expect(reverted.body).toMatchObject({ version: 3, events: withCvvSeconds(10) });
    expect((await api.history()).body.versions.map((version: Json) => version.version)).toEqual([3, 2, 1]);
  });
});

describe('signals and the saved configuration', () => {
  const cvvResumeSeconds = (answer: { body: unknown }) => {
    const hold = (answer.body as Json).holds.find((candidate: Json) => candidate.id === 'cvv');
    return Math.round((Date.parse(hold.resumeAt) - Date.parse(hold.openedAt)) / 1000);
  };

  test('a change saved in another container applies to signals within 5 s, read again ahead of time, one Sync read per 2.5 s at most', async () => {
    standin.createLiveCall({ agent: 'alice', recording: 'call' });
    const clock = { now: Date.now() };
    const signals = container(clock); // the container signals reach
    const signal = async (trigger: string) =>
      handleDesktopEvent({ ...desktopDeps(), config: await signals.configs.forSignals() }, signed({ agent: 'alice', trigger }));

    expect(cvvResumeSeconds(await signal('cvv.focus'))).toBe(60); // the asset
    await signal('cvv.blur');
    expect(configFetches()).toBe(1);

    expect((await container().put({ version: 0, events: withCvvSeconds(10) })).status).toBe(200);
    const fetchesBefore = configFetches();
    clock.now += FRESH_MS - 1; // this container's copy may still be used (and is read again behind it)...
    expect(cvvResumeSeconds(await signal('cvv.focus'))).toBe(60);
    await signal('cvv.blur');
    expect(configFetches()).toBe(fetchesBefore + 1);
    clock.now += 1; // ...but not once it is 5 s old: the change applies, and the pause never waited for Sync
    expect(cvvResumeSeconds(await signal('cvv.focus'))).toBe(10);
    await signal('cvv.blur');
    expect(configFetches()).toBe(fetchesBefore + 1);
  });

  test('the container that saved uses its save at once', async () => {
    standin.createLiveCall({ agent: 'bob', recording: 'call' });
    const api = container();
    await api.configs.forSignals();
    await api.put({ version: 0, events: withCvvSeconds(15) });
    const answer = await handleDesktopEvent({ ...desktopDeps(), config: await api.configs.forSignals() }, signed({ agent: 'bob', trigger: 'cvv.focus' }));
    expect(cvvResumeSeconds(answer)).toBe(15);
  });

  test('signals arriving together share one Sync read', async () => {
    const api = container();
    const before = configFetches();
    await Promise.all([api.configs.forSignals(), api.configs.forSignals(), api.configs.forSignals()]);
    expect(configFetches()).toBe(before + 1);
  });

  test('a stored document that is not a valid configuration is never acted on: the last good one is used, and the log says so', async () => {
    standin.createLiveCall({ agent: 'carol', recording: 'call' });
    const clock = { now: Date.now() };
    const signals = container(clock);
    const signal = async (trigger: string) =>
      handleDesktopEvent({ ...desktopDeps(), config: await signals.configs.forSignals() }, signed({ agent: 'carol', trigger }));
    await container().put({ version: 0, events: withCvvSeconds(10) });
    expect(cvvResumeSeconds(await signal('cvv.focus'))).toBe(10);
    await signal('cvv.blur');

    // Written by hand in the Sync console, or cut short: not a configuration.
    await client.sync.v1
      .services('default')
      .documents(CONFIG_DOCUMENT)
      .update({ data: { version: 2, events: [{ id: 'cvv', startTrigger: 'cvv.focus', action: 'mute' }] } });
    clock.now += FRESH_MS;
    expect(cvvResumeSeconds(await signal('cvv.focus'))).toBe(10);
    await signal('cvv.blur');
    expect(signals.log.join('\n')).toMatch(
      /rc-desktop-events-config \(revision \d+, version 2\) is not a valid configuration \(.*events\[0\]\.action: .*\); signals use the last good version \(1\) instead/,
    );

    // A container that never saw a good one falls back to the asset, and says so.
    await client.sync.v1
      .services('default')
      .documents(CONFIG_DOCUMENT)
      .update({ data: { version: 3 } });
    const fresh = container();
    const check = await fresh.configs.forSignals();
    expect(check).toEqual(shippedConfig);
    expect(fresh.log.join('\n')).toMatch(/version 3\) is not a valid configuration \(.*events: .*\); signals use the desktop-events\.json asset instead/);

    // The admin sees what is in force and can save over the broken document.
    const read = await fresh.get();
    expect(read.body).toMatchObject({ version: 3, events: shipped });
    expect(await fresh.put({ version: 3, events: withCvvSeconds(25) })).toMatchObject({ status: 200, body: { version: 4 } });
    clock.now += FRESH_MS;
    expect(cvvResumeSeconds(await signal('cvv.focus'))).toBe(25);
  });

  test('when Sync does not answer, signals use the last good configuration and the log says so', async () => {
    standin.createLiveCall({ agent: 'dave', recording: 'call' });
    const clock = { now: Date.now() };
    const signals = container(clock);
    await container().put({ version: 0, events: withCvvSeconds(12) });
    await signals.configs.forSignals();
    standin.injectFault({ operation: 'sync.document.fetch', status: 503, code: 20503, times: 50 });
    clock.now += FRESH_MS;
    const check = await signals.configs.forSignals();
    expect(check.ok && check.config.events.find((event) => event.id === 'cvv')?.durationSeconds).toBe(12);
    expect(signals.log.join('\n')).toMatch(/Sync could not be read .*signals use the last good version \(1\)/);
  });

  test('the history keeps a version whose history write was interrupted: the next save repairs it', async () => {
    const api = container();
    await api.put({ version: 0, events: withCvvSeconds(10) });
    await client.sync.v1.services('default').documents(versionDocument(1)).remove();
    expect((await api.history()).body.versions.map((version: Json) => version.version)).toEqual([1]);
    await api.put({ version: 1, events: withCvvSeconds(20) });
    const stored = await client.sync.v1.services('default').documents(versionDocument(1)).fetch();
    expect(stored.data).toMatchObject({ version: 1, events: withCvvSeconds(10) });
  });
});
