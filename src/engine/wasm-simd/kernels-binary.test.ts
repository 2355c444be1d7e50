import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('wasm SIMD kernels binary', () => {
  it('is the compilation of assembly/ (the committed kernels-binary.ts cannot drift from its source)', () => {
    // Exits 1 with "stale" when the AssemblyScript sources and the committed binaries differ.
    const out = execFileSync(process.execPath, ['tools/build-wasm-kernels.mjs', '--check'], { encoding: 'utf8' });
    expect(out).toContain('kernels-binary.ts: ok');
  });
});
