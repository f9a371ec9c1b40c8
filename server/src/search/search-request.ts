/** The plain-data search request: what the URL asked for, parsed once, used by the SQL builder and by the matcher. */

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

export interface SearchValue {
  prefix?: Prefix;
  raw: string;
}

export interface SearchFilter {
  code: string;
  modifier?: string;
  /** OR-ed values (comma-separated in the URL); repeated parameters become separate filters (AND). */
  values: SearchValue[];
  /** For chains `subject:Patient.name=x`: the next link, searched on the target type. */
  chain?: { targetType?: string; filter: SearchFilter };
}

export interface SortRule {
  code: string;
  descending: boolean;
}

export interface SearchRequest {
  resourceType: string;
  filters: SearchFilter[];
  sort: SortRule[];
  count: number;
  offset: number;
  total: 'none' | 'estimate' | 'accurate';
  summary?: string;
  elements?: string[];
  include: string[];
  revinclude: string[];
  /** Parameters we did not recognise or cannot apply (reported, or a 400 under handling=strict). */
  unknown: string[];
}

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;
