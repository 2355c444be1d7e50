import type { Page } from '@playwright/test';
import { configToQuery, defaultConfig, type RunConfig } from '../src/core/config';
import type { RunRecord, TrainingRecord } from '../src/core/results';
import { decodeShareLink } from '../src/core/share';
import { expect, openApp, test } from './fixtures';
import { realImagesSmall } from './real-images-data';

/**
 * The supervised rows through the page, on the small real-image set (tools/real-images/build.sh --small):
 * `supervised` trains on each target's own train split with early stopping on val AUROC and reports its
 * whole-test-split score; `mm-pt` trains one encoder with a head per source task. Both are stored and
 * reused: a second run trains nothing and gives the same numbers.
 */

const TARGETS = [
  { dataset: 'textures', task: 'texture class' },
  { dataset: 'ihc_dab', task: 'DAB-stained area' },
];

function config(): RunConfig {
  const c = defaultConfig('wasm', []);
  return {
    ...c,
    sources: [{ kind: 'supervised' }, { kind: 'mm-pt' }, { kind: 'untrained' }],
    targets: TARGETS,
    mode: 'medimeta',
    shots: [5],
    query: 10,
    episodes: 20,
    supervised: { steps: 40, lr: 1e-3, batch: 32, valEvery: 8, patience: 3 },
    seed: 0,
  };
}

async function runOnce(app: Page): Promise<RunRecord> {
  await openApp(app, `${configToQuery(config())}&demo=off`);
  await expect(app.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 60_000 });
  await app.getByTestId('run-start').click();
  // Done or failed, whichever comes first (a failure then fails the test at once with its message).
  await expect(app.locator('#run-body[data-status="done"], #run-body[data-status="failed"]')).toBeAttached({
    timeout: 500_000,
  });
  const record = await app.evaluate(async () => {
    const runs = await window.protobench.data.listRuns();
    const newest = runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    return window.protobench.data.getRun(newest?.id ?? '');
  });
  if (!record) throw new Error('no run record stored');
  expect(record.error).toBeUndefined();
  expect(record.status).toBe('done');
  return record;
}

/** Lightning's rule, recomputed from the curve: the first strict maximum is kept; the wait stops the run. */
function expectEarlyStopping(t: TrainingRecord, patience: number): void {
  let best = -Infinity;
  let bestStep = -1;
  let wait = 0;
  for (const v of t.curve) {
    if (v.auroc > best) {
      best = v.auroc;
      bestStep = v.step;
      wait = 0;
    } else wait++;
    if (patience > 0 && wait >= patience) {
      expect(t.stoppedStep).toBe(v.step);
      break;
    }
  }
  expect(t.chosen.step).toBe(bestStep);
  expect(t.chosen.valAuroc).toBe(best);
}

test('supervised and mm-pt rows train, early-stop on val AUROC, report the whole test split, and are reused', async ({
  app,
}) => {
  test.setTimeout(900_000);
  await app.getByTestId('import-folder').setInputFiles(realImagesSmall());
  await expect(app.getByTestId('import-status')).toHaveText('Import finished.', { timeout: 120_000 });
  const first = await runOnce(app);
  expect(first.status).toBe('done');
  expect(first.cells).toHaveLength(6);
  const trainings = first.trainings ?? [];
  const sup = trainings.filter((t) => t.source === 'supervised');
  const mmpt = trainings.filter((t) => t.source === 'mm-pt');
  expect(sup.map((t) => t.sourceTasks)).toEqual(TARGETS.map((t) => [`${t.dataset}/${t.task}`]));
  // mm-pt: one encoder per left-out set, on several source tasks at once, never the target's dataset.
  expect(mmpt.length).toBe(TARGETS.length);
  for (const [i, t] of mmpt.entries()) {
    expect(t.sourceTasks.length).toBeGreaterThan(1);
    expect(t.sourceTasks.some((s) => s.startsWith(`${TARGETS[i]?.dataset}/`))).toBe(false);
  }
  const testSizes: Record<string, number> = { textures: 60, ihc_dab: 60 };
  const lines: string[] = [];
  for (const t of [...sup, ...mmpt]) {
    expect(t.reused).toBe(false);
    expect(t.curve.length).toBeGreaterThan(0);
    expect(t.curve.map((v) => v.step)[0]).toBe(8);
    expect(t.curve.at(-1)?.step).toBe(t.stoppedStep);
    expectEarlyStopping(t, 3);
    const target = t.source === 'supervised' ? (t.sourceTasks[0] as string).split('/')[0] : '';
    if (t.source === 'supervised') {
      if (!t.test) throw new Error(`no test score for ${t.sourceTasks[0]}`);
      expect(t.test.n).toBe(testSizes[target as string]);
      for (const m of [t.test.accuracy, t.test.auroc]) {
        expect(m.lo).toBeLessThanOrEqual(m.value);
        expect(m.hi).toBeGreaterThanOrEqual(m.value);
        expect(m.hi - m.lo).toBeGreaterThan(0);
      }
      lines.push(
        `${t.sourceTasks[0]}: stopped ${t.stoppedStep}, kept ${t.chosen.step}, val AUROC ${t.chosen.valAuroc.toFixed(3)}, ` +
          `test AUROC ${t.test.auroc.value.toFixed(3)} [${t.test.auroc.lo.toFixed(3)}, ${t.test.auroc.hi.toFixed(3)}], ` +
          `acc ${t.test.accuracy.value.toFixed(3)}`,
      );
    } else {
      expect(t.test).toBeUndefined();
      lines.push(`mm-pt ${t.sourceTasks.join(', ')}: stopped ${t.stoppedStep}, kept ${t.chosen.step}`);
    }
  }
  console.log(lines.join('\n'));

  // The page shows the test scores under the matrix; the share link carries them and its view shows the same.
  const shown = app.getByTestId('run-test-scores').getByTestId('test-score');
  await expect(shown).toHaveCount(TARGETS.length);
  const texts = await shown.allInnerTexts();
  const auroc = (t: TrainingRecord): string => (100 * (t.test?.auroc.value ?? NaN)).toFixed(1);
  sup.forEach((t, i) => expect(texts[i]).toContain(`${auroc(t)} [`));
  await app.getByTestId('run-share').click();
  const link = await app.getByTestId('run-share-link').inputValue();
  const decoded = await decodeShareLink(new URL(link).hash);
  if (!decoded.ok) throw new Error(decoded.error);
  expect(decoded.payload.tests?.map((t) => t.auroc.value)).toEqual(
    sup.map((t) => Math.round(1000 * (t.test?.auroc.value ?? NaN)) / 1000),
  );

  // The trainer itself leaves tf.memory() as it found it (one task with its test score; two tasks at once).
  for (const [kind, sources] of [
    ['supervised', [{ datasetId: 'textures', taskName: 'texture class' }]],
    [
      'mm-pt',
      [
        { datasetId: 'fashion', taskName: 'garment class' },
        { datasetId: 'brain_species', taskName: 'species' },
      ],
    ],
  ] as const) {
    const r = await app.evaluate(
      ([k, src]) =>
        window.protobench.compute.trainEncoder({
          kind: k,
          encoder: { name: 'conv4', inputSize: 84, channels: 3, seed: 5 },
          sources: [...src],
          settings: { steps: 6, lr: 1e-3, batch: 16, valEvery: 3, patience: 0 },
          seed: 5,
          ...(k === 'supervised' ? { testSplit: 'test' as const } : {}),
        }),
      [kind, sources] as const,
    );
    expect(r.memory.after, kind).toEqual(r.memory.before);
    expect(r.validations.map((v) => v.step)).toEqual([3, 6]);
    expect(r.sources.map((t) => t.taskName)).toEqual(sources.map((t) => t.taskName));
  }
  const before = await app.evaluate(() => window.protobench.compute.memory());

  // Second run: every training comes from the store, numbers identical.
  const second = await runOnce(app);
  for (const t of second.trainings ?? []) expect(t.reused).toBe(true);
  const byKey = (r: RunRecord) =>
    Object.fromEntries(r.cells.map((c) => [`${c.source}|${c.target.dataset}`, [c.accuracy.mean, c.auroc.mean]]));
  expect(byKey(second)).toEqual(byKey(first));
  expect((second.trainings ?? []).map((t) => t.test)).toEqual(trainings.map((t) => t.test));
  const end = await app.evaluate(() => window.protobench.compute.memory());
  expect(end.numTensors).toBe(before.numTensors);
  expect(end.numBytes).toBe(before.numBytes);

  // Last: the link's own view (a shared-result page, without the workers).
  await app.goto(link);
  const sharedRows = app.getByTestId('shared-view').getByTestId('test-score');
  await expect(sharedRows).toHaveCount(TARGETS.length);
  expect(await sharedRows.allInnerTexts()).toEqual(texts);
});
