/** PKCE (RFC 7636), S256 only: the plain method is refused at the authorize step. */
import { createHash } from 'node:crypto';
import { InvalidGrant, InvalidRequest } from './oauth-errors';

const VERIFIER_RE = /^[A-Za-z0-9._~-]{43,128}$/;
const CHALLENGE_RE = /^[A-Za-z0-9_-]{43}$/;

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** At the authorize endpoint: a challenge is required, and its method must be S256. */
export function checkCodeChallenge(challenge: string | undefined, method: string | undefined): string {
  if (!challenge) throw new InvalidRequest('code_challenge is required (PKCE)');
  if (method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256');
  if (!CHALLENGE_RE.test(challenge)) throw new InvalidRequest('code_challenge must be a base64url SHA-256 hash');
  return challenge;
}

/** At the token endpoint: the verifier must hash to the challenge the code was issued for. */
export function checkCodeVerifier(verifier: string | undefined, challenge: string): void {
  if (!verifier) throw new InvalidGrant('code_verifier is required');
  if (!VERIFIER_RE.test(verifier)) throw new InvalidGrant('code_verifier must be 43-128 characters of [A-Za-z0-9._~-]');
  if (s256(verifier) !== challenge) throw new InvalidGrant('code_verifier does not match the code_challenge');
}
