/**
 * Validates a resource against profiles: those it claims in meta.profile, the one a caller names ($validate's
 * `profile`), and the R4 vital-signs profile that its category and code imply (observation-vitalsigns.html: such
 * Observations SHALL conform). Implied-only conformance is advisory: its problems come back as warnings.
 */
import type { TypedValue } from '@medplum/core';
import type { Coding, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { issue } from '../errors';
import { terminology } from '../terminology/terminology-store';
import { checkBindings } from './check-bindings';
import { collectBoundValues, type BindingSelection } from './collect-bound-values';
import { checkProfile, conformsToTree, type ProfileCheckOptions } from './profile/check-profile';
import { elementTreeOf, type ElementTree } from './profile/element-tree';
import { findProfile, isBaseDefinition } from './profile-registry';
import { impliedVitalSignsProfiles } from './vital-signs';

const ALL_STRENGTHS = new Set(['required', 'extensible', 'preferred'] as const);
const PROFILE_BINDINGS: BindingSelection = { strengths: ALL_STRENGTHS, extensionStrengths: ALL_STRENGTHS };

interface ProfileClaim {
  url: string;
  /** Where the claim is (meta.profile[i]); none for a requested or implied profile. */
  where?: string;
  source: 'claimed' | 'requested' | 'implied';
}

export function checkProfiles(resource: Resource, requestedProfile: string | undefined): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const seen = new Set<string>();
  for (const claim of claimsOf(resource, requestedProfile)) {
    const { url, where, source } = claim;
    if (typeof url !== 'string' || seen.has(url) || isBaseDefinition(url, resource.resourceType)) continue;
    seen.add(url);
    const profile = findProfile(url);
    if (!profile) {
      issues.push(source === 'requested'
        ? issue('error', 'not-found', `Profile ${url} is not known to this server, so the resource cannot be validated against it`)
        : issue('warning', 'not-supported', `Profile ${url} is not known to this server; the resource was not checked against it`, where ? [where] : undefined));
      continue;
    }
    if (profile.definition.type !== resource.resourceType) {
      issues.push(issue('error', 'invalid', `Profile ${url} constrains ${profile.definition.type}, not ${resource.resourceType}`, where ? [where] : undefined));
      continue;
    }
    const found = validateAgainst(resource, elementTreeOf(profile.definition), profile.schema);
    issues.push(...found.map((i) => annotate(i, claim)));
  }
  return withoutEchoes(issues);
}

/** An implied profile's warning that repeats a problem a claimed profile already reports is dropped. */
function withoutEchoes(issues: OperationOutcomeIssue[]): OperationOutcomeIssue[] {
  const key = (i: OperationOutcomeIssue) => `${i.expression?.join(',') ?? ''}|${i.details?.text ?? ''}`;
  const reported = new Set(issues.filter((i) => i.severity !== 'warning').map(key));
  return issues.filter((i) => i.severity !== 'warning' || !reported.has(key(i)));
}

function claimsOf(resource: Resource, requestedProfile: string | undefined): ProfileClaim[] {
  const requested: ProfileClaim[] = requestedProfile ? [{ url: requestedProfile, source: 'requested' }] : [];
  const claimed: ProfileClaim[] = (resource.meta?.profile ?? []).map((url, index) => ({ url, where: `${resource.resourceType}.meta.profile[${index}]`, source: 'claimed' }));
  const explicit = [...requested, ...claimed];
  // A claimed profile derived from an implied one (bp from vitalsigns) already checks everything the implied one would.
  const covered = new Set(explicit.flatMap((c) => (typeof c.url === 'string' ? ancestorsOf(c.url) : [])));
  const implied: ProfileClaim[] = impliedVitalSignsProfiles(resource).filter((url) => !covered.has(url)).map((url) => ({ url, source: 'implied' }));
  return [...explicit, ...implied];
}

/** The profile itself and every profile it derives from (its baseDefinition chain), as far as the server knows them. */
function ancestorsOf(url: string): string[] {
  const chain: string[] = [];
  for (let current: string | undefined = url; current && !chain.includes(current) && chain.length < 16;) {
    chain.push(current);
    current = findProfile(current)?.definition.baseDefinition;
  }
  return chain;
}

function validateAgainst(resource: Resource, tree: ElementTree, schema: Parameters<typeof collectBoundValues>[1]): OperationOutcomeIssue[] {
  const { issues, sliceBoundValues } = checkProfile(tree, resource, profileCheckOptions);
  const inSlices = sliceBoundValues.filter((v) => PROFILE_BINDINGS.strengths.has(v.binding.strength));
  const bound = [...collectBoundValues(resource, schema, PROFILE_BINDINGS), ...inSlices];
  return [...issues.map(withLocation), ...checkBindings(bound, terminology())];
}

/** An implied profile only advises: its errors become warnings that say which rule of R4 asks for it. */
function annotate(problem: OperationOutcomeIssue, claim: ProfileClaim): OperationOutcomeIssue {
  const implied = claim.source === 'implied';
  const note = implied
    ? ` [vital-signs profile ${claim.url}: R4 requires vital signs to conform to it]`
    : ` [profile ${claim.url}]`;
  const severity = implied && (problem.severity === 'error' || problem.severity === 'fatal') ? 'warning' : problem.severity;
  return { ...problem, severity, diagnostics: `${problem.diagnostics ?? problem.details?.text ?? ''}${note}` };
}

function withLocation(problem: OperationOutcomeIssue): OperationOutcomeIssue {
  const text = problem.diagnostics ?? problem.details?.text ?? 'Invalid resource';
  const where = problem.expression?.[0];
  return { ...problem, diagnostics: where ? `${text} (at ${where})` : text };
}

function treeOf(url: string): ElementTree | undefined {
  const profile = findProfile(url);
  return profile ? elementTreeOf(profile.definition) : undefined;
}

const profileCheckOptions: ProfileCheckOptions = {
  treeOf,
  inValueSet(valueSet: string, value: TypedValue): boolean | undefined {
    const result = terminology().expand(valueSet);
    if (!result.ok) return undefined;
    return codingsOf(value).some((c) => c.code !== undefined && result.expansion.find(c.system, c.code) !== undefined);
  },
  conformsTo(value: TypedValue, profileUrl: string): boolean | undefined {
    const tree = treeOf(profileUrl);
    return tree ? conformsToTree(tree, value, profileCheckOptions) : undefined;
  },
};

function codingsOf(value: TypedValue): Coding[] {
  const raw = value.value as { valueOf(): unknown } & Record<string, unknown>;
  if (value.type === 'code' || value.type === 'string' || value.type === 'uri') return [{ code: String(raw.valueOf()) }];
  if (value.type === 'Coding' || value.type === 'Quantity') return [{ system: raw.system as string, code: raw.code as string }];
  return Array.isArray(raw.coding) ? (raw.coding as Coding[]) : [];
}
