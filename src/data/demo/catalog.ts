import { histo } from './histology';
import { oct } from './oct';
import { xrayA, xrayB } from './radiograph';
import { derm, skinPhoto } from './skin';
import type { DemoDef } from './spec';

/**
 * The demo meta-dataset, in catalogue order. Close domains share a class factor (lesion/opacity shape:
 * radiograph, dermoscopy, clinical photo); far domains use their own (nuclear density in histology,
 * layer curvature in OCT). See docs/demo-data.md.
 */
export const DEMO_DEFS: readonly DemoDef[] = [xrayA, xrayB, derm, skinPhoto, histo, oct];
