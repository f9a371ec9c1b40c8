/**
 * Rates over time for several series (e.g. programs by month) as an inline SVG line chart: each series has its own
 * colour, dash pattern and point shape (never colour alone), a legend, a one-sentence summary for screen readers,
 * and the same numbers as a table behind a disclosure.
 */
import { h } from './elements.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 240;
const PAD = { left: 44, right: 34, top: 14, bottom: 30 };
/** Colours at least 3:1 against white (WCAG non-text contrast), dashes and shapes to tell them apart without colour. */
const STYLES = [
  { colour: '#1f5fa8', dash: '', shape: 'circle' }, { colour: '#a4451b', dash: '6 4', shape: 'square' },
  { colour: '#2e7031', dash: '2 3', shape: 'triangle' }, { colour: '#6b3fa0', dash: '10 3 2 3', shape: 'diamond' },
  { colour: '#8a5a00', dash: '4 2', shape: 'circle' }, { colour: '#3d4a57', dash: '1 2', shape: 'square' },
];

function svg(tag, attributes, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  for (const child of children) element.append(child);
  return element;
}

function marker(shape, x, y, colour) {
  const common = { fill: colour, stroke: '#fff', 'stroke-width': 1.5 };
  if (shape === 'square') return svg('rect', { x: x - 4, y: y - 4, width: 8, height: 8, ...common });
  if (shape === 'triangle') return svg('path', { d: `M${x},${y - 5} L${x + 5},${y + 4} L${x - 5},${y + 4} Z`, ...common });
  if (shape === 'diamond') return svg('path', { d: `M${x},${y - 5} L${x + 5},${y} L${x},${y + 5} L${x - 5},${y} Z`, ...common });
  return svg('circle', { cx: x, cy: y, r: 4.5, ...common });
}

const asPercent = (value) => (value === null || value === undefined ? '—' : `${Math.round(value * 1000) / 10} %`);

/**
 * @param {{ title: string, categories: string[], series: { name: string, values: (number | null)[] }[] }} data
 * values are rates 0–1 (null: nothing to measure in that period)
 */
export function renderTrendChart({ title, categories, series }) {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (i) => PAD.left + (categories.length === 1 ? plotWidth / 2 : (i / (categories.length - 1)) * plotWidth);
  const y = (value) => PAD.top + plotHeight - value * plotHeight;
  const latest = series.map((s) => `${s.name} ${asPercent([...s.values].reverse().find((v) => v !== null && v !== undefined))}`);
  const summary = `${title}, ${categories[0]} to ${categories[categories.length - 1]}. Latest: ${latest.join('; ')}.`;
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': summary, class: 'chart trend-chart' });
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(svg('line', { x1: PAD.left, x2: PAD.left + plotWidth, y1: y(tick), y2: y(tick), class: 'grid' }));
    chart.append(svg('text', { x: PAD.left - 6, y: y(tick) + 4, class: 'axis-label', 'text-anchor': 'end' }, `${tick * 100} %`));
  }
  categories.forEach((label, i) => chart.append(svg('text', { x: x(i), y: HEIGHT - 10, class: 'axis-label', 'text-anchor': 'middle' }, label)));
  series.forEach((s, index) => {
    const style = STYLES[index % STYLES.length];
    // Gaps where a period has nothing to measure: the line breaks instead of inventing a value.
    let path = '';
    let pen = 'M';
    s.values.forEach((value, i) => {
      if (value === null || value === undefined) {
        pen = 'M';
        return;
      }
      path += `${pen}${x(i).toFixed(1)},${y(value).toFixed(1)} `;
      pen = 'L';
    });
    if (path) chart.append(svg('path', { d: path.trim(), fill: 'none', stroke: style.colour, 'stroke-width': 2.5, 'stroke-dasharray': style.dash }));
    s.values.forEach((value, i) => {
      if (value === null || value === undefined) return;
      const point = marker(style.shape, x(i), y(value), style.colour);
      point.append(svg('title', {}, `${s.name}, ${categories[i]}: ${asPercent(value)}`));
      chart.append(point);
    });
  });
  const legend = h('ul', { class: 'legend list-plain' }, series.map((s, index) => {
    const style = STYLES[index % STYLES.length];
    const key = svg('svg', { viewBox: '0 0 34 12', width: 34, height: 12, 'aria-hidden': 'true' },
      svg('line', { x1: 1, x2: 33, y1: 6, y2: 6, stroke: style.colour, 'stroke-width': 2.5, 'stroke-dasharray': style.dash }), marker(style.shape, 17, 6, style.colour));
    return h('li', null, key, ' ', s.name);
  }));
  const table = h('table', { class: 'data-table compact' },
    h('caption', { class: 'visually-hidden' }, title),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Period'), series.map((s) => h('th', { scope: 'col' }, s.name)))),
    h('tbody', null, categories.map((label, i) => h('tr', null, h('th', { scope: 'row' }, label), series.map((s) => h('td', null, asPercent(s.values[i])))))));
  return h('figure', { class: 'trend' }, h('figcaption', null, title), chart, legend, h('p', { class: 'chart-summary' }, summary),
    h('details', null, h('summary', null, 'Show the numbers as a table'), h('div', { class: 'table-scroll' }, table)));
}
