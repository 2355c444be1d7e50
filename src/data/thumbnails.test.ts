import { describe, expect, it } from 'vitest';
import type { TaskInfo } from '../core/types';
import { downscaleToRgba, pickThumbnails } from './thumbnails';

const splits = { train: Uint32Array.of(0, 2, 4), val: Uint32Array.of(1, 5), test: Uint32Array.of(3) };

describe('pickThumbnails', () => {
  it('takes the first images of each class by value, across splits', () => {
    const task: TaskInfo = {
      name: 't',
      target: 'ORDINAL_REGRESSION',
      labels: [
        { value: 1, name: 'a' },
        { value: 6, name: 'b' },
      ],
    };
    expect(pickThumbnails(task, Int32Array.of(6, 1, 6, 1, 1, 6), splits, 2)).toEqual([
      { name: 'a', indices: [1, 3] },
      { name: 'b', indices: [0, 2] },
    ]);
  });
  it('uses positives per label for multilabel tasks', () => {
    const task: TaskInfo = {
      name: 'm',
      target: 'MULTILABEL_CLASSIFICATION',
      labels: [
        { value: 0, name: 'x' },
        { value: 1, name: 'y' },
      ],
    };
    const labels = Uint8Array.of(0, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1);
    expect(pickThumbnails(task, labels, splits, 5).map((c) => c.indices)).toEqual([
      [1, 3],
      [2, 3, 5],
    ]);
  });
});

describe('downscaleToRgba', () => {
  it('averages blocks and replicates gray into RGB', () => {
    const px = Uint8Array.of(0, 100, 10, 30, 200, 200, 50, 50);
    const out = downscaleToRgba(px, 2, 4, 1, 2);
    expect(Array.from(out)).toEqual([125, 125, 125, 255, 35, 35, 35, 255]);
  });
  it('keeps channels of RGB images', () => {
    const px = Uint8Array.of(10, 20, 30, 30, 40, 50, 50, 60, 70, 70, 80, 90);
    expect(Array.from(downscaleToRgba(px, 2, 2, 3, 2))).toEqual([40, 50, 60, 255]);
  });
});
