/**
 * Readers and validation for the MedIMeta on-disk format (see docs/medimeta-import.md). Everything here
 * runs in a Web Worker (no DOM) and in Node. The test-data generator is in ./fixture (tests only).
 */
export { readDataset, DEFAULT_CHUNK, type DatasetRead, type ImageChunk, type ReadDatasetOptions } from './read-dataset';
export {
  filesSource,
  locateRoot,
  memorySource,
  urlSource,
  zipSource,
  type DatasetSource,
  type PathAndBlob,
  type UrlSourceOptions,
} from './dataset-source';
export { openZip, type OpenZipOptions, type ZipArchive, type ZipEntryInfo } from './zip';
export { parseInfoYaml, reindentQuotedContinuations, IMAGE_SIZE, type InfoYaml } from './info-yaml';
export { parseNpy, npyIntegers, type NpyArray, type NpyKind } from './npy';
export { parseSplitFile } from './splits';
export { toTaskLabels } from './labels';
export { openHdf5Images, loadH5wasm, type Hdf5Images } from './hdf5';
export { decodeTiff, readTiffHeader, type DecodedImage, type TiffHeader } from './tiff';
export { convertChannels, lToRgb, rgbToL, resizeBilinear, resizeTo224 } from './channels';
export { selectImages, type MaxPerClass, type Selection, type SelectionOptions } from './selection';
export { anyBlobAccess, blobAccess, bytesAccess, canReadBlobsSync, type RandomAccess } from './random-access';
export { Problems, ValidationError, makeProblem, type Problem } from './problems';
