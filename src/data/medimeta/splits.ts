/**
 * Split files (`splits/train.txt`, `original_splits/*.txt`): one relative image path per line,
 * `images/000123.tiff`, the integer in the name being the image index. Trailing newline, CRLF, blank
 * lines and surrounding spaces are tolerated; the indices come back ascending whatever the file order.
 */
import { Problems, show } from './problems';

const LINE = /^(?:\.\/)?images\/(\d{1,9})\.tiff?$/;

/**
 * Parse one split file. With `numImages`, an index >= numImages is a problem. Every bad line, duplicate
 * and out-of-range index is reported (up to a cap) with its line number; throws ValidationError.
 */
export function parseSplitFile(text: string, file: string, numImages?: number): Uint32Array {
  const problems = new Problems(25);
  const seen = new Map<number, number>();
  const lines = text.split('\n');
  if (text.charCodeAt(0) === 0xfeff) lines[0] = (lines[0] as string).slice(1);
  const out: number[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '') return;
    const lineNo = i + 1;
    const m = LINE.exec(line);
    if (!m) {
      problems.add(file, `line ${lineNo}`, 'a path like images/000123.tiff', show(line));
      return;
    }
    const idx = Number(m[1]);
    const prev = seen.get(idx);
    if (prev !== undefined) {
      problems.add(file, `line ${lineNo}`, `each image once (index ${idx} is already on line ${prev})`, show(line));
      return;
    }
    seen.set(idx, lineNo);
    if (numImages !== undefined && idx >= numImages) {
      problems.add(
        file,
        `line ${lineNo}`,
        `an image index below the number of images, ${numImages}`,
        `${show(line)} (index ${idx})`,
      );
      return;
    }
    out.push(idx);
  });
  problems.check();
  return Uint32Array.from(out).sort();
}
