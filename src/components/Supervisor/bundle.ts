/**
 * The entry of supervisor.js: the Recording Controls view's look and its weight (Paste), built apart
 * from the plugin and served as a public asset of the functions, loaded only when a supervisor opens
 * the view. It uses the React the Flex page already has (window.React).
 */
import { CallRow, SupervisorPage } from './SupervisorTable';
import { SUPERVISOR_BUNDLE, type SupervisorBundle } from './spec';

const bundle: SupervisorBundle = { version: SUPERVISOR_BUNDLE.version, SupervisorPage, CallRow };
(window as unknown as Record<string, SupervisorBundle>)[SUPERVISOR_BUNDLE.global] = bundle;
