/** String normalisation shared by the index writer and the search SQL: lower case, accents removed. */
export function normalizeString(value: string): string {
  return value.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}
