/**
 * Push, not poll, end to end: the demo page in headless Chromium follows its call through the
 * stand-in's Sync push channel (the page's Sync client, src/demo/app/standinSync.ts), the way
 * Flex follows Twilio Sync. An idle agent on a call costs the functions nothing: the page sends
 * them one `status` when the call comes on screen (and asks once for its Sync token) and nothing after, while a sweep runs every
 * second as under `npm start`. A card field still shows "Paused" at once — pushed.
 *
 * The idle half minute is the page's: Playwright's clock runs its timers through 30 s at once, and
 * the test sends the sweeps that a scheduler would send meanwhile, one per second of it.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { LocalStack } from '../../scripts/localStack';
import { LIVE_SHARDS } from '../../src/core/syncNames';
import { DEMO_BUNDLE_VARIABLE } from '../../src/demo/bundle';
import { testEnv } from '../support/harness';
import {
  bundleArrival,
  launchChromium,
  openDemoPage,
  localPage,
  screenshot,
  INDICATOR,
  startDemoStack,
  stopDemoStack,
  takeRequestsThatLeftThisMachine,
  waitForIndicator as waitForBrowserIndicator,
  type DemoStack,
} from './browser';

jest.setTimeout(180_000);

const IDLE_MS = 30_000;
const SWEEP_EVERY_MS = 1000;
const SWEEPS = IDLE_MS / SWEEP_EVERY_MS;
/**
 * What one sweep asks Twilio when nothing is due: whether anything may need it (rc-sweep-watch), each
 * shard of the live-calls index while a hold closed lately, TaskRouter's tasks marked for repair (at
 * most every 5 s), and the Sync service once per container.
 */
const SWEEP_READS = /^GET \/v1\/(Services\/IS\w+(\/Maps\/rc-live-calls-[0-9a-f]{2}\/Items|\/Documents\/rc-sweep-watch)?|Workspaces\/WS\w+\/Tasks)$/;
/** The sweep telling the watch it found nothing: once, when the last hold's grace is over. */
const SWEEP_IDLE = /^POST \/v1\/Services\/IS\w+\/Documents(\/rc-sweep-watch)?$/;

let running: DemoStack | undefined;
let stack: LocalStack;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** Every request the page sent to the functions: path and when. */
const toFunctions: Array<{ path: string; at: number }> = [];

const indicator = INDICATOR;
const waitForIndicator = (pattern: RegExp, timeout?: number) => waitForBrowserIndicator(page, pattern, timeout);

/** One round of the scheduler of production, as `npm start` sends it (with an API key): its HTTP status. */
async function sweep(): Promise<number> {
  const key = testEnv.RECORDING_CONTROLS_API_KEYS.split(',')[0].trim();
  const response = await fetch(`${stack.functionsUrl}/sweep`, { method: 'POST', headers: { Authorization: `Bearer ${key}` } });
  await response.arrayBuffer();
  return response.status;
}

beforeAll(async () => {
  browser = await launchChromium();
  running = await startDemoStack(testEnv);
  stack = running.stack;

  page = await localPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === stack.functionsUrl) toFunctions.push({ path: url.pathname, at: Date.now() });
  });
  // The page's timers run on Playwright's clock: in step with real time until the idle test moves it.
  await page.clock.install();
  await openDemoPage(page, running.url);
});

afterAll(() => stopDemoStack(browser, running));

describe('an idle agent on a call', () => {
  it('is followed by push: over 30 s showing "Recording", the page sends the functions at most one request', async () => {
    await waitForIndicator(/^Recording$/, 30_000);
    const restBefore = stack.standin.requests().length;

    // Each second of the page's time passes at once, with the scheduler's sweep for that second.
    const sweepAnswers: number[] = [];
    for (let second = 0; second < SWEEPS; second += 1) {
      const [, answer] = await Promise.all([page.clock.runFor(SWEEP_EVERY_MS), sweep()]);
      sweepAnswers.push(answer);
    }
    // The page's wall clock back in step with the servers', whose times the holds' ends are.
    await page.clock.setSystemTime(Date.now());

    expect(await page.textContent(indicator)).toBe('Recording');
    // The plugin's Sync token (one an hour), and nothing since: the call's document said the state, so no status.
    expect(toFunctions.map((request) => request.path)).toEqual(['/sync-token']);
    await screenshot(page, 'e2e-push-idle');

    // Meanwhile Twilio was asked only by the sweeps (which really ran: an answered sweep, every
    // second), each reading what it reads whatever the agents do: at most one request besides.
    const rest = stack.standin.requests().slice(restBefore);
    expect(sweepAnswers).toEqual(Array.from({ length: SWEEPS }, () => 200));
    const line = (request: { method: string; path: string }) => `${request.method} ${request.path}`;
    expect(rest.filter((request) => !SWEEP_READS.test(line(request)) && !SWEEP_IDLE.test(line(request))).length).toBeLessThanOrEqual(1);
    expect(rest.filter((request) => SWEEP_IDLE.test(line(request))).length).toBeLessThanOrEqual(1);
    expect(rest.length).toBeLessThanOrEqual(SWEEPS * (LIVE_SHARDS + 2) + 2);
  });

  it('still shows "Paused" at once when the agent clicks into "Card number", through the push channel', async () => {
    const sentBefore = toFunctions.length;
    const clickedAt = Date.now();
    await page.getByLabel('Card number').click();
    // Waits as long as it takes, so a slow pause fails below with how slow it was.
    await waitForIndicator(/^Paused — Card number/);
    expect(Date.now() - clickedAt).toBeLessThanOrEqual(2000);
    await screenshot(page, 'e2e-push-paused');

    await page.getByLabel('Name on card').click();
    await waitForIndicator(/^Recording$/);
    // The pause and the resume reached the plugin without it asking the functions.
    expect(toFunctions.slice(sentBefore)).toEqual([]);
  });

  it('ran without an uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('the page on the wire', () => {
  it('came compressed, from this machine only; another host is out of its reach', async () => {
    // The Flex bundle (18 MB as it is) crossed the wire brotli-compressed.
    const unpackedBytes = statSync(join(process.env[DEMO_BUNDLE_VARIABLE] as string, 'demo.js')).size;
    const arrival = await bundleArrival(page);
    expect(arrival.contentEncoding).toBe('br');
    expect(arrival.receivedBytes).toBeLessThan(unpackedBytes / 4);
    // The demo's page may not reach another host at all…
    expect(
      await page.evaluate(() =>
        fetch('https://assets.twilio.com/').then(
          () => 'reached',
          () => 'refused',
        ),
      ),
    ).toBe('refused');
    // …and a page that did would fail its test: the harness refuses the request and reports it.
    const elsewhere = await localPage(browser);
    await elsewhere.evaluate(() => fetch('https://assets.twilio.com/').catch(() => undefined));
    await elsewhere.close();
    expect(takeRequestsThatLeftThisMachine()).toEqual(['fetch https://assets.twilio.com/']);
  });
});
