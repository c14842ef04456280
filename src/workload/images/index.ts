// Images sent with prompts: synthetic ones (--images), a dataset's, and the flags that ask for them.
export { DatasetImages, MAX_IMAGE_FILE_BYTES, recordImages, splitContentParts } from './dataset.js';
export { addImageOptions, DEFAULT_IMAGE_POOL, DEFAULT_IMAGE_SIZE, describeImageSpec, IMAGE_APIS, imageSpec, parseImageSizes, type ImageFlags } from './options.js';
export { attachSyntheticImages, drawImage, syntheticImagePool, type ImageFormat, type ImageSize, type ImageSizeChoice, type SyntheticImageSpec } from './synthetic.js';
