/** The demo page's entry: the plugin is set up as Flex would, then the page is rendered (the agent's, or the supervisor's own). */
import './demo.css';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import { DemoTabs } from './DemoTabs';
import { readPageConfig } from './demoApi';
import { startPlugin } from './flexHost';
import { renderSupervisorPage } from './SupervisorPage';

// What Flex gives every plugin: the admin's Desktop Manager (desktop-manager.js) uses the page's React.
Object.assign(window, { React, ReactDOM });

const config = readPageConfig();
const root = document.getElementById('root') as HTMLElement;
if (config.page === 'supervisor') {
  void renderSupervisorPage(config, root);
} else {
  const manager = startPlugin(config);
  ReactDOM.render(<DemoTabs manager={manager} agent={config.agent} functionsUrl={config.functionsUrl} />, root);
}
