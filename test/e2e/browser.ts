/**
 * Headless Chromium for the end-to-end tests: Debian's `chromium` driven by playwright-core
 * (which cannot download a browser here). Missing Chromium fails the tests with the fix.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, startLocalStack, type LocalStack } from '../../scripts/localStack';
import { startDemoServer, type DemoOptions } from '../../src/demo/server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
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

/** A page that stays on this machine: Flex asks CDNs for fonts and sounds, which the tests do not need. */
export async function localPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  return page;
}

export async function screenshot(page: Page, name: string, path = join(ARTIFACTS, `${name}.png`)): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}

export const INDICATOR = '[data-testid=recording-indicator-text]';

/** Waits until the recording indicator's text matches. */
export async function waitForIndicator(page: Page, pattern: RegExp, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    ([selector, source]) => new RegExp(source).test(document.querySelector(selector)?.textContent ?? ''),
    [INDICATOR, pattern.source] as const,
    { timeout },
  );
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
