import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, TRAINING_CSV_COLUMNS, csvField, recordToCSV, trainingsToCSV } from './csv';
import { cell, smallRecord } from './test-record';
import type { TrainingRecord } from './training';
import type { CellResult, RunRecord } from './types';

describe('CSV export', () => {
  it('one documented header, one CRLF line per cell, NaN empty, RFC 4180 quoting, formula guard', () => {
    const r = smallRecord();
    r.cells.push({ ...cell('task:bus/a, "b"\nc', 'bus', '=HYPERLINK("x")', 1, 0.5, 0.5) });
    const csv = recordToCSV(r);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(r.cells.length + 2);
    expect(lines.at(-1)).toBe('');
    expect(lines[1]).toBe(
      'run-1,2026-03-14T09:26:53.589Z,webgpu,conv4,84,medimeta,all-except-target,protonet,bus,case category,1,3,10,100,0.55,0.02,0.10204081632653061,0.71,0.02,0.10204081632653061,0.3333333333333333,10,200,30,400,50,episodes,1,,,,,,,,,,,',
    );
    expect(lines[4]).toContain(',0.5,0.02,0.10204081632653061,,0.02,');
    expect(csv).toContain(',"task:bus/a, ""b""\nc",protonet,bus,"\'=HYPERLINK(""x"")",1,');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField('-x')).toBe("'-x");
    expect(csvField(NaN)).toBe('');
  });

  it('carries training repeats, chosen checkpoints, source tasks and the curves', () => {
    const r = smallRecord();
    const cell = { ...(r.cells[0] as CellResult) };
    cell.ciKind = 'episodes+training';
    cell.repeats = [
      { seed: 0, accuracy: 0.5, auroc: 0.6, weightsKey: 'w1-a' },
      { seed: 9, accuracy: 0.7, auroc: 0.8, weightsKey: 'w1-b' },
    ];
    const training = (weightsKey: string, chosen: number): TrainingRecord => ({
      trainingKey: 'tk',
      source: cell.source,
      repeat: weightsKey === 'w1-a' ? 0 : 1,
      seed: weightsKey === 'w1-a' ? 0 : 9,
      sourceTasks: ['oct/disease class', 'derm/x'],
      skipped: [],
      steps: 20,
      stoppedStep: 20,
      chosen: { step: chosen, valAccuracy: 0.5, valAuroc: 0.7 },
      curve: [
        { step: 0, loss: NaN, accuracy: 0.4, auroc: 0.6, perTask: [0.4], perTaskAuroc: [0.6] },
        { step: 10, loss: 1.5, accuracy: 0.5, auroc: 0.7, perTask: [0.5], perTaskAuroc: [0.7] },
      ],
      weightsKey,
      trainMs: 5,
    });
    const rec: RunRecord = { ...r, cells: [cell], trainings: [training('w1-a', 10), training('w1-b', 0)] };
    const line = recordToCSV(rec).split('\r\n')[1] as string;
    expect(line.endsWith(',episodes+training,2,0.5;0.7,0.6;0.8,10;0,oct/disease class;derm/x,,,,,,,')).toBe(true);
    const curves = trainingsToCSV(rec).split('\r\n');
    expect(curves[0]).toBe(TRAINING_CSV_COLUMNS.join(','));
    expect(curves).toHaveLength(6);
    expect(curves[1]).toBe('run-1,all-except-target,tk,0,0,0,,0.4,0.6,0,20,w1-a,oct/disease class;derm/x');
    expect(curves[2]).toContain(',10,1.5,0.5,0.7,1,');
  });

  it('the supervised row carries its whole-test-split score and bootstrap interval, per repeat', () => {
    const r = smallRecord();
    const c = { ...(r.cells[0] as CellResult), source: 'supervised', trainedWeights: { key: 'w1-s', reused: false } };
    const test = {
      split: 'test',
      n: 120,
      accuracy: { value: 0.8, lo: 0.72, hi: 0.87 },
      auroc: { value: 0.9, lo: 0.85, hi: NaN },
    };
    const training: TrainingRecord = {
      trainingKey: 'tk',
      source: 'supervised',
      repeat: 0,
      seed: 0,
      sourceTasks: ['bus/case category'],
      skipped: [],
      steps: 50,
      stoppedStep: 40,
      chosen: { step: 30, valAccuracy: 0.7, valAuroc: 0.8 },
      curve: [],
      weightsKey: 'w1-s',
      trainMs: 5,
      test,
    };
    const line = recordToCSV({ ...r, cells: [c], trainings: [training] }).split('\r\n')[1] as string;
    expect(line.endsWith(',30,bus/case category,120,0.8,0.72,0.87,0.9,0.85,')).toBe(true);
    const two = {
      ...c,
      repeats: [
        { seed: 0, accuracy: 0.5, auroc: 0.6, weightsKey: 'w1-s' },
        { seed: 9, accuracy: 0.5, auroc: 0.6, weightsKey: 'w1-t' },
      ],
    };
    const second = {
      ...training,
      repeat: 1,
      seed: 9,
      weightsKey: 'w1-t',
      test: { ...test, n: 120, auroc: { value: 0.7, lo: 0.6, hi: 0.8 } },
    };
    const both = recordToCSV({ ...r, cells: [two], trainings: [training, second] }).split('\r\n')[1] as string;
    expect(both.endsWith(',120;120,0.8;0.8,0.72;0.72,0.87;0.87,0.9;0.7,0.85;0.6,;0.8')).toBe(true);
  });
});
