/** numpy (.npy/.npz) and safetensors readers and writers: pure, bytes in, typed arrays out (browser-safe). */

export * from './activation.js';
export * from './dataset-tensors.js';
export * from './model-tensors.js';
export * from './npy.js';
export * from './npz.js';
export * from './safetensors.js';
export * from './tensor.js';
