import type { TaskView } from '../../core/sampling';
import type { DatasetInfo, SplitName, TaskInfo, TaskLabels } from '../../core/types';
import type { ImageSource } from '../compute-service';

/**
 * Labels and split indices given directly instead of read from the store: for benchmarks and tests on
 * pattern datasets, whose stored task is a 2-class parity. `indices` must be valid image indices.
 */
export interface ViewOverride {
  task: TaskInfo;
  labels: TaskLabels;
  indices: Uint32Array;
}

/** The sampler's view of (dataset, task, split), read from the data worker (or taken from `override`). */
export async function loadTaskView(
  source: ImageSource,
  datasetId: string,
  taskName: string,
  split: SplitName,
  override?: ViewOverride,
): Promise<{ view: TaskView; info: DatasetInfo }> {
  const info = await source.getDataset(datasetId);
  if (override) {
    for (const i of override.indices)
      if (i >= info.numImages)
        throw new Error(`view override: image index ${i} is outside ${datasetId}'s 0..${info.numImages - 1}`);
    return {
      info,
      view: { datasetId, task: override.task, split, indices: override.indices, labels: override.labels },
    };
  }
  const task = info.tasks.find((t) => t.name === taskName);
  if (!task)
    throw new Error(
      `Dataset "${datasetId}" has no task "${taskName}" (tasks: ${info.tasks.map((t) => t.name).join(', ')})`,
    );
  const [labels, splits] = await Promise.all([source.getLabels(datasetId, taskName), source.getSplits(datasetId)]);
  return { info, view: { datasetId, task, split, indices: splits[split], labels } };
}
