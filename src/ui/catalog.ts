import type { ClassCount } from '../core/class-counts';
import { SPLITS } from '../core/types';
import type { DatasetManifest } from '../data/store/schema';
import { h } from './dom';
import { bytes, TASK_KIND } from './format';

export interface Thumbnails {
  task: string;
  size: number;
  classes: { name: string; images: Uint8ClampedArray[] }[];
}

export interface CatalogActions {
  remove(id: string): Promise<void>;
  thumbnails(id: string): Promise<Thumbnails>;
}

/** Datasets grouped by domain: tasks, classes with counts per split, split sizes, channels, size, fingerprint, source. */
export function catalog(
  datasets: DatasetManifest[],
  counts: Map<string, Record<string, ClassCount[]>>,
  actions: CatalogActions,
): HTMLElement {
  if (datasets.length === 0) return h('p', { 'data-testid': 'catalog-empty' }, 'No datasets in this browser yet.');
  const byDomain = new Map<string, DatasetManifest[]>();
  for (const d of datasets) byDomain.set(d.domain, [...(byDomain.get(d.domain) ?? []), d]);
  const root = h('div', { class: 'catalog', 'data-testid': 'catalog' });
  for (const [domain, list] of byDomain) {
    root.append(h('h3', { class: 'domain' }, domain), ...list.map((d) => datasetCard(d, counts.get(d.id), actions)));
  }
  return root;
}

function datasetCard(
  d: DatasetManifest,
  counts: Record<string, ClassCount[]> | undefined,
  actions: CatalogActions,
): HTMLElement {
  const source = d.source === 'synthetic-demo' ? 'synthetic demo' : 'imported';
  const del = h('button', { type: 'button', class: 'delete', 'data-testid': 'delete-dataset' }, 'Delete');
  del.addEventListener('click', () => {
    if (
      confirm(
        `Delete dataset "${d.id}" (${d.numImages} images) from this browser? Weights trained on it are deleted too.`,
      )
    )
      void actions.remove(d.id);
  });
  const strip = h('div', { class: 'thumbs', 'data-testid': 'thumbnails' });
  void actions.thumbnails(d.id).then(
    (t) => drawThumbnails(strip, t),
    (e: unknown) => strip.append(h('span', { class: 'error' }, `No thumbnails: ${String(e)}`)),
  );
  return h(
    'article',
    { class: 'dataset', 'data-dataset': d.id },
    h('h4', {}, d.name, ' ', h('span', { class: `badge ${d.source}` }, source), ' ', del),
    strip,
    h(
      'p',
      { class: 'meta' },
      h('code', {}, d.id),
      ` · ${d.numImages} images · ${d.height}x${d.width}x${d.channels} (${d.channels === 1 ? 'grayscale' : 'RGB'}) · `,
      SPLITS.map((s) => `${s} ${d.splitSizes[s]}`).join(' / '),
      ` · ${bytes(d.bytes)} stored`,
    ),
    h(
      'p',
      { class: 'meta' },
      'Fingerprint ',
      h('code', { title: d.fingerprint, 'data-testid': 'fingerprint' }, d.fingerprint.slice(0, 19) + '…'),
    ),
    d.domainOverlaps.length ? h('p', { class: 'meta' }, `Domain overlaps: ${d.domainOverlaps.join(', ')}`) : null,
    ...d.tasks.map((t) => {
      const cc = counts?.[t.name];
      return h(
        'details',
        { class: 'task' },
        h(
          'summary',
          {},
          `${t.name} `,
          h(
            'span',
            { class: 'kind' },
            `${TASK_KIND[t.target] ?? t.target}, ${t.labels.length} ${t.target === 'MULTILABEL_CLASSIFICATION' ? 'labels' : 'classes'}`,
          ),
        ),
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', {}, 'value'), h('th', {}, 'class'), ...SPLITS.map((s) => h('th', {}, s)))),
          h(
            'tbody',
            {},
            ...t.labels.map((l, k) => {
              const c = cc?.[k];
              return h(
                'tr',
                {},
                h('td', {}, l.value),
                h('td', {}, l.name),
                ...SPLITS.map((s) => h('td', {}, c ? c.counts[s] : '…')),
              );
            }),
          ),
        ),
      );
    }),
  );
}

function drawThumbnails(strip: HTMLElement, t: Thumbnails): void {
  for (const c of t.classes) {
    const fig = h('figure', { class: 'thumb-class' }, h('figcaption', {}, c.name));
    for (const px of c.images) {
      const canvas = h('canvas', { width: t.size, height: t.size, title: `${t.task}: ${c.name}` });
      canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(px), t.size, t.size), 0, 0);
      fig.append(canvas);
    }
    strip.append(fig);
  }
  strip.dataset.loaded = 'true';
}
