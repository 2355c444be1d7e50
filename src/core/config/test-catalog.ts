/**
 * Test fixtures: a MedIMeta-shaped catalog (19 datasets, 10 domains, 54 tasks, the published overlaps)
 * with made-up but plausible class counts, and a small one for precise checks. Not shipped.
 */

import { Rng } from '../rng';
import type { TaskTarget } from '../types';
import type { Catalog, CatalogDataset, CatalogTask } from './catalog';

type T = [name: string, target: TaskTarget, classes: number];

const B = 'BINARY_CLASSIFICATION';
const M = 'MULTICLASS_CLASSIFICATION';
const ML = 'MULTILABEL_CLASSIFICATION';
const O = 'ORDINAL_REGRESSION';

const SKIN_TASKS: T[] = [
  ['Diagnosis', M, 15],
  ['Diagnosis grouped', M, 5],
  ['Pigment network', M, 3],
  ['Blue whitish veil', B, 2],
  ['Vascular structures', M, 8],
  ['Pigmentation', M, 6],
  ['Streaks', M, 3],
  ['Dots and globules', M, 3],
  ['Regression structures', M, 4],
  ['Seven point score', O, 6],
  ['Elevation', M, 3],
  ['Location', M, 9],
];

/** [id, domain, images, tasks, domainOverlaps, subjectOverlaps] */
const DATASETS: [string, string, number, T[], string[], string[]][] = [
  ['aml', 'Microscopy', 18365, [['morphological class', M, 15]], ['pbc'], []],
  [
    'bus',
    'Breast ultrasound',
    780,
    [
      ['case category', M, 3],
      ['malignancy', B, 2],
    ],
    [],
    [],
  ],
  ['crc', 'Histopathology', 107180, [['tissue class', M, 9]], [], []],
  [
    'cxr',
    'Chest X-ray',
    112120,
    [
      ['disease labels', ML, 14],
      ['patient sex', B, 2],
    ],
    ['pneumonia'],
    [],
  ],
  ['derm', 'Dermatoscopy', 11720, [['disease category', M, 7]], ['skinl_derm'], []],
  [
    'dr_regular',
    'Retinal fundus',
    2000,
    [
      ['DR level', O, 5],
      ['Overall quality', B, 2],
      ['Artifact', O, 6],
      ['Clarity', O, 5],
      ['Field definition', O, 5],
    ],
    ['dr_uwf', 'fundus', 'glaucoma'],
    [],
  ],
  ['dr_uwf', 'Retinal fundus', 250, [['DR level', O, 5]], ['dr_regular', 'fundus', 'glaucoma'], []],
  [
    'fundus',
    'Retinal fundus',
    3200,
    [
      ['disease presence', B, 2],
      ['disease labels', ML, 45],
    ],
    ['dr_regular', 'dr_uwf', 'glaucoma'],
    [],
  ],
  ['glaucoma', 'Retinal fundus', 1345, [['Glaucoma suspect', B, 2]], ['dr_regular', 'dr_uwf', 'fundus'], []],
  [
    'mammo_calc',
    'Mammography',
    1872,
    [
      ['pathology', B, 2],
      ['calc type', ML, 14],
      ['calc distribution', ML, 5],
    ],
    ['mammo_mass'],
    ['mammo_mass'],
  ],
  [
    'mammo_mass',
    'Mammography',
    1696,
    [
      ['pathology', B, 2],
      ['mass shape', ML, 8],
      ['mass margins', ML, 5],
    ],
    ['mammo_calc'],
    ['mammo_calc'],
  ],
  [
    'oct',
    'OCT',
    109309,
    [
      ['disease class', M, 4],
      ['urgent referral', B, 2],
    ],
    [],
    [],
  ],
  [
    'organs_axial',
    'Abdominal CT',
    1645,
    [['organ label', M, 11]],
    ['organs_coronal', 'organs_sagittal'],
    ['organs_coronal', 'organs_sagittal'],
  ],
  [
    'organs_coronal',
    'Abdominal CT',
    1645,
    [['organ label', M, 11]],
    ['organs_axial', 'organs_sagittal'],
    ['organs_axial', 'organs_sagittal'],
  ],
  [
    'organs_sagittal',
    'Abdominal CT',
    1645,
    [['organ label', M, 11]],
    ['organs_axial', 'organs_coronal'],
    ['organs_axial', 'organs_coronal'],
  ],
  ['pbc', 'Microscopy', 17092, [['cell class', M, 8]], ['aml'], []],
  [
    'pneumonia',
    'Chest X-ray',
    5856,
    [
      ['pneumonia presence', B, 2],
      ['disease class', M, 3],
    ],
    ['cxr'],
    [],
  ],
  ['skinl_derm', 'Dermatoscopy', 1011, SKIN_TASKS, ['derm'], ['skinl_photo']],
  ['skinl_photo', 'Clinical skin photography', 1011, SKIN_TASKS, [], ['skinl_derm']],
];

/** Class counts: the split's images spread over the classes with a skew (the last classes are rare). */
function task(rng: Rng, [name, target, classes]: T, split: { train: number; val: number; test: number }): CatalogTask {
  const weights = Array.from({ length: classes }, (_, i) => Math.exp(-i * 0.35) * (0.5 + rng.float()));
  const total = weights.reduce((a, b) => a + b, 0);
  const share = (n: number, w: number): number =>
    Math.max(target === ML ? 1 : 2, Math.floor((n * w) / total) * (target === ML ? 0.6 : 1));
  return {
    name,
    target,
    classCounts: weights.map((w, i) => ({
      value: i,
      name: `${name} ${i}`,
      counts: {
        train: Math.floor(share(split.train, w)),
        val: Math.floor(share(split.val, w)),
        test: Math.floor(share(split.test, w)),
      },
    })),
  };
}

export function medimetaCatalog(): Catalog {
  const rng = new Rng(7);
  return DATASETS.map(([id, domain, n, tasks, domainOverlaps, subjectOverlaps]): CatalogDataset => {
    const splitSizes = {
      train: Math.floor(n * 0.7),
      val: Math.floor(n * 0.1),
      test: n - Math.floor(n * 0.7) - Math.floor(n * 0.1),
    };
    let fp = '';
    for (let i = 0; i < 8; i++) fp += rng.u32().toString(16).padStart(8, '0');
    return {
      id,
      domain,
      tasks: tasks.map((t) => task(rng, t, splitSizes)),
      domainOverlaps,
      subjectOverlaps,
      fingerprint: `sha256:${fp}`,
      splitSizes,
    };
  });
}

const counts = (test: number, train = 100, val = 20): { train: number; val: number; test: number } => ({
  train,
  val,
  test,
});

/** A small catalog with exact counts: three domains, a too-small class, a multilabel task. */
export function smallCatalog(): Catalog {
  return [
    {
      id: 'bus',
      domain: 'Breast ultrasound',
      tasks: [
        {
          name: 'case category',
          target: M,
          classCounts: [
            { value: 0, name: 'benign', counts: counts(40) },
            { value: 1, name: 'malignant', counts: counts(25) },
            { value: 2, name: 'normal', counts: counts(12) },
          ],
        },
        {
          name: 'malignancy',
          target: B,
          classCounts: [
            { value: 0, name: 'no', counts: counts(52) },
            { value: 1, name: 'yes', counts: counts(25) },
          ],
        },
      ],
      domainOverlaps: [],
      subjectOverlaps: [],
      fingerprint: 'sha256:bus',
      splitSizes: counts(77, 300, 60),
    },
    {
      id: 'oct',
      domain: 'OCT',
      tasks: [
        {
          name: 'disease class',
          target: M,
          classCounts: [0, 1, 2, 3].map((v) => ({ value: v, name: `d${v}`, counts: counts(200, 800, 100) })),
        },
      ],
      domainOverlaps: [],
      subjectOverlaps: [],
      fingerprint: 'sha256:oct',
      splitSizes: counts(800, 3200, 400),
    },
    {
      id: 'cxr',
      domain: 'Chest X-ray',
      tasks: [
        {
          name: 'disease labels',
          target: ML,
          classCounts: [
            { value: 0, name: 'effusion', counts: counts(60) },
            { value: 1, name: 'hernia', counts: counts(3) },
          ],
        },
        {
          name: 'patient sex',
          target: B,
          classCounts: [
            { value: 0, name: 'F', counts: counts(90, 200) },
            { value: 1, name: 'M', counts: counts(110, 200) },
          ],
        },
      ],
      domainOverlaps: ['pneumonia'],
      subjectOverlaps: [],
      fingerprint: 'sha256:cxr',
      splitSizes: counts(200, 400, 50),
    },
    {
      id: 'pneumonia',
      domain: 'Chest X-ray',
      tasks: [
        {
          name: 'pneumonia presence',
          target: B,
          classCounts: [
            { value: 0, name: 'normal', counts: counts(100) },
            { value: 1, name: 'pneumonia', counts: counts(100) },
          ],
        },
      ],
      domainOverlaps: [],
      subjectOverlaps: [],
      fingerprint: 'sha256:pneumonia',
      splitSizes: counts(200),
    },
  ];
}
