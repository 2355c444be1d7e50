import { describe, expect, test } from 'vitest';
import { generateFixture } from './fixture';
import { parseInfoYaml, reindentQuotedContinuations } from './info-yaml';
import { ValidationError, type Problem } from './problems';

const F = 'bus/info.yaml';

/** The example from the format spec, as MedIMeta writes it. */
const DR_REGULAR = `id: dr_regular
name: Diabetic Retinopathy (Regular Fundus)
summary: "Dataset of fundus images with diabetic retinopathy grades and
image quality annotations."
domain: Retinal fundus
tasks:
  - task_name: Clarity
    task_target: ORDINAL_REGRESSION
    labels:
      10: Can identify Level 3 vascular arch and all lesions
      1: Only Level 1 vascular arch can be identified
      4: Can identify Level 2 vascular arch and a small number of lesions
      6: Can identify Level 3 vascular arch and some lesions
      8: Can identify Level 3 vascular arch and most lesions
  - task_name: Overall quality
    task_target: BINARY_CLASSIFICATION
    labels:
      0: no
      1: yes
input_size: [3,224,224]
total_num_samples: 112_120
splits_num_samples: {train: 1_200, test: 400}
original_splits_num_samples: {train: 1200, val: 400, test: 0}
domain_overlaps: [dr_uwf, fundus, glaucoma]
license: "CC BY 4.0"
`;

function problems(text: string): Problem[] {
  try {
    parseInfoYaml(text, F);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
}

describe('parseInfoYaml', () => {
  test('the spec example: underscores, multi-line summary at column 0, non-contiguous labels, YAML 1.1 booleans', () => {
    const { info, originalSplitSizes } = parseInfoYaml(DR_REGULAR, F);
    expect(info.numImages).toBe(112120);
    expect(info.splitSizes).toEqual({ train: 1200, val: 0, test: 400 });
    expect(info.summary).toBe(
      'Dataset of fundus images with diabetic retinopathy grades and image quality annotations.',
    );
    expect(info.channels).toBe(3);
    expect([info.height, info.width]).toEqual([224, 224]);
    expect(info.tasks[0]?.labels.map((l) => l.value)).toEqual([1, 4, 6, 8, 10]);
    expect(info.tasks[0]?.labels[0]?.name).toBe('Only Level 1 vascular arch can be identified');
    expect(info.tasks[1]?.labels).toEqual([
      { value: 0, name: 'no' },
      { value: 1, name: 'yes' },
    ]);
    expect(info.domainOverlaps).toEqual(['dr_uwf', 'fundus', 'glaucoma']);
    expect(info.subjectOverlaps).toEqual([]);
    expect(info.source).toBe('imported');
    expect(info.license).toBe('CC BY 4.0');
    expect(originalSplitSizes).toEqual({ train: 1200, val: 400, test: 0 });
  });

  test('a generated info.yaml gives exactly the generator truth', async () => {
    const fx = await generateFixture({ id: 'derm', n: 6, channels: 3, seed: 3, hdf5: false, tiff: false });
    const { info } = parseInfoYaml(new TextDecoder().decode(fx.files.get('info.yaml')), 'derm/info.yaml');
    expect(info).toEqual(fx.truth.info);
  });

  test('single-quoted multi-line scalars and comments survive the re-indent', () => {
    const text = `id: x # it's a comment with "quotes"
name: 'O''Brien''s
data'
summary: "line one \\"quoted\\"
line two"
domain: Crohn's disease
tasks:
  - task_name: t
    task_target: MULTICLASS_CLASSIFICATION
    labels: {0: a, 2: "b: c"}
input_size: [1, 224, 224]
total_num_samples: 1_0
splits_num_samples: {train: 5, val: 0, test: 5}
`;
    const { info } = parseInfoYaml(text, F);
    expect(info.name).toBe("O'Brien's data");
    expect(info.summary).toBe('line one "quoted" line two');
    expect(info.domain).toBe("Crohn's disease");
    expect(info.tasks[0]?.labels).toEqual([
      { value: 0, name: 'a' },
      { value: 2, name: 'b: c' },
    ]);
    expect(reindentQuotedContinuations('a: b\nc: d\n')).toBe('a: b\nc: d\n');
  });

  test('the documented message format', () => {
    const p = problems(DR_REGULAR.replace('task_target: BINARY_CLASSIFICATION', 'task_target: BINARY'));
    expect(p).toHaveLength(1);
    expect(p[0]).toEqual({
      file: F,
      field: 'tasks[1].task_target',
      expected:
        'one of BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION, MULTILABEL_CLASSIFICATION, ORDINAL_REGRESSION',
      found: '"BINARY"',
      message:
        'bus/info.yaml: field "tasks[1].task_target": expected one of BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION, MULTILABEL_CLASSIFICATION, ORDINAL_REGRESSION, found "BINARY"',
    });
  });

  test('every problem is collected, not just the first', () => {
    const broken = DR_REGULAR.replace('task_target: BINARY_CLASSIFICATION', 'task_target: BINARY')
      .replace('total_num_samples: 112_120\n', '')
      .replace('input_size: [3,224,224]', 'input_size: [4,224,224]')
      .replace('      0: no\n', '')
      .replace('{train: 1_200, test: 400}', '{train: 1_200, tset: 400}')
      .replace('name: Diabetic Retinopathy (Regular Fundus)\n', '');
    const p = problems(broken);
    const fields = p.map((x) => x.field).sort();
    expect(fields).toEqual([
      'input_size',
      'name',
      'splits_num_samples.tset',
      'tasks[1].task_target',
      'total_num_samples',
    ]);
    expect(p.find((x) => x.field === 'total_num_samples')?.message).toBe(
      'bus/info.yaml: field "total_num_samples": expected an integer >= 1, found nothing (required key missing)',
    );
    expect(p.find((x) => x.field === 'input_size')?.found).toBe('[4, 224, 224]');
  });

  test('label checks: binary needs 2 labels, multilabel columns 0..L-1, integer keys, duplicates', () => {
    const binary3 = DR_REGULAR.replace('      1: yes\n', '      1: yes\n      2: maybe\n');
    expect(problems(binary3)[0]?.message).toBe(
      'bus/info.yaml: field "tasks[1].labels": expected exactly 2 labels for a BINARY_CLASSIFICATION task, found 3 labels',
    );
    const ml = DR_REGULAR.replace(
      'task_target: BINARY_CLASSIFICATION',
      'task_target: MULTILABEL_CLASSIFICATION',
    ).replace('      0: no\n', '      2: no\n');
    expect(problems(ml)[0]?.found).toBe('[1, 2]');
    const strKey = DR_REGULAR.replace('      0: no\n', '      zero: no\n');
    expect(problems(strKey)[0]?.expected).toBe('integer label values as keys');
    const dupTask = DR_REGULAR.replace('task_name: Overall quality', 'task_name: Clarity');
    expect(problems(dupTask)[0]?.field).toBe('tasks[1].task_name');
  });

  test('invalid YAML is reported with its line', () => {
    const p = problems('id: x\nname: [unclosed\n');
    expect(p[0]?.file).toBe(F);
    expect(p[0]?.field).toMatch(/^line \d+$/);
    expect(p[0]?.expected).toBe('valid YAML');
  });

  test('not a mapping, and unknown keys are warnings', () => {
    expect(problems('- a\n- b\n')[0]?.expected).toMatch(/mapping/);
    const r = parseInfoYaml(DR_REGULAR + 'extra_key: 1\n', F);
    expect(r.warnings.map((w) => w.field)).toEqual(['extra_key']);
  });
});
