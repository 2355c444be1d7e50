import * as tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';

/** A kernel of ours for tfjs's WebGPU backend: inputs by name, the backend, attributes. */
export type WebGPUKernel<I, A> = (args: { inputs: I; backend: WebGPUBackend; attrs: A }) => tf.TensorInfo;

/**
 * Register one of our WebGPU kernels with tfjs's kernel registry, once (tfjs warns on a second registration),
 * so it runs through tf.engine().runKernel like tfjs's own: tensors tracked, tidy and memory accounting intact.
 */
export function registerWebGPUKernel<I, A>(kernelName: string, kernel: WebGPUKernel<I, A>): void {
  if (tf.getKernel(kernelName, 'webgpu')) return;
  tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernel as unknown as tf.KernelFunc });
}
