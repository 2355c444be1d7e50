import { describe, expect, it } from 'vitest';
import { configHash } from '../src/core/config';
import { CSV_COLUMNS, type RunRecord } from '../src/core/results';
import { smallRecord } from '../src/core/results/test-record';
import { orderedCells, pct, SWEEP_CSV_HEADER, sweepCSV, sweepSummary, type RunOutcome } from './output';

function outcome(index: number, seed: number, over: Partial<RunOutcome> = {}): RunOutcome {
  const base = smallRecord();
  const record: RunRecord = { ...base, id: `rec-${index}`, config: { ...base.config, seed } };
  return { index, id: `run-${index}`, configHash: configHash(record.config), status: 'done', record, ...over };
}

const INFO = { name: 'unit', planHash: '0123456789abcdef', total: 3, hosts: ['node v20, linux x64, 2 x CPU'] };

describe('sweepCSV', () => {
  it('one row per cell of every done run, in run-index order and config order, whatever order they came in', () => {
    const outs = [outcome(2, 7), outcome(0, 5), outcome(1, 6, { status: 'failed', error: 'boom', record: undefined })];
    const text = sweepCSV(outs);
    const lines = text.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(SWEEP_CSV_HEADER);
    expect(lines[0]).toBe(
      `run_index,run,config_hash,seed,eval_split,train_steps,adapter,software_fallback,${CSV_COLUMNS.join(',')}`,
    );
    const rows = lines.slice(1, -1).map((l) => l.split(','));
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => r[1])).toEqual(['run-0', 'run-0', 'run-0', 'run-0', 'run-2', 'run-2', 'run-2', 'run-2']);
    expect(rows.map((r) => r[3])).toEqual(['5', '5', '5', '5', '7', '7', '7', '7']);
    // Cells in config order: rows (all-except-target, untrained, pixels), then columns, then K.
    const col = (name: string) => SWEEP_CSV_HEADER.split(',').indexOf(name);
    expect(rows.slice(0, 4).map((r) => `${r[col('source')]}|${r[col('target_dataset')]}|${r[col('k')]}`)).toEqual([
      'all-except-target|bus|1',
      'all-except-target|bus|5',
      'untrained|oct|5',
      'pixels|bus|1',
    ]);
    expect(rows[0]?.[col('accuracy_mean')]).toBe('0.55');
    expect(rows[0]?.[col('run_id')]).toBe('rec-0');
    expect(rows[0]?.[col('adapter')]).toBe('nvidia / ampere / NVIDIA GeForce RTX 3060');
    // The untrained cell's AUROC is undefined: an empty field.
    expect(rows[2]?.[col('auroc_mean')]).toBe('');
    // Shuffling the input changes nothing.
    expect(sweepCSV([outs[1], outs[2], outs[0]] as RunOutcome[])).toBe(text);
  });

  it('orderedCells does not depend on the order cells finished in', () => {
    const r = smallRecord();
    const reversed = { ...r, cells: [...r.cells].reverse() };
    expect(orderedCells(reversed)).toEqual(orderedCells(r));
  });
});

describe('sweepSummary', () => {
  it('mean ± CI per cell, runs with timings and links, environment, failures', () => {
    const outs = [
      outcome(0, 5, { shareLink: 'http://x/#r=v1.abc', resumed: true }),
      outcome(1, 6, { status: 'failed', error: 'the run ended "failed": out of memory', record: undefined }),
      { index: 2, id: '#2', configHash: '', status: 'missing' as const },
    ];
    const md = sweepSummary(INFO, outs);
    expect(md).toContain('# Sweep `unit`');
    expect(md).toContain(
      '3 of 3 runs: 1 done (1 from an earlier sweep), 1 failed, 1 missing; 4 cells. Plan `0123456789abcdef`.',
    );
    expect(md).toContain(
      '| 0 | `run-0` | conv4 | 84 | medimeta | 1 | 5 | all-except-target | protonet | bus/case category | 55.0 ± 2.0 | 71.0 ± 2.0 | 100 | 0.69 |',
    );
    expect(md).toContain(
      '| 0 | `run-0` | conv4 | 84 | medimeta | 5 | 5 | untrained | protonet | oct/disease class | 50.0 ± 2.0 | n/a | 100 | 0.69 |',
    );
    expect(md).toContain(
      '| 0 | `run-0` | done (resumed) | webgpu | nvidia / ampere / NVIDIA GeForce RTX 3060 | 4 | 1.23 | 5.00 |',
    );
    expect(md).toContain('[link](http://x/#r=v1.abc)');
    expect(md).toContain('| 1 | `run-1` | failed |');
    expect(md).toContain('| tfjs | 4.22.0 |');
    expect(md).toContain('| hosts | node v20, linux x64, 2 x CPU |');
    expect(md).toContain('## Failed runs');
    expect(md).toContain('- `run-1` (#1): the run ended "failed": out of memory');
    expect(md).toContain('- `#2` (#2): no result');
    expect(sweepSummary({ ...INFO, shard: 'shard 1/2' }, outs.slice(0, 1))).toContain('# Sweep `unit` (shard 1/2)');
  });

  it('formats percentages', () => {
    expect(pct(0.5555, 0.0123)).toBe('55.5 ± 1.2');
    expect(pct(NaN, 0.1)).toBe('n/a');
    expect(pct(0.5, NaN)).toBe('50.0');
  });
});
