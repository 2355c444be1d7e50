/**
 * Side-by-side table of one GPU-server run: tfjs-webgpu on Dawn (embed-dawn.ts) against PyTorch CUDA
 * (conv4_cuda.py), medians from the same machine and command.
 * Usage: npx tsx bench/gpu/summarize.ts bench/gpu/runs/<run>   (reads tfjs.json and torch.json there)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface TfjsRow {
  size: number;
  variant: string;
  latencyMs?: number;
  throughputMs?: number;
  relDiffVsTfjs?: number;
  error?: string;
}
interface TorchRow {
  size: number;
  setting: string;
  latency_ms: number;
  throughput_ms: number;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: tsx bench/gpu/summarize.ts <run directory>');
const tfjs = JSON.parse(readFileSync(join(dir, 'tfjs.json'), 'utf8')) as {
  adapter: { device: string; description: string; isFallbackAdapter: boolean };
  embedding: TfjsRow[];
  train?: { size: number; medianMs?: number; error?: string }[];
};
const torch = JSON.parse(readFileSync(join(dir, 'torch.json'), 'utf8')) as {
  torch: string;
  gpu: string;
  rows: TorchRow[];
  train?: { size: number; median_ms: number }[];
};
console.log(
  `${torch.gpu}; tfjs-webgpu on Dawn, adapter ${tfjs.adapter.device} (${tfjs.adapter.description}, software fallback: ${tfjs.adapter.isFallbackAdapter}); PyTorch ${torch.torch}`,
);
for (const size of [224, 84]) {
  const ref = torch.rows.find((r) => r.size === size && r.setting === 'default');
  if (!ref) continue;
  console.log(
    `\n${size}x${size}x3, batch 100: PyTorch default ${ref.latency_ms.toFixed(2)} ms (latency), ${ref.throughput_ms.toFixed(2)} ms (throughput)`,
  );
  for (const r of torch.rows.filter((t) => t.size === size && t.setting !== 'default'))
    console.log(
      `  torch ${r.setting.padEnd(26)} ${r.latency_ms.toFixed(2).padStart(7)} ms ${r.throughput_ms.toFixed(2).padStart(7)} ms`,
    );
  for (const r of tfjs.embedding.filter((t) => t.size === size)) {
    if (r.error || r.latencyMs === undefined || r.throughputMs === undefined) {
      console.log(`  tfjs  ${r.variant.padEnd(26)} error: ${r.error ?? 'no timing'}`);
      continue;
    }
    const ratio = `${(r.latencyMs / ref.latency_ms).toFixed(2)}x / ${(r.throughputMs / ref.throughput_ms).toFixed(2)}x PyTorch`;
    console.log(
      `  tfjs  ${r.variant.padEnd(26)} ${r.latencyMs.toFixed(2).padStart(7)} ms ${r.throughputMs.toFixed(2).padStart(7)} ms  ${ratio}  (max rel diff ${(r.relDiffVsTfjs ?? 0).toExponential(1)})`,
    );
  }
}

for (const t of tfjs.train ?? []) {
  const ref = torch.train?.find((r) => r.size === t.size);
  const mine = t.medianMs === undefined ? `error: ${t.error ?? 'no timing'}` : `${t.medianMs.toFixed(1)} ms/step`;
  const ratio = ref && t.medianMs !== undefined ? ` (${(t.medianMs / ref.median_ms).toFixed(2)}x PyTorch's time)` : '';
  console.log(
    `\ntraining step ${t.size}x${t.size}x3, 5-way 5-shot 15-query: tfjs-webgpu ${mine}, PyTorch ${ref ? `${ref.median_ms.toFixed(1)} ms/step` : 'n/a'}${ratio}`,
  );
}
