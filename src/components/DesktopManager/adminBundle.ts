/**
 * The entry of desktop-manager.js: the admin view and its weight (Paste, the core's validator),
 * built apart from the plugin and served as a public asset of the functions. It uses the React
 * the Flex page already has (window.React), and hands its view to the plugin through a global.
 */
import { DesktopManagerView } from './DesktopManagerView';
import { ADMIN_BUNDLE, type AdminBundle } from './spec';

const bundle: AdminBundle = { version: ADMIN_BUNDLE.version, DesktopManagerView };
(window as unknown as Record<string, AdminBundle>)[ADMIN_BUNDLE.global] = bundle;
