/** compliance.js as the plugin finds it (src/flex/viewBundle.ts). */
import type * as React from 'react';
import type { ViewBundleSpec } from '../../flex/viewBundle';
import type { ComplianceViewProps } from './ComplianceView';

export const COMPLIANCE_BUNDLE: ViewBundleSpec = { file: 'compliance.js', global: 'RecordingControlsCompliance', version: 1 };

export interface ComplianceBundle {
  version: number;
  ComplianceView: React.ComponentType<ComplianceViewProps>;
}
