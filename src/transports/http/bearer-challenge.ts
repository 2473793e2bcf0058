/** The parameters of a `Bearer` challenge in `WWW-Authenticate` (RFC 6750 §3, RFC 9728 §5.1). */
export interface BearerChallenge {
  /** None when the request carried no credentials at all, as RFC 6750 §3.1 asks. */
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  /** What was wrong, for a person. */
  description?: string;
  /** The scopes the operation needs. */
  scope?: readonly string[];
  /** The URL of the Protected Resource Metadata document. */
  resourceMetadata?: string;
}

/**
 * The `WWW-Authenticate` value of a challenge: `Bearer error="…", scope="…", resource_metadata="…",
 * error_description="…"`. The description goes last and is reduced to the characters RFC 6750 allows
 * in it (printable ASCII without `"` and `\`), so that no parser reads a parameter out of it.
 */
export function formatBearerChallenge(challenge: BearerChallenge): string {
  const params: string[] = [];
  if (challenge.error !== undefined) params.push(`error="${challenge.error}"`);
  if (challenge.scope !== undefined && challenge.scope.length > 0) {
    params.push(`scope="${challenge.scope.join(' ')}"`);
  }
  if (challenge.resourceMetadata !== undefined) {
    params.push(`resource_metadata="${quotable(challenge.resourceMetadata)}"`);
  }
  if (challenge.error !== undefined && challenge.description !== undefined) {
    params.push(`error_description="${quotable(challenge.description)}"`);
  }
  return params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`;
}

// RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E.
function quotable(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?');
}
