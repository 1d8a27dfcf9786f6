/**
 * The few Desktop Manager strings every admin's plugin carries (the side link and the loading of
 * the view); the view's own are in strings.ts, inside the admin bundle.
 */
import { translatorOf } from '../../flex/strings';

const enUS = {
  DesktopManagerNavTitle: 'Desktop Manager',
  DesktopManagerNavLoading: 'Loading the Desktop Manager…',
  DesktopManagerNavLoadFailed: 'The Desktop Manager could not be loaded from {{url}}: {{message}}',
  DesktopManagerNavRetry: 'Try again',
};

type NavKey = keyof typeof enUS;

const esES: Record<NavKey, string> = {
  DesktopManagerNavTitle: 'Desktop Manager',
  DesktopManagerNavLoading: 'Cargando el Desktop Manager…',
  DesktopManagerNavLoadFailed: 'No se ha podido cargar el Desktop Manager desde {{url}}: {{message}}',
  DesktopManagerNavRetry: 'Reintentar',
};

const navStrings: Record<string, Record<NavKey, string>> = { 'en-US': enUS, 'es-ES': esES };

/** `manager.strings` (overrides) first, then the locale's own. */
export const navText = (strings: Record<string, unknown>, localeTag: string | undefined, key: NavKey, vars?: Record<string, string>): string =>
  translatorOf(navStrings, strings, localeTag)(key, vars);
