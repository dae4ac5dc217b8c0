import { expect, IJupyterLabPageFixture } from '@jupyterlab/galata';
import * as path from 'path';
import { ARTIFACTS, setTheme, test } from './fixtures';

/**
 * The CloudWorkstation panel against a real JupyterLab on the cws sandbox, in the light and
 * the dark theme: handshake, resolve, launch, terminate, community rating, version mismatch.
 */

const PANEL = '#cws-jupyter-panel';

async function openPanel(page: IJupyterLabPageFixture): Promise<void> {
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute('cws-jupyter:open-panel');
  });
  await expect(page.locator(PANEL)).toBeVisible();
}

async function shoot(
  page: IJupyterLabPageFixture,
  name: string
): Promise<void> {
  await page
    .locator(PANEL)
    .screenshot({ path: path.join(ARTIFACTS, `${name}-panel.png`) });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-page.png`) });
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`CloudWorkstation panel (${theme} theme)`, () => {
    test.describe.configure({ mode: 'serial' });

    test('resolve, launch, terminate, rate', async ({ page }) => {
      await setTheme(page, theme);
      await openPanel(page);
      const panel = page.locator(PANEL);

      // The handshake passed: the sections show, with the sandbox badge.
      await expect(panel.locator('.jp-cws-body')).toBeVisible();
      await expect(panel.locator('.jp-cws-sandbox')).toBeVisible();
      await expect(panel.locator('.jp-cws-handshake')).toBeEmpty();

      // Templates: search, select python-ml, resolve in eu-west-1.
      await panel.getByLabel('Search templates').fill('python');
      const item = panel.locator('.jp-cws-template[data-slug="python-ml"]');
      await expect(item).toBeVisible();
      await expect(panel.locator('.jp-cws-template')).toHaveCount(1);
      await item.click();
      await expect(item).toHaveAttribute('aria-selected', 'true');
      await panel.getByLabel('Region').fill('eu-west-1');
      await panel.locator('.jp-cws-resolve').click();
      await expect(panel.locator('.jp-cws-method')).toHaveText(
        'ssm_parameter',
        {
          timeout: 90_000
        }
      );
      await expect(panel.locator('.jp-cws-ami-id')).toHaveText(
        /^ami-[0-9a-f]+$/
      );
      await expect(panel.locator('.jp-cws-cost')).toHaveText(/^\$\d+\.\d+\/h$/);
      const chain = panel.locator('.jp-cws-chain > li');
      expect(await chain.count()).toBeGreaterThanOrEqual(2);
      await expect(
        panel.locator('.jp-cws-chain .jp-cws-outcome-hit .jp-cws-tier')
      ).toHaveText('ssm_parameter');
      await shoot(page, `${theme}-resolved`);

      // Launch a workstation and follow the job.
      const name = `ui-${theme}-${Date.now() % 1_000_000}`;
      await panel.getByLabel('Workstation name').fill(name);
      const launchRequest = page.waitForRequest(
        r =>
          r.method() === 'POST' &&
          new URL(r.url()).pathname.endsWith('/cws/api/v1/instances')
      );
      await panel.locator('.jp-cws-launch').click();
      // Under the server's base URL, with the XSRF token (the server checks it).
      const sent = await launchRequest;
      expect(new URL(sent.url()).pathname).toBe('/cws-ui/cws/api/v1/instances');
      expect(sent.headers()['x-xsrftoken']).toBeTruthy();
      const job = panel.locator('.jp-cws-job', { hasText: `launch ${name}` });
      await expect(job).toBeVisible();
      await expect(job.locator('.jp-cws-badge')).toHaveText('succeeded', {
        timeout: 90_000
      });
      await expect(
        panel.locator('.jp-cws-instances-section > .jp-cws-status')
      ).toHaveText(`Launch of ${name}: done.`);
      const instance = panel.locator(`.jp-cws-instance[data-name="${name}"]`);
      await expect(instance.locator('.jp-cws-badge')).toHaveText('running');
      await expect(instance.locator('.jp-cws-item-meta')).toContainText(
        'python-ml · eu-west-1'
      );
      await shoot(page, `${theme}-launched`);

      // Terminate it (confirmed in a dialog): it leaves the list.
      await instance.getByLabel(`terminate ${name}`).click();
      const dialog = page.locator('.jp-Dialog');
      await expect(dialog).toContainText(`Terminate ${name}?`);
      await dialog.getByRole('button', { name: 'Terminate' }).click();
      const termJob = panel.locator('.jp-cws-job', {
        hasText: `terminate ${name}`
      });
      await expect(termJob.locator('.jp-cws-badge')).toHaveText('succeeded', {
        timeout: 90_000
      });
      await expect(instance).toHaveCount(0);

      // Community images: open one, read its reviews, rate it.
      const community = panel.locator('.jp-cws-community-item');
      await expect(community.first()).toBeVisible();
      await expect(panel.locator('.jp-cws-verified').first()).toHaveText(
        '✓ verified'
      );
      await expect(community.first().locator('.jp-cws-stars')).toHaveText(/★/);
      await community.first().click();
      const card = panel.locator('.jp-cws-community-details .jp-cws-card');
      await expect(card).toContainText('Reviews (');
      await card.getByRole('radio', { name: '4 stars' }).click();
      await card
        .getByLabel('Review')
        .fill(`Good image (${theme} test) <b>not bold</b>`);
      await card.locator('.jp-cws-rate').click();
      await expect(card.locator('.jp-cws-status')).toHaveText(
        /(Thanks for rating|Rating updated): 4★\. Average \d\.\d\d from \d+ ratings\./
      );
      await community.first().click();
      await expect(card.locator('.jp-cws-review-text').first()).toBeVisible();
      await expect(card.locator('.jp-cws-reviews b')).toHaveCount(0);
      await expect(card).toContainText('<b>not bold</b>');
      await panel.locator('.jp-cws-section-community').scrollIntoViewIfNeeded();
      await shoot(page, `${theme}-community`);
    });

    test('version mismatch is explained, not spun on', async ({ page }) => {
      // JupyterLab adds a cache-busting query to every request: match on the path.
      await page.route(
        url => url.pathname.endsWith('/cws/api/v1/version'),
        route => route.fulfill({ json: { version: '9.9.9', api: 'v1' } })
      );
      await page.reload();
      await page.waitForCondition(() =>
        page.locator('#jp-main-dock-panel').isVisible()
      );
      await setTheme(page, theme);
      await openPanel(page);
      const message = page.locator(`${PANEL} .jp-cws-handshake`);
      await expect(message).toContainText(
        'Version mismatch: lab 0.1.0, server 9.9.9; reinstall cws-jupyter'
      );
      await expect(page.locator(`${PANEL} .jp-cws-body`)).toBeHidden();
      await expect(
        message.getByRole('button', { name: 'Retry' })
      ).toBeVisible();
      await shoot(page, `${theme}-mismatch`);
    });

    test('a missing server extension is explained', async ({ page }) => {
      await page.route(
        url => url.pathname.includes('/cws/api/v1/'),
        route =>
          route.fulfill({
            status: 404,
            contentType: 'text/html',
            body: '<html>404</html>'
          })
      );
      await page.reload();
      await page.waitForCondition(() =>
        page.locator('#jp-main-dock-panel').isVisible()
      );
      await openPanel(page);
      await expect(page.locator(`${PANEL} .jp-cws-handshake`)).toContainText(
        'The cws-jupyter server extension is not installed/enabled on this Jupyter server'
      );
    });
  });
}

test('commands are in the palette and the launcher', async ({ page }) => {
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute(
      'cws-jupyter:resolve-ami'
    );
  });
  await expect(page.locator(`${PANEL} .jp-cws-template-search`)).toBeFocused();
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute(
      'apputils:activate-command-palette'
    );
  });
  await page.keyboard.type('CloudWorkstation');
  const palette = page.locator('#modal-command-palette');
  await expect(palette).toContainText('Resolve an AMI');
  await expect(palette).toContainText('Open CloudWorkstation panel');
  await page.keyboard.press('Escape');
  await page.evaluate(async () => {
    await (window as any).jupyterapp.commands.execute('launcher:create');
  });
  await expect(page.locator('.jp-Launcher').last()).toContainText(
    'Resolve an AMI'
  );
});
