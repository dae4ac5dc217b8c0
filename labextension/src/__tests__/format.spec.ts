import { button, h, StatusLine } from '../dom';
import { errorFromResponse, readableError } from '../errors';
import {
  categories,
  filterTemplates,
  hourly,
  percent,
  stars,
  suggestName
} from '../format';
import { actionsFor } from '../instances';
import { renderResolution } from '../templates';
import { ITemplateSummary } from '../types';

const templates: ITemplateSummary[] = [
  {
    slug: 'python-ml',
    name: 'Python ML Workstation',
    category: 'Machine Learning',
    description: 'PyTorch'
  },
  {
    slug: 'r-research',
    name: 'R Research Workstation',
    category: 'Data Science',
    description: 'tidyverse'
  },
  {
    slug: 'rstudio',
    name: 'RStudio Server',
    category: 'Data Science',
    description: ''
  },
  { slug: 'plain', name: 'Plain', category: null, description: '' }
];

describe('templates', () => {
  it('filters by words and category', () => {
    expect(filterTemplates(templates, 'work', '').map(t => t.slug)).toEqual([
      'python-ml',
      'r-research'
    ]);
    expect(
      filterTemplates(templates, 'R', 'Data Science').map(t => t.slug)
    ).toEqual(['r-research', 'rstudio']);
    expect(
      filterTemplates(templates, 'pytorch ML', '').map(t => t.slug)
    ).toEqual(['python-ml']);
    expect(filterTemplates(templates, '', 'Nope')).toEqual([]);
  });

  it('lists distinct categories, sorted', () => {
    expect(categories(templates)).toEqual(['Data Science', 'Machine Learning']);
  });
});

describe('formatting', () => {
  it('formats prices, ratings, progress', () => {
    expect(hourly(0.587)).toBe('$0.587/h');
    expect(hourly(12.5)).toBe('$12.50/h');
    expect(hourly(null)).toBe('unknown');
    expect(stars(4.75, 8)).toBe('★★★★★ 4.8 (8)');
    expect(stars(4.25, 4)).toBe('★★★★☆ 4.3 (4)');
    expect(stars(null, 0)).toBe('not rated yet');
    expect(percent(1, 4)).toBe(25);
    expect(percent(3, 0)).toBe(0);
  });

  it('suggests a free workstation name', () => {
    expect(suggestName('python-ml', ['python-ml-1'])).toBe('python-ml-2');
  });

  it('offers the actions that fit a state', () => {
    expect(actionsFor('running')).toEqual(['stop', 'terminate']);
    expect(actionsFor('stopped')).toEqual(['start', 'terminate']);
    expect(actionsFor('terminated')).toEqual([]);
  });
});

describe('errors', () => {
  it('reads API error bodies and falls back to plain text', () => {
    expect(
      errorFromResponse(
        400,
        '{"error":"bad_input","message":"bad","field":"rating"}'
      ).readable
    ).toBe('rating: bad');
    expect(errorFromResponse(500, 'oops').message).toBe(
      'The server answered HTTP 500.'
    );
    expect(errorFromResponse(403, '').code).toBe('forbidden');
    expect(readableError(new Error('x'))).toBe('x');
    expect(readableError('y')).toBe('y');
  });
});

describe('rendering is text, never markup', () => {
  const evil = '<img src=x onerror="window.__pwned=1">$x$';

  it('h() puts strings in text nodes', () => {
    const el = h('div', { class: 'a' }, evil, h('span', {}, evil));
    expect(el.querySelector('img')).toBeNull();
    expect(el.textContent).toBe(evil + evil);
    const status = new StatusLine();
    status.error(evil);
    expect(status.node.querySelector('img')).toBeNull();
    expect(status.node.textContent).toBe(evil);
  });

  it('renders a resolution with its chain, warnings and cost as text', () => {
    const card = renderResolution({
      template: 'python-ml',
      region: 'eu-west-1',
      ami_id: 'ami-1',
      resolution_method: 'ssm_parameter',
      fallback_chain: [
        {
          tier: 'direct_mapping',
          region: 'eu-west-1',
          outcome: 'skipped',
          reason: evil
        },
        {
          tier: 'ssm_parameter',
          region: 'eu-west-1',
          outcome: 'hit',
          reason: '/aws/service/x'
        }
      ],
      warnings: [evil],
      estimated_cost: 0.587
    });
    expect(card.querySelector('img')).toBeNull();
    expect(card.querySelector('.jp-cws-ami-id')!.textContent).toBe('ami-1');
    expect(card.querySelector('.jp-cws-method')!.textContent).toBe(
      'ssm_parameter'
    );
    expect(card.querySelector('.jp-cws-cost')!.textContent).toBe('$0.587/h');
    expect(card.querySelectorAll('.jp-cws-chain > li')).toHaveLength(2);
    expect(
      card.querySelector('.jp-cws-outcome-hit .jp-cws-tier')!.textContent
    ).toBe('ssm_parameter');
    expect(card.querySelector('.jp-cws-warning')!.textContent).toBe(evil);
  });

  it('says when the answer is pinned in the lock file', () => {
    const card = renderResolution({
      template: 'python-ml',
      region: 'eu-west-1',
      ami_id: 'ami-1',
      resolution_method: 'ssm_parameter',
      pinned: true,
      fallback_chain: [],
      warnings: []
    });
    expect(card.querySelector('.jp-cws-method')!.textContent).toBe(
      'ssm_parameter (pinned in cws.lock)'
    );
  });

  it('button() calls back on click', () => {
    const onClick = jest.fn();
    button('Go', onClick).click();
    expect(onClick).toHaveBeenCalledTimes(1);
  });
});
