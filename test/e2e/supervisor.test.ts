/**
 * The demo's Supervisor tab in headless Chromium: the plugin's real "Recording Controls" view in a
 * Flex of its own, signed in as a supervisor, over the functions in the real local runtime and the
 * stand-in. Other agents' calls are there as the demo server made them: Bob's paused by his card
 * number field, Carol's whose pause failed (it records on), Dave's transferred to Erin. The
 * supervisor force-resumes Bob's call, and Twilio (the stand-in) records again.
 *
 * Its screenshot is test-artifacts/supervisor-view.png.
 */
import type { Browser, Frame, Page } from 'playwright-core';
import type { LocalStack } from '../../scripts/localStack';
import type { SupervisedCalls } from '../../src/demo/supervisorCalls';
import { testEnv } from '../support/harness';
import { launchChromium, localPage, openDemoPage, screenshot, startDemoStack, stopDemoStack, type DemoStack } from './browser';

jest.setTimeout(180_000);

let running: DemoStack | undefined;
let stack: LocalStack;
let demoUrl: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  running = await startDemoStack(testEnv);
  ({ stack, url: demoUrl } = running);
  page = await localPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await openDemoPage(page, demoUrl);
});

afterAll(() => stopDemoStack(browser, running));

async function supervisorFrame(): Promise<Frame> {
  await page.getByRole('tab', { name: 'Supervisor', exact: true }).click();
  const frame = await (await page.waitForSelector('[data-testid=supervisor-frame]')).contentFrame();
  if (!frame) throw new Error('the Supervisor frame has no document');
  frame.page().on('pageerror', (error) => pageErrors.push(error.message));
  return frame;
}

/** The row of a call (it names its SID), and its state cell. */
const rowOf = (frame: Frame, callSid: string) => frame.locator('tr[data-testid^=recording-row-]', { hasText: callSid });
const stateOf = (frame: Frame, callSid: string) => rowOf(frame, callSid).locator('[data-testid=recording-state]');

async function waitForState(frame: Frame, callSid: string, pattern: RegExp, timeout = 20_000): Promise<void> {
  await frame
    .waitForFunction(
      ([sid, source]) =>
        [...document.querySelectorAll('tr[data-testid^=recording-row-]')].some(
          (row) => (row.textContent ?? '').includes(sid) && new RegExp(source).test(row.querySelector('[data-testid=recording-state]')?.textContent ?? ''),
        ),
      [callSid, pattern.source] as const,
      { timeout },
    )
    .catch(async (error: Error) => {
      const shown = await frame.evaluate(() => document.body.innerText).catch(() => 'the frame cannot be read');
      throw new Error(`${callSid} never showed ${pattern}; the page says:\n${shown}\n(${error.message})`);
    });
}

describe('the Supervisor tab', () => {
  let calls: SupervisedCalls;
  let frame: Frame;

  it('shows the live calls as Twilio holds them: one paused, one whose pause failed, one transferred', async () => {
    frame = await supervisorFrame();
    await frame.getByRole('heading', { name: 'Recording Controls' }).waitFor({ timeout: 90_000 });
    // The same calls the page asked the demo server for (made once, then reused while they last).
    calls = (await (
      await fetch(`${demoUrl}/api/supervisor/calls`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })
    ).json()) as SupervisedCalls;
    expect(calls.failed.status).toBe(502);

    await waitForState(frame, calls.paused.callSid, /^Paused — Card number/);
    await waitForState(frame, calls.failed.callSid, /^Recording$/);
    await waitForState(frame, calls.transferred.callSid, /^Recording$/);
    const agentOf = async (callSid: string) => (await rowOf(frame, callSid).locator('td').first().textContent())?.trim();
    expect(await agentOf(calls.paused.callSid)).toBe('bob');
    expect(await agentOf(calls.failed.callSid)).toBe('carol');
    expect(await agentOf(calls.transferred.callSid)).toBe('erin'); // the call went with the transfer, not the task
    // Carol's pause failed and nothing has paused her call since: the supervisor is alerted on her row.
    await rowOf(frame, calls.failed.callSid)
      .getByTestId('recording-alerts')
      .getByText('Pause failed — not paused since: card details may be recorded')
      .waitFor({ timeout: 10_000 });
    expect(await rowOf(frame, calls.paused.callSid).getByTestId('recording-alerts').textContent()).toBe('');
    expect(await frame.getByTestId('calls-need-attention').textContent()).toBe('1 call needs attention');
    expect(await rowOf(frame, calls.paused.callSid).textContent()).toContain('Card number (bob)');

    // What the rows say is what Twilio has.
    const status = async (sid: string) => ((await (await fetch(`${stack.standinUrl}/__standin/recordings/${sid}`)).json()) as { status: string }).status;
    for (const sid of calls.paused.recordingSids) expect(await status(sid)).toBe('paused');
    for (const sid of [...calls.failed.recordingSids, ...calls.transferred.recordingSids]) expect(await status(sid)).toBe('in-progress');
    await screenshot(page, 'supervisor-view');
  });

  it('force resume: the supervisor ends Bob’s pause, and the recording runs again at Twilio', async () => {
    const row = rowOf(frame, calls.paused.callSid);
    // The row says "Recording" once the resume is decided (the safe side); the functions answer the
    // supervisor's resume once Twilio has answered theirs.
    const answered = page.waitForResponse(
      (response) => response.url() === `${stack.functionsUrl}/recording-controls/resume` && response.request().method() === 'POST',
      { timeout: 20_000 },
    );
    await row.getByRole('button', { name: 'Force resume' }).click();
    await waitForState(frame, calls.paused.callSid, /^Recording$/);
    expect((await answered).status()).toBe(200);
    const status = async (sid: string) => ((await (await fetch(`${stack.standinUrl}/__standin/recordings/${sid}`)).json()) as { status: string }).status;
    for (const sid of calls.paused.recordingSids) expect(await status(sid)).toBe('in-progress');
    expect(await stateOf(frame, calls.paused.callSid).textContent()).toBe('Recording');
    await screenshot(page, 'supervisor-view-force-resumed');
  });

  it('ran without an uncaught error in either page', () => {
    expect(pageErrors).toEqual([]);
  });
});
