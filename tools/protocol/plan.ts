/**
 * Write the protocol plan of a ProtoBench run (see build-plan.ts) for the PyTorch reference trainer.
 *
 *   npx tsx tools/protocol/plan.ts --data DIR --config 'QUERY' --out plan.json
 *        [--train-seeds R] [--patience P] [--val-episodes 20] [--backend wasm] [--no-weights]
 *
 * DIR holds MedIMeta dataset folders (DIR/<id>/info.yaml, task_labels/, splits/, images.hdf5); QUERY is
 * the run config as the page's URL query (`t=a/malignancy&src=all-except-target&k=1,5&...`); parameters
 * it leaves out take the page's defaults for `backend` (from the query, else --backend, else wasm).
 * `--train-seeds` and `--patience` set `training.seeds` (`tseeds`) and `training.patience` (`pat`) when the query
 * does not name them.
 */

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BackendChoice } from '../../src/core/config';
import { buildPlan, type PlanOptions } from './build-plan';
import { readFolders } from './datasets';

interface Args extends PlanOptions {
  data: string;
  config: string;
  out: string;
}

const USAGE =
  "usage: npx tsx tools/protocol/plan.ts --data DIR --config 'QUERY' --out plan.json [--train-seeds R] [--patience P] [--val-episodes N] [--backend NAME] [--no-weights]";

function parseArgs(argv: string[]): Args {
  const a: Partial<Args> = {};
  const int = (name: string, v: string | undefined): number => {
    if (v === undefined || !/^[0-9]+$/.test(v))
      throw new Error(`${name}: expected an integer, found ${v ?? 'nothing'}`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string | undefined => argv[++i];
    if (k === '--data') a.data = v();
    else if (k === '--config') a.config = v();
    else if (k === '--out') a.out = v();
    else if (k === '--train-seeds') a.trainSeeds = int(k, v());
    else if (k === '--patience') a.patience = int(k, v());
    else if (k === '--val-episodes') a.valEpisodes = int(k, v());
    else if (k === '--backend') a.backend = v() as BackendChoice;
    else if (k === '--no-weights') a.noWeights = true;
    else if (k === '--help' || k === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${k}\n${USAGE}`);
  }
  if (!a.data || a.config === undefined || !a.out) throw new Error(USAGE);
  return a as Args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const datasets = await readFolders(resolve(args.data));
  const plan = await buildPlan(datasets, args.config, args, (line) => console.error(`plan: ${line}`));
  writeFileSync(args.out, JSON.stringify(plan));
  const steps = plan.trainings.reduce((n, t) => n + t.steps.length, 0);
  console.error(
    `plan: ${plan.cells.length} cells, ${plan.eval.length} (target, K) episode lists, ${plan.trainings.length} trainings ` +
      `(${steps} steps), ${Object.keys(plan.inits).length} initial weight sets -> ${args.out} ` +
      `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}

main().catch((e: unknown) => {
  console.error(`plan: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
