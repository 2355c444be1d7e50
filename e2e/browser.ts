import { existsSync } from 'node:fs';

/**
 * Which Chromium to drive. PB_CHROMIUM wins; then Debian's /usr/bin/chromium (Playwright cannot download
 * its own browsers on machines without internet); else undefined, i.e. Playwright's bundled browser.
 */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.PB_CHROMIUM;
  if (fromEnv) return fromEnv;
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  return undefined;
}

/**
 * Flags for headless runs: no sandbox (CI runs as root), no background traffic to Google services (the
 * network is closed here; each attempt is refused and logged), and WebGPU exposed (SwiftShader headless).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
];
