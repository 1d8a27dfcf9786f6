/**
 * The Compliance view: the compliance report (docs/compliance.md) for a range of UTC days, for
 * supervisors and admins — the figures an assessor asks for, the exposure distribution and the
 * pauses and failed pauses per day as charts, a table by queue, and the CSV to download.
 *
 * Built with Paste and loaded only when a supervisor or admin opens the view (compliance.js, a
 * public asset of the functions): agents never download it.
 */
import * as React from 'react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert } from '@twilio-paste/core/alert';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Card } from '@twilio-paste/core/card';
import { DatePicker } from '@twilio-paste/core/date-picker';
import { Heading } from '@twilio-paste/core/heading';
import { HelpText } from '@twilio-paste/core/help-text';
import { Label } from '@twilio-paste/core/label';
import { Paragraph } from '@twilio-paste/core/paragraph';
import { Option, Select } from '@twilio-paste/core/select';
import { Table, TBody, Td, Th, THead, Tr } from '@twilio-paste/core/table';
import { Text } from '@twilio-paste/core/text';
import { Theme } from '@twilio-paste/core/theme';
import { dayOf, MAX_REPORT_DAYS, reportRangeIssue, type GroupBy, type Report, type ReportGroup, type ReportRangeIssue } from '../../core/report';
import { formatSeconds } from '../../flex/wording';
import { BarChart } from './BarChart';
import { createReportApi, rangeFields, type DayRange, type ReportApi } from './reportApi';
import { complianceTranslator, type ComplianceTranslate } from './strings';

export interface ComplianceViewProps {
  /** The functions' base URL (`serverlessBaseUrl`). */
  baseUrl: string;
  /** The user's Flex token, read at every request (Flex refreshes it). */
  token: () => string | undefined;
  /** `manager.strings`: a customer's overrides of the view's strings. */
  strings: Record<string, unknown>;
  localeTag?: string;
  /** For tests: another client of the report, another today, another way to save a file. */
  api?: ReportApi;
  today?: () => Date;
  saveFile?: (name: string, text: string) => void;
}

/** The range shown first: the last 7 UTC days, today included. */
const DEFAULT_DAYS = 7;
const PAUSES_COLOR = '#0263e0';
const FAILED_COLOR = '#d61f1f';

function downloadFile(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** "420 ms", "1.2 s", "12 s", or `none` when nothing was measured. */
export const formatMs = (ms: number | null, none: string, localeTag?: string): string =>
  ms === null ? none : ms < 1000 ? `${Math.round(ms)} ms` : `${formatSeconds(ms, localeTag)} s`;

const isDay = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`));

/** What keeps a range of days from being asked for, by the functions' own rule: nothing is sent then. */
function rangeIssueOf(range: DayRange): ReportRangeIssue | undefined {
  if (!isDay(range.fromDay) || !isDay(range.toDay)) return { kind: 'not-times' };
  const { from, to } = rangeFields(range);
  return reportRangeIssue(new Date(from), new Date(to));
}

function rangeIssueText(issue: ReportRangeIssue, t: ComplianceTranslate): string {
  return issue.kind === 'too-many-days' ? t('ComplianceTooManyDays', { count: issue.days, max: MAX_REPORT_DAYS }) : t('ComplianceBadRange');
}

function Figure({ label, value, detail, testId }: { label: string; value: string | number; detail?: string; testId: string }) {
  return (
    <Box minWidth="size20" flexBasis="size20" flexGrow={1} marginRight="space40" marginBottom="space40">
      <Card padding="space50">
        <Text as="div" color="colorTextWeak" fontSize="fontSize20">
          {label}
        </Text>
        <Text as="div" fontSize="fontSize60" fontWeight="fontWeightSemibold" data-testid={testId}>
          {value}
        </Text>
        {detail && (
          <Text as="div" color="colorTextWeak" fontSize="fontSize20">
            {detail}
          </Text>
        )}
      </Card>
    </Box>
  );
}

function Figures({ total, t, localeTag }: { total: ReportGroup; t: ComplianceTranslate; localeTag?: string }) {
  const ms = (value: number | null) => formatMs(value, t('ComplianceNone'), localeTag);
  return (
    <Box display="flex" flexWrap="wrap" data-testid="compliance-figures">
      <Figure testId="figure-calls" label={t('ComplianceCalls')} value={total.calls} />
      <Figure testId="figure-card-entry" label={t('ComplianceCardEntryCalls')} value={total.cardEntryCalls} />
      <Figure testId="figure-pauses" label={t('CompliancePauses')} value={total.pauses} />
      <Figure
        testId="figure-failed"
        label={t('ComplianceFailedPauses')}
        value={total.failedPauses}
        detail={t('ComplianceFailedPausesDetail', { recovered: total.failedPausesRecovered, notRecovered: total.failedPausesNotRecovered })}
      />
      <Figure
        testId="figure-exposure"
        label={t('ComplianceExposure')}
        value={ms(total.exposureMs.p50)}
        detail={`${t('ComplianceExposureDetail', { p50: ms(total.exposureMs.p50), p99: ms(total.exposureMs.p99), max: ms(total.exposureMs.max) })} ${t('ComplianceExposureSamples', { count: total.exposureSamples })}`}
      />
      <Figure testId="figure-expired" label={t('ComplianceExpiredWhileInUse')} value={total.expiredWhileInUse} />
      <Figure
        testId="figure-manual"
        label={t('ComplianceManualPauses')}
        value={total.manualPauses + total.supervisorPauses + total.apiPauses}
        detail={t('ComplianceManualPausesDetail', { manual: total.manualPauses, supervisor: total.supervisorPauses, api: total.apiPauses })}
      />
      <Figure testId="figure-forced" label={t('ComplianceForcedResumes')} value={total.forcedResumes} />
      <Figure testId="figure-repaired" label={t('ComplianceRepaired')} value={total.repairedRecordings} />
      <Figure testId="figure-never" label={t('ComplianceNeverPause')} value={total.neverPauseCalls} />
    </Box>
  );
}

function QueueTable({ groups, t, localeTag }: { groups: ReportGroup[]; t: ComplianceTranslate; localeTag?: string }) {
  const ms = (value: number | null) => formatMs(value, t('ComplianceNone'), localeTag);
  return (
    <Table data-testid="compliance-queues">
      <THead>
        <Tr>
          <Th>{t('ComplianceQueue')}</Th>
          <Th textAlign="right">{t('ComplianceCalls')}</Th>
          <Th textAlign="right">{t('ComplianceCardEntryCalls')}</Th>
          <Th textAlign="right">{t('CompliancePauses')}</Th>
          <Th textAlign="right">{t('ComplianceFailedPauses')}</Th>
          <Th textAlign="right">{t('ComplianceExposureP50')}</Th>
          <Th textAlign="right">{t('ComplianceExposureP99')}</Th>
          <Th textAlign="right">{t('ComplianceExposureMax')}</Th>
          <Th textAlign="right">{t('ComplianceNeverPause')}</Th>
        </Tr>
      </THead>
      <TBody>
        {groups.map((group) => (
          <Tr key={group.key} data-testid={`queue-${group.key}`}>
            <Td>{group.key}</Td>
            <Td textAlign="right">{group.calls}</Td>
            <Td textAlign="right">{group.cardEntryCalls}</Td>
            <Td textAlign="right">{group.pauses}</Td>
            <Td textAlign="right">{group.failedPauses}</Td>
            <Td textAlign="right">{ms(group.exposureMs.p50)}</Td>
            <Td textAlign="right">{ms(group.exposureMs.p99)}</Td>
            <Td textAlign="right">{ms(group.exposureMs.max)}</Td>
            <Td textAlign="right">{group.neverPauseCalls}</Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

function Section({ title, help, children }: { title: string; help?: string; children: React.ReactNode }) {
  return (
    <Box marginTop="space80">
      <Heading as="h2" variant="heading40">
        {title}
      </Heading>
      {help && <Paragraph>{help}</Paragraph>}
      {children}
    </Box>
  );
}

const daysBefore = (today: Date, days: number): string => dayOf(new Date(today.getTime() - days * 86_400_000));

type Shown = { range: DayRange; byDay: Report; byQueue: Report };

export function ComplianceView({ baseUrl, token, strings, localeTag, api: givenApi, today = () => new Date(), saveFile = downloadFile }: ComplianceViewProps) {
  const t = useMemo(() => complianceTranslator(strings, localeTag), [strings, localeTag]);
  const tokenNow = useRef(token);
  tokenNow.current = token;
  const api = useMemo(() => givenApi ?? createReportApi(baseUrl, () => tokenNow.current()), [givenApi, baseUrl]);

  const [range, setRange] = useState<DayRange>(() => ({ fromDay: daysBefore(today(), DEFAULT_DAYS - 1), toDay: dayOf(today()) }));
  const [shown, setShown] = useState<Shown>();
  const [reading, setReading] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [csvBy, setCsvBy] = useState<GroupBy>('day');
  const [downloadProblem, setDownloadProblem] = useState<string>();
  const rangeIssue = rangeIssueOf(range);

  const read = useCallback(async () => {
    if (rangeIssueOf(range)) return;
    setReading(true);
    setProblem(undefined);
    try {
      // By day for the figures and the chart per day, by queue for the table: two reads of the same days.
      const [byDay, byQueue] = await Promise.all([api.report(range, 'day'), api.report(range, 'queue')]);
      setShown({ range, byDay, byQueue });
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setReading(false);
    }
  }, [api, range]);
  // The default range is read on opening; a range the user edits only when they ask (Show report).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => void read(), [api]);

  const download = async () => {
    if (!shown) return;
    setDownloadProblem(undefined);
    try {
      // The days shown, not dates edited since.
      const { fromDay, toDay } = shown.range;
      saveFile(`compliance-${fromDay}-to-${toDay}-by-${csvBy}.csv`, await api.csv(shown.range, csvBy));
    } catch (error) {
      setDownloadProblem(error instanceof Error ? error.message : String(error));
    }
  };

  const report = shown?.byDay;
  const total = report?.total;
  const barLabel = (upToMs: number | null, previous: number) =>
    upToMs === null ? t('ComplianceOver', { value: formatMs(previous, '', localeTag) }) : t('ComplianceUpTo', { value: formatMs(upToMs, '', localeTag) });
  const perDay = report ? report.days.map((day) => report.groups.find((group) => group.key === day)) : [];

  return (
    <Theme.Provider theme="default">
      <Box padding="space80" overflow="auto" width="100%" data-testid="compliance-view">
        <Heading as="h1" variant="heading20">
          {t('ComplianceTitle')}
        </Heading>
        <Paragraph>{t('ComplianceIntro')}</Paragraph>
        <Box display="flex" alignItems="flex-end" flexWrap="wrap">
          <Box marginRight="space40">
            <Label htmlFor="compliance-from">{t('ComplianceFrom')}</Label>
            <DatePicker id="compliance-from" value={range.fromDay} onChange={(event) => setRange({ ...range, fromDay: event.target.value })} />
          </Box>
          <Box marginRight="space40">
            <Label htmlFor="compliance-to">{t('ComplianceTo')}</Label>
            <DatePicker id="compliance-to" value={range.toDay} onChange={(event) => setRange({ ...range, toDay: event.target.value })} />
          </Box>
          <Button variant="primary" onClick={() => void read()} disabled={rangeIssue !== undefined || reading} loading={reading}>
            {t('ComplianceShow')}
          </Button>
        </Box>
        {rangeIssue && (
          <HelpText variant="error" data-testid="compliance-range-problem">
            {rangeIssueText(rangeIssue, t)}
          </HelpText>
        )}
        {problem && (
          <Box marginTop="space60">
            <Alert variant="error">
              <Text as="span">{t('ComplianceFailed', { message: problem })}</Text>{' '}
              <Button variant="link" onClick={() => void read()}>
                {t('ComplianceRetry')}
              </Button>
            </Alert>
          </Box>
        )}
        {!report && !problem && <Paragraph>{t('ComplianceLoading')}</Paragraph>}
        {report && total && shown && (
          <>
            <Box marginTop="space60" marginBottom="space40">
              <Text as="span" color="colorTextWeak" data-testid="compliance-days">
                {t('ComplianceDays', { count: report.days.length, from: report.days[0], to: report.days[report.days.length - 1] })}
              </Text>
            </Box>
            {total.calls === 0 && <Paragraph>{t('ComplianceNoCalls')}</Paragraph>}
            <Figures total={total} t={t} localeTag={localeTag} />
            <Section title={t('ComplianceDistributionTitle')} help={t('ComplianceDistributionHelp')}>
              <BarChart
                testId="chart-exposure"
                title={t('ComplianceDistributionTitle')}
                series={[{ name: t('CompliancePauses'), color: PAUSES_COLOR }]}
                groups={total.exposureDistribution.map((bar, index, bars) => ({
                  label: barLabel(bar.upToMs, bars[index - 1]?.upToMs ?? 0),
                  values: [bar.count],
                }))}
              />
            </Section>
            <Section title={t('CompliancePerDayTitle')}>
              <BarChart
                testId="chart-per-day"
                title={t('CompliancePerDayTitle')}
                series={[
                  { name: t('ComplianceChartPauses'), color: PAUSES_COLOR },
                  { name: t('ComplianceChartFailed'), color: FAILED_COLOR },
                ]}
                groups={report.days.map((day, index) => ({ label: day.slice(5), values: [perDay[index]?.pauses ?? 0, perDay[index]?.failedPauses ?? 0] }))}
              />
            </Section>
            <Section title={t('CompliancePerQueueTitle')}>
              <QueueTable groups={shown.byQueue.groups} t={t} localeTag={localeTag} />
            </Section>
            <Box display="flex" alignItems="flex-end" marginTop="space80">
              <Box marginRight="space40">
                <Label htmlFor="compliance-csv-by">{t('ComplianceDownloadBy')}</Label>
                <Select id="compliance-csv-by" value={csvBy} onChange={(event) => setCsvBy(event.target.value as GroupBy)}>
                  <Option value="day">{t('ComplianceByDay')}</Option>
                  <Option value="queue">{t('ComplianceByQueue')}</Option>
                  <Option value="agent">{t('ComplianceByAgent')}</Option>
                </Select>
              </Box>
              <Button variant="secondary" onClick={() => void download()}>
                {t('ComplianceDownload')}
              </Button>
            </Box>
            {downloadProblem && <HelpText variant="error">{t('ComplianceDownloadFailed', { message: downloadProblem })}</HelpText>}
          </>
        )}
      </Box>
    </Theme.Provider>
  );
}
