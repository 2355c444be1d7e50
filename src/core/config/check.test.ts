import { describe, expect, it } from 'vitest';
import { checkAgainstCatalog, type CatalogCheck } from './check';
import { defaultConfig } from './defaults';
import { cellKey } from './keys';
import { sourceDatasetsFor } from './source-sets';
import { medimetaCatalog, smallCatalog } from './test-catalog';
import type { RunConfig } from './types';

const small = smallCatalog();
const base = (over: Partial<RunConfig> = {}): RunConfig => ({ ...defaultConfig('wasm', small), ...over });
const messages = (r: CatalogCheck, severity: string): string[] =>
  r.issues.filter((i) => i.severity === severity).map((i) => i.message);

describe('checkAgainstCatalog', () => {
  it('plans every cell of a feasible config, sharing trained encoders where the source set is the same', () => {
    const c = base();
    expect(c.targets.map((t) => `${t.dataset}/${t.task}`)).toEqual([
      'bus/case category',
      'oct/disease class',
      'cxr/disease labels',
      'pneumonia/pneumonia presence',
    ]);
    const r = checkAgainstCatalog(c, small);
    expect(r.ok).toBe(true);
    expect(messages(r, 'error')).toEqual([]);
    expect(messages(r, 'skip')).toEqual([]);
    expect(r.total).toBe(24);
    expect(r.cells).toHaveLength(24);
    expect(r.cells[0]!.key).toBe(cellKey('all-except-target', 'bus/case category', 1));
    const cell = (source: string, target: string, k: number) =>
      r.cells.find((x) => x.key === cellKey(source, target, k))!;
    // cxr and pneumonia overlap: both leave out both and train on bus and oct.
    const cxr = cell('all-except-target', 'cxr/disease labels', 1);
    const pneu = cell('all-except-target', 'pneumonia/pneumonia presence', 1);
    expect(cxr.sourceTasks.map((t) => t.datasetId)).toEqual(['bus', 'bus', 'oct']);
    expect(cxr.trainingKey).toBe(pneu.trainingKey);
    expect(cell('all-except-target', 'bus/case category', 1).sourceTasks).toEqual([
      { datasetId: 'oct', taskName: 'disease class' },
      { datasetId: 'cxr', taskName: 'patient sex' },
      { datasetId: 'pneumonia', taskName: 'pneumonia presence' },
    ]);
    expect(cell('pixels', 'bus/case category', 5)).toMatchObject({ trainingKey: null, sourceTasks: [] });
    expect(cell('untrained', 'bus/case category', 5).evaluation.way).toBe(2);
    // Dropped classes are warnings that name them.
    expect(messages(r, 'warning')).toEqual([
      'target "bus/case category": medimeta 5-shot 10-query on the test split: 1 of 3 classes dropped, fewer than 15 images (normal: 12 too few)',
      'target "cxr/disease labels": medimeta 1-shot 10-query on the test split: 1 of 2 labels dropped, fewer than 11 images (hernia: 3+/197- too few)',
      'target "cxr/disease labels": medimeta 5-shot 10-query on the test split: 1 of 2 labels dropped, fewer than 15 images (hernia: 3+/197- too few)',
      'training.steps is 60: below 100 steps meta-training moved no target of the real-image set beyond its CI (docs/training-protocol.md); the trained rows will likely match the untrained ones',
    ]);
  });

  it('plans one cell per method of each (row, column, K), sharing the training', () => {
    const c = { ...base(), methods: ['protonet' as const, 'linear-probe' as const] };
    const r = checkAgainstCatalog(c, small);
    expect(r.total).toBe(48);
    expect(r.cells).toHaveLength(48);
    const [a, b] = r.cells;
    expect([a!.key, b!.key]).toEqual([
      cellKey('all-except-target', 'bus/case category', 1),
      cellKey('all-except-target', 'bus/case category', 1, 'linear-probe'),
    ]);
    expect(b!.method).toBe('linear-probe');
    expect(b!.trainingKey).toBe(a!.trainingKey);
  });

  it('flags a training budget too small to show anything, before Run', () => {
    const warn = (t: Partial<RunConfig['training']>): string[] =>
      messages(checkAgainstCatalog(base({ training: { ...base().training, ...t } }), small), 'warning').filter((m) =>
        m.startsWith('training.'),
      );
    expect(warn({ steps: 600, valEvery: 100 })).toEqual([]);
    expect(warn({ steps: 600, valEvery: 0 })[0]).toMatch(
      /^training.valEvery is 0: no validation, so no model selection/,
    );
    expect(warn({ steps: 600, valEvery: 400 })[0]).toMatch(/only the initialisation and the last step/);
    expect(warn({ steps: 90, valEvery: 30 })[0]).toMatch(/^training.steps is 90: below 100 steps/);
    expect(warn({ steps: 0, valEvery: 0 })[0]).toMatch(/^training.steps is 0: /);
  });

  it('skips a target at a K its classes cannot serve, naming the classes and counts', () => {
    const r = checkAgainstCatalog(base({ shots: [1, 20], query: 10 }), small);
    expect(r.ok).toBe(true);
    expect(messages(r, 'skip')).toEqual([
      'target "bus/case category" at K = 20 cannot be evaluated: medimeta 20-shot 10-query on the test split: only 1 class has >= 30 images, at least 2 needed (benign: 40; malignant: 25, normal: 12 too few)',
    ]);
    expect(r.issues.find((i) => i.severity === 'skip')).toMatchObject({
      target: 'bus/case category',
      k: 20,
      path: 'targets[0]',
    });
    expect(r.cells).toHaveLength(24 - 3);
  });

  it('skips sources that overlap their target: the same dataset, a listed overlap', () => {
    const r = checkAgainstCatalog(
      base({
        sources: [
          { kind: 'dataset', dataset: 'pneumonia' },
          { kind: 'task', dataset: 'cxr', task: 'patient sex' },
        ],
        targets: [
          { dataset: 'cxr', task: 'patient sex' },
          { dataset: 'bus', task: 'malignancy' },
        ],
      }),
      small,
    );
    expect(messages(r, 'skip')).toEqual([
      'source "dataset:pneumonia" overlaps target "cxr/patient sex" (pneumonia: domain overlap with the target): not a cross-domain pair',
      'source "task:cxr/patient sex" overlaps target "cxr/patient sex" (cxr: the target itself): not a cross-domain pair',
    ]);
    expect(r.cells.map((c) => c.key)).toEqual([
      cellKey('dataset:pneumonia', 'bus/malignancy', 1),
      cellKey('dataset:pneumonia', 'bus/malignancy', 5),
      cellKey('task:cxr/patient sex', 'bus/malignancy', 1),
      cellKey('task:cxr/patient sex', 'bus/malignancy', 5),
    ]);
  });

  it('refuses unknown datasets, tasks and domains, and multilabel source tasks', () => {
    const r = checkAgainstCatalog(
      base({
        sources: [
          { kind: 'domain', domain: 'Mars' },
          { kind: 'task', dataset: 'cxr', task: 'disease labels' },
          { kind: 'dataset', dataset: 'nope' },
          { kind: 'pixels' },
        ],
        targets: [
          { dataset: 'nope', task: 'x' },
          { dataset: 'bus', task: 'x' },
          { dataset: 'oct', task: 'disease class' },
        ],
      }),
      small,
    );
    expect(r.ok).toBe(false);
    expect(r.issues.filter((i) => i.severity === 'error').map((i) => [i.path, i.message])).toEqual([
      ['targets[0]', 'target dataset "nope" is not in the catalog (have "bus", "oct", "cxr", "pneumonia")'],
      ['targets[1]', 'dataset "bus" has no task "x" (has "case category", "malignancy")'],
      ['sources[0]', 'source "domain:Mars": sources: no dataset in domain "Mars"'],
      [
        'sources[1]',
        'source "task:cxr/disease labels": sources: task "cxr/disease labels" is MULTILABEL_CLASSIFICATION; meta-training needs a single-label task',
      ],
      ['sources[2]', 'source "dataset:nope": sources: no dataset "nope" (have bus, oct, cxr, pneumonia)'],
    ]);
  });

  it('says when nothing can run, and why some sources cannot train', () => {
    const none = checkAgainstCatalog(
      base({
        mode: 'fixed',
        way: 2,
        targets: [{ dataset: 'cxr', task: 'disease labels' }],
        sources: [{ kind: 'pixels' }],
      }),
      small,
    );
    expect(none.ok).toBe(false);
    expect(messages(none, 'skip')[0]).toContain('this one is multilabel (use medimeta mode)');
    expect(messages(none, 'error')).toEqual(['none of the 2 cells can run (see the skipped cells)']);

    const r = checkAgainstCatalog(
      base({
        sources: [{ kind: 'all-except-target' }, { kind: 'dataset', dataset: 'bus' }],
        targets: [{ dataset: 'oct', task: 'disease class' }],
        training: { steps: 10, way: 5, shot: 60, query: 50, lr: 0.001, valEvery: 5, patience: 5, seeds: 1 },
      }),
      small,
    );
    expect(r.cells.map((c) => [c.source, c.sourceTasks.map((t) => t.datasetId)])).toEqual([
      ['all-except-target', ['cxr']],
      ['all-except-target', ['cxr']],
    ]);
    expect(messages(r, 'skip')).toEqual([
      'source "dataset:bus" for target "oct/disease class": no source task can train with 5-way 60-shot 50-query episodes',
    ]);
    expect(messages(r, 'warning')[1]).toMatch(
      /^source task "bus\/case category" will be skipped by training: needs 2 classes with >= 110 train images/,
    );
    expect(
      messages(
        checkAgainstCatalog(base({ training: { ...base().training, steps: 0, valEvery: 0 } }), small),
        'warning',
      ),
    ).toContain(
      'training.steps is 0: the 1 trained row(s) run at the seeded initial weights, like the untrained baseline',
    );
  });

  it('plans the MedIMeta-sized matrix quickly', () => {
    const catalog = medimetaCatalog();
    const domains = [...new Set(catalog.map((d) => d.domain))];
    const c: RunConfig = {
      ...defaultConfig('webgpu', catalog),
      sources: [
        { kind: 'all-except-target' },
        { kind: 'untrained' },
        { kind: 'pixels' },
        ...domains.map((domain) => ({ kind: 'domain' as const, domain })),
      ],
      targets: catalog.flatMap((d) => d.tasks.map((t) => ({ dataset: d.id, task: t.name }))),
    };
    const t0 = performance.now();
    const r = checkAgainstCatalog(c, catalog);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(c.targets).toHaveLength(54);
    expect(r.total).toBe(54 * 13 * 3);
    expect(r.ok).toBe(true);
    // Each domain row is in-domain for its own domain's targets (and their overlaps): skipped.
    expect(
      r.issues.some(
        (i) =>
          i.severity === 'skip' && i.source === 'domain:Retinal fundus' && i.target === 'glaucoma/Glaucoma suspect',
      ),
    ).toBe(true);
    // Trained encoders: one per distinct source set, far fewer than cells.
    expect(new Set(r.cells.map((x) => x.trainingKey)).size).toBeLessThan(40);
  });
});

describe('sourceDatasetsFor', () => {
  const catalog = medimetaCatalog();
  const ok = (r: ReturnType<typeof sourceDatasetsFor>) => {
    if (!r.ok) throw new Error(r.error);
    return r.set;
  };

  it('all-except-target leaves out the target and its domain and subject overlaps', () => {
    const fundus = ok(
      sourceDatasetsFor({ dataset: 'fundus', task: 'disease presence' }, { kind: 'all-except-target' }, catalog),
    );
    expect(fundus.leftOut).toEqual([
      { datasetId: 'dr_regular', reason: 'domain overlap with the target' },
      { datasetId: 'dr_uwf', reason: 'domain overlap with the target' },
      { datasetId: 'fundus', reason: 'the target itself' },
      { datasetId: 'glaucoma', reason: 'domain overlap with the target' },
    ]);
    expect(fundus.overlapping).toEqual([]);
    expect(fundus.datasets).toHaveLength(15);
    expect(fundus.datasets).not.toContain('glaucoma');
    expect(fundus.excluded).toContainEqual({
      datasetId: 'cxr',
      taskName: 'disease labels',
      reason: 'MULTILABEL_CLASSIFICATION (not single-label)',
    });

    const photo = ok(
      sourceDatasetsFor({ dataset: 'skinl_photo', task: 'Diagnosis' }, { kind: 'all-except-target' }, catalog),
    );
    expect(photo.leftOut.map((l) => l.datasetId)).toEqual(['skinl_derm', 'skinl_photo']);
    expect(photo.datasets).toContain('derm');
  });

  it('explicit sources report their overlap with the target; baselines have none', () => {
    const r = ok(
      sourceDatasetsFor(
        { dataset: 'glaucoma', task: 'Glaucoma suspect' },
        { kind: 'domain', domain: 'Retinal fundus' },
        catalog,
      ),
    );
    expect(r.datasets).toEqual(['dr_regular', 'dr_uwf', 'fundus', 'glaucoma']);
    expect(r.overlapping.map((o) => o.datasetId)).toEqual(['dr_regular', 'dr_uwf', 'fundus', 'glaucoma']);
    expect(ok(sourceDatasetsFor({ dataset: 'oct', task: 'disease class' }, { kind: 'pixels' }, catalog)).tasks).toEqual(
      [],
    );
    expect(sourceDatasetsFor({ dataset: 'mars', task: 'x' }, { kind: 'all-except-target' }, catalog)).toEqual({
      ok: false,
      error: 'target dataset "mars" is not in the catalog',
    });
  });
});

describe('checkAgainstCatalog: the supervised rows', () => {
  const c = base({ sources: [{ kind: 'supervised' }, { kind: 'mm-pt' }, { kind: 'all-except-target' }] });
  const r = checkAgainstCatalog(c, small);
  const cell = (source: string, target: string) => r.cells.find((x) => x.key === cellKey(source, target, 1))!;

  it('supervised trains on the target task itself, one encoder per target task, any task type', () => {
    expect(r.ok).toBe(true);
    expect(messages(r, 'skip')).toEqual([]);
    const cxr = cell('supervised', 'cxr/disease labels');
    expect(cxr.sourceTasks).toEqual([{ datasetId: 'cxr', taskName: 'disease labels' }]);
    expect(cell('supervised', 'bus/case category').sourceTasks).toEqual([
      { datasetId: 'bus', taskName: 'case category' },
    ]);
    const keys = new Set(c.targets.map((t) => cell('supervised', `${t.dataset}/${t.task}`).trainingKey));
    expect(keys.size).toBe(4);
  });

  it('mm-pt trains on the all-except-target sources, under a key of its own', () => {
    for (const t of ['bus/case category', 'cxr/disease labels']) {
      expect(cell('mm-pt', t).sourceTasks).toEqual(cell('all-except-target', t).sourceTasks);
      expect(cell('mm-pt', t).trainingKey).not.toBe(cell('all-except-target', t).trainingKey);
    }
    expect(cell('mm-pt', 'cxr/disease labels').trainingKey).toBe(
      cell('mm-pt', 'pneumonia/pneumonia presence').trainingKey,
    );
  });

  it('the episodic budget warnings do not apply to them; a target without val images skips the supervised cell', () => {
    const only = checkAgainstCatalog(
      base({ sources: [{ kind: 'supervised' }], training: { ...c.training, steps: 0 } }),
      small,
    );
    expect(messages(only, 'warning').filter((m) => m.startsWith('training.'))).toEqual([]);
    const noVal = small.map((d) =>
      d.id === 'bus' && d.splitSizes ? { ...d, splitSizes: { ...d.splitSizes, val: 0 } } : d,
    );
    const skipped = checkAgainstCatalog(base({ sources: [{ kind: 'supervised' }] }), noVal);
    expect(messages(skipped, 'skip')).toEqual([
      'source "supervised" for target "bus/case category": no val images to early-stop on in "bus/case category"',
    ]);
  });
});
