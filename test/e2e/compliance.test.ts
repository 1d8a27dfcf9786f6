/**
 * The demo's Compliance tab in headless Chromium: the plugin's real Compliance view, loaded from
 * the functions (compliance.js) only when opened, showing today's report as the functions in the
 * real local runtime answer it from the stand-in's Sync — for calls made and ended through the
 * real functions: frank's card number paused by its field, grace's CVV pause that failed in an
 * outage and paused on her next try, heidi's manual pause, ivan's call with no card entry. The CSV
 * downloads and parses to the same figures.
 *
 * Its screenshot is test-artifacts/compliance-view.png.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import type { LocalStack } from '../../scripts/localStack';
import { REPORTED } from '../../src/demo/complianceCalls';
import { testEnv } from '../support/harness';
import { launchChromium, localPage, openDemoPage, screenshot, startDemoStack, stopDemoStack, type DemoStack } from './browser';

jest.setTimeout(180_000);

let running: DemoStack | undefined;
let stack: LocalStack;
let demoUrl: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const sent: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  running = await startDemoStack(testEnv);
  ({ stack, url: demoUrl } = running);
  page = await localPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => sent.push(request.url()));
  await openDemoPage(page, demoUrl);
});

afterAll(() => stopDemoStack(browser, running));

const figure = (name: string) => page.getByTestId(`figure-${name}`);
const detailOf = async (name: string) => (await figure(name).locator('..').textContent()) ?? '';

describe('the Compliance tab', () => {
  it('shows today’s report of the ended calls: the figures, both charts and the table by queue', async () => {
    expect(sent.some((url) => url.endsWith('/compliance.js'))).toBe(false); // the agent's Flex never loads it

    await page.getByRole('tab', { name: 'Compliance (supervisor)' }).click();
    await page.getByTestId('compliance-days').waitFor({ timeout: 60_000 });
    expect(sent.filter((url) => url === `${stack.functionsUrl}/compliance.js`)).toHaveLength(1);

    // Four calls ended today, two with card entry; grace's failed pause paused on her next try.
    expect(await figure('calls').textContent()).toBe('4');
    expect(await figure('card-entry').textContent()).toBe('2');
    expect(await figure('failed').textContent()).toBe('1');
    expect(await detailOf('failed')).toContain('1 paused on a later try, 0 not');
    expect(await detailOf('manual')).toContain('1 manual · 0 supervisor · 0 API');
    // Frank's and grace's pauses were each measured from the action to Twilio's answer.
    expect(await detailOf('exposure')).toMatch(/p50 \d+ ms · p99 \d+ ms · max \d+ ms of 2 pause\(s\)/);

    const bars = async (chart: string) => (await page.getByTestId(`chart-${chart}`).getByTestId('bar-value').allTextContents()).map(Number);
    expect((await bars('exposure')).reduce((sum, count) => sum + count, 0)).toBe(2);
    // Seven days, two bars each; today's (the last) has the pauses and the one failure.
    const perDay = await bars('per-day');
    expect(perDay).toHaveLength(14);
    expect(perDay.slice(0, 12).every((count) => count === 0)).toBe(true);
    expect(perDay[13]).toBe(1);
    expect(perDay[12]).toBeGreaterThanOrEqual(2);

    // The stand-in's one TaskQueue has every call.
    const queueRow = await page.getByTestId('queue-Everyone').getByRole('cell').allTextContents();
    expect(queueRow.slice(0, 5)).toEqual(['Everyone', '4', '2', String(perDay[12]), '1']);

    await page.getByTestId('compliance-view').scrollIntoViewIfNeeded();
    await screenshot(page, 'compliance-view');
    expect(pageErrors).toEqual([]);
  });

  it('downloads the report by agent as CSV, with the same figures', async () => {
    await page.getByLabel('CSV rows by').selectOption('agent');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^compliance-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-by-agent\.csv$/);
    const rows = parse(readFileSync((await download.path()) as string), { columns: true, cast: true }) as Array<Record<string, string | number>>;
    const byAgent = Object.fromEntries(rows.map((row) => [row.key, row]));
    expect(Object.keys(byAgent).sort()).toEqual(Object.values(REPORTED).sort());
    expect(byAgent[REPORTED.card]).toMatchObject({ calls: 1, cardEntryCalls: 1, failedPauses: 0 });
    expect(byAgent[REPORTED.recovered]).toMatchObject({ calls: 1, cardEntryCalls: 1, failedPauses: 1, failedPausesRecovered: 1, failedPausesNotRecovered: 0 });
    expect(byAgent[REPORTED.manual]).toMatchObject({ calls: 1, cardEntryCalls: 0, manualPauses: 1 });
    expect(byAgent[REPORTED.plain]).toMatchObject({ calls: 1, cardEntryCalls: 0, pauses: 0 });
  });
});
