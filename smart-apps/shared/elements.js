/**
 * Building DOM without HTML strings: every value goes in as text, so nothing a server or user wrote can inject
 * markup. `h('p', { class: 'x' }, 'text', child)`.
 */

/**
 * @param {string} tag
 * @param {Record<string, any> | null} [attributes] `on<event>` keys add listeners; `false`/null/undefined values are skipped
 * @param {...any} children strings, nodes, arrays, or null
 * @returns {HTMLElement}
 */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key in element && typeof value !== 'string') element[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the content of an element (by id or element). */
export function replaceContent(target, ...children) {
  const element = typeof target === 'string' ? document.getElementById(target) : target;
  element.replaceChildren();
  append(element, children);
  return element;
}

let idCounter = 0;
/** A unique id for label/input pairs. */
export function uniqueId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form control: `<div class="field"><label for>…</label>control</div>`. */
export function field(label, control, hint) {
  if (!control.id) control.id = uniqueId('field');
  const hintElement = hint ? h('span', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintElement) control.setAttribute('aria-describedby', hintElement.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintElement);
}

/** A <select> from [value, label] pairs. */
export function select(name, options, selected) {
  return h('select', { name }, options.map(([value, label]) => h('option', { value, selected: value === selected }, label)));
}
