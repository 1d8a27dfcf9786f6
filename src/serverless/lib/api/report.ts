/**
 * POST /recording-controls/report (docs/compliance.md): the compliance figures of the calls whose
 * task ended in a range of UTC days, grouped by day, queue or agent, as JSON or CSV. For
 * supervisors, admins and API keys: the figures name every agent.
 */
import { buildReport, daysOf, GroupBy, MAX_REPORT_DAYS, reportCsv } from '../../../core/report';
import type { ReportStore } from '../evidence/reportStore';
import { errorResult, HttpResult } from '../http';
import type { Caller } from './auth';

export interface ReportRequest {
  from: string;
  to: string;
  groupBy?: GroupBy;
  format?: 'json' | 'csv';
}

/** `now` tells the finished days, which are read from their summaries (reportStore.ts), from the others. */
export async function report(reports: ReportStore, caller: Caller, request: ReportRequest, now: Date): Promise<HttpResult> {
  if (!caller.privileged) return errorResult(403, 'forbidden', 'only supervisors, admins and API keys may read the compliance report');
  const from = new Date(request.from);
  const to = new Date(request.to);
  if (from.getTime() >= to.getTime()) return errorResult(400, 'invalid_request', 'to: must be after from');
  const days = daysOf(from, to);
  if (days.length > MAX_REPORT_DAYS)
    return errorResult(400, 'invalid_request', `the range touches ${days.length} UTC days: ask for ${MAX_REPORT_DAYS} at most`);
  const groupBy = request.groupBy ?? 'day';
  // The summaries have no agents: a report by agent reads every agent's day.
  const figures = groupBy === 'agent' ? await reports.read(days) : await reports.dayFigures(days, { byQueue: groupBy === 'queue', now });
  const answer = buildReport({ from, to }, groupBy, figures);
  if (request.format === 'csv') return { status: 200, body: reportCsv(answer), contentType: 'text/csv; charset=utf-8' };
  return { status: 200, body: answer };
}
