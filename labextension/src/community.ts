import { IPanelContext } from './context';
import { button, h, replace, StatusLine } from './dom';
import { readableError } from './errors';
import { stars } from './format';
import { ICommunityAmi, ICommunityDetails } from './types';

/** Community images: browse, read reviews, rate one. */
export class CommunitySection {
  readonly node: HTMLElement;

  constructor(ctx: IPanelContext) {
    this._ctx = ctx;
    this._sort = h(
      'select',
      {
        class: 'jp-cws-select jp-cws-community-sort',
        'aria-label': 'Sort community images'
      },
      h('option', { value: 'best' }, 'Best'),
      h('option', { value: 'rating' }, 'Rating'),
      h('option', { value: 'downloads' }, 'Launches'),
      h('option', { value: 'recent' }, 'Recent'),
      h('option', { value: 'name' }, 'Name')
    );
    this._sort.addEventListener('change', () => void this.load());
    this._onlySelected = h('input', {
      type: 'checkbox',
      class: 'jp-cws-community-only',
      'aria-label': 'Only the selected template'
    });
    this._onlySelected.addEventListener('change', () => void this.load());
    this._list = h('ul', {
      class: 'jp-cws-list jp-cws-community',
      'aria-label': 'Community images'
    });
    this._details = h('div', {
      class: 'jp-cws-community-details',
      'aria-live': 'polite'
    });
    this.node = h(
      'div',
      { class: 'jp-cws-community-section' },
      h(
        'div',
        { class: 'jp-cws-row' },
        this._sort,
        h(
          'label',
          { class: 'jp-cws-check' },
          this._onlySelected,
          'selected template only'
        )
      ),
      this._status.node,
      this._list,
      this._details
    );
  }

  /** Load the list (for the selected template when asked). */
  async load(): Promise<void> {
    const template = this._onlySelected.checked
      ? this._ctx.selected()?.slug
      : undefined;
    try {
      const page = await this._ctx.api.community(template, this._sort.value);
      this._items = page.items ?? [];
      this._status.clear();
      this._render();
    } catch (err) {
      this._status.error(readableError(err));
    }
  }

  /** The selected template changed: reload if the list follows it. */
  templateChanged(): void {
    if (this._onlySelected.checked) {
      void this.load();
    }
  }

  /** Show one image's details and reviews, with the rating control. */
  async open(id: string): Promise<void> {
    this._openId = id;
    this._render();
    replace(
      this._details,
      h('div', { class: 'jp-cws-busy' }, 'Loading reviews…')
    );
    try {
      const d = await this._ctx.api.communityDetails(id);
      if (this._openId === id) {
        replace(this._details, this._renderDetails(d));
      }
    } catch (err) {
      replace(
        this._details,
        h('div', { class: 'jp-cws-status jp-cws-error' }, readableError(err))
      );
    }
  }

  private _render(): void {
    if (this._items.length === 0) {
      replace(
        this._list,
        h('li', { class: 'jp-cws-empty' }, 'No community images.')
      );
      return;
    }
    replace(
      this._list,
      ...this._items.map(item => {
        const isOpen = item.ami_id === this._openId;
        const li = h(
          'li',
          {
            class: `jp-cws-item jp-cws-community-item${isOpen ? ' jp-mod-selected' : ''}`,
            tabindex: '0',
            role: 'button',
            'aria-expanded': isOpen ? 'true' : 'false',
            'data-id': item.ami_id,
            title: item.description || item.name
          },
          h(
            'div',
            { class: 'jp-cws-row' },
            h('span', { class: 'jp-cws-item-title' }, item.name),
            item.verified
              ? h(
                  'span',
                  {
                    class: 'jp-cws-badge jp-cws-verified',
                    title: item.verification ?? 'verified'
                  },
                  '✓ verified'
                )
              : null
          ),
          h(
            'div',
            { class: 'jp-cws-item-meta' },
            h(
              'span',
              { class: 'jp-cws-stars' },
              stars(item.rating, item.rating_count)
            ),
            ` · ${item.download_count} launches · ${item.template} · by ${item.creator}`
          )
        );
        li.addEventListener('click', () => void this.open(item.ami_id));
        li.addEventListener('keydown', ev => {
          if (ev.key === 'Enter' || ev.key === ' ') {
            ev.preventDefault();
            void this.open(item.ami_id);
          }
        });
        return li;
      })
    );
  }

  private _renderDetails(d: ICommunityDetails): HTMLElement {
    let rating = 0;
    const starButtons: HTMLButtonElement[] = [];
    const paint = () =>
      starButtons.forEach((b, i) => {
        b.textContent = i < rating ? '★' : '☆';
        b.setAttribute('aria-checked', i + 1 === rating ? 'true' : 'false');
        b.classList.toggle('jp-mod-active', i < rating);
      });
    for (let n = 1; n <= 5; n++) {
      const b = button(
        '☆',
        () => {
          rating = n;
          paint();
        },
        {
          class: 'jp-cws-star',
          role: 'radio',
          'aria-label': `${n} star${n > 1 ? 's' : ''}`,
          'aria-checked': 'false'
        }
      );
      starButtons.push(b);
    }
    const review = h('textarea', {
      class: 'jp-cws-input jp-cws-review',
      placeholder: 'Review (optional)',
      'aria-label': 'Review',
      maxlength: '4000',
      rows: '2'
    });
    const status = new StatusLine('alert');
    const rate = button(
      'Rate',
      async () => {
        if (rating < 1) {
          status.error('rating: choose 1 to 5 stars.');
          return;
        }
        rate.setAttribute('disabled', 'true');
        status.busy('Sending your rating…');
        try {
          const r = await this._ctx.api.rate(d.ami_id, rating, review.value);
          status.note(
            `${r.replaced ? 'Rating updated' : 'Thanks for rating'}: ${r.rating}★. ` +
              `Average ${r.average.toFixed(2)} from ${r.rating_count} ratings.`
          );
          await this.load();
        } catch (err) {
          status.error(readableError(err));
        } finally {
          rate.removeAttribute('disabled');
        }
      },
      { class: 'jp-cws-button jp-mod-accept jp-cws-rate' }
    );

    const reviews = d.reviews ?? [];
    return h(
      'div',
      { class: 'jp-cws-card' },
      h('div', { class: 'jp-cws-item-title' }, d.name),
      d.description
        ? h('p', { class: 'jp-cws-item-meta' }, d.description)
        : null,
      h(
        'div',
        { class: 'jp-cws-item-meta' },
        `${d.ami_id} · regions: ${(d.regions ?? []).join(', ') || 'none'}`
      ),
      h(
        'div',
        { class: 'jp-cws-subtitle' },
        `Reviews (${d.review_total ?? reviews.length})`
      ),
      reviews.length
        ? h(
            'ul',
            { class: 'jp-cws-list jp-cws-reviews' },
            ...reviews.map(r =>
              h(
                'li',
                { class: 'jp-cws-review-item' },
                h(
                  'span',
                  { class: 'jp-cws-stars' },
                  '★'.repeat(r.rating) + '☆'.repeat(5 - r.rating)
                ),
                ` ${r.user}`,
                r.review
                  ? h('div', { class: 'jp-cws-review-text' }, r.review)
                  : null
              )
            )
          )
        : h('div', { class: 'jp-cws-empty' }, 'No reviews yet.'),
      h('div', { class: 'jp-cws-subtitle' }, 'Your rating'),
      h(
        'div',
        {
          class: 'jp-cws-stars-input',
          role: 'radiogroup',
          'aria-label': 'Rating'
        },
        ...starButtons
      ),
      review,
      h('div', { class: 'jp-cws-row' }, rate),
      status.node
    );
  }

  private _ctx: IPanelContext;
  private _items: ICommunityAmi[] = [];
  private _openId: string | null = null;
  private _sort: HTMLSelectElement;
  private _onlySelected: HTMLInputElement;
  private _list: HTMLUListElement;
  private _details: HTMLDivElement;
  private _status = new StatusLine('alert');
}
