/**
 * Galata (Playwright) configuration: Debian's Chromium, never a downloaded browser, and a
 * JupyterLab on the cws sandbox with its own CWS_HOME.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const port = process.env.CWS_UI_PORT || '18888';
const baseUrlPath = process.env.CWS_UI_BASE_URL || '/cws-ui/';
const serverRoot = `http://127.0.0.1:${port}${baseUrlPath.replace(/\/$/, '')}`;
if (!process.env.CWS_HOME) {
  process.env.CWS_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'cws-ui-home-'));
}
// The server's root folder, with the one folder the tests open (see tests/panel.spec.ts).
if (!process.env.JUPYTERLAB_GALATA_ROOT_DIR) {
  process.env.JUPYTERLAB_GALATA_ROOT_DIR = fs.mkdtempSync(
    path.join(os.tmpdir(), 'cws-ui-root-')
  );
}
fs.mkdirSync(path.join(process.env.JUPYTERLAB_GALATA_ROOT_DIR, 'work'), {
  recursive: true
});

module.exports = {
  ...baseConfig,
  outputDir: 'artifacts/test-results',
  globalTeardown: require.resolve('./global-teardown.js'),
  reporter: [
    ['list'],
    ['html', { outputFolder: 'artifacts/report', open: 'never' }]
  ],
  timeout: 120 * 1000,
  expect: { timeout: 30 * 1000 },
  retries: 0,
  workers: 1,
  use: {
    ...baseConfig.use,
    baseURL: serverRoot,
    viewport: { width: 1280, height: 900 },
    trace: 'retain-on-failure',
    video: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CWS_CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage']
    }
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'jlpm start',
    url: `${serverRoot}/lab`,
    timeout: 120 * 1000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      ...process.env,
      CWS_SANDBOX: '1',
      CWS_HOME: process.env.CWS_HOME,
      JUPYTERLAB_GALATA_ROOT_DIR: process.env.JUPYTERLAB_GALATA_ROOT_DIR,
      CWS_UI_PORT: port,
      CWS_UI_BASE_URL: baseUrlPath,
      AWS_EC2_METADATA_DISABLED: 'true'
    }
  }
};
