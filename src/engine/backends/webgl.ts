import * as tf from '@tensorflow/tfjs';
import type { AdapterReport } from '../environment';
import { looksSoftware } from './software';

/** The WebGL renderer behind the running webgl backend, read from its own context. */
export function webglAdapter(): AdapterReport | null {
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } };
  const gl = backend.gpgpu?.gl;
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const vendor = String(ext ? gl.getParameter(ext.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR));
  const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  return {
    vendor,
    architecture: String(gl.getParameter(gl.VERSION)),
    device: renderer,
    description: `max texture ${gl.getParameter(gl.MAX_TEXTURE_SIZE)}`,
    isFallbackAdapter: looksSoftware(vendor, renderer),
  };
}
