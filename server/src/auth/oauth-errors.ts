/**
 * One error class per OAuth 2.0 error code (RFC 6749 §5.2, RFC 7009, RFC 7662). The token, introspection and
 * revocation endpoints answer them as `{error, error_description}` JSON, as the RFCs require; the authorize
 * endpoint sends them back to the app's redirect_uri. Descriptions are for the client: no internals.
 */
export abstract class OAuthError extends Error {
  abstract readonly code: string;
  readonly status: number = 400;
  constructor(readonly description: string) {
    super(description);
    this.name = new.target.name;
  }
}

export class InvalidRequest extends OAuthError {
  readonly code = 'invalid_request';
}

export class InvalidClient extends OAuthError {
  readonly code = 'invalid_client';
  override readonly status = 401;
}

export class InvalidGrant extends OAuthError {
  readonly code = 'invalid_grant';
}

export class UnauthorizedClient extends OAuthError {
  readonly code = 'unauthorized_client';
}

export class UnsupportedGrantType extends OAuthError {
  readonly code = 'unsupported_grant_type';
}

export class InvalidScope extends OAuthError {
  readonly code = 'invalid_scope';
}

export class AccessDenied extends OAuthError {
  readonly code = 'access_denied';
  override readonly status = 403;
}

export class UnsupportedResponseType extends OAuthError {
  readonly code = 'unsupported_response_type';
}

export class UnsupportedTokenType extends OAuthError {
  readonly code = 'unsupported_token_type';
}

export function oauthErrorBody(err: OAuthError): { error: string; error_description: string } {
  return { error: err.code, error_description: err.description };
}
