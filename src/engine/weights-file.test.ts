import { describe, expect, it } from 'vitest';
import type { EncoderWeights } from './fewshot/encoders/types';
import { decodeWeightsFile, encodeWeightsFile } from './weights-file';

function weights(): EncoderWeights {
  return {
    format: 'protobench/encoder-weights',
    version: 1,
    config: { name: 'conv4', inputSize: 84, channels: 3, seed: 1, width: 4 },
    tensors: [
      { name: 'b0.w', shape: [3, 3, 3, 4], values: Float32Array.from({ length: 108 }, (_, i) => Math.sin(i) * 1e-3) },
      { name: 'b0.gamma', shape: [4], values: Float32Array.of(1, -0, Number.MIN_VALUE, 3.4e38) },
      { name: 'empty', shape: [0, 4], values: new Float32Array(0) },
    ],
  };
}

describe('weights file', () => {
  it('round-trips every value bit for bit, with its metadata (NaN written as null)', async () => {
    const w = weights();
    const bytes = await encodeWeightsFile(w, { key: 'w1-x', summary: { bestValAccuracy: NaN, bestStep: 3 } });
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('PBWEIGHT');
    const back = await decodeWeightsFile(bytes);
    expect(back.weights.config).toEqual(w.config);
    expect(back.weights.tensors.map((t) => [t.name, t.shape])).toEqual(w.tensors.map((t) => [t.name, t.shape]));
    for (const [i, t] of back.weights.tensors.entries()) {
      const want = new Uint8Array((w.tensors[i] as { values: Float32Array }).values.buffer);
      expect(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength)).toEqual(want);
    }
    expect(back.meta).toEqual({ key: 'w1-x', summary: { bestValAccuracy: null, bestStep: 3 } });
    // Decoding copies: the file's buffer can go.
    bytes.fill(0);
    expect(back.weights.tensors[0]?.values[1]).toBe(Math.fround(Math.sin(1) * 1e-3));
  });

  it('refuses damaged and foreign files, saying why', async () => {
    const good = await encodeWeightsFile(weights());
    const flip = good.slice();
    flip[flip.length - 5] = (flip[flip.length - 5] as number) ^ 1;
    await expect(decodeWeightsFile(flip)).rejects.toThrow(/does not match its SHA-256/);
    await expect(decodeWeightsFile(good.slice(0, good.length - 4))).rejects.toThrow(/data section/);
    const magic = good.slice();
    magic[0] = 0x41;
    await expect(decodeWeightsFile(magic)).rejects.toThrow(/PBWEIGHT/);
    await expect(decodeWeightsFile(new Uint8Array(4))).rejects.toThrow(/too short/);
    const hlen = good.slice();
    new DataView(hlen.buffer).setUint32(8, 1e9, true);
    await expect(decodeWeightsFile(hlen)).rejects.toThrow(/header length/);
    await expect(encodeWeightsFile({ ...weights(), tensors: [] })).rejects.toThrow(/no tensors/);
    const bad = weights();
    (bad.tensors[0] as { shape: number[] }).shape = [2];
    await expect(encodeWeightsFile(bad)).rejects.toThrow(/does not match its shape/);
  });
});
