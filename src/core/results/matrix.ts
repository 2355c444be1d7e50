/**
 * The layout of the results matrix, one per K: rows are the config's sources in order, each once per
 * method (methods as grouped rows: a source's methods sit together, on the same episodes); columns are its
 * targets grouped by domain (domains in order of first appearance among the targets, targets in config
 * order within a domain), so that in-domain and cross-domain columns sit together.
 */

import type { Catalog } from '../config/catalog';
import { cellKey, describeMethod, describeSource, sourceKey, targetKey } from '../config/keys';
import { cellKs } from '../config/spec';
import type { MethodChoice, RunConfig, SourceSpec, TargetRef } from '../config/types';
import { resultKey } from './record';
import type { CellResult } from './types';

export interface MatrixRow {
  /** Unique among the rows: the source key, with the method when it is not ProtoNet (`rowId`). */
  id: string;
  /** The source key. */
  key: string;
  source: SourceSpec;
  method: MethodChoice;
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
  config: Pick<RunConfig, 'sources' | 'targets' | 'mode' | 'shots' | 'encoder' | 'methods'>,
  catalog: readonly Pick<Catalog[number], 'id' | 'domain'>[] = [],
): MatrixLayout {
  const domainOf = new Map(catalog.map((d) => [d.id, d.domain]));
  const several = config.methods.length > 1;
  const rows = config.sources.flatMap((s) =>
    config.methods.map((method) => ({
      id: rowId(sourceKey(s), method),
      key: sourceKey(s),
      source: { ...s },
      method,
      label: describeSource(s, config.encoder) + (several ? ` · ${describeMethod(method)}` : ''),
    })),
  );
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

/** A row's id: its source key, or JSON of [source key, method] for a method other than ProtoNet. */
export function rowId(source: string, method: MethodChoice): string {
  return method === 'protonet' ? source : JSON.stringify([source, method]);
}

/** Cells by `cellKey`; a later cell with the same key replaces an earlier one. */
export function indexCells(cells: readonly CellResult[]): Map<string, CellResult> {
  return new Map(cells.map((c) => [resultKey(c), c]));
}

/** The cell at (row, column, K) of a layout, or undefined when it has not run. */
export function cellAt(
  index: ReadonlyMap<string, CellResult>,
  row: MatrixRow,
  column: MatrixColumn,
  k: number,
): CellResult | undefined {
  return index.get(cellKey(row.key, column.key, k, row.method));
}
