/**
 * The Desktop Manager and CRM triggers end to end, in headless Chromium: the demo page of
 * `npm start`, the functions in the real local runtime (twilio-run) and the Twilio stand-in, on
 * free ports. The admin changes the CVV event in the Desktop Manager (loaded from the functions
 * only when the tab opens); the CRM page shown in Flex — another origin, wired by crm-relay.js
 * alone, no desktop agent — pauses the recording at the stand-in and it resumes when the new
 * duration runs out; a message from an origin the configuration does not list does nothing.
 *
 * Screenshots go to test-artifacts/desktop-manager-*.png.
 */
import type { Browser, Frame, Page } from 'playwright-core';
import type { LocalStack } from '../../scripts/localStack';
import { CHIP_ATTRIBUTE } from '../../src/crm/relay';
import { testEnv } from '../support/harness';
import {
  INDICATOR,
  launchChromium,
  openDemoPage,
  localPage,
  screenshot,
  waitForIndicator as waitForIndicatorOn,
  waitForRecordingsShown,
  startDemoStack,
  stopDemoStack,
  type DemoStack,
} from './browser';

jest.setTimeout(180_000);

const CVV_SECONDS = 5;
/** How old Flex's copy of the CRM fields may be before a CRM page's message makes it read them again (src/crm/bridge.ts). */
const FIELDS_FRESH_MS = 30_000;
const TEST_CVV = '737';
// The typed code as a value of its own: not the same digits inside a token, a call SID or a timestamp.
const CARRIES_TEST_CVV = new RegExp(`(^|[^0-9a-z])${TEST_CVV}([^0-9a-z]|$)`, 'i');

let running: DemoStack | undefined;
let stack: LocalStack;
let port: number;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** Every request the page made: where, and with what body. */
const sent: Array<{ url: string; method: string; body: string }> = [];

beforeAll(async () => {
  browser = await launchChromium();
  running = await startDemoStack(testEnv, { adminKey: testEnv.RECORDING_CONTROLS_ADMIN_KEYS });
  ({ stack, port } = running);

  page = await localPage(browser);
  // The CRM page is served on the other loopback name: another origin, on this machine.
  await page.route(/^http:\/\/localhost:\d+\//, (route) => route.continue());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('request', (request) => sent.push({ url: request.url(), method: request.method(), body: request.postData() ?? '' }));
  // The pages' timers run on Playwright's clock: in step with real time until a test moves it.
  await page.clock.install();
  await openDemoPage(page, `http://127.0.0.1:${port}`);
});

afterAll(() => stopDemoStack(browser, running));

const indicator = () => page.textContent(INDICATOR);
const waitForIndicator = (pattern: RegExp, timeout?: number) => waitForIndicatorOn(page, pattern, timeout);

/** Each recording of the demo call as the stand-in has it. */
async function recordingsAtTwilio(): Promise<Array<{ status: string; history: Array<{ status: string; at: string }> }>> {
  const { call } = (await (await fetch(`http://127.0.0.1:${port}/api/call`)).json()) as { call: { recordingSids: string[] } };
  return Promise.all(call.recordingSids.map(async (sid) => (await fetch(`${stack.standinUrl}/__standin/recordings/${sid}`)).json()));
}

const recordingStatuses = async () => (await recordingsAtTwilio()).map((recording) => recording.status);

/**
 * Once every recording of the call is in `status` at Twilio (the stand-in; when it is not yet, the
 * page's recordings table says when it is): when Twilio made the last of them so, by its own record.
 */
async function waitForRecordings(status: string, timeoutMs = 30_000): Promise<number> {
  const all = (recordings: Array<{ status: string }>) => recordings.every((recording) => recording.status === status);
  let recordings = await recordingsAtTwilio();
  if (!all(recordings)) {
    await waitForRecordingsShown(page, status, { timeout: timeoutMs });
    recordings = await recordingsAtTwilio();
    if (!all(recordings)) throw new Error(`the page showed ${status}, Twilio has ${recordings.map((each) => each.status)}`);
  }
  return Math.max(...recordings.map((recording) => Date.parse(recording.history[recording.history.length - 1].at)));
}

/** The chip crm-relay.js draws beside the field: in `state`, with `role`, saying `text`. */
/** How slowly Twilio answers while the risky moments are timed. */
const TWILIO_MS = 500;

async function waitForChip(crm: Frame, state: string, role: 'status' | 'alert', text: RegExp, timeout = 15_000): Promise<void> {
  await crm
    .waitForFunction(
      ([attribute, wanted, wantedRole, source]) => {
        const chip = document.querySelector(`[${attribute}]`);
        return (
          chip?.getAttribute(attribute) === wanted && chip.getAttribute('role') === wantedRole && new RegExp(source).test(chip.children[1]?.textContent ?? '')
        );
      },
      [CHIP_ATTRIBUTE, state, role, text.source] as const,
      { timeout },
    )
    .catch(async (error: Error) => {
      const chip = await crm
        .evaluate((attribute) => document.querySelector(`[${attribute}]`)?.outerHTML ?? 'no chip', CHIP_ATTRIBUTE)
        .catch(() => 'the frame cannot be read');
      throw new Error(`the chip never showed ${state} ${text}: ${chip} (${error.message})`);
    });
}

/** The stand-in's control surface, as an operator would use it. */
async function standinControl(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${stack.standinUrl}/__standin/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST /__standin/${path}: HTTP ${response.status}`);
}

const signalsSent = () => sent.filter((request) => request.method === 'POST' && request.url === `${stack.functionsUrl}/desktop-event`);

async function crmFrame(): Promise<Frame> {
  await page.getByLabel('CRM in Flex (crm-relay.js, no desktop agent)').check();
  const handle = await page.waitForSelector('[data-testid=crm-frame]');
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('the CRM frame has no document');
  // crm-relay.js has asked Flex which fields to watch and been told.
  await frame.waitForSelector('#relay-status >> text=/watching 2 field/', { timeout: 15_000 });
  return frame;
}

/**
 * The agent enters a field of the CRM frame: a real mouse click at its place on the screen, as a user
 * clicks. The frame is another origin (an out-of-process frame in Chromium), and Playwright's locator
 * actions inside it fail under jest ("Object not disposable"), so the click goes through the page's
 * mouse, once the frame has stopped moving. On a busy machine Chromium may route a click to an
 * out-of-process frame by where things were before the page last scrolled or resized, for many
 * seconds; after a few clicks that did not land, the field is entered as a keyboard user enters it
 * (focus moves into it), which is all crm-relay.js listens for.
 */
async function clickInCrm(crm: Frame, selector: string, clicks = 3): Promise<void> {
  await page.evaluate(() => document.querySelector('[data-testid=crm-frame]')?.scrollIntoView({ block: 'center' }));
  const frameElement = await page.waitForSelector('[data-testid=crm-frame]');
  const focused = () =>
    crm
      .waitForFunction((css) => document.activeElement === document.querySelector(css), selector, { timeout: 2000 })
      .then(
        () => true,
        () => false,
      );
  for (let click = 0; click < clicks; click += 1) {
    await frameElement.waitForElementState('stable');
    // The frame draws anew, so that Chromium routes the click by where things are now.
    await crm.evaluate(
      () =>
        new Promise<void>((drawn) => {
          document.body.style.outline = '1px solid transparent';
          requestAnimationFrame(() => requestAnimationFrame(() => drawn(void document.body.style.removeProperty('outline'))));
        }),
    );
    const inFrame = await crm.evaluate((css) => {
      const box = (document.querySelector(css) as Element).getBoundingClientRect();
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    }, selector);
    const frame = await page.evaluate(() => {
      const element = document.querySelector('[data-testid=crm-frame]') as HTMLElement;
      const box = element.getBoundingClientRect();
      return { x: box.x + element.clientLeft, y: box.y + element.clientTop };
    });
    await page.mouse.click(frame.x + inFrame.x, frame.y + inFrame.y);
    if (await focused()) return;
  }
  await crm.evaluate((css) => (document.querySelector(css) as HTMLElement).focus(), selector);
  if (!(await focused())) throw new Error(`${selector} never took the focus`);
}

describe('the Desktop Manager and a CRM shown in Flex', () => {
  // A test that slows or breaks Twilio does not leave it so for the next.
  afterEach(async () => {
    await standinControl('latency', { ms: 0 });
    await standinControl('faults', { operation: 'recording.update', status: 503, code: 20503, times: 0 });
  });

  it('the admin shortens the CVV pause; the CRM field fires it through crm-relay.js; the recording resumes after the new time', async () => {
    // The demo server added its CRM's fields at start (version 1, by the API key).
    expect(sent.some((request) => request.url.endsWith('/desktop-manager.js'))).toBe(false); // agents never load it

    await page.getByRole('tab', { name: 'Desktop Manager (admin)' }).click();
    const cvvRow = page.getByTestId('desktop-event-cvv');
    await cvvRow.waitFor({ timeout: 20_000 });
    expect(sent.filter((request) => request.url === `${stack.functionsUrl}/desktop-manager.js`)).toHaveLength(1);
    await page
      .getByTestId('desktop-manager-version')
      .getByText(/Version 1 · saved by admin-key-1/)
      .waitFor();
    expect(await cvvRow.textContent()).toContain(`input[name=cvv] · http://localhost:${port}`);
    await screenshot(page, 'desktop-manager-1-events');

    await cvvRow.getByRole('button', { name: 'Edit' }).click();
    const duration = page.getByRole('dialog').getByLabel(/Resume after/);
    await duration.fill('0');
    await page.getByRole('dialog').getByText('A whole number of seconds from 1 to 3600').waitFor();
    await screenshot(page, 'desktop-manager-2-inline-validation');
    await duration.fill(String(CVV_SECONDS));
    await page.getByRole('dialog').getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved as version 2. Calls use it within 5 seconds.').waitFor();
    expect(await page.getByTestId('desktop-manager-version').textContent()).toMatch(/Version 2 · saved by demo-admin/);
    await screenshot(page, 'desktop-manager-3-saved');

    // The agent: the CRM in Flex, through crm-relay.js.
    await page.getByRole('tab', { name: 'Agent desktop' }).click();
    await waitForIndicator(/^Recording$/);
    await page.getByLabel('CRM in Flex (crm-relay.js, no desktop agent)').check();
    const crm = await crmFrame();
    const before = signalsSent().length;
    const clickedAt = Date.now();
    await clickInCrm(crm, 'input[name=cvv]');
    const pausedAt = await waitForRecordings('paused');
    await waitForIndicator(new RegExp(`^Paused — CVV — resumes in 0:0[0-${CVV_SECONDS}]$`));
    await page.keyboard.type(TEST_CVV);
    expect(await crm.evaluate(() => (document.querySelector('input[name=cvv]') as HTMLInputElement).value)).toBe(TEST_CVV);
    await screenshot(page, 'desktop-manager-4-crm-paused');

    // Still in the field: the saved 5 s run out, and the recording resumes at Twilio (both times are Twilio's).
    const resumedAt = await waitForRecordings('in-progress');
    expect(resumedAt - clickedAt).toBeGreaterThanOrEqual((CVV_SECONDS - 1) * 1000);
    // The saved 5 s, not the shipped 60 s.
    expect(resumedAt - pausedAt).toBeLessThan((CVV_SECONDS + 8) * 1000);
    await waitForIndicator(/^Recording$/);
    await screenshot(page, 'desktop-manager-5-crm-resumed');

    // The signal was the plugin's, with the agent's Flex token: the trigger and the call, nothing typed.
    const signals = signalsSent().slice(before);
    expect(signals.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(signals[0].body)).toEqual({
      eventId: expect.stringMatching(/^crm-/),
      trigger: 'cvv.focus',
      occurredAt: expect.any(String),
      callSid: expect.stringMatching(/^CA/),
      Token: expect.stringMatching(/^standin-flex-token\./),
    });
    expect(sent.filter((request) => CARRIES_TEST_CVV.test(request.body))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('at the CRM field: "Pausing…" at once, the chip beside the field, the warning before the pause runs out, then said plainly', async () => {
    await waitForRecordings('in-progress');
    await standinControl('latency', { ms: TWILIO_MS }); // Twilio slow to answer: what the agent sees before it does
    const crm = await crmFrame();
    await crm.evaluate((chipAttribute) => {
      const marks: Record<string, number> = {};
      (window as unknown as { marks: typeof marks }).marks = marks;
      document.querySelector('input[name=cvv]')?.addEventListener('focus', () => (marks.focusAt ??= Date.now()));
      new MutationObserver(() => {
        const state = document.querySelector(`[${chipAttribute}]`)?.getAttribute(chipAttribute);
        if (state) marks[`${state}At`] ??= Date.now();
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    }, CHIP_ATTRIBUTE);
    await page.evaluate((selector) => {
      const marks: Record<string, number> = {};
      (window as unknown as { marks: typeof marks }).marks = marks;
      new MutationObserver(() => {
        if (document.querySelector(selector)?.textContent === 'Pausing recording…') marks.pausingAt ??= Date.now();
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    }, INDICATOR);

    await clickInCrm(crm, 'input[name=amount]'); // out of the CVV the test above left the agent in
    await clickInCrm(crm, 'input[name=cvv]');
    await waitForChip(crm, 'pausing', 'status', /^Pausing recording…$/);
    await screenshot(page, 'risky-1-pausing');
    const inCrm = await crm.evaluate(() => (window as unknown as { marks: Record<string, number> }).marks);
    const inFlex = await page.evaluate(() => (window as unknown as { marks: Record<string, number> }).marks);
    // Both clocks are the machine's: the frame and the page measure from the same focus. Said
    // before any answer could have come (a pause takes a Twilio round trip at least); how fast on an
    // idle machine (well under 100 ms) is for the eye, not a timed test on a busy CI machine.
    expect(inCrm.pausingAt - inCrm.focusAt).toBeLessThan(TWILIO_MS);
    expect(inFlex.pausingAt - inCrm.focusAt).toBeLessThan(TWILIO_MS);
    expect(inCrm.pausingAt).toBeLessThan(inCrm.pausedAt ?? Infinity);

    // Paused at Twilio (behind the stop of the field left before, each request slowed); the CVV's 5 s
    // (saved in the first test) are all in the last 10 s: the warning, where the agent looks, at once.
    await waitForRecordings('paused');
    await waitForChip(crm, 'soon', 'alert', /^Recording resumes in 0:0[1-5]$/);
    const warning = page.getByTestId('recording-indicator-warning');
    await warning.waitFor({ timeout: 15_000 });
    expect(await warning.getAttribute('role')).toBe('alert');
    expect(await warning.textContent()).toBe('The recording resumes in a few seconds: stop taking card details.');
    await screenshot(page, 'risky-2-chip-and-warning');

    // It runs out with the agent still in the field: said plainly, in Flex and beside the field.
    await waitForRecordings('in-progress');
    await page.getByText('The pause for CVV ran out: the call is being recorded again. Do not take card details now.').waitFor({ timeout: 20_000 });
    await waitForChip(crm, 'over', 'alert', /^Recording again$/);
    expect(await warning.isVisible()).toBe(false);
    await screenshot(page, 'risky-3-recording-again');
    await standinControl('latency', { ms: 0 });
  });

  it('a failed pause is an alert only "I understand" or a confirmed pause takes down; one notice at a time', async () => {
    await waitForIndicator(/^Recording$/);
    await standinControl('faults', { operation: 'recording.update', status: 503, code: 20503, times: 100 });
    const crm = await crmFrame();
    await clickInCrm(crm, 'input[name=cardNumber]');
    const failure = page.getByRole('alert').filter({ hasText: /^The recording was NOT paused \(.*\)\. Do not take card details\./ });
    await failure.waitFor({ timeout: 20_000 });
    expect(await failure.getByRole('button', { name: /close|×/i }).count()).toBe(0); // no way around it but the answer
    await waitForChip(crm, 'failed', 'alert', /^NOT paused — do not take card details$/);
    expect(await recordingStatuses()).toEqual(['in-progress', 'in-progress']);
    await screenshot(page, 'risky-4-pause-failed');

    // Twilio answers again; the agent pauses by hand: the confirmation replaces the failure. Going
    // from the card field to the button sends the field's stop, and the button is busy (a click on it
    // does nothing) until that is answered: the agent clicks once it is.
    await standinControl('faults', { operation: 'recording.update', status: 503, code: 20503, times: 0 });
    const button = page.getByTestId('recording-control-button');
    const stopAnswered = page.waitForResponse(
      (response) => response.url() === `${stack.functionsUrl}/desktop-event` && (response.request().postData() ?? '').includes('"trigger":"card-number.blur"'),
      { timeout: 20_000 },
    );
    await button.focus();
    await stopAnswered;
    await page.waitForSelector('[data-testid=recording-control-button]:not([aria-busy=true])');
    expect(await failure.isVisible()).toBe(true); // leaving the field took nothing down
    await button.click();
    await waitForIndicator(/^Paused/);
    await failure.waitFor({ state: 'detached', timeout: 20_000 });
    await page.getByText('Recording paused. You may take the card details.').waitFor({ timeout: 20_000 });
    expect(await page.getByText(/NOT paused/).count()).toBe(0);
    await screenshot(page, 'risky-5-one-notice');
    await button.click();
    await waitForIndicator(/^Recording$/);
  });

  it('says in the call canvas that card fields pause nothing while their configuration cannot be read', async () => {
    const frame = await (await crmFrame()).frameElement();
    await page.route(`${stack.functionsUrl}/desktop-events/crm-fields`, (route) =>
      route.fulfill({
        status: 502,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'config_unavailable', message: 'Twilio Sync did not answer' } }),
      }),
    );
    const reloadCrm = async () => (await frame.contentFrame())?.evaluate(() => location.reload()).catch(() => undefined);
    // Flex reads the fields again when a CRM page speaks and its copy is 30 s old: 30 s of the pages'
    // time pass at once, and the CRM page loads again (the agent opens another record) and asks.
    await page.clock.fastForward(FIELDS_FRESH_MS);
    await reloadCrm();
    const off = page.getByTestId('recording-indicator-automation-off');
    await off.waitFor({ timeout: 20_000 });
    expect(await off.getAttribute('role')).toBe('alert');
    expect(await off.textContent()).toBe(
      'Card fields may not pause the recording by themselves: the CRM fields could not be read. Pause by hand before taking card details.',
    );
    await screenshot(page, 'risky-6-automation-off');

    await page.unroute(`${stack.functionsUrl}/desktop-events/crm-fields`);
    await reloadCrm();
    await off.waitFor({ state: 'detached', timeout: 20_000 });
    // The pages' wall clock back in step with the servers', whose times the holds' ends are.
    await page.clock.setSystemTime(Date.now());
  });

  it('a trigger posted from an origin the configuration does not list does nothing', async () => {
    await waitForIndicator(/^Recording$/);
    const crm = await crmFrame();
    const before = signalsSent().length;
    // From a frame of another origin (srcdoc: an opaque origin), and from the Flex page itself; on
    // once Flex has received both.
    await page.evaluate(async () => {
      const message = { source: 'recording-controls-crm', type: 'trigger', trigger: 'cvv.focus' };
      const received = new Promise<void>((resolve) => {
        let count = 0;
        window.addEventListener('message', (event) => {
          if (event.data?.source === message.source && event.data.trigger === message.trigger && ++count === 2) resolve();
        });
      });
      const frame = document.createElement('iframe');
      frame.srcdoc = `<script>parent.postMessage(${JSON.stringify(message)}, '*');</script>`;
      document.body.appendChild(frame);
      window.postMessage({ ...message }, '*');
      await received;
    });
    // Flex deals with CRM messages in the order they came: once it has answered a hello the listed
    // CRM page sent after them, it has dealt with both (and sent any signal they made).
    await crm.evaluate(
      () =>
        new Promise<void>((resolve) => {
          window.addEventListener('message', (event) => event.data?.type === 'fields' && resolve());
          parent.postMessage({ source: 'recording-controls-crm', type: 'hello' }, '*');
        }),
    );
    expect(signalsSent().length).toBe(before);
    expect(await recordingStatuses()).toEqual(['in-progress', 'in-progress']);
    expect(await indicator()).toBe('Recording');
  });
});
