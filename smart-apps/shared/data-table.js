/**
 * A compact data table whose columns sort (a button in each header, the state announced with aria-sort), with a
 * "Download CSV" button that exports exactly the rows and columns shown, in the order shown. Values go in as text.
 */
import { h } from './elements.js';

/**
 * @typedef {{ key: string, label: string, sortValue?: (row: any) => any, render?: (row: any) => any, csv?: (row: any) => any, numeric?: boolean }} Column
 * sortValue: what sorting compares (default: the csv value); render: the cell's content; csv: the exported value
 */

/** RFC 4180 CSV: every field quoted when it holds a comma, quote or line break. */
export function toCsv(header, rows) {
  const field = (value) => {
    const text = value === undefined || value === null ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

/** Offers a CSV file for download (a Blob; nothing leaves the browser). */
export function downloadCsv(filename, header, rows) {
  const url = URL.createObjectURL(new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }));
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const missing = (v) => v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v));

/** Ascending or descending; empty cells last either way. */
function compare(a, b, direction) {
  if (missing(a) || missing(b)) return Number(missing(a)) - Number(missing(b));
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true });
  return direction * order;
}

/**
 * @param {{ id: string, caption: string, columns: Column[], rows: any[], rowKey: (row: any) => string, filename: string,
 *   sortBy?: string, descending?: boolean }} options
 * @returns {HTMLElement}
 */
export function renderDataTable({ id, caption, columns, rows, rowKey, filename, sortBy, descending = false }) {
  let sortKey = sortBy;
  let desc = descending;
  const csvOf = (column, row) => (column.csv ? column.csv(row) : column.sortValue ? column.sortValue(row) : '');
  const sorted = () => {
    const column = columns.find((c) => c.key === sortKey);
    if (!column) return rows;
    const value = column.sortValue ?? ((row) => csvOf(column, row));
    return [...rows].sort((a, b) => compare(value(a), value(b), desc ? -1 : 1));
  };
  const tbody = h('tbody');
  const headers = columns.map((column) => {
    const button = h('button', { type: 'button', class: 'sort' }, column.label);
    const th = h('th', { scope: 'col', 'data-column': column.key, class: column.numeric ? 'numeric' : null }, button);
    button.addEventListener('click', () => {
      desc = sortKey === column.key ? !desc : column.numeric === true;
      sortKey = column.key;
      draw();
    });
    return th;
  });
  const draw = () => {
    headers.forEach((th, i) => {
      const state = columns[i].key === sortKey ? (desc ? 'descending' : 'ascending') : null;
      if (state) th.setAttribute('aria-sort', state);
      else th.removeAttribute('aria-sort');
    });
    tbody.replaceChildren(...sorted().map((row) => h('tr', { 'data-row': rowKey(row) }, columns.map((column, i) => {
      const content = column.render ? column.render(row) : csvOf(column, row);
      return i === 0 ? h('th', { scope: 'row' }, content) : h('td', { class: column.numeric ? 'numeric' : null }, content ?? '—');
    }))));
  };
  draw();
  const exportButton = h('button', { type: 'button', class: 'secondary', onclick: () => downloadCsv(filename, columns.map((c) => c.label), sorted().map((row) => columns.map((c) => csvOf(c, row)))) }, 'Download CSV');
  return h('div', { class: 'data-table-block', id },
    h('div', { class: 'table-tools' }, exportButton),
    h('div', { class: 'table-scroll' }, h('table', { class: 'data-table compact sortable' },
      h('caption', null, caption, h('span', { class: 'visually-hidden' }, ' (select a column heading to sort)')),
      h('thead', null, h('tr', null, headers)), tbody)));
}
