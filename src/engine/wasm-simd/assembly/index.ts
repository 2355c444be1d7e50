export { filterGrad3x3 } from './filter-grad';
