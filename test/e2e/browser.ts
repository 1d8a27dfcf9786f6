/**
 * Headless Chromium for the end-to-end tests: Debian's `chromium` driven by playwright-core
 * (which cannot download a browser here). Missing Chromium fails the tests with the fix.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, startLocalStack, type LocalStack } from '../../scripts/localStack';
import { startDemoServer, type DemoOptions } from '../../src/demo/server';
import { DEMO_BUNDLE_VARIABLE, savedDemoBundle } from '../../src/demo/bundle';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The bundle made once for the run, when there is one (a file run alone outside jest's setup bundles its own). */
function bundleMadeOnce(): DemoOptions['bundle'] {
  const dir = process.env[DEMO_BUNDLE_VARIABLE];
  return dir ? () => savedDemoBundle(dir) : undefined;
}

export const ARTIFACTS = join(__dirname, '../../test-artifacts');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}, which is missing. Install it with ` +
        '`sudo apt-get install -y chromium` (.ci/run does), or point CHROMIUM_PATH at a Chromium binary.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** What the tests' pages asked of other machines (each refused), not yet reported. */
const leftThisMachine: string[] = [];
const onThisMachine = (url: string): boolean => {
  const { protocol, hostname } = new URL(url);
  return !/^(https?|wss?):$/.test(protocol) || hostname === '127.0.0.1' || hostname === 'localhost';
};

/**
 * A page that stays on this machine. The demo needs no account and no internet: a request for
 * anything else (a CDN's font, sound or image) is refused, and fails the test it happened in (or the
 * first test, for a page opened before it) — see the `afterEach` below.
 */
export async function localPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.context().route(
    (url) => !onThisMachine(url.href),
    (route) => {
      leftThisMachine.push(`${route.request().resourceType()} ${route.request().url()}`);
      return route.abort();
    },
  );
  page.on('websocket', (socket) => {
    if (!onThisMachine(socket.url())) leftThisMachine.push(`websocket ${socket.url()}`);
  });
  return page;
}

/** The requests the pages made to other machines since last asked; asking clears them. */
export function takeRequestsThatLeftThisMachine(): string[] {
  return leftThisMachine.splice(0);
}

// Every browser test (under jest; `npm run screenshots` imports this file too): nothing may leave this machine.
if (typeof afterEach === 'function') {
  afterEach(() => {
    const left = takeRequestsThatLeftThisMachine();
    if (left.length > 0) {
      throw new Error(`the page asked for something outside this machine (serve it from the demo or drop it):\n  ${[...new Set(left)].join('\n  ')}`);
    }
  });
}

export async function screenshot(page: Page, name: string, path = join(ARTIFACTS, `${name}.png`)): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}

export const INDICATOR = '[data-testid=recording-indicator-text]';

/** How the demo page's bundle came over the wire, for each page openDemoPage opened. */
const bundlesArrived = new WeakMap<Page, Promise<{ contentEncoding: string | undefined; receivedBytes: number }>>();

/**
 * Opens the demo page and waits for its call's recording indicator. The page loads once the server
 * has bundled the Flex UI (it starts when the server does, and takes long on a busy machine — longer
 * still while another file's server bundles too), then parses all of it: generous, and done as soon as
 * the indicator is there.
 */
export async function openDemoPage(page: Page, url: string, timeout = 150_000): Promise<void> {
  const bundle = page
    .waitForResponse((response) => new URL(response.url()).pathname === '/demo.js', { timeout })
    .then(async (response) => ({
      contentEncoding: response.headers()['content-encoding'],
      receivedBytes: (await response.request().sizes()).responseBodySize,
    }));
  bundle.catch(() => undefined); // asked for by bundleArrival, if at all
  bundlesArrived.set(page, bundle);
  await page.goto(url, { timeout });
  await page.waitForSelector(INDICATOR, { timeout });
}

/** How the bundle of the demo page that openDemoPage opened came: its Content-Encoding and the body's bytes on the wire. */
export function bundleArrival(page: Page): Promise<{ contentEncoding: string | undefined; receivedBytes: number }> {
  const arrival = bundlesArrived.get(page);
  if (!arrival) throw new Error('open the page with openDemoPage');
  return arrival;
}

/** Waits until the recording indicator's text matches (generous by default: a busy machine is slow, and the wait ends when it matches). */
export async function waitForIndicator(page: Page, pattern: RegExp, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    ([selector, source]) => new RegExp(source).test(document.querySelector(selector)?.textContent ?? ''),
    [INDICATOR, pattern.source] as const,
    { timeout },
  );
}

/**
 * Waits until the demo page's "Recordings at Twilio" table — the stand-in's answer, which the page
 * reads every 500 ms — shows every recording of its call in `status` (and with `pauses` pauses, when
 * given). What Twilio has is then read from the stand-in itself; this only says when to look.
 */
export async function waitForRecordingsShown(
  page: Page,
  status: string,
  { pauses, timeout = 20_000 }: { pauses?: number; timeout?: number } = {},
): Promise<void> {
  await page
    .waitForFunction(
      ([wanted, wantedPauses]) => {
        const rows = [...document.querySelectorAll('[data-testid=recordings] tbody tr')];
        return (
          rows.length > 0 &&
          rows.every(
            (row) =>
              row.querySelector('[data-testid=recording-status]')?.textContent === wanted &&
              (wantedPauses === null || row.querySelectorAll('td')[3]?.textContent === String(wantedPauses)),
          )
        );
      },
      [status, pauses ?? null] as const,
      { timeout },
    )
    .catch(async (error: Error) => {
      const shown = await page
        .locator('[data-testid=recordings]')
        .innerText({ timeout: 1000 })
        .catch(() => 'no recordings table');
      throw new Error(
        `the recordings never all showed ${status}${pauses === undefined ? '' : ` with ${pauses} pause(s)`}; the page shows:\n${shown}\n(${error.message})`,
      );
    });
}

/** The tests' desktop item events, short so an expiry is quick to see: card number 4 s, CVV 30 s. */
export const CARD_NUMBER_SECONDS = 4;
export const SHORT_EVENTS = {
  events: [
    {
      id: 'card-number',
      name: 'Card number',
      startTrigger: 'card-number.focus',
      action: 'pause',
      durationSeconds: CARD_NUMBER_SECONDS,
      stopTrigger: 'card-number.blur',
      stopAction: 'resume',
    },
    { id: 'cvv', name: 'CVV', startTrigger: 'cvv.focus', action: 'pause', durationSeconds: 30, stopTrigger: 'cvv.blur', stopAction: 'resume' },
  ],
};

/** SHORT_EVENTS in a file of their own, for DESKTOP_EVENTS_FILE. */
export function shortEventsFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'demo-e2e-')), 'desktop-events.json');
  writeFileSync(file, JSON.stringify(SHORT_EVENTS));
  return file;
}

/** The local stack (functions in twilio-run, the stand-in) and the demo server of `npm start`, on free ports. */
export interface DemoStack {
  stack: LocalStack;
  demo: Server;
  port: number;
  url: string;
}

export async function startDemoStack(env: Record<string, string>, demoOptions: Pick<DemoOptions, 'adminKey'> = {}): Promise<DemoStack> {
  if (!existsSync(join(__dirname, '../../build/serverless/assets/desktop-manager.js')))
    throw new Error('build the functions first: npm run build:functions (npm test does)');
  const stack = await startLocalStack({ env, functionsPort: await freePort(), standinPort: await freePort(), output: 'ignore' });
  const port = await freePort();
  const demo = await startDemoServer({
    port,
    host: '127.0.0.1',
    functionsUrl: stack.functionsUrl,
    standinUrl: stack.standinUrl,
    secret: env.DESKTOP_EVENT_SECRET,
    bundle: bundleMadeOnce(),
    ...demoOptions,
  });
  return { stack, demo, port, url: `http://127.0.0.1:${port}` };
}

/** Everything a browser suite started, stopped (whatever of it did start). */
export async function stopDemoStack(browser: Browser | undefined, running: DemoStack | undefined): Promise<void> {
  await browser?.close();
  running?.demo.closeAllConnections();
  await new Promise((done) => (running ? running.demo.close(done) : done(undefined)));
  await running?.stack.stop();
}
