/** How far a value is from chance towards perfect, in [0, 1]: what a cell's colour encodes. */
export function strength(value: number, chance: number): number {
  if (!Number.isFinite(value) || !Number.isFinite(chance) || chance >= 1) return 0;
  return Math.min(1, Math.max(0, (value - chance) / (1 - chance)));
}

/** Fill and text colour of a finished cell: the same on the page and in exported SVG/PNG. */
export function cellColours(value: number, chance: number): { fill: string; text: string } {
  const t = strength(value, chance);
  return { fill: `hsl(205, 70%, ${(96 - 56 * t).toFixed(1)}%)`, text: t > 0.55 ? '#fff' : '#111' };
}
