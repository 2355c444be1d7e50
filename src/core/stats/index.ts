/** Statistics: episode summaries (mean, 95% CI), AUROC, accuracy, and the reference ProtoNet. */

export * from './summary';
export * from './auroc';
export * from './accuracy';
export * from './protonet';
export * from './repeats';
export * from './log-odds';
