/**
 * The Compliance view's client of `POST /recording-controls/report` (docs/compliance.md), with the
 * user's Flex token: the report of whole UTC days, as JSON for the view or as CSV to download.
 */
import type { GroupBy, Report } from '../../core/report';
import { jsonOf, postForm } from '../../flex/api';

/** From the first day's start to the last day's end (UTC), as the report counts days. */
export interface DayRange {
  fromDay: string;
  toDay: string;
}

export interface ReportApi {
  report(range: DayRange, groupBy: GroupBy): Promise<Report>;
  csv(range: DayRange, groupBy: GroupBy): Promise<string>;
}

/** The functions answer within their 10 s limit; a little more for the way there and back. */
const TIMEOUT_MS = 15_000;

const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export const rangeFields = ({ fromDay, toDay }: DayRange) => ({ from: `${fromDay}T00:00:00Z`, to: `${nextDay(toDay)}T00:00:00Z` });

export function createReportApi(baseUrl: string, token: () => string | undefined): ReportApi {
  const post = (range: DayRange, groupBy: GroupBy, format: 'json' | 'csv') =>
    postForm(`${baseUrl}/recording-controls/report`, { ...rangeFields(range), groupBy, format }, token(), TIMEOUT_MS);
  return {
    report: async (range, groupBy) => (await jsonOf(await post(range, groupBy, 'json'))) as Report,
    async csv(range, groupBy) {
      const response = await post(range, groupBy, 'csv');
      if (!response.ok) await jsonOf(response); // throws the server's error
      return response.text();
    },
  };
}
