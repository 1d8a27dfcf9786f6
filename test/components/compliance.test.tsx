/**
 * The Compliance view under the real @twilio/flex-ui (and Paste): the figures of a range of days,
 * the exposure distribution and the pauses per day as charts, the table by queue, the CSV as the
 * server gives it, the range checked by the functions' own rule before anything is asked, es-ES,
 * counts in words that agree with them in both languages (here and in the plugin's other strings);
 * and that only supervisors and admins get the view. The report is served over HTTP by msw from the core's own
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
import { complianceStrings } from '../../src/components/Compliance/strings';
import { managerStrings, translator } from '../../src/components/DesktopManager/strings';
import { PauseTimeline } from '../../src/components/PauseTimeline';
import { defaultConfig } from '../../src/flex/config';
import { createRuntime, setRuntime } from '../../src/flex/runtime';
import { pluginStrings, registerStrings } from '../../src/flex/strings';
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
    await waitFor(() => expect(screen.getByTestId('compliance-days')).toHaveTextContent('7 days: 2026-11-25 to 2026-12-01'));
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
    expect(exposure).toMatch(/max 3\.4 s of 4 pauses/);
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

  it('checks the range by the functions’ own rule before asking: a range too long is said at once, and nothing is sent', async () => {
    renderView();
    await screen.findByTestId('compliance-queues');
    asked.length = 0;
    const show = () => screen.getByRole('button', { name: 'Show report' });
    setDay(/^From/, '2026-12-02');
    expect(screen.getByText('Choose a first day on or before the last day.')).toBeInTheDocument();
    expect(show()).toBeDisabled();

    // 2026-09-25 to 2026-12-01: 68 days, more than a report covers.
    setDay(/^From/, '2026-09-25');
    expect(screen.getByText('These days are 68: a report covers 31 at most. Choose fewer.')).toBeInTheDocument();
    expect(show()).toBeDisabled();
    fireEvent.click(show());
    expect(asked).toEqual([]);
    expect(screen.queryByText(/could not be read/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Try again' })).not.toBeInTheDocument();
    // The days shown stay those last asked.
    expect(screen.getByTestId('compliance-days')).toHaveTextContent('7 days: 2026-11-25 to 2026-12-01');

    // 31 days are a report's most.
    setDay(/^From/, '2026-11-01');
    expect(screen.queryByText(/These days are/)).not.toBeInTheDocument();
    await act(async () => {
      fireEvent.click(show());
    });
    await waitFor(() => expect(screen.getByTestId('compliance-days')).toHaveTextContent('31 days: 2026-11-01 to 2026-12-01'));
    expect(asked.map(({ from, to }) => [from, to])).toEqual([
      ['2026-11-01T00:00:00Z', '2026-12-02T00:00:00Z'],
      ['2026-11-01T00:00:00Z', '2026-12-02T00:00:00Z'],
    ]);
    expect(figure('calls')).toBe('5');
  });

  it('speaks Spanish in es-ES, and a customer’s override in manager.strings wins', async () => {
    renderView('es-ES', { ComplianceDownload: 'Exportar CSV' });
    await screen.findByTestId('compliance-queues');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Cumplimiento');
    expect(screen.getByTestId('compliance-days')).toHaveTextContent('7 días: del 2026-11-25 al 2026-12-01');
    expect(screen.getByRole('button', { name: 'Exportar CSV' })).toBeInTheDocument();
    expect(screen.getByTestId('figure-failed').parentElement).toHaveTextContent('pausadas en un intento posterior: 1; sin pausar: 1');
    // Numbers as Spanish writes them: "3,4 s".
    expect(screen.getByTestId('figure-exposure').parentElement).toHaveTextContent(/máx\. 3,4 s de 4 pausas/);
    setDay(/^Desde/, '2026-09-25');
    expect(screen.getByText('Son 68 días: un informe abarca 31 como máximo. Elija menos.')).toBeInTheDocument();
  });
});

describe('counts in words that agree with them, in en-US and es-ES', () => {
  it('the Compliance view: one day or seven, one pause or four', async () => {
    const expected = {
      'en-US': {
        week: ['7 days: 2026-11-25 to 2026-12-01', 'of 4 pauses'],
        day: ['1 day: 2026-12-01', 'of 1 pause'],
        from: /^From/,
        to: /^To/,
        show: 'Show report',
      },
      'es-ES': {
        week: ['7 días: del 2026-11-25 al 2026-12-01', 'de 4 pausas'],
        day: ['1 día: el 2026-12-01', 'de 1 pausa'],
        from: /^Desde/,
        to: /^Hasta/,
        show: 'Ver informe',
      },
    };
    for (const [localeTag, { week, day, from, to, show }] of Object.entries(expected)) {
      const { unmount } = renderView(localeTag);
      const shown = () => [screen.getByTestId('compliance-days').textContent, screen.getByTestId('figure-exposure').parentElement?.textContent];
      await screen.findByTestId('compliance-queues');
      expect(shown()[0]).toBe(week[0]);
      expect(shown()[1]).toContain(week[1]);
      setDay(from, '2026-12-01');
      setDay(to, '2026-12-01');
      await act(async () => {
        fireEvent.click(screen.getByRole('button', { name: show }));
      });
      await waitFor(() => expect(shown()[0]).toBe(day[0]));
      expect(shown()[1]).toContain(day[1]);
      unmount();
    }
  });

  it('the plugin’s strings and the Desktop Manager’s: one call, two calls; one problem, two problems', () => {
    const attention = (localeTag: string, count: number) => {
      const manager = fakeManager({ roles: ['supervisor'] });
      manager.localization = { localeTag };
      registerStrings(manager);
      return createRuntime(manager, { ...defaultConfig, serverlessBaseUrl: BASE_URL }, true).t('RecordingControlsViewAttention', { count });
    };
    expect([1, 2].map((count) => attention('en-US', count))).toEqual(['1 call needs attention', '2 calls need attention']);
    expect([1, 2].map((count) => attention('es-ES', count))).toEqual(['1 llamada requiere atención', '2 llamadas requieren atención']);
    expect([1, 2].map((count) => translator({}, 'en-US')('DesktopManagerProblems', { count }))).toEqual(['1 problem', '2 problems']);
    expect([1, 2].map((count) => translator({}, 'es-ES')('DesktopManagerProblems', { count }))).toEqual(['1 problema', '2 problemas']);
    // No string leaves its plural to the reader.
    for (const table of [pluginStrings, complianceStrings, managerStrings]) {
      for (const strings of Object.values<Record<string, string>>(table))
        expect(Object.values(strings).filter((text) => /\w\((s|es)\)/.test(text))).toEqual([]);
    }
  });

  it('a pause confirmed within a tenth of a second reads so; longer ones to the tenth, and whole seconds from 10 s', () => {
    const timeline = (localeTag: string, exposuresMs: number[]) => {
      const manager = fakeManager();
      manager.localization = { localeTag };
      registerStrings(manager);
      const { t } = createRuntime(manager, { ...defaultConfig, serverlessBaseUrl: BASE_URL }, true);
      const intervals = exposuresMs.map((exposureMs, index) => ({
        from: new Date(Date.UTC(2026, 11, 1, 10, index)).toISOString(),
        to: new Date(Date.UTC(2026, 11, 1, 10, index, 30)).toISOString(),
        holdIds: ['card-number'],
        sources: ['desktop' as const],
        by: [],
        exposureMs,
      }));
      const { unmount } = renderInFlex(<PauseTimeline intervals={intervals} now={Date.UTC(2026, 11, 1, 11)} labels={{}} t={t} localeTag={localeTag} />);
      const items = screen.getAllByRole('listitem').map((item) => item.textContent?.split(' · ')[1]);
      unmount();
      return items;
    };
    expect(timeline('en-US', [40, 1240, 12_340])).toEqual([
      'paused within 0.1 s of the action',
      'paused 1.2 s after the action',
      'paused 12 s after the action',
    ]);
    expect(timeline('es-ES', [40, 1240, 2000])).toEqual([
      'en pausa en menos de 0,1 s tras la acción',
      'en pausa 1,2 s después de la acción',
      'en pausa 2 s después de la acción',
    ]);
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
