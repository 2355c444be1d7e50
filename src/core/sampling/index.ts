/** Episode sampling: plans, the three modes, the JSON codec and the image set of a block. */

export * from './types';
export { planEpisodes, validateSpec, type EpisodePlan } from './plan';
export { classPools, taskKey, type ClassPools, type ClassPool, type LabelPool } from './class-pools';
export { describeSpec, describeRequest } from './describe';
export { sampleDistinct, sampleDistinctExcluding } from './distinct';
export { multilabelFewShotSet } from './multilabel';
export { MULTILABEL_ATTEMPTS } from './medimeta';
export { VARIABLE_EPISODE_CONFIG } from './variable';
export { uniqueImages } from './images';
export { episodesToJSON, episodesFromJSON, EPISODES_FORMAT, EPISODES_VERSION, type EpisodeListJSON } from './json';
