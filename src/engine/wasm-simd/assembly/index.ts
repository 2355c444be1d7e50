export { filterGrad3x3 } from './filter-grad';
export { channelSums, bnPoolRelu, bnPoolReluGradSums, bnPoolReluGrad } from './bn-pool';
export { winogradWeights, winogradConv3x3, winogradFilterGrad3x3 } from './winograd';
