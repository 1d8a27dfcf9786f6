/**
 * What only supervisors and admins load, and only when they open the Compliance view: the view and
 * its weight (Paste), the entry of compliance.js, built apart from the plugin and served as a
 * public asset of the functions. It uses the React the Flex page already has (window.React).
 */
import { ComplianceView } from './ComplianceView';
import { COMPLIANCE_BUNDLE, type ComplianceBundle } from './spec';

const bundle: ComplianceBundle = { version: COMPLIANCE_BUNDLE.version, ComplianceView };
(window as unknown as Record<string, ComplianceBundle>)[COMPLIANCE_BUNDLE.global] = bundle;
