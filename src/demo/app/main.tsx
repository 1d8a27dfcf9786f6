/** The demo page's entry: the plugin is set up as Flex would, then the page is rendered. */
import './demo.css';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import { DemoApp } from './DemoApp';
import { readPageConfig } from './demoApi';
import { startPlugin } from './flexHost';

const config = readPageConfig();
const manager = startPlugin(config);
ReactDOM.render(<DemoApp manager={manager} agent={config.agent} />, document.getElementById('root'));
