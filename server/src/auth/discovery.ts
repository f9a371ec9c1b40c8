/** The discovery documents: SMART configuration (at the FHIR base) and OpenID configuration (at the issuer). */
import type { AuthSettings } from './auth-settings';

export const SMART_CAPABILITIES = [
  'launch-ehr', 'launch-standalone', 'authorize-post',
  'client-public', 'client-confidential-symmetric', 'client-confidential-asymmetric',
  'sso-openid-connect',
  'context-ehr-patient', 'context-ehr-encounter', 'context-standalone-patient', 'context-banner', 'context-style',
  'permission-offline', 'permission-online', 'permission-patient', 'permission-user', 'permission-v1', 'permission-v2',
];

export const CLIENT_ASSERTION_ALGS = ['RS384', 'ES384'];

export const SUPPORTED_SCOPES = [
  'openid', 'fhirUser', 'profile', 'launch', 'launch/patient', 'launch/encounter', 'offline_access', 'online_access',
  'patient/*.cruds', 'patient/*.rs', 'user/*.cruds', 'user/*.rs', 'system/*.cruds', 'system/*.rs',
  'patient/*.read', 'patient/*.write', 'patient/*.*', 'user/*.read', 'user/*.write', 'user/*.*', 'system/*.read', 'system/*.*',
];

export function smartConfiguration(settings: AuthSettings): Record<string, unknown> {
  return {
    issuer: settings.issuer,
    jwks_uri: settings.jwksUri,
    authorization_endpoint: settings.authorizeEndpoint,
    token_endpoint: settings.tokenEndpoint,
    introspection_endpoint: settings.introspectionEndpoint,
    revocation_endpoint: settings.revocationEndpoint,
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types_supported: ['code'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
    scopes_supported: SUPPORTED_SCOPES,
    code_challenge_methods_supported: ['S256'],
    capabilities: SMART_CAPABILITIES,
  };
}

export function openidConfiguration(settings: AuthSettings): Record<string, unknown> {
  return {
    issuer: settings.issuer,
    authorization_endpoint: settings.authorizeEndpoint,
    token_endpoint: settings.tokenEndpoint,
    jwks_uri: settings.jwksUri,
    introspection_endpoint: settings.introspectionEndpoint,
    revocation_endpoint: settings.revocationEndpoint,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
    scopes_supported: SUPPORTED_SCOPES,
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nonce', 'fhirUser', 'name', 'preferred_username'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
  };
}

/** CapabilityStatement.rest.security: SMART-on-FHIR, with the OAuth endpoints (for clients that read metadata). */
export function smartRestSecurity(fhirBase: string) {
  const auth = `${fhirBase.replace(/\/fhir\/?$/, '')}/auth`;
  return {
    cors: true,
    service: [{
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR', display: 'SMART-on-FHIR' }],
      text: 'OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)',
    }],
    extension: [{
      url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
      extension: [
        { url: 'authorize', valueUri: `${auth}/authorize` },
        { url: 'token', valueUri: `${auth}/token` },
        { url: 'introspect', valueUri: `${auth}/introspect` },
        { url: 'revoke', valueUri: `${auth}/revoke` },
      ],
    }],
    description: 'SMART App Launch 2.2 and SMART Backend Services: discovery at .well-known/smart-configuration',
  };
}
