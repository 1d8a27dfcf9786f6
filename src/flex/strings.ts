/**
 * The plugin's strings, merged into `manager.strings` so customers can override any of them
 * (Flex's usual localization mechanism). `{{name}}` placeholders are filled by `format`. A string
 * whose words change with `{{count}}` has a form per plural category of the language besides its
 * own key, which serves every other count (`…_one`: "1 call needs attention"), see wording.ts.
 */
import { pluralKey } from './wording';

const enUS = {
  RecordingControlsRecording: 'Recording',
  RecordingControlsNotRecording: 'Not recording',
  RecordingControlsUnknown: 'Recording state unknown — checking…',
  RecordingControlsUnavailable: 'Recording controls unavailable (configuration error)',
  RecordingControlsCallEnded: 'Call not found or ended',
  RecordingControlsPausedFor: 'Paused — {{reasons}}',
  RecordingControlsPausedBy: 'Paused by {{who}}',
  RecordingControlsResumesIn: '{{text}} — resumes in {{time}}',
  RecordingControlsByYou: 'you',
  RecordingControlsBySupervisor: 'supervisor',
  RecordingControlsByApi: 'an external application',
  RecordingControlsReasonBy: 'by {{who}}',
  RecordingControlsPause: 'Pause recording',
  RecordingControlsResume: 'Resume recording',
  RecordingControlsForceResume: 'Force resume',
  RecordingControlsPausing: 'Pausing recording…',
  RecordingControlsResuming: 'Resuming recording…',
  RecordingControlsWorking: 'Working…',
  RecordingControlsStart: 'Start recording',
  RecordingControlsStop: 'Stop recording',
  RecordingControlsTags: 'Recording tags',
  RecordingControlsTimeline: 'Paused intervals',
  RecordingControlsIntervalOpen: 'now',
  RecordingControlsExposure: 'paused {{seconds}} s after the action',
  RecordingControlsExposureWithin: 'paused within {{seconds}} s of the action',
  RecordingControlsAutomationOff: 'Card fields may not pause the recording by themselves: {{reasons}}. Pause by hand before taking card details.',
  RecordingControlsOffCrmFields: 'the CRM fields could not be read',
  RecordingControlsOffSync: 'Twilio Sync cannot be reached (the state shown may be late)',
  RecordingControlsResumeWarning: 'The recording resumes in a few seconds: stop taking card details.',
  RecordingControlsNotifyResumedByTime: 'The pause for {{reasons}} ran out: the call is being recorded again. Do not take card details now.',
  RecordingControlsChipResumesIn: 'Recording resumes in {{time}}',
  RecordingControlsChipRecordingAgain: 'Recording again',
  RecordingControlsChipPaused: 'Recording paused',
  RecordingControlsChipNotPaused: 'NOT paused — do not take card details',
  RecordingControlsTimelineAll: 'Show all {{count}}',
  RecordingControlsTimelineNewest: 'Show the newest only',
  RecordingControlsTagsTitle: 'Tag this recording',
  RecordingControlsTagsLabel: 'Tags (comma-separated)',
  RecordingControlsMetadataLabel: 'Metadata (one key=value per line)',
  RecordingControlsMetadataInvalid: 'Line {{line}} is not key=value',
  RecordingControlsSave: 'Save',
  RecordingControlsCancel: 'Cancel',
  RecordingControlsSaved: 'Tags saved',
  RecordingControlsNotifyPaused: 'Recording paused. You may take the card details.',
  RecordingControlsNotifyResumed: 'Recording resumed.',
  RecordingControlsNotifyStillPaused: 'Your pause is released; the recording stays paused: {{state}}',
  RecordingControlsPaused: 'Paused',
  RecordingControlsNotifyNoRecording: 'This call is not being recorded.',
  RecordingControlsNotifyPauseFailed: 'The recording was NOT paused ({{message}}). Do not take card details. Try again or ask your supervisor.',
  RecordingControlsPauseNotAllowed: "this queue's calls must be recorded in full",
  RecordingControlsPauseOffNever: "Pause recording is off: this queue's calls must be recorded in full",
  RecordingControlsPauseOffDesktopOnly: 'Pause recording is off on this queue: its card fields pause the recording by themselves',
  RecordingControlsAcknowledge: 'I understand',
  RecordingControlsNotifyActionFailed: '{{action}} failed: {{message}}',
  RecordingControlsNoCallSelected: 'Select a live call first',
  RecordingControlsViewTitle: 'Recording Controls',
  RecordingControlsViewEmpty: 'No live calls.',
  RecordingControlsViewAgent: 'Agent',
  RecordingControlsViewCall: 'Call',
  RecordingControlsViewState: 'State',
  RecordingControlsViewHolds: 'Holds',
  RecordingControlsViewActions: 'Actions',
  RecordingControlsViewAdd: 'Watch a call',
  RecordingControlsViewAddLabel: 'Call SID (CA…) or task SID (WT…)',
  RecordingControlsViewPauseBehavior: 'Pause behavior: {{behavior}}',
  RecordingControlsHoldSince: 'since {{time}}',
  RecordingControlsShortcut: 'Toggle recording pause',
  RecordingControlsPauseNotConfirmed: 'Twilio did not confirm the pause',
  RecordingControlsViewLoading: 'Loading the live calls…',
  RecordingControlsViewIndexUnavailable:
    'Live list unavailable: showing the calls Flex knows about, each followed on its own (or read again every 15 s or more). Retrying…',
  RecordingControlsViewOutOfSync: 'Twilio has not confirmed the last change yet',
  RecordingControlsViewUnconfirmed: 'Not confirmed by Twilio yet',
  RecordingControlsViewAttention: '{{count}} calls need attention',
  RecordingControlsViewAttention_one: '{{count}} call needs attention',
  RecordingControlsFlagPauseFailed: 'Pause failed — not paused since: card details may be recorded',
  RecordingControlsFlagPausedLong: 'Paused for over {{threshold}}',
  RecordingControlsFlagAutomationOff: 'Card fields do not pause by themselves ({{problems}}): the agent must pause by hand',
  RecordingControlsViewPause: 'Pause',
  RecordingControlsViewResume: 'Resume',
  RecordingControlsViewAgentCall: '{{agent}}’s call {{callSid}}',
  RecordingControlsViewCallNamed: 'call {{callSid}}',
  RecordingControlsViewPauseCall: 'Pause recording of {{call}}',
  RecordingControlsViewResumeCall: 'Resume recording of {{call}}',
  RecordingControlsViewForceResumeCall: 'Force resume {{call}}',
  RecordingControlsViewForceResumeHeading: 'Force resume {{agent}}’s call?',
  RecordingControlsViewForceResumeThisCall: 'Force resume this call?',
  RecordingControlsViewForceResumeBody:
    'This ends every pause on the call ({{holds}}) and Twilio records again at once — card details included, if the customer is still giving them.',
  RecordingControlsViewCancel: 'Cancel',
  RecordingControlsViewBundleLoading: 'Loading the Recording Controls view…',
  RecordingControlsViewBundleFailed: 'The Recording Controls view could not be loaded from {{url}}: {{message}}',
  RecordingControlsViewRetry: 'Try again',
  RecordingControlsProblemCrmFields: 'the CRM fields cannot be read',
  RecordingControlsProblemSync: 'Twilio Sync cannot be reached',
  RecordingControlsAlertAutomationOff:
    'On {{agent}}’s call, card fields do not pause the recording by themselves ({{problems}}): the agent must pause by hand.',
  RecordingControlsAlertPauseFailed: 'A pause failed on {{agent}}’s call and no later try has paused it: the call may be recording card details.',
  RecordingControlsAlertPausedLong: '{{agent}}’s call has been paused for over {{threshold}}: check the pause is still needed.',
  RecordingControlsComplianceNav: 'Compliance',
  RecordingControlsComplianceLoading: 'Loading the Compliance view…',
  RecordingControlsComplianceLoadFailed: 'The Compliance view could not be loaded from {{url}}: {{message}}',
  RecordingControlsComplianceRetry: 'Try again',
};

export type StringKey = keyof typeof enUS;

const esES: Record<StringKey, string> = {
  RecordingControlsRecording: 'Grabando',
  RecordingControlsNotRecording: 'Sin grabación',
  RecordingControlsUnknown: 'Estado de la grabación desconocido — comprobando…',
  RecordingControlsUnavailable: 'Controles de grabación no disponibles (error de configuración)',
  RecordingControlsCallEnded: 'Llamada no encontrada o finalizada',
  RecordingControlsPausedFor: 'En pausa — {{reasons}}',
  RecordingControlsPausedBy: 'En pausa por {{who}}',
  RecordingControlsResumesIn: '{{text}} — se reanuda en {{time}}',
  RecordingControlsByYou: 'usted',
  RecordingControlsBySupervisor: 'supervisor',
  RecordingControlsByApi: 'una aplicación externa',
  RecordingControlsReasonBy: 'por {{who}}',
  RecordingControlsPause: 'Pausar grabación',
  RecordingControlsResume: 'Reanudar grabación',
  RecordingControlsForceResume: 'Forzar reanudación',
  RecordingControlsPausing: 'Pausando grabación…',
  RecordingControlsResuming: 'Reanudando grabación…',
  RecordingControlsWorking: 'Procesando…',
  RecordingControlsStart: 'Iniciar grabación',
  RecordingControlsStop: 'Detener grabación',
  RecordingControlsTags: 'Etiquetas de la grabación',
  RecordingControlsTimeline: 'Intervalos en pausa',
  RecordingControlsIntervalOpen: 'ahora',
  RecordingControlsExposure: 'en pausa {{seconds}} s después de la acción',
  RecordingControlsExposureWithin: 'en pausa en menos de {{seconds}} s tras la acción',
  RecordingControlsAutomationOff:
    'Los campos de tarjeta pueden no pausar la grabación por sí solos: {{reasons}}. Pause a mano antes de tomar los datos de la tarjeta.',
  RecordingControlsOffCrmFields: 'no se han podido leer los campos del CRM',
  RecordingControlsOffSync: 'no se puede conectar con Twilio Sync (el estado mostrado puede llegar tarde)',
  RecordingControlsResumeWarning: 'La grabación se reanuda en unos segundos: deje de tomar los datos de la tarjeta.',
  RecordingControlsNotifyResumedByTime: 'La pausa por {{reasons}} ha terminado: la llamada se vuelve a grabar. No tome ahora los datos de la tarjeta.',
  RecordingControlsChipResumesIn: 'La grabación se reanuda en {{time}}',
  RecordingControlsChipRecordingAgain: 'Grabando de nuevo',
  RecordingControlsChipPaused: 'Grabación en pausa',
  RecordingControlsChipNotPaused: 'NO está en pausa — no tome los datos de la tarjeta',
  RecordingControlsTimelineAll: 'Mostrar los {{count}}',
  RecordingControlsTimelineNewest: 'Mostrar solo los más recientes',
  RecordingControlsTagsTitle: 'Etiquetar esta grabación',
  RecordingControlsTagsLabel: 'Etiquetas (separadas por comas)',
  RecordingControlsMetadataLabel: 'Metadatos (una línea clave=valor)',
  RecordingControlsMetadataInvalid: 'La línea {{line}} no es clave=valor',
  RecordingControlsSave: 'Guardar',
  RecordingControlsCancel: 'Cancelar',
  RecordingControlsSaved: 'Etiquetas guardadas',
  RecordingControlsNotifyPaused: 'Grabación en pausa. Puede tomar los datos de la tarjeta.',
  RecordingControlsNotifyResumed: 'Grabación reanudada.',
  RecordingControlsNotifyStillPaused: 'Su pausa se ha liberado; la grabación sigue en pausa: {{state}}',
  RecordingControlsPaused: 'En pausa',
  RecordingControlsNotifyNoRecording: 'Esta llamada no se está grabando.',
  RecordingControlsNotifyPauseFailed:
    'La grabación NO se ha pausado ({{message}}). No tome los datos de la tarjeta. Inténtelo de nuevo o avise a su supervisor.',
  RecordingControlsPauseNotAllowed: 'las llamadas de esta cola deben grabarse completas',
  RecordingControlsPauseOffNever: 'Pausar la grabación está desactivado: las llamadas de esta cola deben grabarse completas',
  RecordingControlsPauseOffDesktopOnly: 'Pausar la grabación está desactivado en esta cola: sus campos de tarjeta pausan la grabación por sí solos',
  RecordingControlsAcknowledge: 'Entendido',
  RecordingControlsNotifyActionFailed: '{{action}} ha fallado: {{message}}',
  RecordingControlsNoCallSelected: 'Seleccione primero una llamada en curso',
  RecordingControlsViewTitle: 'Controles de grabación',
  RecordingControlsViewEmpty: 'No hay llamadas en curso.',
  RecordingControlsViewAgent: 'Agente',
  RecordingControlsViewCall: 'Llamada',
  RecordingControlsViewState: 'Estado',
  RecordingControlsViewHolds: 'Pausas',
  RecordingControlsViewActions: 'Acciones',
  RecordingControlsViewAdd: 'Seguir una llamada',
  RecordingControlsViewAddLabel: 'SID de llamada (CA…) o de tarea (WT…)',
  RecordingControlsViewPauseBehavior: 'Modo de pausa: {{behavior}}',
  RecordingControlsHoldSince: 'desde {{time}}',
  RecordingControlsShortcut: 'Pausar/reanudar la grabación',
  RecordingControlsPauseNotConfirmed: 'Twilio no ha confirmado la pausa',
  RecordingControlsViewLoading: 'Cargando las llamadas en curso…',
  RecordingControlsViewIndexUnavailable:
    'Lista en vivo no disponible: se muestran las llamadas que Flex conoce, cada una seguida por separado (o leída de nuevo cada 15 s o más). Reintentando…',
  RecordingControlsViewOutOfSync: 'Twilio aún no ha confirmado el último cambio',
  RecordingControlsViewUnconfirmed: 'Aún sin confirmar por Twilio',
  RecordingControlsViewAttention: '{{count}} llamadas requieren atención',
  RecordingControlsViewAttention_one: '{{count}} llamada requiere atención',
  RecordingControlsFlagPauseFailed: 'Pausa fallida — sin pausar desde entonces: pueden grabarse datos de tarjeta',
  RecordingControlsFlagPausedLong: 'En pausa más de {{threshold}}',
  RecordingControlsFlagAutomationOff: 'Los campos de tarjeta no pausan por sí solos ({{problems}}): el agente debe pausar a mano',
  RecordingControlsViewPause: 'Pausar',
  RecordingControlsViewResume: 'Reanudar',
  RecordingControlsViewAgentCall: 'la llamada de {{agent}} ({{callSid}})',
  RecordingControlsViewCallNamed: 'la llamada {{callSid}}',
  RecordingControlsViewPauseCall: 'Pausar grabación de {{call}}',
  RecordingControlsViewResumeCall: 'Reanudar grabación de {{call}}',
  RecordingControlsViewForceResumeCall: 'Forzar reanudación de {{call}}',
  RecordingControlsViewForceResumeHeading: '¿Forzar la reanudación de la llamada de {{agent}}?',
  RecordingControlsViewForceResumeThisCall: '¿Forzar la reanudación de esta llamada?',
  RecordingControlsViewForceResumeBody:
    'Esto termina todas las pausas de la llamada ({{holds}}) y Twilio vuelve a grabar al instante, con los datos de tarjeta si el cliente aún los está dando.',
  RecordingControlsViewCancel: 'Cancelar',
  RecordingControlsViewBundleLoading: 'Cargando la vista de controles de grabación…',
  RecordingControlsViewBundleFailed: 'No se ha podido cargar la vista de controles de grabación desde {{url}}: {{message}}',
  RecordingControlsViewRetry: 'Reintentar',
  RecordingControlsProblemCrmFields: 'no se pueden leer los campos del CRM',
  RecordingControlsProblemSync: 'no se puede conectar con Twilio Sync',
  RecordingControlsAlertAutomationOff:
    'En la llamada de {{agent}}, los campos de tarjeta no pausan la grabación por sí solos ({{problems}}): el agente debe pausar a mano.',
  RecordingControlsAlertPauseFailed:
    'Una pausa falló en la llamada de {{agent}} y ningún intento posterior la ha pausado: puede estar grabando datos de tarjeta.',
  RecordingControlsAlertPausedLong: 'La llamada de {{agent}} lleva en pausa más de {{threshold}}: compruebe que la pausa sigue siendo necesaria.',
  RecordingControlsComplianceNav: 'Cumplimiento',
  RecordingControlsComplianceLoading: 'Cargando la vista de cumplimiento…',
  RecordingControlsComplianceLoadFailed: 'No se ha podido cargar la vista de cumplimiento desde {{url}}: {{message}}',
  RecordingControlsComplianceRetry: 'Reintentar',
};

export const pluginStrings: Record<string, Record<StringKey, string>> = {
  'en-US': enUS,
  'es-ES': esES,
};

/** The tag of a table's entry for a Flex locale tag: exact match, then same language, then en-US. */
export function tagFor(table: Record<string, unknown>, localeTag: string | undefined): string {
  if (localeTag && table[localeTag]) return localeTag;
  const language = localeTag?.split('-')[0];
  return Object.keys(table).find((tag) => tag.split('-')[0] === language) ?? 'en-US';
}

/** A table's entry for a Flex locale tag (tagFor). */
export const forLocale = <T>(table: Record<string, T>, localeTag: string | undefined): T => table[tagFor(table, localeTag)];

/** The plugin's strings for a Flex locale tag. */
export const stringsFor = (localeTag: string | undefined): Record<StringKey, string> => forLocale(pluginStrings, localeTag);

/** Adds the plugin's strings to `manager.strings`; strings already set there (overrides) win. */
export function registerStrings(manager: { strings: Record<string, unknown>; localization?: { localeTag?: string } }): void {
  manager.strings = { ...enUS, ...stringsFor(userLocaleTag(manager)), ...manager.strings };
}

/** The Flex user's locale: Flex's setting, else the browser's. */
export const userLocaleTag = (manager: { localization?: { localeTag?: string } }): string | undefined =>
  manager.localization?.localeTag ?? (typeof navigator !== 'undefined' ? navigator.language : undefined);

/** Fills `{{name}}` placeholders. */
export const format = (template: string, vars: Record<string, string | number> = {}): string =>
  template.replace(/{{\s*(\w+)\s*}}/g, (_, name: string) => (name in vars ? String(vars[name]) : ''));

/** Looks a string (its form for `vars.count`) up in `manager.strings`, falling back to en-US. */
export function translate(strings: Record<string, unknown>, key: StringKey, vars?: Record<string, string | number>, localeTag?: string): string {
  const lookup = (name: string): string | undefined => {
    const found = strings[name];
    return typeof found === 'string' ? found : (enUS as Record<string, string>)[name];
  };
  return format(lookup(pluralKey(key, vars?.count, tagFor(pluginStrings, localeTag), (name) => lookup(name) !== undefined)) ?? '', vars);
}

/** A view's `t()` over its own table of strings: `manager.strings` (a customer's overrides) first, then the locale's, then en-US. */
export function translatorOf<K extends string>(
  table: Record<string, Record<K, string>>,
  overrides: Record<string, unknown>,
  localeTag: string | undefined,
): (key: K, vars?: Record<string, string | number>) => string {
  const tag = tagFor(table, localeTag);
  const own: Record<string, string> = table[tag];
  const lookup = (name: string): string | undefined => {
    const override = overrides[name];
    return typeof override === 'string' ? override : (own[name] ?? (table['en-US'] as Record<string, string>)[name]);
  };
  return (key, vars) => format(lookup(pluralKey(key, vars?.count, tag, (name) => lookup(name) !== undefined)) ?? '', vars);
}
