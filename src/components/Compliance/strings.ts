/**
 * The Compliance view's strings, in every locale the plugin has; looked up in `manager.strings`
 * first, so a customer may override any of them. What each figure means is in docs/compliance.md.
 */
import { translatorOf } from '../../flex/strings';

const enUS = {
  ComplianceTitle: 'Compliance',
  ComplianceIntro:
    'How well the recording controls kept card data out of call recordings, from the calls whose task ended in these days. Days are UTC; a report covers at most 31.',
  ComplianceFrom: 'From (UTC day)',
  ComplianceTo: 'To (UTC day, included)',
  ComplianceShow: 'Show report',
  ComplianceLoading: 'Reading the report…',
  ComplianceFailed: 'The report could not be read: {{message}}',
  ComplianceRetry: 'Try again',
  ComplianceDays: '{{count}} day(s): {{from}} to {{to}}',
  ComplianceNoCalls: 'No call ended in these days.',
  ComplianceCalls: 'Calls',
  ComplianceCardEntryCalls: 'Calls with card entry',
  CompliancePauses: 'Pauses',
  ComplianceFailedPauses: 'Failed pauses',
  ComplianceFailedPausesDetail: '{{recovered}} paused on a later try, {{notRecovered}} not',
  ComplianceExposure: 'Exposure (action → paused)',
  ComplianceExposureDetail: 'p50 {{p50}} · p99 {{p99}} · max {{max}}',
  ComplianceExposureSamples: 'of {{count}} pause(s)',
  ComplianceExpiredWhileInUse: 'Ended by their duration while the field was in use',
  ComplianceManualPauses: 'Manual, supervisor and API pauses',
  ComplianceManualPausesDetail: '{{manual}} manual · {{supervisor}} supervisor · {{api}} API',
  ComplianceForcedResumes: 'Forced resumes',
  ComplianceRepaired: 'Recordings found running in a pause, and paused',
  ComplianceNeverPause: 'Calls under a "never pause" policy',
  ComplianceDistributionTitle: 'Exposure distribution',
  ComplianceDistributionHelp: 'Time from the agent entering a card field to Twilio confirming every recording paused.',
  ComplianceUpTo: '≤ {{value}}',
  ComplianceOver: '> {{value}}',
  ComplianceChartPauses: 'Pauses',
  ComplianceChartFailed: 'Failed pauses',
  CompliancePerDayTitle: 'Pauses and failed pauses per day',
  CompliancePerQueueTitle: 'By queue',
  ComplianceQueue: 'Queue',
  ComplianceExposureP50: 'Exposure p50',
  ComplianceExposureP99: 'Exposure p99',
  ComplianceExposureMax: 'Exposure max',
  ComplianceNone: '—',
  ComplianceDownloadBy: 'CSV rows by',
  ComplianceByDay: 'day',
  ComplianceByQueue: 'queue',
  ComplianceByAgent: 'agent',
  ComplianceDownload: 'Download CSV',
  ComplianceDownloadFailed: 'The CSV could not be downloaded: {{message}}',
  ComplianceBadRange: 'Choose a first day on or before the last day.',
};

export type ComplianceStringKey = keyof typeof enUS;

const esES: Record<ComplianceStringKey, string> = {
  ComplianceTitle: 'Cumplimiento',
  ComplianceIntro:
    'Hasta qué punto los controles de grabación mantuvieron los datos de tarjeta fuera de las grabaciones, según las llamadas cuya tarea terminó en estos días. Días en UTC; un informe abarca como máximo 31.',
  ComplianceFrom: 'Desde (día UTC)',
  ComplianceTo: 'Hasta (día UTC, incluido)',
  ComplianceShow: 'Ver informe',
  ComplianceLoading: 'Leyendo el informe…',
  ComplianceFailed: 'No se ha podido leer el informe: {{message}}',
  ComplianceRetry: 'Reintentar',
  ComplianceDays: '{{count}} día(s): del {{from}} al {{to}}',
  ComplianceNoCalls: 'Ninguna llamada terminó en estos días.',
  ComplianceCalls: 'Llamadas',
  ComplianceCardEntryCalls: 'Llamadas con datos de tarjeta',
  CompliancePauses: 'Pausas',
  ComplianceFailedPauses: 'Pausas fallidas',
  ComplianceFailedPausesDetail: '{{recovered}} pausadas en un intento posterior, {{notRecovered}} no',
  ComplianceExposure: 'Exposición (acción → pausa)',
  ComplianceExposureDetail: 'p50 {{p50}} · p99 {{p99}} · máx. {{max}}',
  ComplianceExposureSamples: 'de {{count}} pausa(s)',
  ComplianceExpiredWhileInUse: 'Terminadas por su duración con el campo aún en uso',
  ComplianceManualPauses: 'Pausas manuales, de supervisor y de API',
  ComplianceManualPausesDetail: '{{manual}} manuales · {{supervisor}} de supervisor · {{api}} de API',
  ComplianceForcedResumes: 'Reanudaciones forzadas',
  ComplianceRepaired: 'Grabaciones encontradas en marcha durante una pausa, y pausadas',
  ComplianceNeverPause: 'Llamadas con la política "nunca pausar"',
  ComplianceDistributionTitle: 'Distribución de la exposición',
  ComplianceDistributionHelp: 'Tiempo desde que el agente entra en un campo de tarjeta hasta que Twilio confirma todas las grabaciones en pausa.',
  ComplianceUpTo: '≤ {{value}}',
  ComplianceOver: '> {{value}}',
  ComplianceChartPauses: 'Pausas',
  ComplianceChartFailed: 'Pausas fallidas',
  CompliancePerDayTitle: 'Pausas y pausas fallidas por día',
  CompliancePerQueueTitle: 'Por cola',
  ComplianceQueue: 'Cola',
  ComplianceExposureP50: 'Exposición p50',
  ComplianceExposureP99: 'Exposición p99',
  ComplianceExposureMax: 'Exposición máx.',
  ComplianceNone: '—',
  ComplianceDownloadBy: 'Filas del CSV por',
  ComplianceByDay: 'día',
  ComplianceByQueue: 'cola',
  ComplianceByAgent: 'agente',
  ComplianceDownload: 'Descargar CSV',
  ComplianceDownloadFailed: 'No se ha podido descargar el CSV: {{message}}',
  ComplianceBadRange: 'Elija un primer día igual o anterior al último.',
};

export const complianceStrings: Record<string, Record<ComplianceStringKey, string>> = { 'en-US': enUS, 'es-ES': esES };

export type ComplianceTranslate = ReturnType<typeof complianceTranslator>;

export const complianceTranslator = (overrides: Record<string, unknown>, localeTag: string | undefined) =>
  translatorOf(complianceStrings, overrides, localeTag);
