import { BACKEND_NAMES, type BackendRequest, type EnvironmentReport } from '../engine/environment';
import { h } from './dom';

/**
 * The backend chooser: changing it reloads the page with ?backend=<name> (tfjs picks a backend once per
 * worker). The run config in the URL is dropped: it reloads with that backend's defaults.
 */
export function backendChooser(current: BackendRequest): HTMLElement {
  const select = h('select', { id: 'backend-select', 'aria-label': 'Backend' });
  for (const name of ['auto', ...BACKEND_NAMES]) {
    select.append(
      h(
        'option',
        { value: name, selected: name === current },
        name === 'auto' ? 'auto (webgpu, wasm, webgl, cpu)' : name,
      ),
    );
  }
  select.addEventListener('change', () => {
    const url = new URL(location.href);
    const demo = url.searchParams.get('demo');
    url.search = '';
    url.searchParams.set('backend', select.value);
    if (demo !== null) url.searchParams.set('demo', demo);
    location.assign(url.toString());
  });
  return h('label', {}, 'Backend ', select);
}

function row(label: string, value: string, testId: string): HTMLElement {
  return h('div', { class: 'kv' }, h('dt', {}, label), h('dd', { 'data-testid': testId }, value));
}

/** What actually runs, as the compute worker reported it. */
export function backendReport(env: EnvironmentReport): HTMLElement {
  const a = env.adapter;
  const dl = h(
    'dl',
    { class: 'report' },
    row('Requested', env.requested, 'env-requested'),
    row('Running', env.backend, 'env-backend'),
    row(
      'Adapter',
      a ? [a.vendor, a.architecture, a.device].filter(Boolean).join(' / ') || '(no details)' : 'none (runs on the CPU)',
      'env-adapter',
    ),
    row('Adapter description', a?.description || '-', 'env-adapter-description'),
    row('Software fallback', env.softwareFallback ? 'yes' : 'no', 'env-fallback'),
    row(
      'WASM',
      env.wasm
        ? `SIMD ${env.wasm.simd ? 'on' : 'off'}, ${env.wasm.threads} thread(s)${env.wasm.threadsSupported ? '' : ' (threads unsupported)'}`
        : '-',
      'env-wasm',
    ),
    row('ProtoBench wasm kernels', ownKernelsText(env), 'env-own-kernels'),
    row('Cross-origin isolated', env.crossOriginIsolated ? 'yes' : 'no', 'env-coi'),
    row('tfjs', env.tfjsVersion, 'env-tfjs'),
    row('CPU threads', String(env.hardwareConcurrency), 'env-cores'),
    row('Browser', env.userAgent, 'env-ua'),
  );
  const passed = env.attempts.filter((x) => !x.ok);
  return h(
    'div',
    {},
    env.softwareFallback
      ? h(
          'p',
          { class: 'warn', role: 'status', 'data-testid': 'fallback-warning' },
          `Software adapter: ${env.backend} runs on ${a?.vendor ?? ''} ${a?.architecture ?? ''}. Timings say nothing about GPU speed.`,
        )
      : null,
    dl,
    passed.length > 0
      ? h(
          'ul',
          { class: 'attempts', 'data-testid': 'env-attempts' },
          ...passed.map((x) => h('li', {}, `${x.backend}: ${x.reason ?? 'failed'}`)),
        )
      : null,
  );
}

/** Our SIMD kernels on wasm (training's weight gradients): their threads, or why tfjs's kernels run instead. */
function ownKernelsText(env: EnvironmentReport): string {
  const k = env.wasm?.ownKernels;
  if (!k) return '-';
  return k.error !== undefined ? `not used: ${k.error}` : `${k.threads} thread(s)`;
}
