/** The shape of the search-index rows written beside each resource version (one array per index table). */

export interface IndexRows {
  string: { param: string; valueNorm: string; valueExact: string }[];
  token: { param: string; system: string | null; code: string | null; textNorm: string | null }[];
  date: { param: string; low: string; high: string }[];
  number: { param: string; value: string; low: string; high: string }[];
  quantity: { param: string; system: string | null; code: string | null; value: string; low: string; high: string }[];
  uri: { param: string; value: string }[];
  reference: { param: string; targetType: string | null; targetId: string | null; targetUrl: string | null }[];
  /** Parameters that have at least one value (for fast `:missing`). */
  present: string[];
}

export function emptyIndexRows(): IndexRows {
  return { string: [], token: [], date: [], number: [], quantity: [], uri: [], reference: [], present: [] };
}

export type IndexExtractor = (resource: import('@medplum/fhirtypes').Resource) => IndexRows;
