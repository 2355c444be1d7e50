/** Run records and cell results: types, matrix layout, chance levels, CSV and JSON export, comparison. */

export * from './types';
export { cellKey } from '../config/keys';
export {
  checkEnvironment,
  browserFromUserAgent,
  RUN_BACKENDS,
  type RunBackend,
  type RunAdapter,
  type RunEnvironment,
} from './environment';
export { chanceAccuracy, CHANCE_AUROC } from './chance';
export {
  matrixLayout,
  indexCells,
  cellAt,
  UNKNOWN_DOMAIN,
  type MatrixLayout,
  type MatrixRow,
  type MatrixColumn,
  type MatrixGroup,
} from './matrix';
export {
  newRunRecord,
  withCell,
  withTraining,
  pendingCells,
  resultKey,
  resumable,
  finishRun,
  datasetsUsed,
  emptyTimings,
} from './record';
export { combineRepeats, pairedDifference } from './repeats';
export { checkTrainingRecord, type BootstrapValue, type TestScore, type TrainingRecord } from './training';
export { recordToCSV, trainingsToCSV, cellTrainings, csvField, CSV_COLUMNS, TRAINING_CSV_COLUMNS } from './csv';
export { recordToJSON, recordFromJSON, RUN_RECORD_FORMAT, MAX_RECORD_JSON_LENGTH, type RecordParse } from './json';
export { compareRuns, diffMetric, type RunComparison, type CellComparison, type MetricDiff } from './compare';
