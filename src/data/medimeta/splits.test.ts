import { describe, expect, test } from 'vitest';
import { ValidationError } from './problems';
import { parseSplitFile } from './splits';

const F = 'bus/splits/train.txt';

describe('parseSplitFile', () => {
  test('indices ascending whatever the order; trailing newline, CRLF, blank lines, BOM, spaces', () => {
    expect(Array.from(parseSplitFile('images/000012.tiff\nimages/000003.tiff\n', F, 20))).toEqual([3, 12]);
    expect(
      Array.from(parseSplitFile('\ufeffimages/000005.tiff\r\n\r\n  images/000001.tiff  \r\nimages/000000.tiff', F, 20)),
    ).toEqual([0, 1, 5]);
    expect(parseSplitFile('', F, 20)).toHaveLength(0);
    expect(parseSplitFile('\n\n', F)).toHaveLength(0);
    expect(parseSplitFile('images/123456.tiff\n', F)[0]).toBe(123456);
  });

  test('bad lines, duplicates and out-of-range indices are all reported with line numbers', () => {
    let err: ValidationError | undefined;
    try {
      parseSplitFile('images/000001.tiff\nimages/x.png\nimages/000001.tiff\nimages/000050.tiff\n', F, 10);
    } catch (e) {
      err = e as ValidationError;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect(err?.problems.map((p) => p.message)).toEqual([
      'bus/splits/train.txt: line 2: expected a path like images/000123.tiff, found "images/x.png"',
      'bus/splits/train.txt: line 3: expected each image once (index 1 is already on line 1), found "images/000001.tiff"',
      'bus/splits/train.txt: line 4: expected an image index below the number of images, 10, found "images/000050.tiff" (index 50)',
    ]);
  });

  test('many bad lines are capped with a count', () => {
    const text = Array.from({ length: 40 }, (_, i) => `bad ${i}`).join('\n');
    try {
      parseSplitFile(text, F);
      throw new Error('no error');
    } catch (e) {
      const p = (e as ValidationError).problems;
      expect(p).toHaveLength(26);
      expect(p[25]?.found).toBe('15 more like the ones above');
    }
  });
});
