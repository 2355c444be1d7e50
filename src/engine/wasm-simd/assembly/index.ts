export { filterGrad3x3 } from './filter-grad';
export { channelSums, bnPoolRelu, bnPoolReluGradSums, bnPoolReluGrad } from './bn-pool';
