import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { planEpisodes } from '../sampling/plan';
import { multilabelView, singleLabelView } from '../sampling/test-fixtures';
import type { EpisodeSpec, TaskView } from '../sampling/types';
import type { TaskTarget } from '../types';
import type { CatalogTask } from './catalog';
import { feasibility, type ProtocolAt } from './feasibility';

/** The catalog entry of a sampler test view: counts of its test split. */
function catalogTask(view: TaskView): CatalogTask {
  const L = view.task.labels.length;
  return {
    name: view.task.name,
    target: view.task.target,
    classCounts: view.task.labels.map((l) => {
      let test = 0;
      for (const i of view.indices) {
        if (view.task.target === 'MULTILABEL_CLASSIFICATION') test += view.labels[i * L + l.value] ? 1 : 0;
        else test += view.labels[i] === l.value ? 1 : 0;
      }
      return { value: l.value, name: l.name, counts: { train: 0, val: 0, test } };
    }),
  };
}

function spec(p: ProtocolAt): EpisodeSpec {
  return p.mode === 'fixed'
    ? { mode: 'fixed', way: p.way, shot: p.shot, query: p.query, seed: 1 }
    : p.mode === 'medimeta'
      ? { mode: 'medimeta', shot: p.shot, query: p.query, seed: 1 }
      : { mode: 'variable', seed: 1 };
}

describe('feasibility', () => {
  const bus: CatalogTask = {
    name: 'case category',
    target: 'MULTICLASS_CLASSIFICATION',
    classCounts: [
      { value: 0, name: 'benign', counts: { train: 300, val: 50, test: 40 } },
      { value: 1, name: 'malignant', counts: { train: 150, val: 20, test: 25 } },
      { value: 2, name: 'normal', counts: { train: 100, val: 10, test: 12 } },
    ],
  };
  const at = (mode: ProtocolAt['mode'], shot: number, way = 3): ProtocolAt => ({
    mode,
    way,
    shot,
    query: 10,
    split: 'test',
  });

  it('names the classes and their counts when K+Q is too many', () => {
    expect(feasibility(bus, at('medimeta', 1))).toMatchObject({ runnable: true, way: 3, dropped: [] });
    const dropped = feasibility(bus, at('medimeta', 10));
    expect(dropped).toMatchObject({ runnable: true, way: 2 });
    expect(dropped.message).toBe(
      'medimeta 10-shot 10-query on the test split: 1 of 3 classes dropped, fewer than 20 images (normal: 12 too few)',
    );
    expect(feasibility(bus, at('medimeta', 20)).message).toBe(
      'medimeta 20-shot 10-query on the test split: only 1 class has >= 30 images, at least 2 needed (benign: 40; malignant: 25, normal: 12 too few)',
    );
    expect(feasibility(bus, at('fixed', 10)).message).toBe(
      'fixed 3-way 10-shot 10-query on the test split: only 2 classes have >= 20 images, 3 needed (benign: 40, malignant: 25; normal: 12 too few)',
    );
    expect(feasibility(bus, { ...at('medimeta', 1), split: 'val' }).message).toBe(
      'medimeta 1-shot 10-query on the val split: 1 of 3 classes dropped, fewer than 11 images (normal: 10 too few)',
    );
  });

  it('refuses multilabel tasks outside medimeta mode; checks negatives when the split size is known', () => {
    const ml: CatalogTask = {
      name: 'labels',
      target: 'MULTILABEL_CLASSIFICATION',
      classCounts: [
        { value: 0, name: 'common', counts: { train: 0, val: 0, test: 95 } },
        { value: 1, name: 'rare', counts: { train: 0, val: 0, test: 3 } },
      ],
    };
    expect(feasibility(ml, at('fixed', 1, 2)).message).toContain('this one is multilabel (use medimeta mode)');
    expect(feasibility(ml, at('variable', 1)).runnable).toBe(false);
    expect(feasibility(ml, at('medimeta', 1))).toMatchObject({ runnable: true, multilabel: true, way: 1 });
    // 100 images: "common" has 5 negatives, fewer than 11.
    expect(feasibility(ml, at('medimeta', 1), 100).message).toContain(
      'no label has >= 11 positives and >= 11 negatives (common: 95+/5-, rare: 3+/97- too few)',
    );
  });

  it('agrees with the samplers on random class counts (runnable exactly when planEpisodes accepts)', () => {
    const rng = new Rng(11);
    const targets: TaskTarget[] = ['MULTICLASS_CLASSIFICATION', 'BINARY_CLASSIFICATION', 'ORDINAL_REGRESSION'];
    let runnable = 0;
    let refused = 0;
    for (let trial = 0; trial < 300; trial++) {
      const target = targets[rng.int(targets.length)]!;
      const C = target === 'BINARY_CLASSIFICATION' ? 2 : 2 + rng.int(6);
      const view = singleLabelView(
        Array.from({ length: C }, (_, v): [number, string, number] => [v, `c${v}`, rng.int(30)]),
        target,
      );
      const p: ProtocolAt = {
        mode: (['fixed', 'medimeta', 'variable'] as const)[rng.int(3)]!,
        way: 2 + rng.int(4),
        shot: 1 + rng.int(10),
        query: 1 + rng.int(10),
        split: 'test',
      };
      let accepted = true;
      let way = 0;
      try {
        const plan = planEpisodes(view, spec(p));
        way = plan.episode(0).way;
      } catch {
        accepted = false;
      }
      const f = feasibility(catalogTask(view), p);
      expect(f.runnable, `${JSON.stringify(p)} ${JSON.stringify(f)}`).toBe(accepted);
      if (accepted && p.mode !== 'variable') expect(f.way).toBe(way);
      if (accepted) runnable++;
      else refused++;
    }
    for (let trial = 0; trial < 40; trial++) {
      const prevalences = Array.from({ length: 1 + rng.int(4) }, () => rng.float() * 0.6);
      const view = multilabelView(prevalences, 20 + rng.int(60), trial);
      const p: ProtocolAt = { mode: 'medimeta', way: 2, shot: 1 + rng.int(5), query: 1 + rng.int(5), split: 'test' };
      let accepted = true;
      try {
        planEpisodes(view, spec(p));
      } catch {
        accepted = false;
      }
      expect(feasibility(catalogTask(view), p, view.indices.length).runnable).toBe(accepted);
    }
    expect(runnable).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });
});
