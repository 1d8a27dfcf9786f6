/**
 * The demo's Compliance tab in headless Chromium: the plugin's real Compliance view, loaded from
 * the functions (compliance.js) only when opened, showing today's report as the functions in the
 * real local runtime answer it from the stand-in's Sync — for calls made and ended through the
 * real functions: frank's card number paused by its field, grace's CVV pause that failed in an
 * outage and paused on her next try, heidi's manual pause, ivan's call with no card entry. The CSV
 * downloads and parses to the same figures.
 *
 * In both orders a user may open the tabs, each on a fresh stack run as `npm start` runs it (its
 * sweep every second): Supervisor first, then Compliance; and Compliance first. The Supervisor tab's
 * calls (a failed pause of its own, a pause, a transfer) must not change what the Compliance tab's
 * calls count: grace's pause is counted as failed either way, and each of the Compliance tab's agents
 * has the same figures whichever tab came first; the totals differ by Dave's task alone, which his
 * transfer on the Supervisor tab ended.
 *
 * Screenshots: test-artifacts/compliance-view.png (Compliance first) and
 * test-artifacts/compliance-view-after-supervisor.png.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { startSweeping } from '../../scripts/localStack';
import { REPORTED } from '../../src/demo/complianceCalls';
import type { SupervisedCalls } from '../../src/demo/supervisorCalls';
import { testEnv } from '../support/harness';
import { launchChromium, localPage, openDemoPage, screenshot, startDemoStack, stopDemoStack, type DemoStack } from './browser';

jest.setTimeout(300_000);

/** A fresh demo stack with its sweep, and the demo page open on it. */
interface Opened {
  running: DemoStack;
  page: Page;
  sent: string[];
  stop(): Promise<void>;
}

let browser: Browser;
const pageErrors: string[] = [];
const opened: Opened[] = [];

async function openFreshStack(): Promise<Opened> {
  const running = await startDemoStack(testEnv);
  const stopSweeping = startSweeping(running.stack.functionsUrl, testEnv);
  const page = await localPage(browser);
  const sent: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => sent.push(request.url()));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopSweeping();
      await page.close();
      await stopDemoStack(undefined, running);
    })());
  opened.push({ running, page, sent, stop });
  await openDemoPage(page, running.url);
  return opened[opened.length - 1];
}

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  for (const stack of opened) await stack.stop().catch(() => undefined);
  await browser?.close();
});

/**
 * Opens the Supervisor tab, and waits until the demo server has made its calls and the functions
 * have had TaskRouter's events of them (Dave's task ends with his transfer).
 */
async function openSupervisor({ page, running }: Opened): Promise<SupervisedCalls> {
  const [made] = await Promise.all([
    page.waitForResponse((response) => response.url().endsWith('/api/supervisor/calls'), { timeout: 150_000 }),
    page.getByRole('tab', { name: 'Supervisor', exact: true }).click(),
  ]);
  await running.stack.standin.callbacksDelivered();
  return (await made.json()) as SupervisedCalls;
}

async function openCompliance(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Compliance (supervisor)' }).click();
  await page.getByTestId('compliance-days').waitFor({ timeout: 90_000 });
}

/** What the view shows, but for exposure times (which vary from run to run). */
async function shownFigures(page: Page) {
  const figure = async (name: string) => (await page.getByTestId(`figure-${name}`).textContent()) ?? '';
  // The line under a figure's value.
  const detail = async (name: string) => (await page.getByTestId(`figure-${name}`).locator('xpath=following-sibling::div[1]').textContent()) ?? '';
  const names = ['calls', 'card-entry', 'pauses', 'failed', 'expired', 'manual', 'forced', 'repaired', 'never'];
  const bars = async (chart: string) => (await page.getByTestId(`chart-${chart}`).getByTestId('bar-value').allTextContents()).map(Number);
  return {
    figures: Object.fromEntries(await Promise.all(names.map(async (name) => [name, await figure(name)]))) as Record<string, string>,
    failedDetail: await detail('failed'),
    manualDetail: await detail('manual'),
    exposureSamples: /of \d+ pauses?$/.exec(await detail('exposure'))?.[0],
    exposureBars: (await bars('exposure')).reduce((sum, count) => sum + count, 0),
    perDay: await bars('per-day'),
    queue: (await page.getByTestId('queue-Everyone').getByRole('cell').allTextContents()).slice(0, 5),
  };
}

/** The figures of the Compliance tab's agents in the CSV by agent (exposure times aside). */
async function csvByAgent(page: Page): Promise<Record<string, Record<string, string | number>>> {
  await page.getByLabel('CSV rows by').selectOption('agent');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^compliance-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-by-agent\.csv$/);
  const rows = parse(readFileSync((await download.path()) as string), { columns: true, cast: true }) as Array<Record<string, string | number>>;
  const withoutTimes = ({ exposureMs_p50, exposureMs_p99, exposureMs_max, ...row }: Record<string, string | number>) => row;
  return Object.fromEntries(rows.filter((row) => (Object.values(REPORTED) as string[]).includes(String(row.key))).map((row) => [row.key, withoutTimes(row)]));
}

/**
 * True figures for today's ended calls: the Compliance tab's four (two with card entry; grace's pause
 * failed once and paused on her next try; heidi paused by hand), and `others` more ended tasks with
 * nothing paused (Dave's, transferred to Erin on the Supervisor tab).
 */
function expectTrueFigures(shown: Awaited<ReturnType<typeof shownFigures>>, others: number): void {
  const calls = String(4 + others);
  expect(shown.figures).toEqual({ calls, 'card-entry': '2', pauses: '3', failed: '1', expired: '0', manual: '1', forced: '0', repaired: '0', never: '0' });
  expect(shown.failedDetail).toBe('1 paused on a later try, 0 not');
  expect(shown.manualDetail).toBe('1 manual · 0 supervisor · 0 API');
  // Frank's and grace's pauses were each measured from the action to Twilio's answer.
  expect(shown.exposureSamples).toBe('of 2 pauses');
  expect(shown.exposureBars).toBe(2);
  // Seven days, two bars each; today's (the last) has the three pauses and the one failure.
  expect(shown.perDay).toEqual([...Array<number>(12).fill(0), 3, 1]);
  // The stand-in's one TaskQueue has every call.
  expect(shown.queue).toEqual(['Everyone', calls, '2', '3', '1']);
}

describe('the Compliance tab, whichever tab was opened first', () => {
  let supervisorFirstCsv: Record<string, Record<string, string | number>>;

  it('Supervisor, then Compliance: grace’s failed pause is counted as failed, though the Supervisor tab’s calls ran meanwhile', async () => {
    const stack = await openFreshStack();
    const { running, page, sent } = stack;
    const supervised = await openSupervisor(stack);
    expect(supervised.failed.status).toBe(502); // the Supervisor tab's own outage failed its own pause

    await openCompliance(page);
    expect(sent.filter((url) => url === `${running.stack.functionsUrl}/compliance.js`)).toHaveLength(1);
    expectTrueFigures(await shownFigures(page), 1);
    await page.getByTestId('compliance-view').scrollIntoViewIfNeeded();
    await screenshot(page, 'compliance-view-after-supervisor');

    supervisorFirstCsv = await csvByAgent(page);
    expect(Object.keys(supervisorFirstCsv).sort()).toEqual(Object.values(REPORTED).sort());
    expect(supervisorFirstCsv[REPORTED.card]).toMatchObject({ calls: 1, cardEntryCalls: 1, failedPauses: 0 });
    expect(supervisorFirstCsv[REPORTED.recovered]).toMatchObject({
      calls: 1,
      cardEntryCalls: 1,
      failedPauses: 1,
      failedPausesRecovered: 1,
      failedPausesNotRecovered: 0,
    });
    expect(supervisorFirstCsv[REPORTED.manual]).toMatchObject({ calls: 1, cardEntryCalls: 0, manualPauses: 1 });
    expect(supervisorFirstCsv[REPORTED.plain]).toMatchObject({ calls: 1, cardEntryCalls: 0, pauses: 0 });
    await stack.stop();
  });

  it('Compliance first, on a fresh stack: the same true figures, the same for each agent', async () => {
    const { running, page, sent } = await openFreshStack();
    expect(sent.some((url) => url.endsWith('/compliance.js'))).toBe(false); // the agent's Flex never loads it

    await openCompliance(page);
    expect(sent.filter((url) => url === `${running.stack.functionsUrl}/compliance.js`)).toHaveLength(1);
    await page.getByTestId('compliance-view').scrollIntoViewIfNeeded();
    await screenshot(page, 'compliance-view');
    // The same figures as with the Supervisor tab first, but for Dave's task, which no transfer has ended here.
    expectTrueFigures(await shownFigures(page), 0);
    expect(await csvByAgent(page)).toEqual(supervisorFirstCsv);
    expect(pageErrors).toEqual([]);
  });
});
