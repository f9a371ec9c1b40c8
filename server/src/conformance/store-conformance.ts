/**
 * Stores our conformance content as resources (PUT semantics, by the file's id or one derived from its url), so
 * it is readable and searchable over REST (`GET /fhir/ValueSet?url=…`). A resource whose content is unchanged
 * is not written again, so restarts and several replicas starting at once add no versions.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Repository } from '../store/repository';
import { validateFully } from '../validation/validate-resource';
import type { ConformanceProblem } from './read-conformance-files';

export interface StoreResult {
  written: number;
  unchanged: number;
  problems: ConformanceProblem[];
}

class Unchanged extends Error {}

const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;

export async function storeConformanceResources(repo: Repository, resources: Resource[]): Promise<StoreResult> {
  const result: StoreResult = { written: 0, unchanged: 0, problems: [] };
  for (const resource of resources) {
    const id = stableId(resource);
    const where = `${resource.resourceType}/${id ?? '?'} (${(resource as { url?: string }).url ?? 'no url'})`;
    if (!id) {
      result.problems.push({ file: where, message: 'needs an id (or a url ending in one) to be stored' });
      continue;
    }
    const candidate = { ...(withoutVersion(resource) as Resource), id };
    const report = validateFully(candidate);
    if (report.failureStatus) {
      const first = report.issues.find((i) => i.severity === 'error');
      result.problems.push({ file: where, message: `not stored, invalid: ${first?.diagnostics ?? 'error'}` });
      continue;
    }
    if (await writeUnlessUnchanged(repo, candidate, id)) result.written++;
    else result.unchanged++;
  }
  return result;
}

/** False when the stored copy already has this content. Retries once when another replica inserted it first. */
async function writeUnlessUnchanged(repo: Repository, candidate: Resource, id: string, retried = false): Promise<boolean> {
  try {
    await repo.write({
      resourceType: candidate.resourceType, id, method: 'PUT', resource: candidate,
      check: (current) => {
        if (current && !current.deleted && sameContent(current.resource, candidate)) throw new Unchanged();
      },
    });
    return true;
  } catch (err) {
    if (err instanceof Unchanged) return false;
    if (!retried && (err as { code?: unknown }).code === '23505') return writeUnlessUnchanged(repo, candidate, id, true);
    throw err;
  }
}

function stableId(resource: Resource): string | undefined {
  if (resource.id && ID_RE.test(resource.id)) return resource.id;
  const url = (resource as { url?: string }).url;
  const last = url?.split('|')[0].split(/[/#:]/).filter(Boolean).pop();
  const slug = last?.replace(/[^A-Za-z0-9\-.]/g, '-').slice(0, 64);
  return slug && ID_RE.test(slug) ? slug : undefined;
}

function sameContent(stored: Resource, candidate: Resource): boolean {
  return canonicalJson(withoutVersion(stored)) === canonicalJson(withoutVersion(candidate));
}

function withoutVersion(resource: Resource): Partial<Resource> {
  const { meta, ...rest } = resource;
  const { versionId: _v, lastUpdated: _l, ...metaRest } = meta ?? {};
  return Object.keys(metaRest).length > 0 ? { ...rest, meta: metaRest } : rest;
}

/** JSON with sorted keys: jsonb does not keep key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
