/**
 * Push, not poll, end to end: the demo page in headless Chromium follows its call through the
 * stand-in's Sync push channel (the page's Sync client, src/demo/app/standinSync.ts), the way
 * Flex follows Twilio Sync. An idle agent on a call costs the functions nothing: the page sends
 * them one `status` when the call comes on screen (and asks once for its Sync token) and nothing after, while a sweep runs every
 * second as under `npm start`. A card field still shows "Paused" at once — pushed.
 */
import type { Browser, Page } from 'playwright-core';
import type { LocalStack } from '../../scripts/localStack';
import { testEnv } from '../support/harness';
import {
  launchChromium,
  localPage,
  screenshot,
  INDICATOR,
  startDemoStack,
  stopDemoStack,
  waitForIndicator as waitForBrowserIndicator,
  type DemoStack,
} from './browser';

jest.setTimeout(180_000);

const IDLE_MS = 30_000;
const SWEEP_EVERY_MS = 1000;

let running: DemoStack | undefined;
let stack: LocalStack;
let browser: Browser;
let page: Page;
let sweeper: ReturnType<typeof setInterval> | undefined;
let sweeps = 0;
const pageErrors: string[] = [];
/** Every request the page sent to the functions: path and when. */
const toFunctions: Array<{ path: string; at: number }> = [];

const indicator = INDICATOR;
const waitForIndicator = (pattern: RegExp, timeout?: number) => waitForBrowserIndicator(page, pattern, timeout);

beforeAll(async () => {
  browser = await launchChromium();
  running = await startDemoStack(testEnv);
  stack = running.stack;

  // The scheduler of production, as `npm start` runs it.
  sweeper = setInterval(() => {
    sweeps += 1;
    fetch(`${stack.functionsUrl}/sweep`, { method: 'POST' }).catch(() => undefined);
  }, SWEEP_EVERY_MS);

  page = await localPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === stack.functionsUrl) toFunctions.push({ path: url.pathname, at: Date.now() });
  });
  await page.goto(running.url);
  await page.waitForSelector(indicator, { timeout: 90_000 });
});

afterAll(async () => {
  if (sweeper) clearInterval(sweeper);
  await stopDemoStack(browser, running);
});

describe('an idle agent on a call', () => {
  it('is followed by push: over 30 s showing "Recording", the page sends the functions at most one request', async () => {
    await waitForIndicator(/^Recording$/, 15_000);
    const sweepsBefore = sweeps;
    const restBefore = stack.standin.requests().length;

    await page.waitForTimeout(IDLE_MS);

    expect(await page.textContent(indicator)).toBe('Recording');
    // The plugin's Sync token (one an hour), and nothing since: the call's document said the state, so no status.
    expect(toFunctions.map((request) => request.path)).toEqual(['/sync-token']);
    await screenshot(page, 'e2e-push-idle');

    // Meanwhile Twilio was asked only by the scheduled sweep: at most one request per sweep.
    const rest = stack.standin.requests().slice(restBefore);
    const sweepsRun = sweeps - sweepsBefore;
    expect(sweepsRun).toBeGreaterThanOrEqual(IDLE_MS / SWEEP_EVERY_MS - 2);
    expect(rest.length).toBeLessThanOrEqual(sweepsRun + 1);
  });

  it('still shows "Paused" at once when the agent clicks into "Card number", through the push channel', async () => {
    const sentBefore = toFunctions.length;
    const clickedAt = Date.now();
    await page.getByLabel('Card number').click();
    await waitForIndicator(/^Paused — Card number/, 2000);
    expect(Date.now() - clickedAt).toBeLessThanOrEqual(2000);
    await screenshot(page, 'e2e-push-paused');

    await page.getByLabel('Name on card').click();
    await waitForIndicator(/^Recording$/, 2000);
    // The pause and the resume reached the plugin without it asking the functions.
    expect(toFunctions.slice(sentBefore)).toEqual([]);
  });

  it('ran without an uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
