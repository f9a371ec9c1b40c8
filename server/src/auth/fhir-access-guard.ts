/**
 * The one authorization point of the FHIR API: dispatch() runs every interaction — single requests and
 * batch/transaction entries alike — through here. It checks the token (401), the scopes for the interaction and
 * resource type (403), the rows (SQL access filter), runs the handler (writes inside a transaction, re-checked
 * before commit), and records the AuditEvent (for writes, in the same transaction).
 */
import type { Bundle } from '@medplum/fhirtypes';
import { FhirError, forbidden, issue, methodNotAllowed, notFound, outcome } from '../errors';
import { readAuditEvent, searchAuditEvents } from '../audit/audit-search';
import { discloseResponse, type DisclosureRecord } from '../audit/part2-disclosures';
import { fhirAuditRecord } from '../audit/fhir-interaction-audit';
import { markAudited } from '../audit/refusal-audit';
import { nothingToDelete } from '../fhir/delete';
import { STATUS_PROFILE as SUBSCRIPTION_STATUS_PROFILE } from '../jobs/subscription-notification';
import type { FhirContext, FhirRequest, FhirResponse, HistoryRowFilter, Interaction, Route, RouteParams } from '../fhir/types';
import type { RowFilter } from '../search/sql/context';
import { accessFilter } from '../store/access-filter';
import type { Repository } from '../store/repository';
import { AccessContext, systemAccess } from './access-context';
import { allowsEveryRow, grantsFor, mayTouchOwnedTypes, scopesReachEveryRow } from './access-policy';
import { carriesPart2Label } from '../domain/part2-labelling';
import { InteractionNeeds, interactionNeeds } from './interaction-permissions';
import { filterBundleEntries, instanceVisibility, versionVisible, visibleVersionCondition } from './row-visibility';
import type { Permission } from './scopes';

/** Bundles no handler filtered in SQL (operations returning searchsets): their entries are checked here instead. */
const UNFILTERED_LISTINGS = new Set<Interaction>(['operation']);
const INTERNAL_ACCESS = systemAccess();
const AUDIT_EVENT_READS = new Set<Interaction>(['read', 'search-type']);

export async function guardedDispatch(route: Route, params: RouteParams, req: FhirRequest, ctx: FhirContext): Promise<FhirResponse> {
  // HTTP requests always carry an access context (fhir-endpoint.ts refuses to run without one); only server code
  // dispatching on its own (demo seeding, jobs) has none, and it runs as the trusted system.
  const access = ctx.access ?? INTERNAL_ACCESS;
  const needs = interactionNeeds(route.interaction, params, req);
  try {
    checkAuthenticated(access, route.interaction, ctx.baseUrl);
    checkAuditEventRules(access, route.interaction, needs);
    checkScopes(access, needs, route.interaction);
    checkConsentWriter(access, needs);
    if (needs.writes) return await runWrite(route, params, req, ctx, access, needs);
    if (isTransactionBundle(route.interaction, req)) return await runTransactionBundle(route, params, req, ctx, access);
    const { response, disclosures } = await discloseResponse(ctx.repo, access, await runRead(route, params, req, ctx, access, needs), { request: requestLine(req) });
    await recordAudit(access, route.interaction, params, req, { response, status: response.status, disclosures }, ctx.repo);
    return response;
  } catch (err) {
    const status = err instanceof FhirError ? err.status : 500;
    // A refusal is audited without ever turning into another error (audit/refusal-audit.ts).
    await access.audit?.recordRefusal(fhirAuditRecord(access, route.interaction, params, req, { status, message: err instanceof FhirError ? err.message : 'internal error' }));
    throw markAudited(err);
  }
}

function checkAuthenticated(access: AccessContext, interaction: Interaction, fhirBase: string): void {
  if (access.policy.authenticated || interaction === 'capabilities') return;
  throw new FhirError(401, outcome(issue('error', 'login', 'Authentication required: send an access token (Authorization: Bearer …)')), {
    'WWW-Authenticate': `Bearer realm="${fhirBase}"`,
  });
}

/** AuditEvents are written only by the server, never changed, and read only by administrators. */
function checkAuditEventRules(access: AccessContext, interaction: Interaction, needs: InteractionNeeds): void {
  if (needs.resourceType !== 'AuditEvent') return;
  if (!AUDIT_EVENT_READS.has(interaction)) throw methodNotAllowed('AuditEvents are recorded by the server and cannot be created, changed or deleted');
  if (!access.policy.admin) throw insufficientScope('Only administrators may read AuditEvents');
}

function checkScopes(access: AccessContext, needs: InteractionNeeds, interaction: Interaction): void {
  const { policy } = access;
  if (needs.adminOnly) {
    if (!policy.admin) throw insufficientScope('Only administrators may run this operation');
    return;
  }
  if (interaction === 'capabilities' || interaction === 'batch' || needs.resourceType === 'AuditEvent' || needs.checksOwnScopes) return;
  if (!needs.resourceType) {
    if (interaction === 'operation' && !scopesReachEveryRow(policy, 'r')) throw insufficientScope('System-level operations need a token with access to every resource');
    if (interaction !== 'operation' && !policy.grants.some((g) => g.permissions.includes('s'))) throw insufficientScope('No scope allows searching');
    return;
  }
  for (const permission of needs.permissions) {
    const grants = grantsFor(policy, needs.resourceType, permission);
    if (grants.length === 0) throw insufficientScope(`No granted scope allows ${describe(permission)} ${needs.resourceType}`);
    if (grants.every((g) => g.rows.kind === 'none')) {
      const reasons = [...new Set(grants.map((g) => (g.rows.kind === 'none' ? g.rows.reason : '')))].join('; ');
      throw insufficientScope(`The granted scopes cannot be applied to ${needs.resourceType}: ${reasons}`);
    }
  }
  if (needs.conditional && !needs.permissions.every((p) => scopesReachEveryRow(policy, p, needs.resourceType))) {
    throw insufficientScope('Conditional writes need a scope that reaches every resource of the type');
  }
}

/**
 * Consents are the patient's decisions: the patient, the staff who record them and administrators write them. A
 * related person (family proxy) reads the consents their access depends on, but may not grant, widen or revoke them.
 */
function checkConsentWriter(access: AccessContext, needs: InteractionNeeds): void {
  if (needs.writes && needs.resourceType === 'Consent' && access.principal.fhirUser?.startsWith('RelatedPerson/')) {
    throw insufficientScope('Only the patient, their care team and administrators may write consents');
  }
}

function isTransactionBundle(interaction: Interaction, req: FhirRequest): boolean {
  return interaction === 'batch' && (req.body as { type?: unknown } | undefined)?.type === 'transaction';
}

/**
 * A transaction Bundle runs inside one transaction opened here, so the AuditEvents of its entries (buffered) and
 * of the Bundle itself are written in one statement and commit or roll back with the entries.
 */
async function runTransactionBundle(route: Route, params: RouteParams, req: FhirRequest, ctx: FhirContext, access: AccessContext): Promise<FhirResponse> {
  return ctx.repo.transaction(async (tx) => {
    const buffered: AccessContext = { ...access, auditBuffer: [] };
    const response = await route.handler(req, params, withRowFilters({ ...ctx, repo: tx, access: buffered }, access, 's', undefined));
    buffered.auditBuffer!.push(fhirAuditRecord(access, route.interaction, params, req, { response, status: response.status }));
    await access.audit?.recordMany(buffered.auditBuffer!, tx);
    return response;
  });
}

async function runRead(route: Route, params: RouteParams, req: FhirRequest, ctx: FhirContext, access: AccessContext, needs: InteractionNeeds): Promise<FhirResponse> {
  if (needs.resourceType === 'AuditEvent') return auditEventHandler(route.interaction)(req, params, ctx);
  // A read applies the filter in its own statement (readRowFilter); every other interaction on an instance checks first.
  if (needs.instance && route.interaction !== 'read') await checkInstance(ctx.repo, access, needs.instance, 'r');
  if (route.interaction === 'vread') await checkVersion(ctx.repo, access, params);
  const permission = needs.permissions[0] ?? 'r';
  const response = await route.handler(req, params, withRowFilters(ctx, access, permission, needs.resourceType));
  if (!UNFILTERED_LISTINGS.has(route.interaction) || !isListing(response)) return response;
  return filterListing(ctx.repo, access, response, needs.resourceType);
}

/**
 * Stored resources listed by a search or history (not a computed collection or document an operation builds). The
 * answers of a Subscription's $status and $events start with a computed SubscriptionStatus and are built through the
 * access filter already (jobs/subscription-events.ts); their id-only entries carry no resource: filtering them again
 * here would drop both.
 */
function isListing(response: FhirResponse): boolean {
  const body = response.body as Bundle | undefined;
  if (body?.entry?.[0]?.resource?.meta?.profile?.includes(SUBSCRIPTION_STATUS_PROFILE)) return false;
  return body?.resourceType === 'Bundle' && (body.type === 'searchset' || body.type === 'history');
}

async function runWrite(route: Route, params: RouteParams, req: FhirRequest, ctx: FhirContext, access: AccessContext, needs: InteractionNeeds): Promise<FhirResponse> {
  return ctx.repo.transaction(async (tx) => {
    const txCtx = withRowFilters({ ...ctx, repo: tx }, access, 'r', needs.resourceType);
    const hidden = needs.instance ? await checkWriteTarget(tx, access, needs.instance, needs.permissions[0], route.interaction) : false;
    // Deleting a hidden resource answers as deleting an absent one does, and changes nothing.
    const response = hidden ? nothingToDelete() : await route.handler(req, params, txCtx);
    if (!hidden) await checkWrittenResource(tx, access, response);
    await recordAudit(access, route.interaction, params, req, { response, status: response.status }, tx);
    return response;
  });
}

/**
 * Hands the handlers the access filter: the search engine ANDs searchRowFilter into matches, and into included
 * rows and rows that chains, _has and _list look through; history ANDs historyRowFilter into its statement
 * (`permission`: 's' for type/system history, 'r' for an instance's). Omitted when the policy reaches every row.
 */
function withRowFilters(ctx: FhirContext, access: AccessContext, permission: Permission, resourceType: string | undefined): FhirContext {
  const { policy } = access;
  if (allowsEveryRow(policy, 's') && allowsEveryRow(policy, 'r') && !mayTouchOwnedTypes(policy, resourceType)) return ctx;
  const searchRowFilter: RowFilter = (alias, use, resourceType) => accessFilter(policy, alias, use === 'match' ? 's' : 'r', resourceType);
  const historyRowFilter: HistoryRowFilter = (alias, resourceType) => visibleVersionCondition(policy, alias, permission, resourceType);
  const readRowFilter = (alias: 'r', resourceType: string) => accessFilter(policy, alias, 'r', resourceType);
  return { ...ctx, searchRowFilter, historyRowFilter, readRowFilter };
}

/** An existing version the policy does not reach (see visibleVersionCondition) reads as absent (404). */
async function checkVersion(repo: Repository, access: AccessContext, params: RouteParams): Promise<void> {
  const { resourceType, id, versionId } = params;
  if (!resourceType || !id || allowsEveryRow(access.policy, 'r', resourceType)) return;
  if (!(await versionVisible(repo, access.policy, resourceType, id, versionId ?? ''))) throw notFound(`${resourceType}/${id}/_history/${versionId} not found`);
}

/** An existing instance the policy does not reach reads as absent (404). */
async function checkInstance(repo: Repository, access: AccessContext, instance: { resourceType: string; id: string }, permission: Permission): Promise<void> {
  if (allowsEveryRow(access.policy, permission, instance.resourceType)) return;
  const visibility = await instanceVisibility(repo, access.policy, instance.resourceType, instance.id, permission);
  if (visibility === 'hidden') throw notFound(`${instance.resourceType}/${instance.id} not found`);
}

/**
 * A write must not tell a resource the token cannot see from one that does not exist. PATCH of a hidden resource
 * answers exactly as for an absent one (404, the handler's own message); DELETE of either succeeds without
 * deleting anything (returns true: the caller answers as for an absent resource). PUT to an absent id would
 * create it (update-as-create), which a hidden one cannot: so a token limited to some rows may not create with a
 * chosen id (it can POST), and PUT to an absent or a hidden id gets the same 403.
 */
async function checkWriteTarget(repo: Repository, access: AccessContext, instance: { resourceType: string; id: string }, permission: Permission, interaction: Interaction): Promise<boolean> {
  if (allowsEveryRow(access.policy, permission, instance.resourceType)) return false;
  const visibility = await instanceVisibility(repo, access.policy, instance.resourceType, instance.id, permission);
  if (visibility === 'visible') return false;
  if (interaction === 'update') {
    throw insufficientScope(`The granted scopes do not allow writing ${instance.resourceType}/${instance.id} (a token limited to some resources cannot create with a chosen id: use POST)`);
  }
  if (visibility !== 'hidden') return false;
  if (interaction === 'delete') return true;
  throw notFound(`${instance.resourceType}/${instance.id} not found`);
}

/** After the write, still inside its transaction: the stored resource must be one the policy reaches. */
async function checkWrittenResource(repo: Repository, access: AccessContext, response: FhirResponse): Promise<void> {
  const body = response.body;
  if (!body?.id || body.resourceType === 'OperationOutcome' || body.resourceType === 'Bundle') return;
  const permission: Permission = response.status === 201 ? 'c' : 'u';
  if (grantsFor(access.policy, body.resourceType, permission).length === 0) {
    throw insufficientScope(`No granted scope allows ${describe(permission)} ${body.resourceType}`);
  }
  if (allowsEveryRow(access.policy, permission, body.resourceType)) return;
  // Only Part 2 information is withheld from scopes that reach every row, and the labelling marks all of it.
  if (scopesReachEveryRow(access.policy, permission, body.resourceType) && !carriesPart2Label(body)) return;
  const visibility = await instanceVisibility(repo, access.policy, body.resourceType, body.id, permission);
  if (visibility !== 'visible') throw insufficientScope(`The granted scopes do not allow writing this ${body.resourceType} (e.g. it belongs to another patient)`);
}

async function filterListing(repo: Repository, access: AccessContext, response: FhirResponse, resourceType: string | undefined): Promise<FhirResponse> {
  if (allowsEveryRow(access.policy, 's', resourceType) && allowsEveryRow(access.policy, 'r')) return response;
  const { bundle } = await filterBundleEntries(repo, access.policy, response.body as Bundle);
  // A total counted before row filtering could reveal how many resources others have.
  const { total: _total, ...withoutTotal } = bundle;
  return { ...response, body: withoutTotal as Bundle };
}

async function recordAudit(
  access: AccessContext, interaction: Interaction, params: RouteParams, req: FhirRequest,
  result: { response?: FhirResponse; status: number; message?: string; disclosures?: DisclosureRecord[] }, tx?: Repository,
): Promise<void> {
  if (!access.audit) return;
  const record = fhirAuditRecord(access, interaction, params, req, result);
  // Inside a transaction Bundle successes wait for its commit; a failure is written now, since the rollback would lose it.
  if (access.auditBuffer && result.status < 400) access.auditBuffer.push(record);
  else await access.audit.record(record, result.status < 400 ? tx : undefined);
}

/** AuditEvents live in the append-only audit_event table, not in `resource`: reads go there. */
function auditEventHandler(interaction: Interaction): Route['handler'] {
  return interaction === 'read' ? readAuditEvent : searchAuditEvents;
}

function insufficientScope(message: string): FhirError {
  const err = forbidden(message);
  Object.assign(err.headers, { 'WWW-Authenticate': `Bearer error="insufficient_scope", error_description="${message.replace(/"/g, "'")}"` });
  return err;
}

function describe(permission: Permission): string {
  return { c: 'creating', r: 'reading', u: 'updating', d: 'deleting', s: 'searching' }[permission];
}

function requestLine(req: FhirRequest): string {
  const query = new URLSearchParams(Object.entries(req.query).flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string]))).toString();
  return `${req.method} ${req.path}${query ? `?${query}` : ''}`;
}
