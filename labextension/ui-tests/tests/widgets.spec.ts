import { expect } from '@jupyterlab/galata';
import * as path from 'path';
import { ARTIFACTS, setTheme, test } from './fixtures';

/**
 * The notebook panels (ipywidgets) in a real JupyterLab on the cws sandbox, in the light and
 * the dark theme: the Browse panel's Security tab scans the image the resolver picks.
 */

const BROWSE_CELL = [
  'from cws_jupyter.widgets import BrowsePanel',
  'panel = BrowsePanel()',
  'found = panel.service.resolve("python-ml", region="us-east-1")',
  'panel.open_security(found.ami_id, "us-east-1").scan()',
  'panel.wait()',
  'panel'
].join('\n');

for (const theme of ['light', 'dark'] as const) {
  test(`the Browse panel's Security tab in a notebook (${theme} theme)`, async ({
    page
  }) => {
    await setTheme(page, theme);
    await page.notebook.createNew(`browse-${theme}.ipynb`);
    await page.notebook.setCell(0, 'code', BROWSE_CELL);
    await page.notebook.runCell(0);
    const output = page.locator('.jp-OutputArea-output').first();
    const tabs = output.locator('.lm-TabBar-tab');
    await expect(tabs).toHaveText(['Templates', 'Community', 'Security'], {
      timeout: 90_000
    });
    await expect(output).toContainText('score', { timeout: 90_000 });
    await expect(output).toContainText('imdsv2-not-required');
    // The report's text is readable in this theme: not the page's background colour.
    const report = output.locator('table.cws-security');
    await expect(report).toBeVisible();
    const [fg, bg] = await report.evaluate(el => {
      const style = getComputedStyle(el);
      let back: Element | null = el;
      let background = 'rgba(0, 0, 0, 0)';
      while (back && background === 'rgba(0, 0, 0, 0)') {
        background = getComputedStyle(back).backgroundColor;
        back = back.parentElement;
      }
      return [style.color, background];
    });
    expect(fg).not.toBe(bg);
    await output.scrollIntoViewIfNeeded();
    await output.screenshot({
      path: path.join(ARTIFACTS, `${theme}-security-tab.png`)
    });
  });
}
