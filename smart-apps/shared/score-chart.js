/**
 * A score series as an inline SVG line chart over its instrument's severity bands, with the same numbers in a
 * table for screen readers and keyboard users (the chart itself is an image with a text summary).
 */
import { bandOf } from './instruments.js';
import { formatDate } from './fhir-format.js';
import { h } from './elements.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 560;
const HEIGHT = 220;
const PAD = { left: 36, right: 110, top: 12, bottom: 28 };
const BAND_CLASSES = ['band-0', 'band-1', 'band-2', 'band-3', 'band-4'];

function svg(tag, attributes, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  for (const child of children) element.append(child);
  return element;
}

/**
 * @param {{ title: string, max: number, bands: {label: string, min: number, max: number}[] }} instrument
 * @param {{ date: string, total: number }[]} points oldest first
 */
export function renderScoreChart(instrument, points) {
  const figure = h('figure', { class: 'score-chart' });
  const caption = h('figcaption', null, instrument.title);
  if (points.length === 0) {
    figure.append(caption, h('p', { class: 'hint' }, 'No scores yet.'));
    return figure;
  }
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const y = (value) => PAD.top + plotHeight - (value / instrument.max) * plotHeight;
  const times = points.map((p) => new Date(p.date).getTime());
  const first = Math.min(...times);
  const span = Math.max(Math.max(...times) - first, 1);
  const x = (time) => PAD.left + (points.length === 1 ? plotWidth / 2 : ((time - first) / span) * plotWidth);

  const latest = points[points.length - 1];
  const summary = `${instrument.title}: ${points.length} score${points.length === 1 ? '' : 's'}, latest ${latest.total} (${bandOf(instrument, latest.total)}) on ${formatDate(latest.date)}`
    + (points.length > 1 ? `, first ${points[0].total} on ${formatDate(points[0].date)}` : '');
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': summary, class: 'chart' });
  instrument.bands.forEach((band, i) => {
    const top = y(Math.min(band.max + 1, instrument.max));
    const bottom = y(band.min);
    chart.append(svg('rect', { x: PAD.left, y: top, width: plotWidth, height: Math.max(bottom - top, 0), class: BAND_CLASSES[i] ?? 'band-4' }));
    chart.append(svg('text', { x: PAD.left + plotWidth + 6, y: (top + bottom) / 2 + 4, class: 'band-label' }, band.label));
  });
  for (const tick of [0, Math.round(instrument.max / 2), instrument.max]) {
    chart.append(svg('text', { x: PAD.left - 6, y: y(tick) + 4, class: 'axis-label', 'text-anchor': 'end' }, String(tick)));
  }
  chart.append(svg('text', { x: PAD.left, y: HEIGHT - 8, class: 'axis-label' }, formatDate(points[0].date)));
  if (points.length > 1) chart.append(svg('text', { x: PAD.left + plotWidth, y: HEIGHT - 8, class: 'axis-label', 'text-anchor': 'end' }, formatDate(latest.date)));
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(times[i]).toFixed(1)},${y(p.total).toFixed(1)}`).join(' ');
  chart.append(svg('path', { d: path, class: 'series' }));
  points.forEach((p, i) => chart.append(svg('circle', { cx: x(times[i]).toFixed(1), cy: y(p.total).toFixed(1), r: 4, class: 'point' },
    svg('title', {}, `${formatDate(p.date)}: ${p.total}`))));

  const table = h('table', { class: 'data-table' },
    h('caption', { class: 'visually-hidden' }, `${instrument.title} scores`),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Score'), h('th', { scope: 'col' }, 'Severity'))),
    h('tbody', null, points.map((p) => h('tr', null, h('td', null, formatDate(p.date)), h('td', null, String(p.total)), h('td', null, bandOf(instrument, p.total))))));
  figure.append(caption, chart, h('p', { class: 'chart-summary' }, summary), h('details', null, h('summary', null, 'Scores as a table'), table));
  return figure;
}
