/** A storage failure the user must see: says what was being written and that nothing was kept. */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'quota' | 'exists' | 'invalid' | 'aborted' | 'io',
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export function isQuotaError(e: unknown): boolean {
  if (e instanceof DOMException) return e.name === 'QuotaExceededError';
  if (e instanceof Error) return e.name === 'QuotaExceededError' || /quota/i.test(e.message);
  return false;
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
