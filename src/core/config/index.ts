/** The run config: its shape, defaults, validation, catalog checks, URL form and hash. */

export * from './types';
export * from './catalog';
export { Checker, describeFound, joinPath, type ValueError } from './checker';
export {
  sourceKey,
  parseSourceKey,
  targetKey,
  parseTargetKey,
  cellKey,
  describeMethod,
  describeSource,
  isBaseline,
  isSupervisedSource,
} from './keys';
export {
  validateConfig,
  checkConfig,
  checkSource,
  checkTarget,
  checkFinetune,
  checkSupervised,
  checkTraining,
  type ConfigError,
  type ConfigValidation,
} from './validate';
export { defaultConfig, fieldDefaults } from './defaults';
export { FIELDS, DEFAULT_QUERY, DEFAULT_WAY } from './fields';
export { checkRule, everywhere, getPath, setPath, type ConfigField, type FieldRule } from './field';
export { formSpec, formText, formValue, FORM_GROUPS, type FormInput } from './form-spec';
export { feasibility, type Feasibility, type CountedClass, type ProtocolAt } from './feasibility';
export { sourceDatasetsFor, leftOutFor, type SourceSet, type SourceSetResult } from './source-sets';
export {
  checkAgainstCatalog,
  budgetWarning,
  MIN_USEFUL_STEPS,
  type CatalogCheck,
  type ConfigIssue,
  type IssueSeverity,
  type PlannedCell,
} from './check';
export { configToQuery, configFromQuery, QUERY_VERSION, MAX_QUERY_LENGTH } from './query';
export { configHash, canonicalJSON, fnv1a64 } from './hash';
export { cellKs, episodeSpecFor, effectiveConfig, ciKindOf } from './spec';
