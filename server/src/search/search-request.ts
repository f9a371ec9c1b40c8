/** The plain-data search request: what the URL asked for, parsed once, used by the SQL builder and by tests. */
import type { SearchParamType } from './registry';

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

export interface SearchValue {
  prefix?: Prefix;
  /** As written (still escaped: `\,` `\|` `\$` `\\`), without its prefix. */
  raw: string;
}

/** `code[:modifier]=v1,v2`: the values are OR-ed; repeated parameters become separate filters (AND). */
export interface ParamFilter {
  kind: 'param';
  code: string;
  /** `_id`, `_lastUpdated`, `_list` are answered from rows, not index tables. */
  type: SearchParamType | 'id' | 'lastUpdated' | 'list';
  modifier?: string;
  values: SearchValue[];
}

/** `subject:Patient.name=x`: resources whose `code` reference points to a target matching `next`. */
export interface ChainFilter {
  kind: 'chain';
  code: string;
  /** Types the chain continues on (the :Type modifier, or every target type that has the next parameter). */
  targetTypes: string[];
  next: SearchFilter;
}

/** `_has:Observation:patient:code=x`: resources that some `sourceType` points to through `referenceParam`. */
export interface HasFilter {
  kind: 'has';
  sourceType: string;
  referenceParam: string;
  next: SearchFilter;
}

export type SearchFilter = ParamFilter | ChainFilter | HasFilter;

export interface SortRule {
  /** A parameter code, `_id` or `_lastUpdated`. */
  code: string;
  descending: boolean;
}

export interface IncludeTarget {
  sourceType: string;
  /** A reference parameter of sourceType, or '*' for all of them. */
  param: string;
  targetType?: string;
  iterate: boolean;
}

export interface Compartment {
  type: string;
  id: string;
}

export interface SearchRequest {
  /** The searched type; '' for a system-wide search (then `types`). */
  resourceType: string;
  /** System search: the `_type` list (empty = every type). */
  types?: string[];
  filters: SearchFilter[];
  /** Compartment search: `/Patient/123/Observation`. */
  compartment?: Compartment;
  sort: SortRule[];
  count: number;
  /** Opaque keyset cursor from a next/previous link. */
  cursor?: string;
  total: 'none' | 'estimate' | 'accurate';
  summary?: 'true' | 'text' | 'data' | 'count' | 'false';
  elements?: string[];
  include: IncludeTarget[];
  revinclude: IncludeTarget[];
  /** Parameters we did not recognise or cannot apply (reported, or a 400 under handling=strict). */
  unknown: string[];
  /** Why each unknown parameter was not applied, for the OperationOutcome. */
  unknownReasons: Record<string, string>;
  /** Other things the client should know (e.g. _count lowered to the maximum). */
  notes: string[];
  /** The parameters that were applied, as name/value pairs: what the self link shows. */
  applied: [string, string][];
}

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;
/** Included resources per page; beyond it the Bundle says so in an OperationOutcome. */
export const MAX_INCLUDES = 1000;
/** Rounds of `:iterate` after the first. */
export const MAX_INCLUDE_ITERATIONS = 3;
/** Chains longer than this are refused. */
export const MAX_CHAIN_DEPTH = 3;
/** Keys in `_sort` (each adds a join and a sort column). */
export const MAX_SORT_KEYS = 8;
/** `_include` and `_revinclude` values in one search (each is a query per page). */
export const MAX_INCLUDE_PARAMS = 20;
/** Search parameters (filters) in one search, and values OR-ed in one parameter: each becomes SQL. */
export const MAX_FILTERS = 64;
export const MAX_VALUES_PER_FILTER = 1000;
