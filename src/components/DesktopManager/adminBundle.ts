/**
 * The entry of desktop-manager.js: the admin view and its weight (Paste, the core's validator),
 * built apart from the plugin and served as a public asset of the functions. It uses the React
 * the Flex page already has (window.React), and hands its view to the plugin through a global.
 */
import { DesktopManagerView } from './DesktopManagerView';
import { publishViewBundle } from '../../flex/viewBundle';
import { ADMIN_BUNDLE, type AdminBundle } from './spec';

publishViewBundle<AdminBundle>(ADMIN_BUNDLE, { DesktopManagerView });
