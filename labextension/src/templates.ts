import { IPanelContext } from './context';
import { button, h, replace, StatusLine } from './dom';
import { readableError } from './errors';
import { categories, filterTemplates, hourly } from './format';
import { IResolution, ITemplateSummary } from './types';

/** Templates: search, filter by category, select one, resolve its AMI in a region. */
export class TemplatesSection {
  readonly node: HTMLElement;
  readonly search: HTMLInputElement;
  readonly regionInput: HTMLInputElement;

  constructor(
    ctx: IPanelContext,
    onSelect: (t: ITemplateSummary | null) => void
  ) {
    this._ctx = ctx;
    this._onSelect = onSelect;
    this.search = h('input', {
      type: 'search',
      class: 'jp-cws-input jp-cws-template-search',
      placeholder: 'Search templates',
      'aria-label': 'Search templates'
    });
    this.search.addEventListener('input', () => this._renderList());
    this._category = h('select', {
      class: 'jp-cws-select jp-cws-category',
      'aria-label': 'Category'
    });
    this._category.addEventListener('change', () => this._renderList());
    this._list = h('ul', {
      class: 'jp-cws-list jp-cws-template-list',
      role: 'listbox',
      'aria-label': 'Templates'
    });
    this.regionInput = h('input', {
      type: 'text',
      class: 'jp-cws-input jp-cws-region',
      placeholder: 'server default',
      'aria-label': 'Region',
      spellcheck: 'false'
    });
    this._resolveButton = button('Resolve', () => void this.resolve(), {
      class: 'jp-cws-button jp-mod-accept jp-cws-resolve',
      disabled: 'true'
    });
    this._result = h('div', {
      class: 'jp-cws-resolution',
      'aria-live': 'polite'
    });
    this.node = h(
      'div',
      { class: 'jp-cws-templates' },
      h('div', { class: 'jp-cws-row' }, this.search, this._category),
      this._list,
      h(
        'div',
        { class: 'jp-cws-row' },
        h('label', { class: 'jp-cws-label' }, 'Region', this.regionInput),
        this._resolveButton
      ),
      this._status.node,
      this._result
    );
  }

  /** The selected template, if any. */
  get selected(): ITemplateSummary | null {
    return this._selected;
  }

  /** Load the catalogue from the server. */
  async load(): Promise<void> {
    this._status.busy('Loading templates…');
    try {
      const answer = await this._ctx.api.templates();
      this._templates = answer.templates ?? [];
      const current = this._category.value;
      replace(
        this._category,
        h('option', { value: '' }, 'All categories'),
        ...categories(this._templates).map(c => h('option', { value: c }, c))
      );
      this._category.value = current;
      this._renderList();
      const errors = answer.errors ?? [];
      if (errors.length) {
        this._status.error(
          `Some template files failed to load: ${errors.join('; ')}`
        );
      } else {
        this._status.clear();
      }
    } catch (err) {
      this._status.error(readableError(err));
    }
  }

  /** Select a template by slug (used by the list and by tests of the panel). */
  select(slug: string | null): void {
    this._selected = this._templates.find(t => t.slug === slug) ?? null;
    if (this._selected) {
      this._resolveButton.removeAttribute('disabled');
    } else {
      this._resolveButton.setAttribute('disabled', 'true');
    }
    this._renderList();
    this._onSelect(this._selected);
  }

  /** Resolve the selected template's AMI in the region field's region. */
  async resolve(): Promise<void> {
    const t = this._selected;
    if (!t) {
      this._status.error('Select a template first.');
      return;
    }
    const region = this.regionInput.value.trim();
    this._status.busy(
      `Resolving ${t.slug} in ${region || 'the server’s default region'}…`
    );
    this._resolveButton.setAttribute('disabled', 'true');
    replace(this._result);
    try {
      const r = await this._ctx.api.resolve(t.slug, region || undefined);
      this._status.clear();
      replace(this._result, renderResolution(r));
    } catch (err) {
      this._status.error(readableError(err));
    } finally {
      this._resolveButton.removeAttribute('disabled');
    }
  }

  private _renderList(): void {
    const shown = filterTemplates(
      this._templates,
      this.search.value,
      this._category.value
    );
    if (shown.length === 0) {
      replace(
        this._list,
        h(
          'li',
          { class: 'jp-cws-empty' },
          this._templates.length ? 'No template matches.' : 'No templates.'
        )
      );
      return;
    }
    replace(
      this._list,
      ...shown.map(t => {
        const isSel = this._selected?.slug === t.slug;
        const li = h(
          'li',
          {
            class: `jp-cws-item jp-cws-template${isSel ? ' jp-mod-selected' : ''}`,
            role: 'option',
            'aria-selected': isSel ? 'true' : 'false',
            tabindex: '0',
            'data-slug': t.slug,
            title: t.description || t.name
          },
          h('span', { class: 'jp-cws-item-title' }, t.name),
          h(
            'span',
            { class: 'jp-cws-item-meta' },
            `${t.slug} · ${t.category ?? 'uncategorised'}`
          )
        );
        li.addEventListener('click', () => this.select(t.slug));
        li.addEventListener('keydown', ev => {
          if (ev.key === 'Enter' || ev.key === ' ') {
            ev.preventDefault();
            this.select(t.slug);
          }
        });
        return li;
      })
    );
  }

  private _ctx: IPanelContext;
  private _onSelect: (t: ITemplateSummary | null) => void;
  private _templates: ITemplateSummary[] = [];
  private _selected: ITemplateSummary | null = null;
  private _category: HTMLSelectElement;
  private _list: HTMLUListElement;
  private _resolveButton: HTMLButtonElement;
  private _result: HTMLDivElement;
  private _status = new StatusLine('alert');
}

/** A resolution as a small definition list, warnings and the fallback chain table. */
export function renderResolution(r: IResolution): HTMLElement {
  const row = (label: string, value: string, cls = '') =>
    h(
      'div',
      { class: 'jp-cws-kv' },
      h('dt', {}, label),
      h('dd', { class: cls }, value)
    );
  const warnings = [...(r.warnings ?? [])];
  if (r.warning && !warnings.includes(r.warning)) {
    warnings.push(r.warning);
  }
  // A list, not a four-column table: the side panel is narrow.
  const chain = h(
    'ol',
    { class: 'jp-cws-chain', 'aria-label': 'Fallback chain' },
    ...(r.fallback_chain ?? []).map(a =>
      h(
        'li',
        { class: `jp-cws-attempt jp-cws-outcome-${a.outcome}` },
        h(
          'div',
          { class: 'jp-cws-row' },
          h('span', { class: 'jp-cws-tier' }, a.tier),
          h('span', { class: 'jp-cws-item-meta' }, a.region),
          h('span', { class: 'jp-cws-badge jp-cws-outcome' }, a.outcome)
        ),
        h('div', { class: 'jp-cws-reason' }, a.reason)
      )
    )
  );
  return h(
    'div',
    { class: 'jp-cws-resolution-card' },
    h(
      'dl',
      { class: 'jp-cws-dl' },
      row('AMI', r.ami_id ?? 'none found', 'jp-cws-ami-id'),
      row(
        'Method',
        r.pinned
          ? `${r.resolution_method} (pinned in cws.lock)`
          : r.resolution_method,
        'jp-cws-method'
      ),
      row(
        'Region',
        r.source_region
          ? `${r.region} (copy from ${r.source_region})`
          : r.region
      ),
      r.instance_type ? row('Type', r.instance_type) : null,
      row('Cost', hourly(r.estimated_cost), 'jp-cws-cost')
    ),
    warnings.length
      ? h(
          'ul',
          { class: 'jp-cws-warnings' },
          ...warnings.map(w => h('li', { class: 'jp-cws-warning' }, w))
        )
      : null,
    r.cost_comparison?.recommendation
      ? h('p', { class: 'jp-cws-note' }, r.cost_comparison.recommendation)
      : null,
    h('div', { class: 'jp-cws-subtitle' }, 'Fallback chain'),
    chain
  );
}
