import {
  galata,
  IJupyterLabPageFixture,
  test as base
} from '@jupyterlab/galata';
import * as path from 'path';

/** Where the UI tests leave their screenshots. */
export const ARTIFACTS = path.resolve(__dirname, '..', 'artifacts');

/**
 * Galata makes a folder per test through the contents API with a bare request context, which
 * knows neither the server's base URL (here not `/`) nor its XSRF token (checks stay on).
 * The tests need no folder of their own: they work in the folder `work` that
 * playwright.config.js makes.
 */
export const test = base.extend<{ tmpPath: string }>({
  tmpPath: async ({}, use) => {
    await use('work');
  }
});

/** Galata's own settings mock would hide our plugin's settings: use the real ones. */
test.use({ mockSettings: { ...galata.DEFAULT_SETTINGS } });

/** JupyterLab's light or dark theme. */
export async function setTheme(
  page: IJupyterLabPageFixture,
  theme: 'light' | 'dark'
): Promise<void> {
  if (theme === 'dark') {
    await page.theme.setDarkTheme();
  } else {
    await page.theme.setLightTheme();
  }
}
