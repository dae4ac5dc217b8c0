import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { CwsApi } from './api';
import { CommunitySection } from './community';
import { IPanelContext } from './context';
import { button, h, replace } from './dom';
import { readableError } from './errors';
import { Handshake, handshake } from './handshake';
import { InstancesSection } from './instances';
import { JobsSection } from './jobs';
import { Poller } from './poll';
import { TemplatesSection } from './templates';
import { IJobStatus } from './types';
import { LAB_VERSION } from './version';

/** The user's settings of the panel (schema/plugin.json). */
export interface IPanelSettings {
  defaultRegion: string;
  showSandboxIndicator: boolean;
}

/** The CloudWorkstation side panel. */
export class CwsPanel extends Widget {
  constructor(api: CwsApi = new CwsApi()) {
    super();
    this.id = 'cws-jupyter-panel';
    this.addClass('jp-cws-panel');
    this.title.caption = 'CloudWorkstation';
    this._api = api;

    const ctx: IPanelContext = {
      api,
      region: () => this.templates.regionInput.value.trim(),
      selected: () => this.templates.selected,
      follow: (id, label, done) => this.follow(id, label, done),
      instancesChanged: () => void this.instances.load(),
      confirm: async (title, body, accept) => {
        const result = await showDialog({
          title,
          body,
          buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: accept })]
        });
        return result.button.accept;
      }
    };
    this.templates = new TemplatesSection(ctx, t => {
      this.instances.templateChanged(t);
      this.community.templateChanged();
    });
    this.instances = new InstancesSection(ctx);
    this.community = new CommunitySection(ctx);
    this.jobs = new JobsSection(api);
    this._poller = new Poller({
      tick: () => this.jobs.tick(),
      active: () => this.isVisible && document.visibilityState !== 'hidden'
    });

    this._sandbox = h(
      'span',
      { class: 'jp-cws-badge jp-cws-sandbox', hidden: 'true' },
      'sandbox'
    );
    this._message = h('div', { class: 'jp-cws-handshake', role: 'alert' });
    this._body = h(
      'div',
      { class: 'jp-cws-body', hidden: 'true' },
      section('Templates', 'templates', this.templates.node),
      section('Launch', 'instances', this.instances.node),
      section('Jobs', 'jobs', this.jobs.node),
      section('Community images', 'community', this.community.node)
    );
    replace(
      this.node,
      h(
        'header',
        { class: 'jp-cws-header' },
        h('span', { class: 'jp-cws-title' }, 'CloudWorkstation'),
        this._sandbox
      ),
      this._message,
      this._body
    );
    this._onVisibility = () => {
      if (document.visibilityState === 'hidden') {
        this._poller.pause();
      } else {
        this._poller.resume();
      }
    };
    document.addEventListener('visibilitychange', this._onVisibility);
  }

  readonly templates: TemplatesSection;
  readonly instances: InstancesSection;
  readonly community: CommunitySection;
  readonly jobs: JobsSection;

  /** Apply the user's settings. */
  configure(settings: IPanelSettings): void {
    this._settings = settings;
    if (settings.defaultRegion && !this.templates.regionInput.value) {
      this.templates.regionInput.value = settings.defaultRegion;
    }
    this._showSandbox();
  }

  /** Focus the template search box (the "Resolve an AMI" command). */
  focusSearch(): void {
    const section = this.node.querySelector<HTMLDetailsElement>(
      'details[data-section="templates"]'
    );
    if (section) {
      section.open = true;
    }
    this.templates.search.focus();
  }

  /** Follow a job until it ends, polling with backoff while the panel is visible. */
  follow(jobId: string, label: string, done?: (job: IJobStatus) => void): void {
    this.jobs.follow(jobId, label, done);
    this._poller.kick();
  }

  /** The handshake (once it ran), or null. */
  get handshakeResult(): Handshake | null {
    return this._handshake;
  }

  /** Check the server half, then load everything; on failure say why, with a Retry button. */
  async start(): Promise<void> {
    if (this._starting) {
      return this._starting;
    }
    this._starting = this._start().finally(() => {
      this._starting = null;
    });
    return this._starting;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    document.removeEventListener('visibilitychange', this._onVisibility);
    this._poller.dispose();
    super.dispose();
  }

  protected onAfterShow(): void {
    if (!this._handshake || !this._handshake.ok) {
      void this.start();
    } else {
      this._poller.resume();
    }
  }

  protected onAfterHide(): void {
    this._poller.pause();
  }

  private async _start(): Promise<void> {
    this._message.className = 'jp-cws-handshake jp-cws-busy';
    this._message.textContent =
      'Connecting to the cws-jupyter server extension…';
    const result = await handshake(LAB_VERSION, () => this._api.version());
    this._handshake = result;
    if (!result.ok) {
      this._body.hidden = true;
      this._message.className = `jp-cws-handshake jp-cws-error jp-cws-handshake-${result.kind}`;
      replace(
        this._message,
        h('div', { class: 'jp-cws-handshake-text' }, result.message),
        button('Retry', () => void this.start(), {
          class: 'jp-cws-button jp-cws-retry'
        })
      );
      return;
    }
    this._message.className = 'jp-cws-handshake';
    replace(this._message);
    this._body.hidden = false;
    await Promise.all([
      this._loadHealth(),
      this.templates.load(),
      this.instances.load(),
      this.community.load(),
      this.jobs.loadRunning().then(
        busy => busy && this._poller.kick(),
        () => undefined
      )
    ]);
  }

  private async _loadHealth(): Promise<void> {
    try {
      const health = await this._api.health();
      this._isSandbox = health.sandbox;
      this._showSandbox();
      // The server's region fills the field unless a setting or the user already did.
      if (health.region && !this.templates.regionInput.value) {
        this.templates.regionInput.value = health.region;
      }
      if (health.problems?.length) {
        this._message.className = 'jp-cws-handshake jp-cws-warning';
        this._message.textContent = health.problems.join(' ');
      }
    } catch (err) {
      this._message.className = 'jp-cws-handshake jp-cws-error';
      this._message.textContent = readableError(err);
    }
  }

  private _showSandbox(): void {
    this._sandbox.hidden = !(
      this._isSandbox && this._settings.showSandboxIndicator
    );
    this._sandbox.title =
      'This server talks to the simulated AWS sandbox, not to real AWS.';
  }

  private _api: CwsApi;
  private _poller: Poller;
  private _handshake: Handshake | null = null;
  private _starting: Promise<void> | null = null;
  private _settings: IPanelSettings = {
    defaultRegion: '',
    showSandboxIndicator: true
  };
  private _isSandbox = false;
  private _sandbox: HTMLSpanElement;
  private _message: HTMLDivElement;
  private _body: HTMLDivElement;
  private _onVisibility: () => void;
}

/** A collapsible section. */
function section(
  title: string,
  key: string,
  content: HTMLElement
): HTMLDetailsElement {
  return h(
    'details',
    {
      class: `jp-cws-section jp-cws-section-${key}`,
      open: '',
      'data-section': key
    },
    h('summary', { class: 'jp-cws-section-title' }, title),
    content
  );
}
