/**
 * The matrix as an image: one K's matrix for the current metric as a standalone SVG (rects coloured like
 * the page, "mean ± CI" texts, row and column labels, domain groups, a title with metric and K), and a PNG
 * drawn from that SVG onto a canvas at 2x. SVG elements are built with createElementNS and text nodes only.
 */

import { cellColours, strength } from './colours';
import { cellKey, checkAgainstCatalog, parseSourceKey, type Catalog, type RunConfig } from '../../core/config';
import { CHANCE_AUROC, cellAt, indexCells, matrixLayout, type CellResult, type RunRecord } from '../../core/results';
import { h } from '../dom';
import { METRIC_LABEL, isInDomain, meanCi, type MatrixMetric } from './matrix';

export const SVG_NS = 'http://www.w3.org/2000/svg';

type SvgChild = Node | string | number | null | undefined | false;

/** An SVG element with attributes and children; strings become text nodes. */
export function svg(tag: string, attrs: Record<string, string | number | undefined> = {}, ...children: SvgChild[]) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

/** The metric summary and chance level a cell shows. */
export function cellMetric(c: CellResult, metric: MatrixMetric): { mean: number; ci95: number; chance: number } {
  const s = metric === 'accuracy' ? c.accuracy : c.auroc;
  return { mean: s.mean, ci95: s.ci95, chance: metric === 'accuracy' ? c.chance : CHANCE_AUROC };
}

/** A rough text width in px for a 12px sans-serif font (enough to size columns). */
export function textWidth(s: string, px = 12): number {
  return Math.ceil(s.length * px * 0.6);
}

export { cellColours, strength };

/** A file-name-safe form of a string. */
export function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
}

export interface MatrixImage {
  svg: SVGSVGElement;
  width: number;
  height: number;
}

/** K's matrix of `record` (config from the record) for `metric`, as an SVG element. */
export function matrixSvg(record: RunRecord, catalog: Catalog, metric: MatrixMetric, k: number): MatrixImage {
  const config: RunConfig = record.config;
  const layout = matrixLayout(config, catalog);
  const index = indexCells(record.cells);
  const planned = new Set(checkAgainstCatalog(config, catalog).cells.map((c) => c.key));
  const kLabel = config.mode === 'variable' ? 'variable way and shot' : `K = ${k}`;
  const title = `${METRIC_LABEL[metric]} (%, mean ± 95% CI), ${kLabel}`;

  const pad = 12;
  const lineH = 18;
  const cellH = 30;
  const rowLabelW = Math.max(120, ...layout.rows.map((r) => textWidth(r.label) + 16));
  const cellW = Math.max(
    110,
    ...layout.columns.map((c) => Math.max(textWidth(c.target.dataset), textWidth(c.target.task)) + 16),
    // A domain header (bold) fits over its columns.
    ...layout.groups.map((g) => Math.ceil((textWidth(g.domain) * 1.15 + 16) / g.columns.length)),
  );
  const titleY = pad + 16;
  const groupY = titleY + 12;
  const colY = groupY + lineH + 4;
  const gridY = colY + 2 * lineH + 6;
  const gridX = pad + rowLabelW;
  const width = gridX + cellW * layout.columns.length + pad;
  const height = gridY + cellH * layout.rows.length + pad;
  const text = (x: number, y: number, s: string, attrs: Record<string, string | number> = {}) =>
    svg('text', { x, y, ...attrs }, s);

  const root = svg(
    'svg',
    {
      xmlns: SVG_NS,
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      'font-family': 'system-ui, sans-serif',
      'font-size': 12,
      'data-metric': metric,
      'data-k': k,
    },
    svg('title', {}, `ProtoBench run ${record.id.slice(0, 8)}: ${title}`),
    svg('rect', { x: 0, y: 0, width, height, fill: '#fff' }),
    text(pad, titleY, title, { 'font-size': 15, 'font-weight': 'bold', class: 'title' }),
  ) as SVGSVGElement;

  // Domain groups and column labels.
  let x = gridX;
  for (const g of layout.groups) {
    const w = cellW * g.columns.length;
    root.append(
      svg('rect', { x: x + 1, y: groupY, width: w - 2, height: lineH, fill: '#e8eef4', class: 'domain' }),
      text(x + w / 2, groupY + 13, g.domain, { 'text-anchor': 'middle', 'font-weight': 'bold', class: 'domain-head' }),
    );
    x += w;
  }
  layout.columns.forEach((c, i) => {
    const cx = gridX + cellW * i + cellW / 2;
    root.append(
      svg(
        'text',
        { x: cx, y: colY + 13, 'text-anchor': 'middle', class: 'col-head', 'data-target': c.key },
        svg('tspan', { x: cx }, c.target.dataset),
        svg('tspan', { x: cx, dy: lineH, fill: '#555' }, c.target.task),
      ),
    );
  });

  layout.rows.forEach((row, r) => {
    const y = gridY + cellH * r;
    root.append(text(pad, y + cellH / 2 + 4, row.label, { 'font-weight': 'bold', class: 'row-head' }));
    layout.columns.forEach((col, i) => {
      const cx = gridX + cellW * i;
      const key = cellKey(row.key, col.key, k, row.method);
      const cell = cellAt(index, row, col, k);
      const inDomain = isInDomain(parseSourceKey(row.key) ?? row.source, col, catalog);
      let fill = '#fafafa';
      let ink = '#777';
      let label = planned.has(key) ? '…' : 'n/a';
      let state = planned.has(key) ? 'pending' : 'skipped';
      if (cell) {
        const m = cellMetric(cell, metric);
        ({ fill, text: ink } = cellColours(m.mean, m.chance));
        label = meanCi(m);
        state = 'done';
      }
      root.append(
        svg('rect', {
          x: cx,
          y,
          width: cellW,
          height: cellH,
          fill,
          stroke: '#fff',
          'stroke-width': 1,
          class: 'cell',
        }),
        text(cx + cellW / 2, y + cellH / 2 + 4, label, {
          'text-anchor': 'middle',
          fill: ink,
          class: 'cell-text',
          'data-cell': key,
          'data-state': state,
        }),
      );
      if (inDomain) root.append(text(cx + cellW - 10, y + 11, '◆', { fill: ink, 'font-size': 8, class: 'in-domain' }));
    });
  });
  return { svg: root, width, height };
}

/** The SVG as a standalone document string. */
export function svgText(img: MatrixImage): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(img.svg)}`;
}

/** Draw the SVG onto a canvas at `scale` and encode it as PNG. */
export async function svgToPng(img: MatrixImage, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svgText(img)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = h('canvas', { width: Math.ceil(img.width * scale), height: Math.ceil(img.height * scale) });
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Download a Blob under `name`. */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** File name stem for one K's matrix image. */
export function imageName(record: RunRecord, metric: MatrixMetric, k: number): string {
  return fileSafe(`protobench-${record.id}-${metric}-k${k}`);
}
