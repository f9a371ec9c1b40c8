/**
 * The shape of the search-index rows written beside each resource version (one array per index table).
 * `grp` is set only on the component rows of composite parameters: rows with the same grp came from the same element.
 */
import type { Resource } from '@medplum/fhirtypes';

export interface IndexRows {
  string: { param: string; valueNorm: string; valueExact: string; grp?: number }[];
  token: { param: string; system: string | null; code: string | null; textNorm: string | null; grp?: number }[];
  /** Instants as ISO strings: the range the value covers at its precision. */
  date: { param: string; low: string; high: string; grp?: number }[];
  /** `value` is the stated value (for sorting); [low, high] the range it stands for (a point, or a Range's bounds). */
  number: { param: string; value: string; low: string; high: string; grp?: number }[];
  quantity: {
    param: string; system: string | null; code: string | null; unit: string | null;
    value: string; low: string; high: string; grp?: number;
  }[];
  uri: { param: string; value: string; grp?: number }[];
  /** Local references have (targetType, targetId) and no URL; absolute ones keep the URL (and type/id when parseable). */
  reference: { param: string; targetType: string | null; targetId: string | null; targetUrl: string | null; grp?: number }[];
  /** Parameters that have at least one value (for fast `:missing`). */
  present: string[];
}

export function emptyIndexRows(): IndexRows {
  return { string: [], token: [], date: [], number: [], quantity: [], uri: [], reference: [], present: [] };
}

export type IndexExtractor = (resource: Resource) => IndexRows;
