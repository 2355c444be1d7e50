import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, recordToCSV } from './csv';
import { cell, smallRecord } from './test-record';

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
      'run-1,2026-03-14T09:26:53.589Z,webgpu,conv4,84,medimeta,all-except-target,bus,case category,1,3,10,100,0.55,0.02,0.10204081632653061,0.71,0.02,0.10204081632653061,0.3333333333333333,10,200,30,400,50',
    );
    expect(lines[4]).toContain(',0.5,0.02,0.10204081632653061,,0.02,');
    expect(csv).toContain(',"task:bus/a, ""b""\nc",bus,"\'=HYPERLINK(""x"")",1,');
    expect(csvField(-0.5)).toBe('-0.5');
    expect(csvField('-x')).toBe("'-x");
    expect(csvField(NaN)).toBe('');
  });
});
