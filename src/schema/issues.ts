/** One thing wrong with a value: where (`'count'`, `'data.items[0]'`, `''` for the root) and what. */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** The outcome of validating a value: the value with defaults applied, or every issue found. */
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Joins path segments as a reader would write them: `a.b[0]["odd key"]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (typeof segment === 'symbol') path += `[${String(segment)}]`;
    else if (IDENTIFIER.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/**
 * One human line for all issues, e.g. `"source" is required (string); "count" must be a number (got string "abc")`.
 */
export function formatIssues(issues: readonly SchemaIssue[]): string {
  return issues
    .map((issue) => `${issue.path === '' ? 'value' : `"${issue.path}"`} ${issue.message}`)
    .join('; ');
}
