import { describe, expect, it } from 'vitest';
import { uniqueImages } from './images';
import type { Episode } from './types';

describe('uniqueImages', () => {
  it('gives the sorted unique images of a block of episodes, support and query', () => {
    const eps: Episode[] = [
      {
        kind: 'single',
        index: 0,
        way: 2,
        classes: [],
        support: [
          { image: 9, label: 0 },
          { image: 100000, label: 1 },
        ],
        query: [{ image: 3, label: 0 }],
      },
      {
        kind: 'multilabel',
        index: 1,
        way: 1,
        classes: [],
        support: [{ image: 3, targets: Uint8Array.of(1) }],
        query: [{ image: 7, targets: Uint8Array.of(0) }],
      },
    ];
    expect(Array.from(uniqueImages(eps))).toEqual([3, 7, 9, 100000]);
    expect(uniqueImages([])).toEqual(new Uint32Array(0));
  });
});
