/**
 * `POST [base]/SearchParameter/$reindex` starts a reindex job (202, Content-Location points at its status);
 * `GET [base]/SearchParameter/$reindex?job=<id>` reports its progress, and `?url=<SearchParameter url>` that of the
 * job queued when that parameter was last added or changed (e.g. by writing an active SearchParameter resource). Inputs (Parameters body, form or query):
 * `url` — stored SearchParameters to register and reindex for; `resourceType` — types to reindex as they are;
 * neither — every stored SearchParameter. Restricting it to administrators is the access layer's job.
 */
import { isResourceType } from '@medplum/core';
import type { Parameters, ParametersParameter, SearchParameter } from '@medplum/fhirtypes';
import { badRequest, notFound } from '../../errors';
import type { FhirContext, FhirRequest, FhirResponse, RouteParams } from '../../fhir/types';
import { sql } from '../../store/sql';
import { registerSearchParameters } from './param-state';
import { enqueueReindex, jobNotFound, readReindexJob, ReindexJob } from './reindex-job';
import { ensureReindexWorker } from './reindex-worker';

export async function startReindex(req: FhirRequest, _params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const urls = inputValues(req, 'url');
  const types = inputValues(req, 'resourceType');
  for (const type of types) if (!isResourceType(type)) throw badRequest(`$reindex: unknown resource type ${type}`);
  let jobId: string;
  if (urls.length > 0 || types.length === 0) {
    const definitions = await storedSearchParameters(ctx, urls);
    if (definitions.length === 0) throw badRequest('$reindex: no SearchParameter is stored on this server; name a resourceType to reindex');
    const result = await registerSearchParameters(ctx.repo, definitions, 'requested by $reindex');
    const bases = [...new Set([...definitions.flatMap((d) => d.base ?? []), ...types])];
    jobId = result.jobId ?? await enqueueReindex(ctx.repo, bases, `requested by $reindex: ${definitions.map((d) => d.url).join(', ')}`);
  } else {
    jobId = await enqueueReindex(ctx.repo, types, `requested by $reindex for ${types.join(', ')}`);
  }
  const job = (await readReindexJob(ctx.repo, jobId))!;
  // A worker bound to a transaction would outlive its connection: inside a Bundle the boot-time worker runs it.
  if (!ctx.repo.inTransaction) ensureReindexWorker(ctx.repo);
  return { status: 202, headers: { 'Content-Location': `${ctx.baseUrl}/SearchParameter/$reindex?job=${job.id}` }, body: jobParameters(job) };
}

export async function reindexStatus(req: FhirRequest, _params: RouteParams, ctx: FhirContext): Promise<FhirResponse> {
  const [url] = inputValues(req, 'url');
  const id = inputValues(req, 'job')[0] ?? (url ? await jobForParameter(ctx, url) : undefined);
  if (!id) throw badRequest('$reindex status needs ?job=<id> (from the Content-Location of the POST) or ?url=<SearchParameter url>');
  const job = await readReindexJob(ctx.repo, id);
  if (!job) throw jobNotFound(id);
  return { status: 200, body: jobParameters(job) };
}

/** The job queued when the SearchParameter with this url was last added or changed. */
async function jobForParameter(ctx: FhirContext, url: string): Promise<string> {
  const [state] = await ctx.repo.query<{ reindex_job: string | null }>(sql`SELECT reindex_job FROM search_param_state WHERE url = ${url}`);
  if (!state) throw notFound(`$reindex: no active SearchParameter with url ${url} is registered`);
  if (state.reindex_job === null) throw notFound(`$reindex: no reindex job is recorded for ${url}`);
  return String(state.reindex_job);
}

function inputValues(req: FhirRequest, name: string): string[] {
  const fromQuery = (req.query[name] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const body = req.body as Parameters | undefined;
  const fromBody = body?.resourceType === 'Parameters'
    ? (body.parameter ?? []).filter((p) => p.name === name).map(primitiveOf).filter((v): v is string => !!v)
    : [];
  return [...fromQuery, ...fromBody];
}

function primitiveOf(parameter: ParametersParameter): string | undefined {
  return parameter.valueUri ?? parameter.valueCanonical ?? parameter.valueUrl ?? parameter.valueCode ?? parameter.valueString
    ?? (parameter.valueInteger === undefined ? undefined : String(parameter.valueInteger));
}

async function storedSearchParameters(ctx: FhirContext, urls: string[]): Promise<SearchParameter[]> {
  const rows = await ctx.repo.query<{ content: SearchParameter }>(sql`
    SELECT content FROM resource WHERE resource_type = 'SearchParameter' AND NOT deleted
      AND (${urls.length === 0} OR content->>'url' = ANY(${urls}::text[]))
    ORDER BY res_id`);
  const found = rows.map((r) => r.content);
  const missing = urls.filter((url) => !found.some((d) => d.url === url));
  if (missing.length > 0) throw notFound(`$reindex: no stored SearchParameter with url ${missing.join(', ')}`);
  return found;
}

function jobParameters(job: ReindexJob): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'job', valueString: job.id },
    { name: 'status', valueCode: job.status },
    { name: 'reason', valueString: job.reason },
    ...job.resourceTypes.map((type) => ({ name: 'resourceType', valueString: type === '*' ? 'all types' : type })),
    { name: 'processed', valueInteger: job.processed },
    ...(job.total === null ? [] : [{ name: 'total', valueInteger: job.total }]),
    { name: 'created', valueInstant: job.createdAt.toISOString() },
    ...(job.finishedAt ? [{ name: 'finished', valueInstant: job.finishedAt.toISOString() }] : []),
    ...(job.error ? [{ name: 'lastError', valueString: job.error }] : []),
  ];
  return { resourceType: 'Parameters', parameter };
}
