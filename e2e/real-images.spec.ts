import { configToQuery, defaultConfig, type RunConfig } from '../src/core/config';
import { pairedDifference, type RunRecord } from '../src/core/results';
import { expect, openApp, test } from './fixtures';
import { realImagesSmall } from './real-images-data';

const TARGETS = [
  { dataset: 'fashion', task: 'garment class' },
  { dataset: 'textures', task: 'texture class' },
  { dataset: 'ihc_dab', task: 'DAB-stained area' },
  { dataset: 'brain_human', task: 'slice orientation' },
];

function config(): RunConfig {
  const c = defaultConfig('wasm', []);
  return {
    ...c,
    sources: [{ kind: 'all-except-target' }, { kind: 'untrained' }, { kind: 'pixels' }],
    targets: TARGETS,
    mode: 'medimeta',
    shots: [1, 5],
    query: 10,
    episodes: 100,
    // 100 steps: the budget the page flags as the least that learns anything measurable (MIN_USEFUL_STEPS).
    training: { steps: 100, way: 3, shot: 1, query: 5, lr: 1e-3, valEvery: 20, patience: 3, seeds: 3 },
    seed: 0,
  };
}

test('on real images, the trained row is never below the untrained one beyond the CI over episodes and training seeds; the record shows every training', async ({
  app,
}) => {
  test.setTimeout(900_000);
  await app.getByTestId('import-folder').setInputFiles(realImagesSmall());
  await expect(app.getByTestId('import-status')).toHaveText('Import finished.', { timeout: 120_000 });
  await openApp(app, `${configToQuery(config())}&demo=off`);
  await expect(app.locator('body[data-run-ready="true"]')).toBeAttached({ timeout: 60_000 });
  await app.getByTestId('run-start').click();
  await expect(app.locator('#run-body[data-status="done"]')).toBeAttached({ timeout: 840_000 });

  const record = await app.evaluate(async () => {
    const runs = await window.protobench.data.listRuns();
    return window.protobench.data.getRun(runs[0]?.id ?? '');
  });
  if (!record) throw new Error('no run record stored');
  const cell = (source: string, t: (typeof TARGETS)[number], k: number): RunRecord['cells'][number] => {
    const c = record.cells.find((x) => x.source === source && x.target.task === t.task && x.k === k);
    if (!c?.perEpisode) throw new Error(`no cell ${source} ${t.dataset}/${t.task} K=${k}`);
    return c;
  };
  const lines: string[] = [];
  const below: string[] = [];
  for (const t of TARGETS)
    for (const k of [1, 5]) {
      const trained = cell('all-except-target', t, k);
      const untrained = cell('untrained', t, k);
      // Paired over the same episodes and training seeds, with the CI that includes the training spread.
      const d = pairedDifference(trained, untrained, 'accuracy');
      lines.push(
        `${t.dataset} K=${k}: trained - untrained ${(100 * d.mean).toFixed(2)} ± ${(100 * d.ci95).toFixed(2)} pp`,
      );
      if (d.mean < -(d.ci95 || 0)) below.push(lines.at(-1) as string);
    }
  test.info().annotations.push({ type: 'trained-untrained', description: lines.join('; ') });
  console.log(lines.join('\n'));
  console.log(
    JSON.stringify(
      (record.trainings ?? []).map((x) => [
        x.sourceTasks.length,
        x.chosen,
        x.curve.map((v) => [v.step, +v.auroc.toFixed(3), +(v.gain ?? 0).toFixed(3), +(v.gainCi95 ?? 0).toFixed(3)]),
      ]),
    ),
  );
  expect(below, 'cells where the trained row is below the untrained one by more than the CI').toEqual([]);

  // One training per target dataset's source set, each with its source tasks, curve (the init first) and choice.
  const trainings = record.trainings ?? [];
  expect(trainings.length).toBe(3 * new Set(TARGETS.map((t) => t.dataset)).size);
  for (const tr of trainings) {
    expect(tr.sourceTasks.length).toBeGreaterThan(0);
    for (const s of tr.sourceTasks) expect(s).toMatch(/^[a-z_]+\/.+/);
    expect(tr.curve[0]?.step).toBe(0);
    expect(tr.curve.map((v) => v.step)).toContain(tr.chosen.step);
    // The kept checkpoint: the best val AUROC among the init and the checkpoints whose gain over it is
    // beyond its paired CI.
    const candidates = tr.curve.filter((v) => v.step === 0 || (v.gain ?? 0) > (v.gainCi95 ?? Infinity));
    expect(tr.chosen.valAuroc).toBe(Math.max(...candidates.map((v) => v.auroc)));
  }
  // The brain datasets overlap: neither trains on the other for a brain target.
  const brain = trainings.find((x) => x.sourceTasks.every((s) => !s.startsWith('brain_')));
  expect(brain, 'a training without brain sources (for the brain target)').toBeDefined();
  // The page draws every curve with the kept checkpoint marked.
  await expect(app.getByTestId('training-curve')).toHaveCount(trainings.length);
  await expect(app.locator('[data-testid="training-curve"] circle[data-chosen]')).toHaveCount(trainings.length);
  // Cells with training repeats say which CI they carry, on the page and in a share link's view.
  const marked = (root: string) => app.locator(`${root} [data-testid="cell"][data-ci-kind="episodes+training"]`);
  await expect(marked('#run-body')).toHaveCount(2 * 2 * TARGETS.length);
  await expect(app.locator('#run-body [data-testid="ci-kind-legend"]')).toContainText('3 training runs');
  await app.getByTestId('run-share').click();
  const link = await app.getByTestId('run-share-link').inputValue();
  await app.goto(`/?backend=wasm&demo=off${new URL(link).hash}`);
  await expect(app.getByTestId('shared-view')).toBeVisible();
  await expect(marked('[data-testid="shared-view"]')).toHaveCount(2 * 2 * TARGETS.length);
  await expect(app.locator('[data-testid="shared-view"] [data-testid="ci-kind-legend"]')).toContainText(
    '3 training runs',
  );
});
