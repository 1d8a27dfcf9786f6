/** desktop-manager.js as the plugin finds it (src/flex/viewBundle.ts). */
import type * as React from 'react';
import type { ViewBundleSpec } from '../../flex/viewBundle';
import type { DesktopManagerProps } from './DesktopManagerView';

export const ADMIN_BUNDLE: ViewBundleSpec = { file: 'desktop-manager.js', global: 'RecordingControlsDesktopManager', version: 1 };

export interface AdminBundle {
  version: number;
  DesktopManagerView: React.ComponentType<DesktopManagerProps>;
}
