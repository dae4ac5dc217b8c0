import { IPanelContext } from './context';
import { button, h, replace, StatusLine } from './dom';
import { readableError } from './errors';
import { hourly, suggestName } from './format';
import { IInstance, IJobStatus, ITemplateSummary } from './types';

type Action = 'stop' | 'start' | 'terminate';

/** Which actions make sense in a state. */
export function actionsFor(state: string): Action[] {
  switch (state) {
    case 'running':
      return ['stop', 'terminate'];
    case 'stopped':
      return ['start', 'terminate'];
    case 'terminated':
    case 'shutting-down':
      return [];
    default:
      return ['terminate'];
  }
}

/** Launch a workstation from the selected template, and the list of workstations. */
export class InstancesSection {
  readonly node: HTMLElement;
  readonly nameInput: HTMLInputElement;

  constructor(ctx: IPanelContext) {
    this._ctx = ctx;
    this.nameInput = h('input', {
      type: 'text',
      class: 'jp-cws-input jp-cws-instance-name',
      placeholder: 'workstation name',
      'aria-label': 'Workstation name',
      maxlength: '63',
      spellcheck: 'false'
    });
    this._launchButton = button('Launch', () => void this.launch(), {
      class: 'jp-cws-button jp-mod-accept jp-cws-launch',
      disabled: 'true'
    });
    this._target = h(
      'div',
      { class: 'jp-cws-item-meta' },
      'Select a template above to launch it.'
    );
    this._list = h('ul', {
      class: 'jp-cws-list jp-cws-instances',
      'aria-label': 'Workstations'
    });
    this.node = h(
      'div',
      { class: 'jp-cws-instances-section' },
      this._target,
      h('div', { class: 'jp-cws-row' }, this.nameInput, this._launchButton),
      this._status.node,
      h(
        'div',
        { class: 'jp-cws-row jp-cws-subtitle-row' },
        h('span', { class: 'jp-cws-subtitle' }, 'Workstations'),
        button('Refresh', () => void this.load(), {
          class: 'jp-cws-button jp-cws-link',
          title: 'Reload the workstations'
        })
      ),
      this._list
    );
  }

  /** The selected template changed. */
  templateChanged(t: ITemplateSummary | null): void {
    if (t) {
      this._target.textContent = `Template: ${t.name} (${t.slug})`;
      this._launchButton.removeAttribute('disabled');
      if (
        !this.nameInput.value ||
        this.nameInput.dataset.suggested === 'true'
      ) {
        this.nameInput.value = suggestName(
          t.slug,
          this._instances.map(i => i.name)
        );
        this.nameInput.dataset.suggested = 'true';
      }
    } else {
      this._target.textContent = 'Select a template above to launch it.';
      this._launchButton.setAttribute('disabled', 'true');
    }
  }

  /** Load the workstations. */
  async load(): Promise<void> {
    try {
      const answer = await this._ctx.api.instances();
      this._instances = answer.instances ?? [];
      this._render();
      const notes = answer.notes ?? [];
      if (notes.length) {
        this._status.note(notes.join(' '));
      }
    } catch (err) {
      this._status.error(readableError(err));
    }
  }

  /** Launch the selected template under the typed name, and follow the job. */
  async launch(): Promise<void> {
    const t = this._ctx.selected();
    const name = this.nameInput.value.trim();
    if (!t) {
      this._status.error('Select a template first.');
      return;
    }
    if (!name) {
      this._status.error('name: give the workstation a name.');
      return;
    }
    this._launchButton.setAttribute('disabled', 'true');
    this._status.busy(`Launching ${name}…`);
    try {
      const region = this._ctx.region();
      const job = await this._ctx.api.launch(t.slug, name, region || undefined);
      this._status.note(`Launch of ${name} started.`);
      this.nameInput.dataset.suggested = 'true';
      this._ctx.follow(job.job_id, `launch ${name}`, ended => {
        this._ended(`Launch of ${name}`, ended);
        this._ctx.instancesChanged();
      });
      this._ctx.instancesChanged();
    } catch (err) {
      this._status.error(readableError(err));
    } finally {
      this._launchButton.removeAttribute('disabled');
    }
  }

  /** Stop, start or terminate one workstation, and follow the job. */
  async act(name: string, action: Action): Promise<void> {
    if (
      action === 'terminate' &&
      !(await this._ctx.confirm(
        'Terminate workstation',
        `Terminate ${name}? Its disks are deleted with it.`,
        'Terminate'
      ))
    ) {
      return;
    }
    this._status.busy(`${action} ${name}…`);
    try {
      const job = await this._ctx.api.instanceAction(name, action);
      this._status.clear();
      this._ctx.follow(job.job_id, `${action} ${name}`, ended => {
        this._ended(
          `${action[0].toUpperCase()}${action.slice(1)} ${name}`,
          ended
        );
        this._ctx.instancesChanged();
      });
    } catch (err) {
      this._status.error(readableError(err));
    }
  }

  /** Say how a followed job ended: a note, or its error as readable text. */
  private _ended(what: string, job: IJobStatus): void {
    if (job.status === 'succeeded') {
      this._status.note(`${what}: done.`);
      return;
    }
    const e = job.error;
    const reason = e ? (e.field ? `${e.field}: ${e.message}` : e.message) : '';
    this._status.error(`${what} ${job.status}${reason ? `: ${reason}` : '.'}`);
  }

  private _render(): void {
    if (this._instances.length === 0) {
      replace(
        this._list,
        h('li', { class: 'jp-cws-empty' }, 'No workstations.')
      );
      return;
    }
    replace(
      this._list,
      ...this._instances.map(i =>
        h(
          'li',
          { class: 'jp-cws-item jp-cws-instance', 'data-name': i.name },
          h(
            'div',
            { class: 'jp-cws-row' },
            h('span', { class: 'jp-cws-item-title' }, i.name),
            h(
              'span',
              { class: `jp-cws-badge jp-cws-state-${i.state}` },
              i.state
            )
          ),
          h(
            'div',
            { class: 'jp-cws-item-meta' },
            `${i.template} · ${i.region} · ${i.instance_type} · ${hourly(i.hourly_price)}`
          ),
          h(
            'div',
            { class: 'jp-cws-actions' },
            ...actionsFor(i.state).map(a =>
              button(
                a[0].toUpperCase() + a.slice(1),
                () => void this.act(i.name, a),
                {
                  class: `jp-cws-button jp-cws-action-${a}${a === 'terminate' ? ' jp-mod-warn' : ''}`,
                  'aria-label': `${a} ${i.name}`
                }
              )
            )
          )
        )
      )
    );
  }

  private _ctx: IPanelContext;
  private _instances: IInstance[] = [];
  private _launchButton: HTMLButtonElement;
  private _target: HTMLDivElement;
  private _list: HTMLUListElement;
  private _status = new StatusLine('alert');
}
