/**
 * The Compliance view under the real @twilio/flex-ui (and Paste): the figures of a range of days,
 * the exposure distribution and the pauses per day as charts, the table by queue, the CSV as the
 * server gives it, the range's checks, the server's refusal in words, es-ES; and that only
 * supervisors and admins get the view. The report is served over HTTP by msw from the core's own
 * report of a scripted set of agent days, so what is shown is what the functions would answer.
 */
import * as React from 'react';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import * as Flex from '@twilio/flex-ui';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { addExposure, emptyFigures, type Figures } from '../../src/core/evidence';
import { buildReport, daysOf, reportCsv, reportRangeProblem, type AgentDay, type GroupBy } from '../../src/core/report';
import { addComplianceView, CompliancePage } from '../../src/components/Compliance';
import { ComplianceView } from '../../src/components/Compliance/ComplianceView';
import type { ComplianceBundle } from '../../src/components/Compliance/spec';
import { defaultConfig } from '../../src/flex/config';
import { createRuntime, setRuntime } from '../../src/flex/runtime';
import { BASE_URL, fakeManager, renderInFlex, TOKEN } from './support';

jest.setTimeout(30_000);

const figures = (counts: Partial<Omit<Figures, 'exposure'>>, exposures: number[] = []): Figures => ({
  ...emptyFigures(),
  ...counts,
  exposure: exposures.reduce(addExposure, emptyFigures().exposure),
});

/** Two days of two agents on two queues: a failed pause that recovered, one that did not, a manual pause, a "never" call. */
const agentDays: AgentDay[] = [
  {
    agent: 'bob',
    day: '2026-11-30',
    tasks: ['WT1', 'WT2'],
    queues: {
      Payments: figures({ calls: 2, cardEntryCalls: 2, pausedCalls: 2, pauses: 3, failedPauses: 1, failedPausesRecovered: 1 }, [180, 240, 3400]),
    },
  },
  {
    agent: 'carol',
    day: '2026-12-01',
    tasks: ['WT3', 'WT4', 'WT5'],
    queues: {
      Payments: figures({ calls: 1, cardEntryCalls: 1, pausedCalls: 1, pauses: 1, failedPauses: 1, failedPausesNotRecovered: 1, manualPauses: 1 }, [90]),
      Trading: figures({ calls: 2, neverPauseCalls: 2 }),
    },
  },
];

const asked: Array<Record<string, string>> = [];
const msw = setupServer(
  http.post(`${BASE_URL}/recording-controls/report`, async ({ request }) => {
    const form = Object.fromEntries(new URLSearchParams(await request.text()));
    asked.push(form);
    if (form.Token !== TOKEN) return HttpResponse.json({ error: { code: 'unauthenticated', message: 'no token' } }, { status: 401 });
    const range = { from: new Date(form.from), to: new Date(form.to) };
    // The functions' own words for a range too long (core/report.ts), checked before any day is listed.
    const problem = reportRangeProblem(range.from, range.to);
    if (problem) return HttpResponse.json({ error: { code: 'invalid_request', message: problem } }, { status: 400 });
    const days = daysOf(range.from, range.to);
    const report = buildReport(
      range,
      form.groupBy as GroupBy,
      agentDays.filter((agentDay) => days.includes(agentDay.day)),
    );
    if (form.format === 'csv') return new HttpResponse(reportCsv(report), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
    return HttpResponse.json(report);
  }),
);
beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  asked.length = 0;
});
afterAll(() => msw.close());

const today = () => new Date('2026-12-01T15:00:00Z');
const saved: Array<{ name: string; text: string }> = [];
const renderView = (localeTag = 'en-US', strings: Record<string, unknown> = {}) =>
  renderInFlex(
    <ComplianceView
      baseUrl={BASE_URL}
      token={() => TOKEN}
      strings={strings}
      localeTag={localeTag}
      today={today}
      saveFile={(name, text) => saved.push({ name, text })}
    />,
  );
const figure = (name: string) => screen.getByTestId(`figure-${name}`).textContent;
const barValues = (chart: string) =>
  within(screen.getByTestId(`chart-${chart}`))
    .getAllByTestId('bar-value')
    .map((bar) => Number(bar.textContent));
const setDay = (label: RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('Compliance view', () => {
  it('opens on the last 7 UTC days with the figures an assessor asks for, each chart and the table by queue', async () => {
    renderView();
    await waitFor(() => expect(screen.getByTestId('compliance-days')).toHaveTextContent('7 day(s): 2026-11-25 to 2026-12-01'));
    // By day for the figures and chart, by queue for the table: the whole days asked, with the user's token.
    expect(asked.map(({ from, to, groupBy, format }) => ({ from, to, groupBy, format }))).toEqual([
      { from: '2026-11-25T00:00:00Z', to: '2026-12-02T00:00:00Z', groupBy: 'day', format: 'json' },
      { from: '2026-11-25T00:00:00Z', to: '2026-12-02T00:00:00Z', groupBy: 'queue', format: 'json' },
    ]);
    expect(figure('calls')).toBe('5');
    expect(figure('card-entry')).toBe('3');
    expect(figure('pauses')).toBe('4');
    expect(figure('failed')).toBe('2');
    expect(screen.getByTestId('figure-failed').parentElement).toHaveTextContent('1 paused on a later try, 1 not');
    expect(screen.getByTestId('figure-manual').parentElement).toHaveTextContent('1 manual · 0 supervisor · 0 API');
    expect(figure('never')).toBe('2');
    // Exposure: four pauses; the median is a sketch's (within 2 %), the max exact.
    const exposure = screen.getByTestId('figure-exposure').parentElement?.textContent ?? '';
    expect(exposure).toMatch(/max 3\.4 s of 4 pause\(s\)/);
    const median = Number(/p50 (\d+) ms/.exec(exposure)?.[1]);
    expect(Math.abs(median - 180) / 180).toBeLessThan(0.02);

    // ≤100 ms, ≤250 ms, ≤500 ms, ≤1 s, ≤2 s, ≤5 s, over 5 s.
    expect(barValues('exposure')).toEqual([1, 2, 0, 0, 0, 1, 0]);
    expect(within(screen.getByTestId('chart-exposure')).getByRole('img')).toHaveAccessibleName('Exposure distribution');
    // Pauses and failed pauses for each of the 7 days, in order.
    expect(barValues('per-day')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 1, 1, 1]);

    const queues = within(screen.getByTestId('compliance-queues'));
    const cells = (queue: string) =>
      within(queues.getByTestId(`queue-${queue}`))
        .getAllByRole('cell')
        .map((cell) => cell.textContent);
    expect(cells('Payments').slice(0, 5)).toEqual(['Payments', '3', '3', '4', '2']);
    expect(cells('Trading')).toEqual(['Trading', '2', '0', '0', '0', '—', '—', '—', '2']);
  });

  it('downloads the CSV of the days shown, by the grouping chosen, as the server made it', async () => {
    saved.length = 0;
    renderView();
    await screen.findByTestId('compliance-queues');
    fireEvent.change(screen.getByLabelText('CSV rows by'), { target: { value: 'agent' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    });
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0].name).toBe('compliance-2026-11-25-to-2026-12-01-by-agent.csv');
    const rows = saved[0].text.trim().split('\r\n');
    expect(rows[0].split(',').slice(0, 3)).toEqual(['key', 'calls', 'cardEntryCalls']);
    expect(rows.slice(1).map((line) => line.split(',').slice(0, 2))).toEqual([
      ['bob', '2'],
      ['carol', '3'],
    ]);
  });

  it('checks the range before asking, and shows the server’s refusal of a range too long in words', async () => {
    renderView();
    await screen.findByTestId('compliance-queues');
    setDay(/^From/, '2026-12-02');
    expect(screen.getByText('Choose a first day on or before the last day.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Show report' })).toBeDisabled();

    setDay(/^From/, '2026-09-01');
    asked.length = 0;
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Show report' }));
    });
    expect(await screen.findByText(/The report could not be read: the range touches 92 UTC days: ask for 31 at most/)).toBeInTheDocument();
    expect(asked).toHaveLength(2);

    setDay(/^From/, '2026-11-30');
    setDay(/^To/, '2026-11-30');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Show report' }));
    });
    await waitFor(() => expect(screen.getByTestId('compliance-days')).toHaveTextContent('1 day(s): 2026-11-30 to 2026-11-30'));
    expect(screen.queryByText(/could not be read/)).not.toBeInTheDocument();
    expect(figure('calls')).toBe('2');
  });

  it('speaks Spanish in es-ES, and a customer’s override in manager.strings wins', async () => {
    renderView('es-ES', { ComplianceDownload: 'Exportar CSV' });
    await screen.findByTestId('compliance-queues');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Cumplimiento');
    expect(screen.getByTestId('compliance-days')).toHaveTextContent('7 día(s): del 2026-11-25 al 2026-12-01');
    expect(screen.getByRole('button', { name: 'Exportar CSV' })).toBeInTheDocument();
    expect(screen.getByTestId('figure-failed').parentElement).toHaveTextContent('1 pausadas en un intento posterior, 1 no');
  });
});

describe('in Flex', () => {
  const runtimeFor = (roles: string[]) => setRuntime(createRuntime(fakeManager({ roles }), { ...defaultConfig, serverlessBaseUrl: BASE_URL }, true));
  const flexWith = (add: jest.Mock) => ({ ViewCollection: { Content: { add } }, SideNav: { Content: { add } } }) as unknown as typeof Flex;

  it('agents get neither the view nor its side link; supervisors and admins get both (the report names every agent)', () => {
    runtimeFor(['agent']);
    const none = jest.fn();
    addComplianceView(flexWith(none));
    expect(none).not.toHaveBeenCalled();
    for (const roles of [['supervisor'], ['admin']]) {
      runtimeFor(roles);
      const add = jest.fn();
      addComplianceView(flexWith(add));
      expect(add.mock.calls.map(([element]) => element.key)).toEqual(['recording-compliance-view', 'recording-compliance-side-link']);
    }
  });

  it('the view loads compliance.js only when opened, and offers to try again when it cannot', async () => {
    runtimeFor(['supervisor']);
    let fail = true;
    const load = jest.fn(async (baseUrl: string): Promise<ComplianceBundle> => {
      if (fail) throw new Error('the request failed');
      return { version: 1, ComplianceView: (props) => <p data-testid="loaded-view">{`${baseUrl} ${props.token()}`}</p> };
    });
    renderInFlex(<CompliancePage load={load} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(`The Compliance view could not be loaded from ${BASE_URL}/compliance.js: the request failed`);
    fail = false;
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    });
    expect(await screen.findByTestId('loaded-view')).toHaveTextContent(`${BASE_URL} ${TOKEN}`);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
