/**
 * The layout of the results matrix, one per K: rows are the config's sources in order; columns are its
 * targets grouped by domain (domains in order of first appearance among the targets, targets in config
 * order within a domain), so that in-domain and cross-domain columns sit together.
 */

import type { Catalog } from '../config/catalog';
import { cellKey, describeSource, sourceKey, targetKey } from '../config/keys';
import { cellKs } from '../config/spec';
import type { RunConfig, SourceSpec, TargetRef } from '../config/types';
import type { CellResult } from './types';

export interface MatrixRow {
  key: string;
  source: SourceSpec;
  label: string;
}

export interface MatrixColumn {
  key: string;
  target: TargetRef;
  domain: string;
  /** Position of the target in `config.targets`. */
  index: number;
}

export interface MatrixGroup {
  domain: string;
  columns: MatrixColumn[];
}

export interface MatrixLayout {
  rows: MatrixRow[];
  groups: MatrixGroup[];
  /** The columns of every group, in display order. */
  columns: MatrixColumn[];
  /** One matrix per K (variable mode: [0]). */
  ks: number[];
}

/** Domain of a target whose dataset is not in the catalog. */
export const UNKNOWN_DOMAIN = '(unknown domain)';

export function matrixLayout(
  config: Pick<RunConfig, 'sources' | 'targets' | 'mode' | 'shots' | 'encoder'>,
  catalog: readonly Pick<Catalog[number], 'id' | 'domain'>[] = [],
): MatrixLayout {
  const domainOf = new Map(catalog.map((d) => [d.id, d.domain]));
  const rows = config.sources.map((s) => ({
    key: sourceKey(s),
    source: { ...s },
    label: describeSource(s, config.encoder),
  }));
  const groups: MatrixGroup[] = [];
  const byDomain = new Map<string, MatrixGroup>();
  config.targets.forEach((t, index) => {
    const domain = domainOf.get(t.dataset) ?? UNKNOWN_DOMAIN;
    let g = byDomain.get(domain);
    if (!g) {
      g = { domain, columns: [] };
      byDomain.set(domain, g);
      groups.push(g);
    }
    g.columns.push({ key: targetKey(t), target: { ...t }, domain, index });
  });
  return { rows, groups, columns: groups.flatMap((g) => g.columns), ks: cellKs(config) };
}

/** Cells by `cellKey`; a later cell with the same key replaces an earlier one. */
export function indexCells(cells: readonly CellResult[]): Map<string, CellResult> {
  return new Map(cells.map((c) => [cellKey(c.source, c.target, c.k), c]));
}

/** The cell at (row, column, K) of a layout, or undefined when it has not run. */
export function cellAt(
  index: ReadonlyMap<string, CellResult>,
  row: MatrixRow,
  column: MatrixColumn,
  k: number,
): CellResult | undefined {
  return index.get(cellKey(row.key, column.key, k));
}
