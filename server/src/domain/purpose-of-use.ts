/**
 * Purposes of use (HL7 v3 ActReason, the PurposeOfUse value set): what a disclosure is for. A Part 2 Consent
 * permits recipients for purposes (TREAT, HPAYMT, HOPERAT for the 2024 single TPO consent…); a backend client is
 * registered for the purposes it may claim; a token carries the one it was issued for.
 */
export const PURPOSE_OF_USE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

export const PURPOSES_OF_USE: readonly string[] = [
  'TREAT', 'ETREAT', 'BTG', 'ERTREAT', 'CLINTRL', 'COC', 'POPHLTH',
  'HPAYMT', 'CLMATTCH', 'COVAUTH', 'COVERAGE', 'ELIGDTRM', 'ELIGVER', 'ENROLLM', 'MILDCRG', 'REMITADV',
  'HOPERAT', 'CAREMGT', 'DONAT', 'FRAUD', 'GOV', 'HACCRED', 'HCOMPL', 'HDECD', 'HDIRECT', 'HDM', 'HLEGAL', 'HOUTCOMS',
  'HPRGRP', 'HQUALIMP', 'HSYSADMIN', 'LABELING', 'METAMGT', 'MEMADMIN', 'MILCDM', 'PATADMIN', 'PATSFTY', 'PERFMSR',
  'RECORDMGT', 'SYSDEV', 'HTEST', 'TRAIN', 'HMARKT',
  'HRESCH', 'BIORCH', 'CLINTRCH', 'CLINTRCHNPC', 'CLINTRCHPC', 'PRECLINTRCH', 'DSRCH', 'POARCH', 'TRANSRCH',
  'PATRQT', 'FAMRQT', 'PWATRNY', 'SUPNWK', 'PUBHLTH', 'DISASTER', 'THREAT',
];

/** Emergency treatment (42 CFR 2.51, a bona fide medical emergency): the purpose of a break-glass access. */
export const EMERGENCY_PURPOSE = 'ETREAT';

/**
 * A purpose as a code: plain (`TREAT`) or in the UDAP B2B form (`urn:oid:2.16.840.1.113883.5.8#TREAT`, or the
 * ActReason system URL with `#TREAT`). Undefined when it is no known purpose of use.
 */
export function purposeCode(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hash = value.lastIndexOf('#');
  const prefix = hash < 0 ? '' : value.slice(0, hash);
  if (hash >= 0 && prefix !== 'urn:oid:2.16.840.1.113883.5.8' && prefix !== PURPOSE_OF_USE_SYSTEM) return undefined;
  const code = hash < 0 ? value : value.slice(hash + 1);
  return PURPOSES_OF_USE.includes(code) ? code : undefined;
}
