/**
 * `npm run screenshots`: draws the README's picture, test-artifacts/readme-demo.png (docs/demo.png is
 * a copy of it), on the demo stack the browser tests start — the functions in the real local runtime,
 * the Twilio stand-in and the demo page, on free ports, with the tests' short desktop item events
 * (card number 4 s, CVV 30 s) — in headless Chromium.
 *
 * The agent goes card number → CVV → back to recording → CVV again at a person's pace, so the call
 * timeline has room to show two pauses. Each step waits for the call's own clock on the page to reach
 * its second ("live 0:04") and for what the step brings about, not for a fixed time.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { testEnv } from '../src/rig/harness';
import {
  ARTIFACTS,
  launchChromium,
  localPage,
  openDemoPage,
  screenshot,
  shortEventsFile,
  startDemoStack,
  stopDemoStack,
  waitForIndicator,
  waitForRecordingsShown,
  type DemoStack,
} from '../test/e2e/browser';

const TIMEOUT_MS = 60_000;

/** Until the call canvas says the call has been live `seconds` ("Inbound call · live 0:04"). */
async function callLive(page: Page, seconds: number): Promise<void> {
  await page.waitForFunction(
    (wanted) => {
      const text = [...document.querySelectorAll('.call-canvas .muted')].map((element) => element.textContent ?? '').join(' ');
      const live = /live (\d+):(\d\d)/.exec(text);
      return !!live && Number(live[1]) * 60 + Number(live[2]) >= wanted;
    },
    seconds,
    { timeout: TIMEOUT_MS },
  );
}

/** "New call": a fresh call, so the timeline starts at the picture's left edge. */
async function newCall(page: Page): Promise<void> {
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => candidate.url().endsWith('/api/call') && candidate.request().method() === 'POST', { timeout: TIMEOUT_MS }),
    page.getByRole('button', { name: 'New call' }).click(),
  ]);
  const { call } = (await response.json()) as { call: { callSid: string } };
  await page.waitForSelector(`.sids >> text=${call.callSid}`, { timeout: TIMEOUT_MS });
  await waitForIndicator(page, /^Recording$/, TIMEOUT_MS);
}

async function readmeDemo(page: Page): Promise<void> {
  await newCall(page);
  await callLive(page, 4);
  await page.getByLabel('Card number').click();
  await waitForIndicator(page, /^Paused — Card number/, TIMEOUT_MS);
  // Straight on to CVV before the card number's 4 s run out: one pause for both.
  await callLive(page, 6);
  await page.getByLabel('CVV').click();
  await waitForIndicator(page, /^Paused — CVV/, TIMEOUT_MS);
  await callLive(page, 9);
  await page.getByLabel('Amount').click();
  await waitForIndicator(page, /^Recording$/, TIMEOUT_MS);
  await waitForRecordingsShown(page, 'in-progress', { pauses: 1, timeout: TIMEOUT_MS });
  await callLive(page, 13);
  await page.getByLabel('CVV').click();
  await waitForIndicator(page, /^Paused — CVV — resumes in 0:\d\d$/, TIMEOUT_MS);
  await waitForRecordingsShown(page, 'paused', { pauses: 2, timeout: TIMEOUT_MS });
  // The one wait for time itself: the second pause has run a few seconds, so its countdown is under
  // way and its stretch on the timeline is wide enough to see.
  await callLive(page, 16);
  await screenshot(page, 'readme-demo');
  await page.getByLabel('Amount').click();
  await waitForIndicator(page, /^Recording$/, TIMEOUT_MS);
}

async function main(): Promise<void> {
  let browser: Browser | undefined;
  let running: DemoStack | undefined;
  try {
    browser = await launchChromium();
    running = await startDemoStack({ ...testEnv, DESKTOP_EVENTS_FILE: shortEventsFile() });
    const page = await localPage(browser);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await openDemoPage(page, running.url);
    await readmeDemo(page);
    if (pageErrors.length) throw new Error(`the page threw while it was drawn: ${pageErrors.join('; ')}`);
    console.log(`${join(ARTIFACTS, 'readme-demo.png')} written; the README shows it as docs/demo.png (copy it there).`);
  } finally {
    await stopDemoStack(browser, running);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
