/** The config checks' view of the store: each manifest with its class counts, no pixels. */

import type { ClassCount } from '../../core/class-counts';
import type { Catalog, CatalogDataset } from '../../core/config';
import type { DatasetInfo } from '../../core/types';

export interface CatalogSource {
  listDatasets(): Promise<(DatasetInfo & { fingerprint: string })[]>;
  classCounts(id: string): Promise<Record<string, ClassCount[]>>;
}

export function toCatalog(
  datasets: readonly (DatasetInfo & { fingerprint: string })[],
  counts: ReadonlyMap<string, Record<string, ClassCount[]>>,
): Catalog {
  return datasets.map((d): CatalogDataset => ({
    id: d.id,
    domain: d.domain,
    tasks: d.tasks.map((t) => ({ name: t.name, target: t.target, classCounts: counts.get(d.id)?.[t.name] ?? [] })),
    domainOverlaps: [...d.domainOverlaps],
    subjectOverlaps: [...d.subjectOverlaps],
    fingerprint: d.fingerprint,
    splitSizes: { ...d.splitSizes },
  }));
}

/** Read the catalog from the data worker. */
export async function loadCatalog(data: CatalogSource): Promise<Catalog> {
  const datasets = await data.listDatasets();
  const counts = new Map<string, Record<string, ClassCount[]>>();
  await Promise.all(datasets.map(async (d) => counts.set(d.id, await data.classCounts(d.id))));
  return toCatalog(datasets, counts);
}
