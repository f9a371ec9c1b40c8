/**
 * The accessibility check every browser test runs on the screens it visits: every form control, button, link and
 * image has an accessible name; text meets WCAG AA contrast against its actual background; ids are unique; and
 * keyboard focus moves through the visible controls in document order (no positive tabindex, nothing skipped,
 * a visible focus indicator on each). It fails the test with the list of violations.
 */
import type { Page } from 'playwright-core';

export interface AccessibilityViolation {
  rule: 'name' | 'contrast' | 'duplicate-id' | 'tabindex' | 'focus-order' | 'focus-visible';
  element: string;
  detail: string;
}

/** How many Tab presses the focus-order walk makes at most (long rosters are checked up to there). */
const MAX_TAB_STOPS = 60;

/** Runs the checks on the page as it is now and throws with every violation found. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = [...(await page.evaluate(inspectPage)), ...(await walkFocusOrder(page))];
  if (violations.length > 0) {
    const lines = violations.map((v) => `  [${v.rule}] ${v.element}: ${v.detail}`);
    throw new Error(`Accessibility violations on ${screen}:\n${lines.join('\n')}`);
  }
}

/** Presses Tab from the top of the page and compares the focused elements with the focusable ones in DOM order. */
async function walkFocusOrder(page: Page): Promise<AccessibilityViolation[]> {
  const expected = await page.evaluate(markFocusable);
  // Start the walk from the top: focus a marker placed before everything (tabindex -1 keeps it out of the order).
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.tabIndex = -1;
    start.setAttribute('data-a11y-start', '');
    document.body.prepend(start);
    start.focus();
  });
  await page.keyboard.press('Tab');
  const violations: AccessibilityViolation[] = [];
  const stops = Math.min(expected.length, MAX_TAB_STOPS);
  for (let i = 0; i < stops; i++) {
    const focused = await page.evaluate(describeFocused);
    if (focused.index !== i) {
      violations.push({ rule: 'focus-order', element: focused.label, detail: `Tab stop ${i + 1} should be ${expected[i]} (document order), got ${focused.label}` });
      break;
    }
    if (!focused.indicator) violations.push({ rule: 'focus-visible', element: focused.label, detail: 'no visible focus indicator (outline or box-shadow)' });
    // A date input takes a Tab stop per part (month, day, year): Tab on until focus leaves the element.
    for (let press = 0; press < 5; press++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(describeFocused)).index !== i) break;
    }
  }
  await page.evaluate(() => {
    document.querySelectorAll('[data-a11y-order]').forEach((e) => e.removeAttribute('data-a11y-order'));
    document.querySelector('[data-a11y-start]')?.remove();
  });
  return violations;
}

/* The functions below run inside the page (page.evaluate), so they only use DOM APIs and each other's code inline. */

function markFocusable(): string[] {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const visible = (el: Element) => {
    const box = (el as HTMLElement).getBoundingClientRect();
    const style = getComputedStyle(el);
    return (box.width > 0 || box.height > 0) && style.visibility !== 'hidden' && !el.closest('[hidden], [inert]');
  };
  const seenRadioGroups = new Set<string>();
  const labels: string[] = [];
  for (const el of Array.from(document.querySelectorAll(selector))) {
    const html = el as HTMLElement;
    if ((html as HTMLButtonElement).disabled || html.tabIndex < 0 || !visible(el)) continue;
    if (el instanceof HTMLInputElement && el.type === 'hidden') continue;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    if (el instanceof HTMLInputElement && el.type === 'radio') {
      // One Tab stop per radio group: the checked radio, else the first.
      const group = `${el.form ? 'f' : ''}${el.name}`;
      if (seenRadioGroups.has(group)) continue;
      const checked = (Array.from(document.getElementsByName(el.name)) as HTMLInputElement[]).find((r) => r.checked);
      if (checked && checked !== el) {
        seenRadioGroups.add(group);
        checked.setAttribute('data-a11y-order', String(labels.length));
        labels.push(`${checked.tagName.toLowerCase()}[name=${el.name}]`);
        continue;
      }
      seenRadioGroups.add(group);
    }
    el.setAttribute('data-a11y-order', String(labels.length));
    labels.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(html.innerText || html.getAttribute('aria-label') || '').trim().slice(0, 40)}"`);
  }
  return labels;
}

function describeFocused(): { index: number; label: string; indicator: boolean } {
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body) return { index: -1, label: '(nothing focused)', indicator: false };
  const style = getComputedStyle(el);
  const indicator = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  const order = el.getAttribute('data-a11y-order');
  return {
    index: order === null ? -1 : Number(order),
    label: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 40)}"`,
    indicator,
  };
}

function inspectPage(): AccessibilityViolation[] {
  const violations: AccessibilityViolation[] = [];
  const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} "${((el as HTMLElement).innerText ?? el.textContent ?? '').trim().slice(0, 40)}"`;
  const visible = (el: Element) => {
    const box = (el as HTMLElement).getBoundingClientRect();
    const style = getComputedStyle(el);
    return (box.width > 0 || box.height > 0) && style.visibility !== 'hidden' && style.display !== 'none' && !el.closest('[hidden]');
  };
  const textOf = (id: string) => document.getElementById(id)?.textContent?.trim() ?? '';
  const accessibleName = (el: Element): string => {
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy) return labelledBy.split(/\s+/).map(textOf).join(' ').trim();
    const aria = el.getAttribute('aria-label');
    if (aria?.trim()) return aria.trim();
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
      const labels = Array.from(el.labels ?? []).map((l) => l.textContent?.trim() ?? '').join(' ').trim();
      if (labels) return labels;
      if (el instanceof HTMLInputElement && ['submit', 'button', 'reset'].includes(el.type)) return el.value;
    }
    if (el.tagName === 'IMG') return el.getAttribute('alt') ?? '';
    const title = el.getAttribute('title');
    if (el instanceof HTMLButtonElement || el instanceof HTMLAnchorElement || el.tagName === 'SUMMARY') {
      return (el.textContent ?? '').trim() || (el.querySelector('img[alt]')?.getAttribute('alt') ?? '') || (title ?? '');
    }
    return title ?? '';
  };

  // Names: controls, buttons, links, images (decorative images say so with alt="" or aria-hidden).
  const named = 'input:not([type=hidden]), select, textarea, button, a[href], summary, [role=img], img, [role=button], [role=region]';
  for (const el of Array.from(document.querySelectorAll(named))) {
    if (!visible(el) || el.closest('[aria-hidden="true"]')) continue;
    if (el.tagName === 'IMG' && el.getAttribute('alt') === '') continue;
    if (!accessibleName(el)) violations.push({ rule: 'name', element: describe(el), detail: 'has no accessible name (label, aria-label, text or alt)' });
  }

  const ids = new Map<string, number>();
  for (const el of Array.from(document.querySelectorAll('[id]'))) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
  for (const [id, count] of ids) if (count > 1) violations.push({ rule: 'duplicate-id', element: `#${id}`, detail: `${count} elements share this id` });

  for (const el of Array.from(document.querySelectorAll('[tabindex]'))) {
    if (Number(el.getAttribute('tabindex')) > 0) violations.push({ rule: 'tabindex', element: describe(el), detail: 'positive tabindex breaks the focus order' });
  }

  // Contrast of every visible text run against the first opaque background behind it (WCAG 2.1 AA).
  const parse = (color: string): [number, number, number, number] => {
    const m = color.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts[3] ?? 1];
  };
  const luminance = ([r, g, b]: number[]) => {
    const channel = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const blend = (top: number[], bottom: number[]) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3]));
  const backgroundOf = (el: Element): number[] => {
    const layers: number[][] = [];
    for (let node: Element | null = el; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    let color = [255, 255, 255];
    for (const layer of layers.reverse()) color = blend(layer, color);
    return color;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const checked = new Set<Element>();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || checked.has(el) || !node.textContent?.trim()) continue;
    checked.add(el);
    if (!visible(el) || el.closest('svg, [aria-hidden="true"], .visually-hidden, option')) continue;
    if ((el as HTMLButtonElement).disabled || el.closest('button:disabled, select:disabled, input:disabled')) continue; // WCAG exempts inactive controls
    const style = getComputedStyle(el);
    if (Number(style.opacity) === 0) continue;
    const fg = parse(style.color);
    const bg = backgroundOf(el);
    const text = blend(fg, bg);
    const [lighter, darker] = [luminance(text), luminance(bg)].sort((a, b) => b - a);
    const ratio = (lighter + 0.05) / (darker + 0.05);
    const size = parseFloat(style.fontSize);
    const bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) violations.push({ rule: 'contrast', element: describe(el), detail: `contrast ${ratio.toFixed(2)}:1, needs ${needed}:1 (${style.color} on rgb(${bg.map(Math.round).join(', ')}))` });
  }
  return violations;
}
