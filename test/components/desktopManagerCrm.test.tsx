/**
 * Triggers from a CRM page shown in Flex, in the browser: the relay script a CRM page includes
 * (crm-relay.js) and the plugin's bridge in the Flex window, under the real @twilio/flex-ui.
 * The script asks Flex for its fields and posts only trigger ids; the plugin answers only
 * configured origins, and sends each trigger as a desktop event with the agent's Flex token. The
 * answer reaches the agent as any pause does: the indicator, and the blocking notification when
 * the pause failed.
 */
import * as React from 'react';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { RecordingIndicator } from '../../src/components/RecordingIndicator';
import { FROM_CRM, FROM_FLEX, type CrmFieldTrigger } from '../../src/crm/protocol';
import { CHIP_ATTRIBUTE, startCrmRelay, UNREACHABLE_ATTRIBUTE } from '../../src/crm/relay';
import { BASE_URL, CALL_SID, callStatus, desktopHold, fakeApi, fakeManager, renderInFlex, TOKEN, usePluginInFlex, voiceTask } from './support';

const CRM = 'https://crm.example.com';
const task = voiceTask();
const api = fakeApi();
const manager = fakeManager({
  identity: 'alice',
  tasks: [task],
  selectedTaskSid: task.sid,
  config: { serverlessBaseUrl: BASE_URL, indicator: { labels: { cvv: 'CVV' } } },
});
usePluginInFlex(api, manager);

const crmFields: CrmFieldTrigger[] = [
  { origin: CRM, selector: 'input[name=cvv]', event: 'cvv', focusTrigger: 'cvv.focus', blurTrigger: 'cvv.blur' },
  { origin: 'https://other-crm.example.com', selector: '#iban', event: 'iban', focusTrigger: 'iban.focus' },
];
let signals: Array<{ token: string | null; body: Record<string, unknown> }>;
let answer: () => { status: number; body: unknown };

beforeEach(() => {
  signals = [];
  answer = () => {
    api.state = callStatus([desktopHold({ id: 'cvv', trigger: 'cvv.focus', resumeAt: new Date(Date.now() + 60_000).toISOString() })]);
    return { status: 200, body: { outcome: 'paused', recording: 'paused', callSid: CALL_SID, holds: api.state.holds } };
  };
  api.server.use(
    // As a browser must reach a Twilio Function: POST, the Flex token in the body.
    http.post(`${BASE_URL}/desktop-events/crm-fields`, async ({ request }) =>
      new URLSearchParams(await request.text()).get('Token') === TOKEN
        ? HttpResponse.json({ fields: crmFields })
        : HttpResponse.json({ error: { code: 'unauthenticated' } }, { status: 401 }),
    ),
    http.post(`${BASE_URL}/desktop-event`, async ({ request }) => {
      const { Token, ...signal } = (await request.json()) as Record<string, unknown>;
      signals.push({ token: typeof Token === 'string' ? Token : null, body: signal });
      const { status, body } = answer();
      return HttpResponse.json(body as Record<string, unknown>, { status });
    }),
  );
});

/** A frame standing for a CRM page: its window receives what Flex posts to it. */
function crmFrame() {
  const frame = document.createElement('iframe');
  document.body.appendChild(frame);
  const page = frame.contentWindow as Window;
  const received: Array<{ data: unknown; origin: string }> = [];
  page.postMessage = ((data: unknown, origin: string) => received.push({ data, origin })) as Window['postMessage'];
  return { page, received, remove: () => frame.remove() };
}

/** What arrives in the Flex window when a page posts to it. */
const fromPage = (page: Window, origin: string, data: unknown) => window.dispatchEvent(new MessageEvent('message', { data, origin, source: page }));
const trigger = (value: string) => ({ source: FROM_CRM, type: 'trigger', trigger: value, occurredAt: new Date().toISOString() });
const settle = () => new Promise((done) => setTimeout(done, 300));

describe('the plugin’s bridge in the Flex window', () => {
  it('tells a configured CRM page which of its fields to watch, and nothing about other origins', async () => {
    const crm = crmFrame();
    fromPage(crm.page, CRM, { source: FROM_CRM, type: 'hello' });
    await waitFor(() => expect(crm.received).toHaveLength(1));
    expect(crm.received[0]).toEqual({
      origin: CRM,
      data: { source: FROM_FLEX, type: 'fields', fields: [{ selector: 'input[name=cvv]', focus: 'cvv.focus', blur: 'cvv.blur' }] },
    });
    crm.remove();
  });

  it('sends a CRM trigger as a desktop event with the agent’s Flex token; the indicator shows the pause', async () => {
    renderInFlex(<RecordingIndicator />, task);
    await waitFor(() => expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent(/^Recording$/));
    const crm = crmFrame();
    fromPage(crm.page, CRM, trigger('cvv.focus'));
    await waitFor(() => expect(signals).toHaveLength(1));
    expect(signals[0].token).toBe(TOKEN);
    expect(signals[0].body).toEqual({ eventId: expect.stringMatching(/^crm-/), trigger: 'cvv.focus', occurredAt: expect.any(String), callSid: CALL_SID });
    await waitFor(() => expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent(/^Paused — CVV — resumes in/));
    crm.remove();
  });

  it('ignores a trigger from an origin the configuration does not list, and one that is not its field’s', async () => {
    const stranger = crmFrame();
    fromPage(stranger.page, 'https://evil.example.com', { source: FROM_CRM, type: 'hello' });
    fromPage(stranger.page, 'https://evil.example.com', trigger('cvv.focus'));
    const crm = crmFrame();
    fromPage(crm.page, CRM, trigger('iban.focus')); // another origin's field
    fromPage(crm.page, CRM, { source: FROM_CRM, type: 'trigger', trigger: 'cvv.focus', value: '123' } as unknown as object);
    await settle();
    expect(stranger.received).toEqual([]);
    // The last one is a valid trigger: only its id and time go out, whatever else the page put in.
    await waitFor(() => expect(signals).toHaveLength(1));
    expect(Object.keys(signals[0].body).sort()).toEqual(['callSid', 'eventId', 'trigger']);
    stranger.remove();
    crm.remove();
  });

  it('says "Pausing…" at once, in Flex and to the CRM page, then what Twilio confirmed', async () => {
    let release = () => {};
    const answered = new Promise<void>((resolve) => (release = resolve));
    api.server.use(
      http.post(`${BASE_URL}/desktop-event`, async ({ request }) => {
        const { Token, ...signal } = (await request.json()) as Record<string, unknown>;
        signals.push({ token: typeof Token === 'string' ? Token : null, body: signal });
        await answered;
        const { status, body } = answer();
        return HttpResponse.json(body as Record<string, unknown>, { status });
      }),
    );
    renderInFlex(<RecordingIndicator />, task);
    await waitFor(() => expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent(/^Recording$/));
    const crm = crmFrame();
    fromPage(crm.page, CRM, trigger('cvv.focus'));
    await waitFor(() => expect(signals).toHaveLength(1));
    expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent(/^Pausing recording…$/);
    const states = () => crm.received.map(({ data }) => data as { type: string; state?: string; text?: string }).filter((data) => data.type === 'state');
    expect(states()).toEqual([{ source: FROM_FLEX, type: 'state', state: 'pausing', text: 'Pausing recording…' }]);
    expect(crm.received.every(({ origin }) => origin === CRM)).toBe(true);

    release();
    await waitFor(() => expect(states().map(({ state }) => state)).toEqual(['pausing', 'paused']));
    // The hold ends by itself: the page can count its last seconds down.
    expect(states()[1]).toMatchObject({
      text: 'Recording paused',
      resumeAt: api.state.holds[0].resumeAt,
      soonText: 'Recording resumes in {{time}}',
      overText: 'Recording again',
    });
    await waitFor(() => expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent(/^Paused — CVV — resumes in/));
    expect(screen.getByText('Recording paused. You may take the card details.')).toBeInTheDocument();
    crm.remove();
  });

  it('says "Pausing…" at once even while the move before is still on its way, and keeps saying it until its own answer', async () => {
    const releases: Array<() => void> = [];
    let holding = true; // these handlers outlive the test: later ones are answered at once
    api.server.use(
      http.post(`${BASE_URL}/desktop-event`, async ({ request }) => {
        const { Token, ...signal } = (await request.json()) as Record<string, unknown>;
        signals.push({ token: typeof Token === 'string' ? Token : null, body: signal });
        if (holding) await new Promise<void>((resolve) => releases.push(resolve));
        if (signal.trigger === 'cvv.blur') {
          api.state = callStatus([]);
          return HttpResponse.json({ outcome: 'resumed', recording: 'in-progress', callSid: CALL_SID, holds: [] });
        }
        const { status, body } = answer();
        return HttpResponse.json(body as Record<string, unknown>, { status });
      }),
    );
    renderInFlex(<RecordingIndicator />, task);
    await waitFor(() => expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent(/^Recording$/));
    const crm = crmFrame();
    const states = () =>
      crm.received
        .map(({ data }) => data as { type: string; state?: string })
        .filter((data) => data.type === 'state')
        .map(({ state }) => state);
    // Out of CVV (its stop on its way) and straight back in.
    fromPage(crm.page, CRM, trigger('cvv.blur'));
    await waitFor(() => expect(signals).toHaveLength(1));
    fromPage(crm.page, CRM, trigger('cvv.focus'));
    await waitFor(() => expect(states()).toEqual(['resuming', 'pausing']));
    expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent(/^Pausing recording…$/);

    releases[0](); // the stop is answered "recording": the new pause is still to come, so nothing says so
    await waitFor(() => expect(signals).toHaveLength(2));
    expect(states()).toEqual(['resuming', 'pausing']);
    expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent(/^Pausing recording…$/);
    expect(screen.queryByText('Recording resumed.')).not.toBeInTheDocument();

    holding = false;
    releases[1]();
    await waitFor(() => expect(states()).toEqual(['resuming', 'pausing', 'paused']));
    await waitFor(() => expect(screen.getByTestId('recording-indicator-text')).toHaveTextContent(/^Paused — CVV/));
    crm.remove();
  });

  it('says in the call canvas, for as long as it lasts, that CRM fields pause nothing when they cannot be read', async () => {
    let readable = false;
    api.server.use(
      http.post(`${BASE_URL}/desktop-events/crm-fields`, () =>
        readable ? HttpResponse.json({ fields: crmFields }) : HttpResponse.json({ error: { code: 'config_unavailable' } }, { status: 502 }),
      ),
    );
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    // An hour on: the plugin's copy of the fields (read in earlier tests) is old and is read again.
    jest.useFakeTimers({
      now: Date.now() + 3_600_000,
      doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask'],
    });
    renderInFlex(<RecordingIndicator />, task);
    const crm = crmFrame();
    fromPage(crm.page, CRM, { source: FROM_CRM, type: 'hello' });
    const off = await screen.findByTestId('recording-indicator-automation-off');
    expect(off).toHaveAttribute('role', 'alert');
    expect(off).toHaveTextContent(
      'Card fields may not pause the recording by themselves: the CRM fields could not be read. Pause by hand before taking card details.',
    );
    readable = true;
    fromPage(crm.page, CRM, { source: FROM_CRM, type: 'hello' });
    await waitFor(() => expect(screen.queryByTestId('recording-indicator-automation-off')).not.toBeInTheDocument());
    warn.mockRestore();
    crm.remove();
  });

  it('a pause the server did not confirm shows the blocking "NOT paused" notification', async () => {
    answer = () => ({
      status: 502,
      body: { error: { code: 'recording_update_failed', message: 'Twilio did not confirm the recording change: treat the call as NOT paused' } },
    });
    renderInFlex(<RecordingIndicator />, task);
    const crm = crmFrame();
    fromPage(crm.page, CRM, trigger('cvv.focus'));
    expect(await screen.findByText(/The recording was NOT paused \(Twilio did not confirm the recording change/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /I understand/ })).toBeInTheDocument();
    // The CRM page is told too, for the chip beside the field.
    await waitFor(() => expect(crm.received.map(({ data }) => (data as { state?: string }).state).filter(Boolean)).toEqual(['pausing', 'failed']));
    crm.remove();
  });
});

describe('the relay script in the CRM page', () => {
  const FLEX = 'https://flex.twilio.com';
  function flexFrame() {
    const frame = document.createElement('iframe');
    document.body.appendChild(frame);
    const flex = frame.contentWindow as Window;
    const posted: Array<{ data: any; origin: string }> = [];
    flex.postMessage = ((data: unknown, origin: string) => posted.push({ data, origin })) as Window['postMessage'];
    return { flex, posted, remove: () => frame.remove() };
  }
  const fields = {
    source: FROM_FLEX,
    type: 'fields',
    fields: [
      { selector: 'input[name=cvv]', focus: 'cvv.focus', blur: 'cvv.blur' },
      { selector: '#card', focus: 'card-number.focus', blur: 'card-number.blur' },
    ],
  };

  beforeEach(() => {
    document.body.insertAdjacentHTML('beforeend', '<form id="crm"><input id="card"><input name="cvv"><input name="notes"></form>');
  });
  afterEach(() => document.getElementById('crm')?.remove());

  it('asks Flex for its fields, then posts only trigger ids on focus and blur — never what was typed', async () => {
    const { flex, posted, remove } = flexFrame();
    const relay = startCrmRelay({ flex, flexOrigins: [FLEX], page: window });
    expect(posted).toEqual([{ origin: FLEX, data: { source: FROM_CRM, type: 'hello' } }]);
    window.dispatchEvent(new MessageEvent('message', { data: fields, origin: FLEX, source: flex }));
    expect(relay.fields()).toHaveLength(2);

    const cvv = document.querySelector('input[name=cvv]') as HTMLInputElement;
    const card = document.getElementById('card') as HTMLInputElement;
    const notes = document.querySelector('input[name=notes]') as HTMLInputElement;
    fireEvent.focusIn(cvv);
    fireEvent.change(cvv, { target: { value: '737' } });
    fireEvent.focusOut(cvv, { relatedTarget: notes });
    fireEvent.focusIn(notes);
    fireEvent.focusOut(notes, { relatedTarget: card });
    fireEvent.focusIn(card);
    // Straight from one card field to the other: the next pause first, then the end of this one.
    fireEvent.focusOut(card, { relatedTarget: cvv });
    fireEvent.focusIn(cvv);

    const sent = posted.slice(1);
    expect(sent.map(({ data }) => data.trigger)).toEqual(['cvv.focus', 'cvv.blur', 'card-number.focus', 'cvv.focus', 'card-number.blur']);
    expect(sent.every(({ origin }) => origin === FLEX)).toBe(true);
    expect(sent.every(({ data }) => Object.keys(data).sort().join() === 'occurredAt,source,trigger,type')).toBe(true);
    expect(JSON.stringify(posted)).not.toContain('737');
    relay.stop();
    remove();
  });

  it('a card number split over four boxes, and an event with two selectors: moving between its fields never sends its stop', async () => {
    document.body.insertAdjacentHTML(
      'beforeend',
      '<form id="split"><input class="pan" id="pan1"><input class="pan" id="pan2"><input class="pan" id="pan3"><input class="pan" id="pan4"><input name="cvv2"><input id="cvc"><input id="name"></form>',
    );
    const { flex, posted, remove } = flexFrame();
    const relay = startCrmRelay({ flex, flexOrigins: [FLEX], page: window });
    const split = {
      source: FROM_FLEX,
      type: 'fields',
      fields: [
        { selector: 'input.pan', focus: 'card-number.focus', blur: 'card-number.blur' },
        { selector: 'input[name=cvv2]', focus: 'cvv.focus', blur: 'cvv.blur' },
        { selector: '#cvc', focus: 'cvv.focus', blur: 'cvv.blur' },
      ],
    };
    window.dispatchEvent(new MessageEvent('message', { data: split, origin: FLEX, source: flex }));
    const el = (selector: string) => document.querySelector(selector) as HTMLInputElement;
    const move = (from: string, to: string) => {
      fireEvent.focusOut(el(from), { relatedTarget: el(to) });
      fireEvent.focusIn(el(to));
    };
    fireEvent.focusIn(el('#pan1'));
    move('#pan1', '#pan2');
    move('#pan2', '#pan3');
    // A CRM script moving focus itself: browsers may not say where it went.
    fireEvent.focusOut(el('#pan3'));
    el('#pan4').focus();
    await new Promise((resolve) => setTimeout(resolve, 5));
    move('#pan4', 'input[name=cvv2]');
    move('input[name=cvv2]', '#cvc');
    move('#cvc', '#name');
    const triggers = posted.slice(1).map(({ data }) => data.trigger);
    // Never a stop while a field of the same event still has focus; each stop once focus left them all.
    expect(triggers.filter((trigger) => trigger === 'card-number.blur')).toHaveLength(1);
    expect(triggers.filter((trigger) => trigger === 'cvv.blur')).toHaveLength(1);
    expect(triggers.indexOf('card-number.blur')).toBeGreaterThan(triggers.lastIndexOf('card-number.focus'));
    expect(triggers.indexOf('card-number.blur')).toBeGreaterThan(triggers.indexOf('cvv.focus'));
    expect(triggers[triggers.length - 1]).toBe('cvv.blur');
    relay.stop();
    remove();
    document.getElementById('split')?.remove();
  });

  it("draws the recording's state beside the field the agent is in: a failure as an alert", () => {
    jest.useFakeTimers();
    const { flex, remove } = flexFrame();
    const relay = startCrmRelay({ flex, flexOrigins: [FLEX], page: window });
    window.dispatchEvent(new MessageEvent('message', { data: fields, origin: FLEX, source: flex }));
    const cvv = document.querySelector('input[name=cvv]') as HTMLInputElement;
    cvv.focus();
    const state = (value: string, text: string, origin = FLEX) =>
      window.dispatchEvent(new MessageEvent('message', { data: { source: FROM_FLEX, type: 'state', state: value, text }, origin, source: flex }));
    const chip = () => document.querySelector(`[${CHIP_ATTRIBUTE}]`) as HTMLElement | null;
    const shown = () => chip()?.querySelector('[aria-hidden="true"]')?.textContent;
    const spoken = () => chip()?.querySelector(':not([aria-hidden])')?.textContent;

    state('pausing', 'Pausing recording…');
    expect(chip()).toHaveAttribute(CHIP_ATTRIBUTE, 'pausing');
    expect(chip()).toHaveAttribute('role', 'status');
    expect([shown(), spoken()]).toEqual(['Pausing recording…', 'Pausing recording…']);
    state('failed', 'NOT paused — do not take card details');
    expect(chip()).toHaveAttribute('role', 'alert');
    expect([shown(), spoken()]).toEqual(['NOT paused — do not take card details', 'NOT paused — do not take card details']);
    // Only Flex, at its origin, says what the chip shows.
    state('paused', 'Recording paused', 'https://evil.example.com');
    expect(chip()).toHaveAttribute(CHIP_ATTRIBUTE, 'failed');

    state('recording', 'Recording');
    expect(chip()).toBeVisible();
    jest.advanceTimersByTime(5000);
    expect(chip()).not.toBeVisible();
    relay.stop();
    expect(chip()).toBeNull();
    remove();
  });

  it('counts the last seconds of a pause that ends by itself down beside the field, then says it records again', () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T10:00:00Z') });
    const { flex, remove } = flexFrame();
    const relay = startCrmRelay({ flex, flexOrigins: [FLEX], page: window });
    window.dispatchEvent(new MessageEvent('message', { data: fields, origin: FLEX, source: flex }));
    (document.querySelector('input[name=cvv]') as HTMLInputElement).focus();
    const paused = {
      source: FROM_FLEX,
      type: 'state',
      state: 'paused',
      text: 'Recording paused',
      resumeAt: '2030-01-01T10:00:15.000Z',
      soonText: 'Recording resumes in {{time}}',
      overText: 'Recording again',
    };
    window.dispatchEvent(new MessageEvent('message', { data: paused, origin: FLEX, source: flex }));
    const chip = () => document.querySelector(`[${CHIP_ATTRIBUTE}]`) as HTMLElement;
    const shown = () => chip().querySelector('[aria-hidden="true"]')?.textContent;
    const spoken = () => chip().querySelector(':not([aria-hidden])')?.textContent;
    expect(shown()).toBe('Recording paused');
    expect(chip()).toHaveAttribute('role', 'status');
    jest.advanceTimersByTime(5000);
    expect([shown(), spoken()]).toEqual(['Recording resumes in 0:10', 'Recording resumes in 0:10']);
    expect(chip()).toHaveAttribute(CHIP_ATTRIBUTE, 'soon');
    expect(chip()).toHaveAttribute('role', 'alert');
    jest.advanceTimersByTime(1000);
    // The countdown ticks where it is seen; what is spoken stays, so it is said once.
    expect([shown(), spoken()]).toEqual(['Recording resumes in 0:09', 'Recording resumes in 0:10']);
    jest.advanceTimersByTime(9000);
    expect([shown(), spoken()]).toEqual(['Recording again', 'Recording again']);
    expect(chip()).toHaveAttribute(CHIP_ATTRIBUTE, 'over');
    jest.advanceTimersByTime(5000);
    expect(chip()).not.toBeVisible();
    relay.stop();
    remove();
  });

  it('an event kept paused while the agent is in its field: its start goes again in time, until the agent leaves', () => {
    jest.useFakeTimers();
    const { flex, posted, remove } = flexFrame();
    const relay = startCrmRelay({ flex, flexOrigins: [FLEX], page: window });
    const kept = { source: FROM_FLEX, type: 'fields', fields: [{ selector: 'input[name=cvv]', focus: 'cvv.focus', blur: 'cvv.blur', renewEveryMs: 2500 }] };
    window.dispatchEvent(new MessageEvent('message', { data: kept, origin: FLEX, source: flex }));
    const cvv = document.querySelector('input[name=cvv]') as HTMLInputElement;
    const notes = document.querySelector('input[name=notes]') as HTMLInputElement;
    const triggers = () => posted.filter(({ data }) => data.type === 'trigger').map(({ data }) => data.trigger);
    cvv.focus();
    expect(triggers()).toEqual(['cvv.focus']);
    jest.advanceTimersByTime(5100);
    expect(triggers()).toEqual(['cvv.focus', 'cvv.focus', 'cvv.focus']);
    notes.focus();
    expect(triggers()).toEqual(['cvv.focus', 'cvv.focus', 'cvv.focus', 'cvv.blur']);
    jest.advanceTimersByTime(10_000);
    expect(triggers()).toHaveLength(4);
    relay.stop();
    remove();
  });

  it('says on the page that its card fields pause nothing while Flex does not answer (a wrong data-flex-origin)', () => {
    jest.useFakeTimers();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { flex, remove } = flexFrame();
    const relay = startCrmRelay({ flex, flexOrigins: ['https://flex.example.com'], page: window });
    const banner = () => document.querySelector(`[${UNREACHABLE_ATTRIBUTE}]`);
    jest.advanceTimersByTime(9000);
    expect(banner()).toBeNull();
    jest.advanceTimersByTime(1500);
    expect(banner()).toHaveAttribute('role', 'alert');
    expect(banner()).toHaveTextContent('Card fields on this page cannot pause the call recording: Flex does not answer.');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no answer from Flex at https://flex.example.com'));
    // Flex answers after all: the banner goes.
    window.dispatchEvent(new MessageEvent('message', { data: fields, origin: 'https://flex.example.com', source: flex }));
    expect(banner()).toBeNull();
    relay.stop();
    warn.mockRestore();
    remove();
  });

  it('takes fields only from the Flex window at the Flex origin', () => {
    const { flex, remove } = flexFrame();
    const other = flexFrame();
    const relay = startCrmRelay({ flex, flexOrigins: [FLEX], page: window });
    window.dispatchEvent(new MessageEvent('message', { data: fields, origin: 'https://evil.example.com', source: flex }));
    window.dispatchEvent(new MessageEvent('message', { data: fields, origin: FLEX, source: other.flex }));
    expect(relay.fields()).toEqual([]);
    relay.stop();
    remove();
    other.remove();
  });

  it('keeps asking until Flex answers (the plugin may start after the CRM page)', () => {
    jest.useFakeTimers();
    const { flex, posted, remove } = flexFrame();
    const relay = startCrmRelay({ flex, flexOrigins: [FLEX], page: window });
    jest.advanceTimersByTime(4000);
    expect(posted.filter(({ data }) => data.type === 'hello').length).toBeGreaterThanOrEqual(4);
    window.dispatchEvent(new MessageEvent('message', { data: fields, origin: FLEX, source: flex }));
    const asked = posted.length;
    jest.advanceTimersByTime(60_000);
    expect(posted).toHaveLength(asked);
    relay.stop();
    remove();
  });
});
