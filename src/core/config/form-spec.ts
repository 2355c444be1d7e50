/**
 * The run form's scalar inputs, derived from the field table: what `src/ui/run/panel.ts` renders, fills
 * and reads. Pure (no DOM), so a test can check that a field added to the table reaches the form.
 */

import type { ConfigField, FieldForm } from './field';
import { FIELDS } from './fields';

export interface FormInput {
  /** The config field it edits. */
  path: string;
  /** Element id and `data-testid`. */
  id: string;
  /** The visible label text. */
  label: string;
  ariaLabel: string;
  group: FieldForm['group'];
  /**
   * `number`: a number input; `select`: one of `options`; `list`: comma-separated integers in a text input;
   * `names`: comma-separated names (each one of `options`) in a text input.
   */
  kind: 'number' | 'select' | 'list' | 'names';
  min?: number;
  max?: number;
  step?: number | 'any';
  options?: readonly (string | number)[];
  size?: number;
}

/** The rows of inputs, in order, with the accessible name of each (none for the first). */
export const FORM_GROUPS: readonly { group: FieldForm['group']; ariaLabel?: string }[] = [
  { group: 'run' },
  { group: 'training', ariaLabel: 'Training budget' },
  { group: 'finetune', ariaLabel: 'Fine-tune settings' },
  { group: 'supervised', ariaLabel: 'Supervised training (supervised and mm-pt rows)' },
];

function inputOf(f: ConfigField, form: FieldForm): FormInput {
  const base = { path: f.path, id: form.id, label: f.label, ariaLabel: form.ariaLabel, group: form.group };
  const r = f.rule;
  switch (r.kind) {
    case 'int':
      return { ...base, kind: 'number', min: r.min, max: r.max, step: 1 };
    case 'number':
      return { ...base, kind: 'number', min: r.min, max: r.max, step: 'any' };
    case 'oneOf':
      return { ...base, kind: 'select', options: r.options };
    case 'intList':
      return { ...base, kind: 'list', ...(form.size !== undefined ? { size: form.size } : {}) };
    case 'nameList':
      return { ...base, kind: 'names', options: r.options, ...(form.size !== undefined ? { size: form.size } : {}) };
    case 'custom':
      throw new Error(`form spec: ${f.path} is drawn by hand`);
  }
}

/** The inputs of the fields the form shows, in table order. */
export function formSpec(table: readonly ConfigField[] = FIELDS): FormInput[] {
  return table.flatMap((f) => (f.form ? [inputOf(f, f.form)] : []));
}

/** The text an input shows for a config value. */
export function formText(input: FormInput, value: unknown): string {
  return input.kind === 'list' || input.kind === 'names' ? (value as unknown[]).join(',') : String(value);
}

/**
 * The value an input's text stands for. Numbers as typed: '' stays a string, so the validator says
 * "found an empty string" rather than 0; list items are trimmed and empty ones dropped.
 */
export function formValue(input: FormInput, text: string): unknown {
  switch (input.kind) {
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
        .map(Number);
    case 'names':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    case 'select':
      return input.options?.every((o) => typeof o === 'number') ? Number(text) : text;
    case 'number':
      return text.trim() === '' ? text : Number(text);
  }
}
