/** The demo page's tabs, as its tab bar names them (app/DemoTabs.tsx) and `npm start` lists them. */
export const DEMO_TABS = [
  ['agent', 'Agent desktop'],
  ['admin', 'Desktop Manager (admin)'],
  ['supervisor', 'Supervisor'],
  ['compliance', 'Compliance (supervisor)'],
] as const;
