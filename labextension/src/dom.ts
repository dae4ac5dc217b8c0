/**
 * A small element builder. Text is always set with textContent, never parsed as markup:
 * template names, AWS messages and reviews are data.
 */
export type Child = Node | string | null | undefined | false;

export interface IAttrs {
  class?: string;
  title?: string;
  [attr: string]: string | undefined;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: IAttrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) {
      continue;
    }
    if (k === 'class') {
      el.className = v;
    } else {
      el.setAttribute(k, v);
    }
  }
  append(el, ...children);
  return el;
}

/** Append children; strings become text nodes. */
export function append(el: HTMLElement, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) {
      continue;
    }
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replace all children of `el`. */
export function replace(el: HTMLElement, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** A button with a click handler. */
export function button(
  label: string,
  onClick: () => void,
  attrs: IAttrs = {}
): HTMLButtonElement {
  const b = h(
    'button',
    { type: 'button', class: 'jp-cws-button', ...attrs },
    label
  );
  b.addEventListener('click', onClick);
  return b;
}

/** A status line: shows an error (red) or a note, or nothing. */
export class StatusLine {
  readonly node: HTMLDivElement;

  constructor(role: 'status' | 'alert' = 'status') {
    this.node = h('div', { class: 'jp-cws-status', role });
  }

  clear(): void {
    this.node.className = 'jp-cws-status';
    this.node.textContent = '';
  }

  note(text: string): void {
    this.node.className = 'jp-cws-status jp-cws-note';
    this.node.textContent = text;
  }

  busy(text: string): void {
    this.node.className = 'jp-cws-status jp-cws-busy';
    this.node.textContent = text;
  }

  error(text: string): void {
    this.node.className = 'jp-cws-status jp-cws-error';
    this.node.textContent = text;
  }
}
