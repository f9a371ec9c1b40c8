/** What a FHIR interaction needs: the SMART permission letters on its resource type, and whether it writes. */
import type { FhirRequest, Interaction, RouteParams } from '../fhir/types';
import type { Permission } from './scopes';

export interface InteractionNeeds {
  /** The resource type the permission applies to; undefined for system-level interactions. */
  resourceType?: string;
  permissions: Permission[];
  /** An existing instance the caller must be able to see first. */
  instance?: { resourceType: string; id: string };
  writes: boolean;
  /** Criteria pick the target (conditional writes): only allowed when the policy reaches every row. */
  conditional: boolean;
  /** Server administration (reindexing, audit verification): administrators only. */
  adminOnly?: boolean;
  /**
   * The operation checks the scopes of each resource type it touches itself (e.g. $export of `_type=Claim,Coverage`
   * under `system/Claim.rs system/Coverage.rs`), and applies the access filter to every row it reads.
   */
  checksOwnScopes?: boolean;
}

/** Operations that administer the server rather than read or write patient data. */
const ADMIN_OPERATIONS = new Set(['reindex', 'verify-audit-chain']);
/** Operations that check per-type scopes themselves (see InteractionNeeds.checksOwnScopes). */
const SELF_CHECKING_OPERATIONS = new Set(['export', 'import']);
/**
 * Emergency access (42 CFR 2.51) is asked for a patient the practitioner may not reach yet: the operation checks
 * who may call it (a practitioner user) instead of the instance's visibility.
 */
const EMERGENCY_OPERATIONS = new Set(['break-glass']);

const READS: Partial<Record<Interaction, Permission>> = {
  read: 'r', vread: 'r', 'history-instance': 'r',
  'search-type': 's', 'search-system': 's', 'search-compartment': 's', 'history-type': 's', 'history-system': 's',
};

export function interactionNeeds(interaction: Interaction, params: RouteParams, req: FhirRequest): InteractionNeeds {
  const resourceType = params.resourceType;
  const instance = resourceType && params.id ? { resourceType, id: params.id } : undefined;
  const read = READS[interaction];
  if (interaction === 'search-compartment') {
    // The compartment's own resource (Patient/123) must be visible first; the searched type is absent for `*`
    // (every type), which needs what a system-wide search needs, the access filter choosing the rows.
    const compartment = { resourceType: params.compartmentType ?? '', id: params.id ?? '' };
    return { resourceType, permissions: ['s'], instance: compartment, writes: false, conditional: false };
  }
  if (interaction === 'operation' && ADMIN_OPERATIONS.has(params.operation ?? '')) {
    return { resourceType, permissions: [], writes: false, conditional: false, adminOnly: true };
  }
  if (read) return { resourceType, permissions: [read], instance, writes: false, conditional: false };
  if (interaction === 'operation' && EMERGENCY_OPERATIONS.has(params.operation ?? '')) {
    return { resourceType, permissions: [], writes: false, conditional: false, checksOwnScopes: true };
  }
  switch (interaction) {
    case 'create':
      return { resourceType, permissions: req.headers.ifNoneExist ? ['c', 's'] : ['c'], writes: true, conditional: false };
    case 'update':
    case 'patch':
      return { resourceType, permissions: ['u'], instance, writes: true, conditional: false };
    case 'delete':
      return { resourceType, permissions: ['d'], instance, writes: true, conditional: false };
    case 'conditional-update':
    case 'conditional-patch':
      return { resourceType, permissions: ['u', 's'], writes: true, conditional: true };
    case 'conditional-delete':
      return { resourceType, permissions: ['d', 's'], writes: true, conditional: true };
    case 'operation':
      return {
        resourceType, permissions: resourceType ? ['r'] : [], instance, writes: false, conditional: false,
        checksOwnScopes: SELF_CHECKING_OPERATIONS.has(params.operation ?? ''),
      };
    default:
      return { permissions: [], writes: false, conditional: false }; // capabilities, batch (entries are checked one by one)
  }
}
