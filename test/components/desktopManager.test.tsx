/**
 * The Desktop Manager view under the real @twilio/flex-ui (and Paste): the events as a table,
 * inline validation messages from the core's validator, saving with the version, the pause policy
 * per queue and the pause caps, a conflict that names who saved meanwhile and reloads, the history
 * with revert, the es-ES strings, and that
 * agents get neither the view nor its side link. The configuration API is served over HTTP by
 * msw with the contract's rules (the core's validator decides 400s; versions decide 409s).
 */
import * as React from 'react';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import * as Flex from '@twilio/flex-ui';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { checkDesktopEventsConfig, type DesktopEventsConfig, type DesktopItemEvent } from '../../src/core/desktopEvents';
import { addDesktopManager, DesktopManagerPage, isAdmin } from '../../src/components/DesktopManager';
import { DesktopManagerView } from '../../src/components/DesktopManager/DesktopManagerView';
import type { AdminBundle } from '../../src/components/DesktopManager/spec';
import { defaultConfig } from '../../src/flex/config';
import { createRuntime, setRuntime } from '../../src/flex/runtime';
import { BASE_URL, fakeManager, renderInFlex, TOKEN } from './support';

jest.setTimeout(30_000);

const card: DesktopItemEvent = {
  id: 'card-number',
  name: 'Credit card number entry',
  startTrigger: 'card-number.focus',
  action: 'pause',
  durationSeconds: 60,
  stopTrigger: 'card-number.blur',
  stopAction: 'resume',
};
const cvv: DesktopItemEvent = {
  id: 'cvv',
  name: 'Card security code (CVV) entry',
  startTrigger: 'cvv.focus',
  action: 'pause',
  durationSeconds: 60,
  stopTrigger: 'cvv.blur',
  stopAction: 'resume',
  fields: [{ selector: 'input[name=cvv]', origin: 'https://crm.example.com' }],
};

interface Saved extends DesktopEventsConfig {
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

const inForce = ({ version, updatedAt, updatedBy, ...config }: Saved): DesktopEventsConfig => config;

/**
 * The configuration API as the functions answer it, in memory, reached as a browser must reach a
 * Twilio Function: POST only, the Flex token in the body (a form for reads, JSON for saves). A save
 * that leaves a section out (queue policies, pause caps) keeps it.
 */
const server = {
  current: { version: 0, events: [card, cvv] } as Saved,
  history: [] as Saved[],
  puts: [] as Array<{ version: unknown } & DesktopEventsConfig>,
  saveAs(by: string, config: DesktopEventsConfig) {
    this.current = { version: this.current.version + 1, ...inForce(this.current), ...config, updatedAt: new Date().toISOString(), updatedBy: by };
    this.history.unshift(this.current);
    return this.current;
  },
};
const unauthenticated = () => HttpResponse.json({ error: { code: 'unauthenticated', message: 'no token' } }, { status: 401 });
const formToken = async (request: Request) => new URLSearchParams(await request.text()).get('Token') === TOKEN;
const msw = setupServer(
  http.post(`${BASE_URL}/desktop-events/config`, async ({ request }) => {
    if (!request.headers.get('content-type')?.startsWith('application/json'))
      return (await formToken(request)) ? HttpResponse.json(server.current) : unauthenticated();
    const { Token, ...body } = (await request.json()) as { version: unknown; Token?: string } & DesktopEventsConfig;
    if (Token !== TOKEN) return unauthenticated();
    server.puts.push(body);
    const { version, ...config } = body;
    const check = checkDesktopEventsConfig({ ...inForce(server.current), ...config });
    if (!check.ok) return HttpResponse.json({ error: { code: 'invalid_config', message: 'invalid', problems: check.problems } }, { status: 400 });
    if (version !== server.current.version) {
      return HttpResponse.json({ error: { code: 'version_conflict', message: 'stale', current: server.current } }, { status: 409 });
    }
    return HttpResponse.json(server.saveAs('ada', config));
  }),
  // A page at a time (two here), newest first, `before` for older ones, as the functions answer.
  http.post(`${BASE_URL}/desktop-events/config/history`, async ({ request }) => {
    const form = new URLSearchParams(await request.text());
    if (form.get('Token') !== TOKEN) return unauthenticated();
    const before = Number(form.get('before') ?? Infinity);
    const page = server.history.filter((saved) => saved.version < before).slice(0, 2);
    const oldest = page[page.length - 1]?.version;
    return HttpResponse.json({ versions: page, ...(oldest !== undefined && oldest > 1 && { next: oldest }) });
  }),
);

beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  server.current = { version: 0, events: [card, cvv] };
  server.history = [];
  server.puts = [];
});
afterAll(() => msw.close());

const renderView = (localeTag = 'en-US', strings: Record<string, unknown> = {}) =>
  renderInFlex(<DesktopManagerView baseUrl={BASE_URL} token={() => TOKEN} strings={strings} localeTag={localeTag} />);
const row = (id: string) => screen.getByTestId(`desktop-event-${id}`);
const dialog = () => screen.getByRole('dialog');
const field = (name: RegExp) => within(dialog()).getByLabelText(name);
const type = (element: HTMLElement, value: string) => fireEvent.change(element, { target: { value } });
const saveButton = () => screen.getByRole('button', { name: 'Save' });
const queueRow = (index: number) => screen.getByTestId(`queue-policy-${index}`);
const queueName = (index: number) => within(queueRow(index)).getByRole('textbox', { name: 'Queue name' });
const caps = () => screen.getByTestId('desktop-manager-pause-caps');
/** What a save of the shipped events sends besides them: every section, none set. */
const noPolicies = { queuePolicies: [], pauseCaps: {} };

describe('Desktop Manager view', () => {
  it('shows the events as a table: name, triggers, how long the pause lasts, the CRM fields; and the version in force', async () => {
    renderView();
    await waitFor(() => expect(row('cvv')).toBeInTheDocument());
    expect(screen.getByTestId('desktop-manager-version')).toHaveTextContent('Shipped defaults (version 0)');
    const cells = within(row('cvv'))
      .getAllByRole('cell')
      .map((cell) => cell.textContent);
    expect(cells.slice(0, 7)).toEqual([
      'Card security code (CVV) entrycvv',
      'cvv.focus',
      'Pause recording',
      '60 s',
      'cvv.blur',
      'Resume recording',
      'input[name=cvv] · https://crm.example.com',
    ]);
    expect(within(row('card-number')).getAllByRole('cell')[6]).toHaveTextContent('—');
    // Each row's buttons say which event they act on.
    expect(within(row('cvv')).getByRole('button', { name: 'Edit Card security code (CVV) entry' })).toHaveTextContent(/^Edit$/);
    expect(within(row('cvv')).getByRole('button', { name: 'Delete Card security code (CVV) entry' })).toHaveTextContent(/^Delete$/);
    expect(saveButton()).toBeDisabled();
  });

  it('edits the CVV duration with inline messages from the core’s validator, then saves it with the version', async () => {
    renderView();
    await waitFor(() => expect(row('cvv')).toBeInTheDocument());
    fireEvent.click(within(row('cvv')).getByRole('button', { name: /^Edit / }));
    const duration = field(/Resume after/);
    type(duration, 'abc');
    // Not "Required": what was typed reaches the validator, as a number field would not let it.
    expect(within(dialog()).getByText('A whole number of seconds from 1 to 3600')).toBeInTheDocument();
    type(duration, '0');
    expect(within(dialog()).getByText('A whole number of seconds from 1 to 3600')).toBeInTheDocument();
    expect(duration).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog()).getByRole('button', { name: 'Apply' })).toBeDisabled();
    type(duration, '');
    type(field(/Stop trigger/), '');
    expect(within(dialog()).getByTestId('editor-event-problem')).toHaveTextContent('Give a duration, a stop trigger or both, or the pause would never end');
    type(field(/Stop trigger/), 'cvv.focus');
    expect(within(dialog()).getByText('Must differ from the start trigger')).toBeInTheDocument();
    type(field(/Stop trigger/), 'cvv.blur');
    type(duration, '10');
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Apply' }));

    expect(within(row('cvv')).getByTestId('duration')).toHaveTextContent('10 s');
    expect(screen.getByText('Unsaved changes')).toBeInTheDocument();
    fireEvent.click(saveButton());
    await waitFor(() => expect(screen.getByText('Saved as version 1. Calls use it within 5 seconds.')).toBeInTheDocument());
    expect(server.puts).toEqual([{ version: 0, events: [card, { ...cvv, durationSeconds: 10 }], ...noPolicies }]);
    expect(screen.getByTestId('desktop-manager-version')).toHaveTextContent(/Version 1 · saved by ada at/);
    expect(screen.queryByText('Unsaved changes')).not.toBeInTheDocument();
  });

  it('keeps an event paused while the agent is in its CRM field, when the admin says so', async () => {
    renderView();
    await waitFor(() => expect(row('cvv')).toBeInTheDocument());
    fireEvent.click(within(row('cvv')).getByRole('button', { name: /^Edit / }));
    const keep = within(dialog()).getByRole('checkbox', { name: /Keep paused while the agent is in the field/ });
    expect(keep).not.toBeChecked();
    fireEvent.click(keep);
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Apply' }));
    expect(within(row('cvv')).getByText('kept paused while in the field')).toBeInTheDocument();
    fireEvent.click(saveButton());
    await waitFor(() => expect(server.puts).toHaveLength(1));
    expect(server.puts[0].events[1]).toEqual({ ...cvv, keepPausedWhileFocused: true });
  });

  it('adds an event with a CRM field, each problem shown under its field until fixed', async () => {
    renderView();
    await waitFor(() => expect(row('cvv')).toBeInTheDocument());
    fireEvent.click(screen.getByRole('button', { name: 'Add event' }));
    expect(within(dialog()).getAllByText('Required')).toHaveLength(2); // id and start trigger
    type(field(/^ID/), 'cvv');
    expect(within(dialog()).getByText('Another event already uses this ID')).toBeInTheDocument();
    type(field(/^ID/), 'iban');
    type(field(/^Name/), 'IBAN entry');
    type(field(/Start trigger/), 'iban focus');
    expect(within(dialog()).getByText('Use 1–128 letters, digits or . _ : -')).toBeInTheDocument();
    type(field(/Start trigger/), 'iban.focus');
    type(field(/Stop trigger/), 'iban.blur');
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Add CRM field' }));
    type(field(/CSS selector/), 'input[name=iban]');
    type(field(/Page origin/), 'https://crm.example.com/payments');
    expect(within(dialog()).getByText(/An origin such as https:\/\/crm\.example\.com/)).toBeInTheDocument();
    type(field(/Page origin/), 'https://crm.example.com');
    const apply = within(dialog()).getByRole('button', { name: 'Apply' });
    expect(apply).toBeEnabled();
    fireEvent.click(apply);

    expect(
      within(row('iban'))
        .getAllByRole('cell')
        .map((cell) => cell.textContent)
        .slice(0, 7),
    ).toEqual([
      'IBAN entryiban',
      'iban.focus',
      'Pause recording',
      'until the stop trigger',
      'iban.blur',
      'Resume recording',
      'input[name=iban] · https://crm.example.com',
    ]);
    fireEvent.click(saveButton());
    await waitFor(() => expect(server.puts).toHaveLength(1));
    expect(server.puts[0].events[2]).toEqual({
      id: 'iban',
      name: 'IBAN entry',
      startTrigger: 'iban.focus',
      action: 'pause',
      stopTrigger: 'iban.blur',
      stopAction: 'resume',
      fields: [{ selector: 'input[name=iban]', origin: 'https://crm.example.com' }],
    });
  });

  it('deletes an event; deleting every one is refused inline', async () => {
    renderView();
    await waitFor(() => expect(row('cvv')).toBeInTheDocument());
    fireEvent.click(within(row('card-number')).getByRole('button', { name: /^Delete / }));
    expect(screen.queryByTestId('desktop-event-card-number')).not.toBeInTheDocument();
    fireEvent.click(within(row('cvv')).getByRole('button', { name: /^Delete / }));
    expect(screen.getByText(/Fix the problems marked below before saving\. Keep at least one event/)).toBeInTheDocument();
    expect(saveButton()).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(row('card-number')).toBeInTheDocument();
  });

  it('a save after someone else’s says who saved meanwhile, saves nothing, and reloads their version', async () => {
    renderView();
    await waitFor(() => expect(row('cvv')).toBeInTheDocument());
    server.current = { version: 1, events: [card, { ...cvv, durationSeconds: 30 }], updatedAt: '2026-03-01T10:15:00.000Z', updatedBy: 'bob' };
    fireEvent.click(within(row('card-number')).getByRole('button', { name: /^Delete / }));
    fireEvent.click(saveButton());
    const conflict = await screen.findByTestId('desktop-manager-conflict');
    expect(conflict).toHaveTextContent(
      /^bob saved version 1 at .+ while you were editing\. Reload to continue from their version; your unsaved changes will be lost\.$/,
    );
    expect(server.current.version).toBe(1);
    expect(saveButton()).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Add queue' })).toBeDisabled();
    expect(screen.getByLabelText('Manual pauses (seconds)')).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    await waitFor(() => expect(screen.getByTestId('desktop-manager-version')).toHaveTextContent(/Version 1 · saved by bob/));
    expect(within(row('cvv')).getByTestId('duration')).toHaveTextContent('30 s');
    expect(row('card-number')).toBeInTheDocument();
    expect(screen.queryByTestId('desktop-manager-conflict')).not.toBeInTheDocument();
  });

  it('lists the saved versions with who and when, and reverts to one: it is saved as the next version', async () => {
    server.saveAs('ada', { events: [card, { ...cvv, durationSeconds: 10 }] });
    server.saveAs('bob', { events: [card, { ...cvv, durationSeconds: 45 }] });
    renderView();
    await waitFor(() => expect(screen.getByTestId('desktop-manager-version')).toHaveTextContent(/Version 2 · saved by bob/));
    fireEvent.click(screen.getByRole('button', { name: 'History' }));
    const history = await within(dialog()).findByTestId('desktop-manager-history');
    expect(within(history).getByTestId('history-version-2')).toHaveTextContent(/2.*bob.*CVV\) entry \(45 s\).*In force/);
    expect(within(history).getByTestId('history-version-1')).toHaveTextContent(/1.*ada.*\(10 s\)/);
    fireEvent.click(within(within(history).getByTestId('history-version-1')).getByRole('button', { name: 'Revert to this' }));

    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByText('Version 1 is loaded below. Save to make it the version in force.')).toBeInTheDocument();
    expect(within(row('cvv')).getByTestId('duration')).toHaveTextContent('10 s');
    fireEvent.click(saveButton());
    await waitFor(() => expect(screen.getByTestId('desktop-manager-version')).toHaveTextContent(/Version 3 · saved by ada/));
    expect(server.puts).toEqual([{ version: 2, events: [card, { ...cvv, durationSeconds: 10 }], ...noPolicies }]);
  });

  it('shows the history a page at a time: older versions on demand', async () => {
    for (const seconds of [10, 20, 30]) server.saveAs('ada', { events: [card, { ...cvv, durationSeconds: seconds }] });
    renderView();
    await waitFor(() => expect(screen.getByTestId('desktop-manager-version')).toHaveTextContent(/Version 3/));
    fireEvent.click(screen.getByRole('button', { name: 'History' }));
    const history = await within(dialog()).findByTestId('desktop-manager-history');
    expect(within(history).getByTestId('history-version-2')).toBeInTheDocument();
    expect(within(history).queryByTestId('history-version-1')).not.toBeInTheDocument();
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Older versions' }));
    await waitFor(() => expect(within(history).getByTestId('history-version-1')).toHaveTextContent(/1.*ada.*\(10 s\)/));
    expect(within(dialog()).queryByRole('button', { name: 'Older versions' })).not.toBeInTheDocument();
  });

  it('speaks Spanish in es-ES, and a customer’s override in manager.strings wins', async () => {
    renderView('es-ES', { DesktopManagerHistory: 'Versiones anteriores' });
    await waitFor(() => expect(row('cvv')).toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'Añadir evento' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Versiones anteriores' })).toBeInTheDocument();
    expect(screen.getByTestId('desktop-manager-version')).toHaveTextContent('Valores de fábrica (versión 0)');
    fireEvent.click(within(row('cvv')).getByRole('button', { name: /^Editar / }));
    type(within(dialog()).getByLabelText(/Reanudar tras/), '9999');
    expect(within(dialog()).getByText('Un número entero de segundos de 1 a 3600')).toBeInTheDocument();
    fireEvent.click(within(dialog()).getByRole('button', { name: 'Cancelar' }));
    fireEvent.click(screen.getByRole('button', { name: 'Añadir cola' }));
    expect(within(queueRow(0)).getByRole('combobox', { name: 'Política' })).toHaveDisplayValue('Solo eventos del escritorio');
    expect(within(queueRow(0)).getByText('Obligatorio')).toBeInTheDocument();
    type(screen.getByLabelText('Pausas manuales (segundos)'), '5');
    expect(within(caps()).getByText('Debe ser de 10 a 86400 segundos')).toBeInTheDocument();
  });
});

describe('Desktop Manager: pause policy per queue and pause caps', () => {
  const regulated = { queuePolicies: [{ queue: 'Payments-Regulated', policy: 'never' as const }], pauseCaps: { manualSeconds: 120 } };

  it('an admin sets a queue that never pauses and a 2-minute cap on manual pauses, and saves them with the events', async () => {
    renderView();
    await waitFor(() => expect(row('cvv')).toBeInTheDocument());
    expect(screen.getByText('No queue has a policy: every queue allows every pause.')).toBeInTheDocument();
    expect(screen.getByLabelText('Manual pauses (seconds)')).toHaveAttribute('placeholder', '600');
    expect(within(caps()).getAllByText('10–86400; leave empty for the default, 600 s')).toHaveLength(2);

    fireEvent.click(screen.getByRole('button', { name: 'Add queue' }));
    type(queueName(0), 'Payments-Regulated');
    const policy = within(queueRow(0)).getByRole('combobox', { name: 'Policy of Payments-Regulated' });
    expect(
      within(policy)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Allowed', 'Desktop item events only', 'Never pause']);
    fireEvent.change(policy, { target: { value: 'never' } });
    expect(within(queueRow(0)).getByText(/^Nothing pauses the recording of this queue’s calls: for regulated lines/)).toBeInTheDocument();
    type(screen.getByLabelText('Manual pauses (seconds)'), '120');
    expect(screen.getByText('Unsaved changes')).toBeInTheDocument();

    fireEvent.click(saveButton());
    await waitFor(() => expect(screen.getByText('Saved as version 1. Calls use it within 5 seconds.')).toBeInTheDocument());
    expect(server.puts).toEqual([{ version: 0, events: [card, cvv], ...regulated }]);
    expect(queueName(0)).toHaveValue('Payments-Regulated');
    expect(screen.getByLabelText('Manual pauses (seconds)')).toHaveValue('120');
    expect(screen.queryByText('Unsaved changes')).not.toBeInTheDocument();
  });

  it('a queue listed twice, a queue without a name and a cap of 5 s are marked where they are and block Save; Discard restores', async () => {
    server.saveAs('ada', { events: [card, cvv], ...regulated });
    renderView();
    await waitFor(() => expect(queueName(0)).toHaveValue('Payments-Regulated'));
    expect(within(queueRow(0)).getByRole('combobox')).toHaveDisplayValue('Never pause');
    expect(screen.getByLabelText('Manual pauses (seconds)')).toHaveValue('120');

    fireEvent.click(screen.getByRole('button', { name: 'Add queue' }));
    type(queueName(1), 'Payments-Regulated');
    expect(within(queueRow(1)).getByText('This queue has a policy already')).toBeInTheDocument();
    expect(queueName(1)).toHaveAttribute('aria-invalid', 'true');
    expect(within(queueRow(0)).queryByText('This queue has a policy already')).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Add queue' }));
    expect(within(queueRow(2)).getByText('Required')).toBeInTheDocument();
    const manual = screen.getByLabelText('Manual pauses (seconds)');
    type(manual, '5');
    expect(within(caps()).getByText('Must be 10–86400 seconds')).toBeInTheDocument();
    expect(manual).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('Fix the problems marked below before saving.')).toBeInTheDocument();
    expect(saveButton()).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(screen.queryByTestId('queue-policy-1')).not.toBeInTheDocument();
    expect(queueName(0)).toHaveValue('Payments-Regulated');
    expect(screen.getByLabelText('Manual pauses (seconds)')).toHaveValue('120');
    expect(screen.queryByText('Must be 10–86400 seconds')).not.toBeInTheDocument();
    expect(screen.queryByText('Unsaved changes')).not.toBeInTheDocument();
    expect(server.puts).toEqual([]);
  });

  it('removes a queue’s policy; the save sends the list without it', async () => {
    server.saveAs('ada', { events: [card, cvv], ...regulated });
    renderView();
    await waitFor(() => expect(queueName(0)).toHaveValue('Payments-Regulated'));
    fireEvent.click(screen.getByRole('button', { name: 'Remove the policy of Payments-Regulated' }));
    expect(screen.getByText('No queue has a policy: every queue allows every pause.')).toBeInTheDocument();
    type(screen.getByLabelText('Manual pauses (seconds)'), '');
    fireEvent.click(saveButton());
    await waitFor(() => expect(screen.getByText('Saved as version 2. Calls use it within 5 seconds.')).toBeInTheDocument());
    expect(server.puts).toEqual([{ version: 1, events: [card, cvv], ...noPolicies }]);
  });

  it('a version from the history brings back its queue policies and caps', async () => {
    server.saveAs('ada', { events: [card, cvv], ...regulated });
    server.saveAs('bob', { events: [card, cvv], ...noPolicies });
    renderView();
    await waitFor(() => expect(screen.getByTestId('desktop-manager-version')).toHaveTextContent(/Version 2 · saved by bob/));
    expect(screen.queryByTestId('queue-policy-0')).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'History' }));
    const history = await within(dialog()).findByTestId('desktop-manager-history');
    expect(within(history).getByTestId('history-version-1')).toHaveTextContent('Payments-Regulated: Never pause, manual pauses 120 s');
    fireEvent.click(within(within(history).getByTestId('history-version-1')).getByRole('button', { name: 'Revert to this' }));

    expect(screen.getByText('Version 1 is loaded below. Save to make it the version in force.')).toBeInTheDocument();
    expect(queueName(0)).toHaveValue('Payments-Regulated');
    expect(within(queueRow(0)).getByRole('combobox')).toHaveDisplayValue('Never pause');
    expect(screen.getByLabelText('Manual pauses (seconds)')).toHaveValue('120');
    fireEvent.click(saveButton());
    await waitFor(() => expect(screen.getByTestId('desktop-manager-version')).toHaveTextContent(/Version 3 · saved by ada/));
    expect(server.puts).toEqual([{ version: 2, events: [card, cvv], ...regulated }]);
  });
});

describe('in Flex', () => {
  const runtimeFor = (roles: string[]) => setRuntime(createRuntime(fakeManager({ roles }), { ...defaultConfig, serverlessBaseUrl: BASE_URL }, true));
  const flexWith = (add: jest.Mock) => ({ ViewCollection: { Content: { add } }, SideNav: { Content: { add } } }) as unknown as typeof Flex;

  it('agents and supervisors get neither the view nor its side link; admins get both', () => {
    for (const roles of [['agent'], ['supervisor']]) {
      runtimeFor(roles);
      const add = jest.fn();
      addDesktopManager(flexWith(add));
      expect(isAdmin()).toBe(false);
      expect(add).not.toHaveBeenCalled();
    }
    runtimeFor(['admin']);
    const add = jest.fn();
    addDesktopManager(flexWith(add));
    expect(add.mock.calls.map(([element]) => element.key)).toEqual(['desktop-manager-view', 'desktop-manager-side-link']);
  });

  it('the view loads the editor only when opened, and offers to try again when it cannot', async () => {
    runtimeFor(['admin']);
    let fail = true;
    const load = jest.fn(async (baseUrl: string): Promise<AdminBundle> => {
      if (fail) throw new Error('the request failed');
      return { version: 1, DesktopManagerView: (props) => <p data-testid="loaded-view">{`${baseUrl} ${props.token()}`}</p> };
    });
    renderInFlex(<DesktopManagerPage load={load} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      `The Desktop Manager could not be loaded from ${BASE_URL}/desktop-manager.js: the request failed`,
    );
    fail = false;
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    });
    expect(await screen.findByTestId('loaded-view')).toHaveTextContent(`${BASE_URL} ${TOKEN}`);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
