/**
 * POST /recording-controls/report (docs/compliance.md): the compliance figures of the calls whose
 * task ended in a range of UTC days, grouped by day, queue or agent, as JSON or CSV. For
 * supervisors, admins and API keys: the figures name every agent.
 */
import { buildReport, daysOf, GroupBy, reportCsv, reportRangeProblem } from '../../../core/report';
import type { ReportStore } from '../stores/reportStore';
import { errorResult, HttpResult } from '../base/http';
import type { Caller } from './auth';

export interface ReportRequest {
  from: string;
  to: string;
  groupBy?: GroupBy;
  format?: 'json' | 'csv';
}

/**
 * A report's range as the request's shell reads it, before the caller is known or anything is asked
 * of Twilio: the problem with it when `from` and `to` are both times, else nothing (the body's
 * schema then says what is wrong).
 */
export function earlyRangeProblem(body: Record<string, unknown>): string | undefined {
  const { from, to } = body;
  if (typeof from !== 'string' || typeof to !== 'string' || !RFC3339_START.test(from) || !RFC3339_START.test(to)) return undefined;
  const [start, end] = [new Date(from), new Date(to)];
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return undefined;
  return reportRangeProblem(start, end);
}

const RFC3339_START = /^\d{4}-\d{2}-\d{2}T/;

/** `now` tells the finished days, which are read from their summaries (reportStore.ts), from the others. */
export async function report(reports: ReportStore, caller: Caller, request: ReportRequest, now: Date): Promise<HttpResult> {
  if (!caller.privileged) return errorResult(403, 'forbidden', 'only supervisors, admins and API keys may read the compliance report');
  const from = new Date(request.from);
  const to = new Date(request.to);
  const problem = reportRangeProblem(from, to);
  if (problem) return errorResult(400, 'invalid_request', problem);
  const days = daysOf(from, to);
  const groupBy = request.groupBy ?? 'day';
  // The summaries have no agents: a report by agent reads every agent's day.
  const figures = groupBy === 'agent' ? await reports.read(days) : await reports.dayFigures(days, { byQueue: groupBy === 'queue', now });
  const answer = buildReport({ from, to }, groupBy, figures);
  if (request.format === 'csv') return { status: 200, body: reportCsv(answer), contentType: 'text/csv; charset=utf-8' };
  return { status: 200, body: answer };
}
