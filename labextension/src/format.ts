import { ITemplateSummary } from './types';

/** Templates whose slug, name or description contain every word of `query`, in `category`. */
export function filterTemplates(
  templates: ITemplateSummary[],
  query: string,
  category: string
): ITemplateSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return templates.filter(t => {
    if (category && (t.category ?? '') !== category) {
      return false;
    }
    const hay = `${t.slug} ${t.name} ${t.description ?? ''}`.toLowerCase();
    return words.every(w => hay.includes(w));
  });
}

/** The distinct categories, sorted. */
export function categories(templates: ITemplateSummary[]): string[] {
  const set = new Set<string>();
  for (const t of templates) {
    if (t.category) {
      set.add(t.category);
    }
  }
  return [...set].sort((a, b) => a.localeCompare(b));
}

/** "$0.587/h", or "unknown" when there is no price. */
export function hourly(cost: number | null | undefined): string {
  if (typeof cost !== 'number' || !isFinite(cost)) {
    return 'unknown';
  }
  return `$${cost.toFixed(cost < 1 ? 3 : 2)}/h`;
}

/** "★★★★☆ 4.5 (8)" style rating text; "not rated yet" without ratings. */
export function stars(
  rating: number | null | undefined,
  count: number
): string {
  if (typeof rating !== 'number' || count <= 0) {
    return 'not rated yet';
  }
  const full = Math.max(0, Math.min(5, Math.round(rating)));
  return `${'★'.repeat(full)}${'☆'.repeat(5 - full)} ${rating.toFixed(1)} (${count})`;
}

/** "3 of 5 steps" style progress, as a 0..100 percentage. */
export function percent(done: number, total: number): number {
  if (!total || total <= 0) {
    return 0;
  }
  return Math.max(0, Math.min(100, Math.round((100 * done) / total)));
}

/** A workstation name is 1-63 letters, digits and dashes (as the API checks). */
export function suggestName(template: string, taken: string[]): string {
  const base = (template || 'workstation')
    .replace(/[^a-z0-9-]/gi, '-')
    .slice(0, 50);
  for (let i = 1; i < 1000; i++) {
    const candidate = `${base}-${i}`;
    if (!taken.includes(candidate)) {
      return candidate;
    }
  }
  return `${base}-${Date.now() % 100000}`;
}
