/** The launch context a grant carries from the authorize step to every token issued for it. */

/** A SMART 2.2 fhirContext item (Patient and Encounter travel in their own `patient` / `encounter` fields). */
export interface FhirContextItem {
  reference?: string;
  canonical?: string;
  identifier?: { system?: string; value?: string };
  type?: string;
  role?: string;
}

export interface LaunchContext {
  patient?: string;
  encounter?: string;
  fhirContext: FhirContextItem[];
  /** Launched from an EHR (our launcher): the EHR shows the patient banner, so the app need not. */
  ehrLaunch: boolean;
}

export const NO_LAUNCH_CONTEXT: LaunchContext = { fhirContext: [], ehrLaunch: false };

const REFERENCE_RE = /^[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/;

export function isRelativeReference(value: unknown): value is string {
  return typeof value === 'string' && REFERENCE_RE.test(value);
}

/** Keeps only well-formed items: a relative reference, or a canonical / identifier with a type. */
export function cleanFhirContext(items: unknown): FhirContextItem[] {
  if (!Array.isArray(items)) return [];
  return items.filter((item): item is FhirContextItem => {
    if (!item || typeof item !== 'object') return false;
    const { reference, canonical, identifier } = item as FhirContextItem;
    if (reference !== undefined) return isRelativeReference(reference);
    return (typeof canonical === 'string' && /^https?:\/\//.test(canonical)) || (typeof identifier === 'object' && identifier !== null);
  });
}
