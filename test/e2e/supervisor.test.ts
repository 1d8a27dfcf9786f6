/**
 * The demo's Supervisor tab in headless Chromium: the plugin's real "Recording Controls" view in a
 * Flex of its own, signed in as a supervisor, over the functions in the real local runtime and the
 * stand-in. Other agents' calls are there as the demo server made them: Bob's paused by his card
 * number field, Carol's whose pause failed (it records on), Dave's transferred to Erin. The view's
 * look (supervisor.js) is loaded from the functions only when the tab opens; it reads well at 1440
 * and 800 px wide. The supervisor force-resumes Bob's call — named after his call, and asked to
 * confirm first — and Twilio (the stand-in) records again; the page's intro says so.
 *
 * Screenshots: test-artifacts/supervisor-view-1440.png, -800.png, -confirm.png, -force-resumed.png.
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

/**
 * What a supervisor would see wrong in the table at this width: headers running together, the call
 * SID touching the state, a cell's content or a button cut off or outside the page, words sticking
 * out of the confirmation dialog.
 */
function layoutProblems(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const problems: string[] = [];
    const textBox = (element: Element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      return range.getBoundingClientRect();
    };
    const headers = [...document.querySelectorAll('thead th')];
    headers.slice(1).forEach((header, index) => {
      const gap = textBox(header).left - textBox(headers[index]).right;
      if (gap < 16) problems.push(`headers "${headers[index].textContent}" and "${header.textContent}" are ${gap.toFixed(0)} px apart`);
    });
    const pageWidth = document.documentElement.clientWidth;
    for (const row of document.querySelectorAll('tbody tr')) {
      const [, callCell, stateCell] = [...row.querySelectorAll('td')];
      const badge = stateCell.querySelector('[data-testid=recording-state]') as Element;
      const gap = badge.getBoundingClientRect().left - textBox(callCell).right;
      if (gap < 16) problems.push(`the call ${callCell.textContent} is ${gap.toFixed(0)} px from its state`);
      for (const cell of row.querySelectorAll('td')) {
        if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`a cell overflows: "${cell.textContent}"`);
      }
      for (const button of row.querySelectorAll('button')) {
        const box = button.getBoundingClientRect();
        const cell = (button.closest('td') as Element).getBoundingClientRect();
        const name = button.getAttribute('aria-label');
        if (box.left < cell.left || box.right > cell.right || box.right > pageWidth) problems.push(`"${name}" is cut off`);
        if (button.scrollWidth > button.clientWidth + 1) problems.push(`"${name}"'s label overflows it`);
      }
    }
    const dialog = document.querySelector('[role=alertdialog]');
    if (dialog) {
      const outer = dialog.getBoundingClientRect();
      for (const part of dialog.querySelectorAll('*')) {
        const box = part.childElementCount === 0 ? textBox(part) : part.getBoundingClientRect();
        if (box.left < outer.left - 1 || box.right > outer.right + 1) problems.push(`the dialog's "${part.textContent}" sticks out of it`);
      }
    }
    return problems;
  });
}

/** The columns' widths, to see that they stay put whatever the rows say. */
const columnWidths = (frame: Frame) =>
  frame.evaluate(() => [...document.querySelectorAll('thead th')].map((th) => Math.round(th.getBoundingClientRect().width)));

const intro = (frame: Frame) => frame.getByTestId('supervisor-intro');

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
    expect(sent.some((url) => url.endsWith('/supervisor.js'))).toBe(false); // the agent's Flex never loads it
    frame = await supervisorFrame();
    await frame.getByRole('heading', { name: 'Recording Controls' }).waitFor({ timeout: 90_000 });
    expect(sent.filter((url) => url === `${stack.functionsUrl}/supervisor.js`)).toHaveLength(1);
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

    // The intro says what the calls are now.
    expect(await intro(frame).textContent()).toContain('Bob’s call is paused by his card number field.');
    expect(await intro(frame).textContent()).toContain('Carol’s pause failed, so her call records on.');
    expect(await intro(frame).textContent()).toContain('Force resume Bob’s, or pause one yourself.');
  });

  it('reads well at 1440 and at 800 px: headers apart, nothing cut off, columns that stay put', async () => {
    // Tall enough for the whole view in the screenshots (rows grow taller as the page narrows).
    for (const [width, height] of [
      [1440, 1000],
      [800, 1400],
    ]) {
      await page.setViewportSize({ width, height });
      await frame.waitForFunction((wanted) => document.documentElement.clientWidth < wanted, width);
      expect(await layoutProblems(frame)).toEqual([]);
      await screenshot(page, `supervisor-view-${width}`);
    }
    // Bob's countdown ticks on: the columns keep their widths.
    const widths = await columnWidths(frame);
    const shown = await stateOf(frame, calls.paused.callSid).textContent();
    await frame.waitForFunction(
      ([sid, before]) =>
        [...document.querySelectorAll('tr[data-testid^=recording-row-]')].some(
          (row) => (row.textContent ?? '').includes(sid) && row.querySelector('[data-testid=recording-state]')?.textContent !== before,
        ),
      [calls.paused.callSid, shown] as const,
    );
    expect(await columnWidths(frame)).toEqual(widths);
  });

  it('names each button after the agent’s call it acts on', async () => {
    for (const [agent, callSid] of [
      ['bob', calls.paused.callSid],
      ['carol', calls.failed.callSid],
      ['erin', calls.transferred.callSid],
    ]) {
      const call = `${agent}’s call ${callSid}`;
      for (const name of [`Pause recording of ${call}`, `Resume recording of ${call}`, `Force resume ${call}`]) {
        expect(await frame.getByRole('button', { name, exact: true }).count()).toBe(1);
      }
    }
    // The buttons say what they do; the call is in their row.
    expect(await frame.getByRole('button', { name: `Force resume bob’s call ${calls.paused.callSid}` }).textContent()).toBe('Force resume');
  });

  it('force resume asks first, from the keyboard: Escape changes nothing', async () => {
    const forceResume = frame.getByRole('button', { name: `Force resume bob’s call ${calls.paused.callSid}` });
    const dialog = frame.getByRole('alertdialog', { name: 'Force resume bob’s call?' });
    const focused = () => frame.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent);
    await forceResume.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`${calls.paused.callSid}This ends every pause on the call (Card number)`);
    expect(await frame.evaluate(() => !!document.activeElement?.closest('[role=alertdialog]'))).toBe(true); // focus moved into it
    // Drawn once it has faded in.
    await frame.waitForFunction(() => getComputedStyle(document.querySelector('[role=alertdialog]') as Element).opacity === '1');
    expect(await layoutProblems(frame)).toEqual([]);
    await screenshot(page, 'supervisor-view-confirm');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused()).toBe(`Force resume bob’s call ${calls.paused.callSid}`); // back where it was
    expect(sent.some((url) => url === `${stack.functionsUrl}/recording-controls/resume`)).toBe(false);
    const status = async (sid: string) => ((await (await fetch(`${stack.standinUrl}/__standin/recordings/${sid}`)).json()) as { status: string }).status;
    for (const sid of calls.paused.recordingSids) expect(await status(sid)).toBe('paused');
    expect(await stateOf(frame, calls.paused.callSid).textContent()).toMatch(/^Paused — Card number/);
  });

  it('force resume: once confirmed, the supervisor ends Bob’s pause, and the recording runs again at Twilio', async () => {
    const widths = await columnWidths(frame);
    // The row says "Recording" once the resume is decided (the safe side); the functions answer the
    // supervisor's resume once Twilio has answered theirs.
    const answered = page.waitForResponse(
      (response) => response.url() === `${stack.functionsUrl}/recording-controls/resume` && response.request().method() === 'POST',
      { timeout: 20_000 },
    );
    await page.keyboard.press('Enter'); // focus is back on Bob's Force resume
    const dialog = frame.getByRole('alertdialog', { name: 'Force resume bob’s call?' });
    await dialog.waitFor();
    // Tab to the dialog's Force resume: the dialog keeps the focus among its own buttons.
    for (let presses = 0; presses < 3 && (await frame.evaluate(() => document.activeElement?.textContent)) !== 'Force resume'; presses += 1) {
      await page.keyboard.press('Tab');
    }
    expect(await frame.evaluate(() => [document.activeElement?.textContent, !!document.activeElement?.closest('[role=alertdialog]')])).toEqual([
      'Force resume',
      true,
    ]);
    await page.keyboard.press('Enter');
    await waitForState(frame, calls.paused.callSid, /^Recording$/);
    expect((await answered).status()).toBe(200);
    const status = async (sid: string) => ((await (await fetch(`${stack.standinUrl}/__standin/recordings/${sid}`)).json()) as { status: string }).status;
    for (const sid of calls.paused.recordingSids) expect(await status(sid)).toBe('in-progress');
    expect(await stateOf(frame, calls.paused.callSid).textContent()).toBe('Recording');
    expect(await dialog.count()).toBe(0);
    // Nothing holds Bob's call any more: there is nothing left to force.
    expect(await frame.getByRole('button', { name: `Force resume bob’s call ${calls.paused.callSid}` }).isDisabled()).toBe(true);
    expect(await columnWidths(frame)).toEqual(widths);

    // The intro follows: no more "Force resume Bob's".
    await frame.waitForFunction(() => document.querySelector('[data-testid=supervisor-intro]')?.textContent?.includes('Bob’s card number pause is over'));
    expect(await intro(frame).textContent()).toContain('Bob’s card number pause is over: his call records again.');
    expect(await intro(frame).textContent()).not.toContain('Force resume Bob’s');
    expect(await layoutProblems(frame)).toEqual([]);
    await screenshot(page, 'supervisor-view-force-resumed');
  });

  it('ran without an uncaught error in either page', () => {
    expect(pageErrors).toEqual([]);
  });
});
