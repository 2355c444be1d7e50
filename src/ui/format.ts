export function bytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export const TASK_KIND: Record<string, string> = {
  BINARY_CLASSIFICATION: 'binary',
  MULTICLASS_CLASSIFICATION: 'multiclass',
  MULTILABEL_CLASSIFICATION: 'multilabel',
  ORDINAL_REGRESSION: 'ordinal',
};

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
