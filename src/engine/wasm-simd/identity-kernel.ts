import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * tfjs-wasm's Identity copies the whole tensor in JS (one thread), and tfjs clones every tensor a custom
 * gradient saves for its backward pass: a Conv-4 training step copied ~400 MB, 30-55 ms of kernel time. Tensor
 * data is immutable in tfjs (kernels write only the outputs they allocate; variables take new data on assign),
 * so Identity can share the data and count a reference, as tfjs's cpu and webgl backends do.
 */
function sharedIdentity(args: { inputs: { x: tf.TensorInfo }; backend: BackendWasm }): tf.TensorInfo {
  const { x } = args.inputs;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

let original: tf.KernelConfig | undefined;

/** Install (or, with false, restore tfjs's copying) Identity on wasm; idempotent. */
export function useSharedIdentity(on = true): void {
  const current = tf.getKernel('Identity', 'wasm');
  if (on === (current?.kernelFunc === (sharedIdentity as unknown as tf.KernelFunc))) return;
  if (current) {
    if (on) original = current;
    tf.unregisterKernel('Identity', 'wasm');
  }
  if (on)
    tf.registerKernel({
      kernelName: 'Identity',
      backendName: 'wasm',
      kernelFunc: sharedIdentity as unknown as tf.KernelFunc,
    });
  else if (original) tf.registerKernel(original);
}
