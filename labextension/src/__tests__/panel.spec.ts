// The panel in jsdom with a fake API: handshake states, the sandbox badge setting, jobs
// followed to the end, terminate confirmed first, and no polling while the tab is hidden.
jest.mock('@jupyterlab/apputils', () => ({
  Dialog: { cancelButton: () => ({}), warnButton: () => ({}) },
  showDialog: jest.fn()
}));
jest.mock('@jupyterlab/services', () => ({ ServerConnection: {} }));
jest.mock('@jupyterlab/coreutils', () => ({ URLExt: {} }));

import { Widget } from '@lumino/widgets';

import { CwsApi } from '../api';
import { CwsApiError } from '../errors';
import { CwsPanel } from '../panel';

const flush = () => new Promise(r => setTimeout(r, 0));

function fakeApi(overrides: Partial<Record<keyof CwsApi, any>> = {}): CwsApi {
  const api = {
    version: jest.fn(async () => ({ version: '0.1.0', api: 'v1' })),
    health: jest.fn(async () => ({
      status: 'ok',
      sandbox: true,
      aws: 'sandbox',
      problems: []
    })),
    templates: jest.fn(async () => ({
      templates: [
        {
          slug: 'python-ml',
          name: 'Python ML',
          category: 'ML',
          description: ''
        },
        { slug: 'rstudio', name: 'RStudio', category: 'Data', description: '' }
      ]
    })),
    instances: jest.fn(async () => ({
      instances: [
        {
          name: 'lab-1',
          id: 'i-1',
          template: 'python-ml',
          region: 'eu-west-1',
          state: 'running',
          instance_type: 't3.small'
        }
      ]
    })),
    community: jest.fn(async () => ({
      items: [],
      page: 1,
      per_page: 20,
      total: 0
    })),
    jobs: jest.fn(async () => ({ jobs: [] })),
    job: jest.fn(),
    launch: jest.fn(),
    instanceAction: jest.fn(),
    resolve: jest.fn(),
    ...overrides
  };
  return api as unknown as CwsApi;
}

async function shown(api: CwsApi): Promise<CwsPanel> {
  const panel = new CwsPanel(api);
  Widget.attach(panel, document.body);
  await panel.start();
  await flush();
  return panel;
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('CwsPanel', () => {
  it('loads everything once the versions agree, with the sandbox badge', async () => {
    const panel = await shown(fakeApi());
    expect(panel.id).toBe('cws-jupyter-panel');
    expect(panel.node.querySelector<HTMLElement>('.jp-cws-body')!.hidden).toBe(
      false
    );
    expect(panel.node.querySelectorAll('.jp-cws-template')).toHaveLength(2);
    expect(
      panel.node.querySelector('.jp-cws-instance[data-name="lab-1"]')
    ).not.toBeNull();
    const badge = panel.node.querySelector<HTMLElement>('.jp-cws-sandbox')!;
    expect(badge.hidden).toBe(false);
    panel.configure({
      defaultRegion: 'eu-west-1',
      showSandboxIndicator: false
    });
    expect(badge.hidden).toBe(true);
    expect(panel.templates.regionInput.value).toBe('eu-west-1');
    panel.dispose();
  });

  it('explains a version mismatch instead of loading', async () => {
    const api = fakeApi({
      version: jest.fn(async () => ({ version: '0.2.0', api: 'v1' }))
    });
    const panel = await shown(api);
    const message = panel.node.querySelector('.jp-cws-handshake')!;
    expect(message.textContent).toContain(
      'Version mismatch: lab 0.1.0, server 0.2.0'
    );
    expect(panel.node.querySelector<HTMLElement>('.jp-cws-body')!.hidden).toBe(
      true
    );
    expect(api.templates).not.toHaveBeenCalled();
    expect(message.querySelector('.jp-cws-retry')).not.toBeNull();
    panel.dispose();
  });

  it('explains a missing server extension, and retries', async () => {
    const version = jest
      .fn()
      .mockRejectedValueOnce(new CwsApiError(404, 'not_installed', 'x'))
      .mockResolvedValue({ version: '0.1.0', api: 'v1' });
    const panel = await shown(fakeApi({ version }));
    const message = panel.node.querySelector('.jp-cws-handshake')!;
    expect(message.textContent).toContain(
      'not installed/enabled on this Jupyter server'
    );
    message.querySelector<HTMLButtonElement>('.jp-cws-retry')!.click();
    await flush();
    await flush();
    expect(panel.node.querySelector<HTMLElement>('.jp-cws-body')!.hidden).toBe(
      false
    );
    panel.dispose();
  });

  it('launches the selected template and follows the job to its end', async () => {
    jest.useFakeTimers({
      doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick']
    });
    try {
      const job = jest
        .fn()
        .mockResolvedValueOnce({
          job_id: 'j1',
          kind: 'launch',
          status: 'running',
          progress: { done: 1, total: 4, message: 'starting' }
        })
        .mockResolvedValue({
          job_id: 'j1',
          kind: 'launch',
          status: 'succeeded',
          progress: { done: 4, total: 4, message: 'done' }
        });
      const api = fakeApi({
        job,
        launch: jest.fn(async () => ({
          job_id: 'j1',
          status: 'running',
          url: '/j1'
        }))
      });
      const panel = new CwsPanel(api);
      Widget.attach(panel, document.body);
      const started = panel.start();
      await jest.runOnlyPendingTimersAsync();
      await started;
      panel.templates.select('python-ml');
      expect(panel.instances.nameInput.value).toBe('python-ml-1');
      await panel.instances.launch();
      expect(api.launch).toHaveBeenCalledWith(
        'python-ml',
        'python-ml-1',
        undefined
      );
      const before = (api.instances as jest.Mock).mock.calls.length;
      await jest.advanceTimersByTimeAsync(1000);
      const row = panel.node.querySelector('.jp-cws-job[data-job-id="j1"]')!;
      expect(row.querySelector('.jp-cws-badge')!.textContent).toBe('running');
      expect(
        row.querySelector('[role="progressbar"]')!.getAttribute('aria-valuenow')
      ).toBe('25');
      await jest.advanceTimersByTimeAsync(1000);
      expect(
        panel.node.querySelector('.jp-cws-job[data-job-id="j1"] .jp-cws-badge')!
          .textContent
      ).toBe('succeeded');
      expect((api.instances as jest.Mock).mock.calls.length).toBeGreaterThan(
        before
      );
      expect(
        panel.instances.node.querySelector('.jp-cws-status')!.textContent
      ).toBe('Launch of python-ml-1: done.');
      // Nothing left to follow: no more polls.
      const polls = job.mock.calls.length;
      await jest.advanceTimersByTimeAsync(30_000);
      expect(job.mock.calls.length).toBe(polls);
      panel.dispose();
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not poll while the browser tab is hidden', async () => {
    jest.useFakeTimers({
      doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick']
    });
    let visibility = 'visible';
    const spy = jest
      .spyOn(document, 'visibilityState', 'get')
      .mockImplementation(() => visibility as DocumentVisibilityState);
    try {
      const job = jest.fn(async () => ({
        job_id: 'j1',
        kind: 'launch',
        status: 'running',
        progress: { done: 0, total: 1, message: '' }
      }));
      const panel = new CwsPanel(fakeApi({ job }));
      Widget.attach(panel, document.body);
      const started = panel.start();
      await jest.runOnlyPendingTimersAsync();
      await started;
      visibility = 'hidden';
      document.dispatchEvent(new Event('visibilitychange'));
      panel.follow('j1', 'launch x');
      await jest.advanceTimersByTimeAsync(60_000);
      expect(job).not.toHaveBeenCalled();
      visibility = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
      await jest.advanceTimersByTimeAsync(1000);
      expect(job).toHaveBeenCalledTimes(1);
      panel.dispose();
    } finally {
      spy.mockRestore();
      jest.useRealTimers();
    }
  });

  it('asks before terminating', async () => {
    const { showDialog } = jest.requireMock('@jupyterlab/apputils');
    showDialog.mockResolvedValueOnce({ button: { accept: false } });
    const api = fakeApi({
      instanceAction: jest.fn(async () => ({
        job_id: 'j2',
        status: 'running',
        url: '/j2'
      }))
    });
    const panel = await shown(api);
    await panel.instances.act('lab-1', 'terminate');
    expect(showDialog).toHaveBeenCalledTimes(1);
    expect(api.instanceAction).not.toHaveBeenCalled();
    showDialog.mockResolvedValueOnce({ button: { accept: true } });
    await panel.instances.act('lab-1', 'terminate');
    expect(api.instanceAction).toHaveBeenCalledWith('lab-1', 'terminate');
    panel.dispose();
  });
});

describe('a failed job', () => {
  it('shows its error as readable text', async () => {
    jest.useFakeTimers({
      doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick']
    });
    try {
      const api = fakeApi({
        job: jest.fn(async () => ({
          job_id: 'j3',
          kind: 'launch',
          status: 'failed',
          progress: { done: 1, total: 4, message: '' },
          error: {
            error: 'aws',
            message: 'InsufficientInstanceCapacity in eu-west-1a',
            field: null
          }
        })),
        launch: jest.fn(async () => ({
          job_id: 'j3',
          status: 'running',
          url: '/j3'
        }))
      });
      const panel = new CwsPanel(api);
      Widget.attach(panel, document.body);
      const started = panel.start();
      await jest.runOnlyPendingTimersAsync();
      await started;
      panel.templates.select('rstudio');
      await panel.instances.launch();
      await jest.advanceTimersByTimeAsync(1000);
      const status = panel.instances.node.querySelector('.jp-cws-status')!;
      expect(status.className).toContain('jp-cws-error');
      expect(status.textContent).toBe(
        'Launch of rstudio-1 failed: InsufficientInstanceCapacity in eu-west-1a'
      );
      expect(
        panel.node.querySelector(
          '.jp-cws-job[data-job-id="j3"] .jp-cws-item-meta'
        )!.textContent
      ).toBe('InsufficientInstanceCapacity in eu-west-1a');
      panel.dispose();
    } finally {
      jest.useRealTimers();
    }
  });
});
