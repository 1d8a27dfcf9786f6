/**
 * Loads the Desktop Manager's view when an admin first opens it: `<serverlessBaseUrl>/desktop-manager.js`,
 * a public asset deployed with the functions. `twilio flex:plugins:deploy` uploads the plugin's one
 * bundle and nothing else, so a webpack chunk would never reach Flex; the functions' domain is
 * already configured and trusted (the plugin sends the Flex token there).
 */
import type * as React from 'react';
import type { DesktopManagerProps } from './DesktopManagerView';

export const ADMIN_BUNDLE_GLOBAL = 'RecordingControlsDesktopManager';
/** Raised when the contract between the plugin and the view changes (they deploy separately). */
export const ADMIN_BUNDLE_VERSION = 1;
export const ADMIN_BUNDLE_FILE = 'desktop-manager.js';

export interface AdminBundle {
  version: number;
  DesktopManagerView: React.ComponentType<DesktopManagerProps>;
}

let loading: Promise<AdminBundle> | undefined;

const loaded = (): AdminBundle | undefined => (window as unknown as Record<string, AdminBundle | undefined>)[ADMIN_BUNDLE_GLOBAL];

export function loadAdminBundle(baseUrl: string): Promise<AdminBundle> {
  const ready = loaded();
  if (ready?.version === ADMIN_BUNDLE_VERSION) return Promise.resolve(ready);
  loading ??= new Promise<AdminBundle>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = `${baseUrl}/${ADMIN_BUNDLE_FILE}`;
    script.async = true;
    script.onload = () => {
      const bundle = loaded();
      if (!bundle) reject(new Error('it did not start'));
      else if (bundle.version !== ADMIN_BUNDLE_VERSION) reject(new Error(`it is version ${bundle.version}, this plugin needs ${ADMIN_BUNDLE_VERSION}: deploy the functions and the plugin of the same release`));
      else resolve(bundle);
    };
    script.onerror = () => reject(new Error('the request failed'));
    document.head.appendChild(script);
  }).catch((error: unknown) => {
    loading = undefined; // a later try loads it again
    throw error;
  });
  return loading;
}
