/** An error's message, for a sentence that says why something failed; anything else as a string. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
