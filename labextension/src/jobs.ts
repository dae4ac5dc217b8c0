import { h, replace } from './dom';
import { readableError } from './errors';
import { percent } from './format';
import { IJobStatus } from './types';
import { CwsApi } from './api';
import { ITickResult } from './poll';

interface IFollowed {
  label: string;
  job: IJobStatus | null;
  done?: (job: IJobStatus) => void;
  error?: string;
}

/** How many finished jobs stay listed under the running ones. */
const KEEP_FINISHED = 5;

/** Running jobs with their progress; follows the jobs the panel started until they end. */
export class JobsSection {
  readonly node: HTMLElement;

  constructor(api: CwsApi) {
    this._api = api;
    this._list = h('ul', {
      class: 'jp-cws-list jp-cws-jobs',
      'aria-label': 'Jobs'
    });
    this.node = h('div', { class: 'jp-cws-jobs-section' }, this._list);
    this._render();
  }

  /** Is any followed job still running? */
  get busy(): boolean {
    return [...this._followed.values()].some(
      f => !f.job || f.job.status === 'running'
    );
  }

  /** Follow a job until it ends. */
  follow(jobId: string, label: string, done?: (job: IJobStatus) => void): void {
    this._followed.set(jobId, { label, job: null, done });
    this._order = [jobId, ...this._order.filter(id => id !== jobId)];
    this._render();
  }

  /** Pick up jobs running from other front doors (the CLI, a notebook). */
  async loadRunning(): Promise<boolean> {
    const answer = await this._api.jobs(20);
    let any = false;
    for (const job of answer.jobs ?? []) {
      if (job.status === 'running' && !this._followed.has(job.job_id)) {
        this._followed.set(job.job_id, { label: describe(job), job });
        this._order.push(job.job_id);
        any = true;
      }
    }
    this._render();
    return any || this.busy;
  }

  /** One poll of every running job: the Poller's tick. */
  async tick(): Promise<ITickResult> {
    let changed = false;
    const running = [...this._followed.entries()].filter(
      ([, f]) => !f.job || f.job.status === 'running'
    );
    for (const [id, f] of running) {
      try {
        const job = await this._api.job(id);
        const before = f.job
          ? `${f.job.status}:${f.job.progress?.done}:${f.job.progress?.message}`
          : '';
        const after = `${job.status}:${job.progress?.done}:${job.progress?.message}`;
        changed = changed || before !== after;
        f.job = job;
        f.error = undefined;
        if (job.status !== 'running' && f.done) {
          const done = f.done;
          f.done = undefined;
          done(job);
        }
      } catch (err) {
        f.error = readableError(err);
      }
    }
    this._trim();
    this._render();
    return { more: this.busy, changed };
  }

  private _trim(): void {
    const finished = this._order.filter(id => {
      const f = this._followed.get(id);
      return f?.job && f.job.status !== 'running';
    });
    for (const id of finished.slice(KEEP_FINISHED)) {
      this._followed.delete(id);
      this._order = this._order.filter(x => x !== id);
    }
  }

  private _render(): void {
    if (this._order.length === 0) {
      replace(
        this._list,
        h('li', { class: 'jp-cws-empty' }, 'No jobs running.')
      );
      return;
    }
    replace(
      this._list,
      ...this._order.map(id => {
        const f = this._followed.get(id)!;
        const job = f.job;
        const status = job?.status ?? 'starting';
        const pct = job
          ? percent(job.progress?.done ?? 0, job.progress?.total ?? 0)
          : 0;
        const bar = h('div', {
          class: 'jp-cws-progress-bar',
          style: `width: ${status === 'running' ? pct : 100}%`
        });
        const detail =
          f.error ??
          (job?.status === 'failed' && job.error
            ? job.error.message
            : (job?.progress?.message ?? ''));
        return h(
          'li',
          { class: `jp-cws-job jp-cws-job-${status}`, 'data-job-id': id },
          h(
            'div',
            { class: 'jp-cws-row' },
            h('span', { class: 'jp-cws-item-title' }, f.label),
            h('span', { class: `jp-cws-badge jp-cws-state-${status}` }, status)
          ),
          h(
            'div',
            {
              class: 'jp-cws-progress',
              role: 'progressbar',
              'aria-valuemin': '0',
              'aria-valuemax': '100',
              'aria-valuenow': String(status === 'running' ? pct : 100)
            },
            bar
          ),
          detail ? h('div', { class: 'jp-cws-item-meta' }, detail) : null
        );
      })
    );
  }

  private _api: CwsApi;
  private _list: HTMLUListElement;
  private _followed = new Map<string, IFollowed>();
  private _order: string[] = [];
}

/** "launch lab-1" from a job's kind and parameters. */
export function describe(job: IJobStatus): string {
  const name =
    job.params && typeof job.params.name === 'string'
      ? ` ${job.params.name}`
      : '';
  return `${job.kind.replace(/_/g, ' ')}${name}`;
}
