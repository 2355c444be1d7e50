import { describe, expect, it } from 'vitest';
import { chooseSources, type SourceDataset } from './sources';
import type { TaskInfo } from './types';

const single = (name: string): TaskInfo => ({ name, target: 'MULTICLASS_CLASSIFICATION', labels: [] });
const multi = (name: string): TaskInfo => ({ name, target: 'MULTILABEL_CLASSIFICATION', labels: [] });

const ds = (id: string, domain: string, over: Partial<SourceDataset> = {}): SourceDataset => ({
  id,
  domain,
  tasks: [single(`${id} class`)],
  domainOverlaps: [],
  subjectOverlaps: [],
  ...over,
});

// A small MedIMeta-like catalogue: fundus datasets overlap by domain, two skin sets by subjects.
const CATALOG: SourceDataset[] = [
  ds('dr_regular', 'Retinal fundus', { domainOverlaps: ['dr_uwf', 'fundus'] }),
  ds('dr_uwf', 'Retinal fundus', { domainOverlaps: ['dr_regular', 'fundus'] }),
  ds('fundus', 'Retinal fundus', { tasks: [single('disease presence'), multi('disease labels')] }),
  ds('derm', 'Dermatoscopy', { subjectOverlaps: ['skinl_derm'] }),
  ds('skinl_derm', 'Skin photo'),
  ds('oct', 'OCT'),
  ds('cxr', 'Chest X-ray', {
    tasks: [multi('disease labels'), { name: 'sex', target: 'BINARY_CLASSIFICATION', labels: [] }],
  }),
];

describe('chooseSources', () => {
  it('all-except leaves out the target, its domain and subject overlaps, both ways', () => {
    const s = chooseSources(CATALOG, { kind: 'all-except', target: 'dr_uwf' });
    expect(s.tasks.map((t) => t.datasetId)).toEqual(['derm', 'skinl_derm', 'oct', 'cxr']);
    expect(s.excluded).toContainEqual({ datasetId: 'dr_uwf', reason: 'the target itself' });
    expect(s.excluded).toContainEqual({ datasetId: 'dr_regular', reason: 'domain overlap with the target' });
    // `fundus` lists nobody, but dr_uwf names it: excluded; the same domain string would exclude it too.
    expect(s.excluded).toContainEqual({ datasetId: 'fundus', reason: 'domain overlap with the target' });
    expect(s.excluded).toContainEqual({
      datasetId: 'cxr',
      taskName: 'disease labels',
      reason: 'MULTILABEL_CLASSIFICATION (not single-label)',
    });
  });

  it('subject overlap is symmetric: skinl_derm names nobody, derm names it', () => {
    const s = chooseSources(CATALOG, { kind: 'all-except', target: 'skinl_derm' });
    expect(s.tasks.map((t) => t.datasetId)).not.toContain('derm');
    expect(s.excluded).toContainEqual({ datasetId: 'derm', reason: 'subject overlap with the target' });
  });

  it('one task, one dataset, one domain', () => {
    expect(chooseSources(CATALOG, { kind: 'task', datasetId: 'oct', taskName: 'oct class' }).tasks).toEqual([
      { datasetId: 'oct', taskName: 'oct class' },
    ]);
    expect(chooseSources(CATALOG, { kind: 'dataset', datasetId: 'cxr' }).tasks).toEqual([
      { datasetId: 'cxr', taskName: 'sex' },
    ]);
    expect(chooseSources(CATALOG, { kind: 'domain', domain: 'Retinal fundus' }).tasks.map((t) => t.taskName)).toEqual([
      'dr_regular class',
      'dr_uwf class',
      'disease presence',
    ]);
  });

  it('refuses unknown ids, tasks, domains and multilabel tasks with a message that names them', () => {
    expect(() => chooseSources(CATALOG, { kind: 'all-except', target: 'nope' })).toThrow('no dataset "nope"');
    expect(() => chooseSources(CATALOG, { kind: 'task', datasetId: 'oct', taskName: 'x' })).toThrow('no task "x"');
    expect(() => chooseSources(CATALOG, { kind: 'domain', domain: 'Mars' })).toThrow('no dataset in domain "Mars"');
    expect(() => chooseSources(CATALOG, { kind: 'task', datasetId: 'cxr', taskName: 'disease labels' })).toThrow(
      'needs a single-label task',
    );
  });
});
