/**
 * Run history: the stored runs (newest first) with date, status, config hash and cell count; each can be
 * reopened (the panel shows its matrix read-only, with Resume if it is unfinished) or deleted.
 */

import type { RunSummary } from '../../data/runs/run-store';
import { h } from '../dom';
import { errorText } from '../format';

export interface HistoryStore {
  listRuns(): Promise<RunSummary[]>;
  deleteRun(id: string): Promise<void>;
}

export interface RunHistory {
  element: HTMLElement;
  /** Re-read the stored runs; `current` is marked as the run shown. */
  refresh(current?: string): Promise<void>;
}

/** "2026-11-26 09:41" in local time, or the raw string if it does not parse. */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function runHistory(
  store: HistoryStore,
  onOpen: (id: string) => void | Promise<void>,
  onDeleted: (id: string) => void,
): RunHistory {
  const list = h('tbody', {});
  const note = h('p', { class: 'run-history-note', 'data-testid': 'run-history-note', role: 'status' });
  let shown: string | undefined;
  const element = h(
    'details',
    { class: 'run-history', 'data-testid': 'run-history', open: true },
    h('summary', {}, 'Run history'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, ...['Date', 'Status', 'Config', 'Cells', 'Backend', ''].map((t) => h('th', { scope: 'col' }, t))),
      ),
      list,
    ),
    note,
  );

  async function refresh(current?: string): Promise<void> {
    if (current !== undefined) shown = current;
    let runs: RunSummary[];
    try {
      runs = await store.listRuns();
    } catch (e) {
      note.textContent = `Could not read stored runs: ${errorText(e)}`;
      return;
    }
    note.textContent = runs.length === 0 ? 'No stored runs.' : '';
    list.replaceChildren(
      ...runs.map((r) => {
        const open = h('button', { type: 'button', 'data-testid': 'run-history-open' }, 'Open');
        const del = h('button', { type: 'button', 'data-testid': 'run-history-delete' }, 'Delete');
        open.addEventListener('click', () => {
          shown = r.id;
          void Promise.resolve(onOpen(r.id)).then(() => refresh());
        });
        del.addEventListener('click', () => {
          if (!confirm(`Delete run ${r.id.slice(0, 8)} (${r.status}, ${r.cells} cells)?`)) return;
          void store.deleteRun(r.id).then(
            () => {
              onDeleted(r.id);
              return refresh();
            },
            (e: unknown) => {
              note.textContent = `Delete failed: ${errorText(e)}`;
            },
          );
        });
        return h(
          'tr',
          {
            'data-testid': 'run-history-row',
            'data-run': r.id,
            'data-status': r.status,
            class: r.id === shown ? 'current' : undefined,
          },
          h('td', { title: r.createdAt }, formatWhen(r.createdAt)),
          h('td', {}, r.status),
          h('td', { class: 'hash' }, r.configHash),
          h('td', { 'data-testid': 'run-history-cells' }, r.cells),
          h('td', {}, r.backend),
          h('td', {}, open, ' ', del),
        );
      }),
    );
  }

  return { element, refresh };
}
