/**
 * `npm start`'s banner: where each part runs, and every tab of the demo page by the name its tab bar shows.
 */
import { startBanner } from '../../scripts/start';

describe('npm start', () => {
  it('names the demo page’s four tabs as the page shows them, beside its URL', () => {
    const banner = startBanner({
      demoUrl: 'http://127.0.0.1:3000',
      functionsUrl: 'http://127.0.0.1:3001',
      standinUrl: 'http://127.0.0.1:3002',
      secret: 'local-demo-secret',
    });
    const lines = banner.split('\n');
    const demo = lines.findIndex((line) => line.includes('http://127.0.0.1:3000'));
    expect(lines[demo + 1].trim()).toBe('tabs: Agent desktop · Desktop Manager (admin) · Supervisor · Compliance (supervisor)');
    expect(banner).toContain('http://127.0.0.1:3001');
    expect(banner).toContain('http://127.0.0.1:3002');
    expect(banner).toContain('src/serverless/assets/desktop-events.private.json');
  });
});
