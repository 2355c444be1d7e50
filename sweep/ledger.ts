/**
 * The import ledger: which `--data` inputs a sweep imported into a browser profile, so that later runs
 * and sweeps on the same profile skip them. A JSON file inside the profile folder (deleting the profile
 * deletes it too). An entry counts only while the page's store still holds its dataset with the same
 * fingerprint; the spec checks that before skipping an import.
 */

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CatalogDataset } from '../src/core/config';

export const LEDGER_FILE = 'protobench-sweep-imports.json';

export interface LedgerEntry {
  id: string;
  /** The input's content hash (see DataInput.sourceHash). */
  sourceHash: string;
  /** The stored dataset's fingerprint, as the page reported it after the import. */
  fingerprint: string;
  /** Where it was imported from (for people reading the file). */
  path: string;
  importedAt: string;
  /** Its catalog entry (Node's reading), so sweeps without --data can check targets on it. */
  catalog: CatalogDataset;
}

export function ledgerPath(profile: string): string {
  return join(profile, LEDGER_FILE);
}

export function readLedger(profile: string): LedgerEntry[] {
  const p = ledgerPath(profile);
  if (!existsSync(p)) return [];
  try {
    const doc = JSON.parse(readFileSync(p, 'utf8')) as { version?: number; entries?: LedgerEntry[] };
    return doc.version === 1 && Array.isArray(doc.entries) ? doc.entries : [];
  } catch {
    return [];
  }
}

/** Write a file whole or not at all: a temporary file in the same folder, then a rename. */
export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Replace the entry of `e.id` (one entry per dataset id). */
export function recordImport(profile: string, e: LedgerEntry): void {
  const entries = readLedger(profile).filter((x) => x.id !== e.id);
  entries.push(e);
  writeAtomic(ledgerPath(profile), `${JSON.stringify({ version: 1, entries }, null, 1)}\n`);
}
