/** Plain-data request and response of a FHIR interaction: what handlers take and return (they never touch `res`). */
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import type { AccessContext } from '../auth/access-context';
import type { RowFilter } from '../search/sql/context';
import type { Repository } from '../store/repository';
import type { Sql } from '../store/sql';

/** A condition on one `resource_history` row (by its alias) that is true only for versions the caller may see. */
export type HistoryRowFilter = (historyAlias: string, resourceType?: string) => Sql;

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FhirRequest {
  method: HttpMethod;
  /** Path below the FHIR base without leading slash, e.g. `Patient/1/_history/2`; '' for the base itself. */
  path: string;
  /** Query (or form) parameters; repeated parameters keep every value. */
  query: Record<string, string[]>;
  body?: unknown;
  headers: FhirRequestHeaders;
  /** Set only by transaction processing: the id already promised to a POST entry's urn:uuid fullUrl. */
  assignedId?: string;
}

export interface FhirRequestHeaders {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifNoneExist?: string;
  prefer?: string;
  contentType?: string;
}

export interface FhirResponse {
  status: number;
  body?: Resource;
  headers?: Record<string, string>;
  /** Warnings a successful write was accepted with (e.g. an implied vital-signs profile): Prefer: return=OperationOutcome shows them. */
  warnings?: OperationOutcomeIssue[];
}

/** What every handler is given explicitly: the repository (maybe inside a transaction) and where we are served. */
export interface FhirContext {
  repo: Repository;
  /** Public FHIR base URL without trailing slash, e.g. http://localhost:8080/fhir. */
  baseUrl: string;
  requestId: string;
  /**
   * Who is asking and what their token allows (auth/access-context.ts). The HTTP endpoint always sets it; code
   * that dispatches on its own (seeding, jobs) without one runs as the trusted system (auth/systemAccess()).
   */
  access?: AccessContext;
  /**
   * Set by the access guard (auth/fhir-access-guard.ts) when the token does not reach every row; absent means no
   * row restriction. The search engine ANDs it into every statement that returns or looks through rows.
   */
  searchRowFilter?: RowFilter;
  /** The same for history and vread: ANDed into the history SQL, judged per version (store/access-filter.ts). */
  historyRowFilter?: HistoryRowFilter;
  /**
   * The same for a read by id, over alias `r`: folded into the statement that reads the row, so a read is one round
   * trip; a row it rejects answers as absent.
   */
  readRowFilter?: (alias: 'r', resourceType: string) => Sql;
  /**
   * The instant the request acts at (IOP operations: "today", sessions started, due dates). Absent means the real
   * clock; the demo seed sets it so the whole organisation is built as of one instant, and a test server may pin it.
   */
  now?: Date;
}

export type Interaction =
  | 'read' | 'vread' | 'update' | 'patch' | 'delete' | 'history-instance' | 'history-type' | 'history-system'
  | 'create' | 'search-type' | 'search-system' | 'search-compartment' | 'capabilities' | 'batch'
  | 'conditional-update' | 'conditional-delete' | 'conditional-patch' | 'operation';

export interface RouteParams {
  resourceType?: string;
  id?: string;
  versionId?: string;
  operation?: string;
  compartmentType?: string;
}

export type Handler = (req: FhirRequest, params: RouteParams, ctx: FhirContext) => Promise<FhirResponse>;

export function firstParam(query: Record<string, string[]>, name: string): string | undefined {
  return query[name]?.[0];
}

/** One entry of the route table (fhir/router.ts): a pattern of segments (`:type`, `:id`, `:vid`, `$op` are placeholders). */
export interface Route {
  method: HttpMethod;
  pattern: string[];
  interaction: Interaction;
  handler: Handler;
}
