import { describe, expect, it } from 'vitest';
import { cellKey, describeSource, parseSourceKey, parseTargetKey, sourceKey, targetKey } from './keys';
import { cellKs, episodeSpecFor } from './spec';
import type { SourceSpec } from './types';

describe('row, column and cell keys', () => {
  it('source keys read back; task names and domains may hold "/" and ":"', () => {
    const specs: SourceSpec[] = [
      { kind: 'task', dataset: 'skinl_derm', task: 'a/b: c' },
      { kind: 'dataset', dataset: 'bus' },
      { kind: 'domain', domain: 'Retinal fundus / UWF' },
      { kind: 'all-except-target' },
      { kind: 'untrained' },
      { kind: 'pixels' },
    ];
    for (const s of specs) expect(parseSourceKey(sourceKey(s))).toEqual(s);
    expect(sourceKey(specs[0]!)).toBe('task:skinl_derm/a/b: c');
    expect(parseSourceKey('task:nodataset')).toBeUndefined();
    expect(parseSourceKey('everything')).toBeUndefined();
    expect(parseTargetKey(targetKey({ dataset: 'x', task: 'y/z' }))).toEqual({ dataset: 'x', task: 'y/z' });
    expect(describeSource({ kind: 'untrained' }, 'conv4')).toBe('untrained conv4 (baseline)');
  });

  it('cell keys are unambiguous whatever the names hold', () => {
    expect(cellKey({ kind: 'domain', domain: 'a|b' }, { dataset: 'c', task: 'd' }, 5)).toBe('["domain:a|b","c/d",5]');
    expect(cellKey('domain:a', 'b|c/d', 5)).not.toBe(cellKey('domain:a|b', 'c/d', 5));
    expect(cellKey('pixels', { dataset: 'bus', task: 'malignancy' }, 1)).toBe(
      cellKey({ kind: 'pixels' }, 'bus/malignancy', 1),
    );
  });

  it('episode specs and K per mode', () => {
    const c = { mode: 'fixed' as const, way: 5, shots: [1, 5], query: 15, seed: 3 };
    expect(cellKs(c)).toEqual([1, 5]);
    expect(episodeSpecFor(c, 5)).toEqual({ mode: 'fixed', way: 5, shot: 5, query: 15, seed: 3 });
    expect(episodeSpecFor({ ...c, mode: 'medimeta' }, 1)).toEqual({ mode: 'medimeta', shot: 1, query: 15, seed: 3 });
    expect(cellKs({ ...c, mode: 'variable' })).toEqual([0]);
    expect(episodeSpecFor({ ...c, mode: 'variable' }, 0)).toEqual({ mode: 'variable', seed: 3 });
  });
});
