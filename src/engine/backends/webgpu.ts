import * as tf from '@tensorflow/tfjs';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { AdapterReport } from '../environment';
import { looksSoftware } from './software';

/** Errors the device reported asynchronously (e.g. a buffer over maxBufferSize that silently yields zeros). */
export const gpuErrors: string[] = [];
let adapterReport: AdapterReport | null = null;

/**
 * Our own factory for the 'webgpu' backend, replacing tfjs's: the same device limits, but we keep the
 * adapter we chose (to report it truthfully) and listen for uncaptured device errors.
 */
export function registerWebGPU(): void {
  tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      if (!('gpu' in navigator) || !navigator.gpu)
        throw new Error('WebGPU is not available: navigator.gpu is undefined');
      const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) throw new Error('WebGPU is not available: navigator.gpu.requestAdapter() returned null');
      const info = adapter.info;
      const l = adapter.limits;
      const requiredFeatures: GPUFeatureName[] = [];
      if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
      if (adapter.features.has('bgra8unorm-storage')) requiredFeatures.push('bgra8unorm-storage');
      const device = await adapter.requestDevice({
        requiredFeatures,
        requiredLimits: {
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
          maxBufferSize: l.maxBufferSize,
          maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        },
      });
      device.addEventListener('uncapturederror', (e) => gpuErrors.push((e as GPUUncapturedErrorEvent).error.message));
      const fallbackFlag =
        (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ??
        (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
      adapterReport = {
        vendor: info.vendor,
        architecture: info.architecture,
        device: info.device,
        description: info.description,
        isFallbackAdapter: fallbackFlag === true || looksSoftware(info.vendor, info.architecture, info.description),
        limits: { maxBufferSize: l.maxBufferSize, maxStorageBufferBindingSize: l.maxStorageBufferBindingSize },
      };
      // tfjs types the adapter info as its own subset; the real object carries every field it reads.
      return new WebGPUBackend(device, info as unknown as ConstructorParameters<typeof WebGPUBackend>[1]);
    },
    3,
  );
}

export function webgpuAdapter(): AdapterReport | null {
  return adapterReport;
}
