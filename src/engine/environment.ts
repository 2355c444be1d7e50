/**
 * What actually ran: recorded with every result, shown in the backend panel. The types are core's
 * (src/core/results/environment.ts), so results, share links and the engine speak of one thing.
 */
import { BACKEND_CHOICES, type BackendChoice } from '../core/config/types';
import { RUN_BACKENDS, type RunAdapter, type RunBackend, type RunEnvironment } from '../core/results/environment';

export type BackendName = RunBackend;
export const BACKEND_NAMES = RUN_BACKENDS;
/** `auto` tries these in order and records why each earlier one was passed over. */
export const AUTO_ORDER: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export type BackendRequest = BackendChoice;
export type AdapterReport = RunAdapter;
export type EnvironmentReport = RunEnvironment;
export type BackendAttempt = RunEnvironment['attempts'][number];

export function isBackendRequest(x: unknown): x is BackendRequest {
  return typeof x === 'string' && (BACKEND_CHOICES as readonly string[]).includes(x);
}
