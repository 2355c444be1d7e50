/** The sweep command line: `npm run sweep -- --config <file> [options]`, or `--merge <blob-dir>`. */

import { BACKEND_CHOICES, type BackendChoice } from '../src/core/config';

export interface SweepArgs {
  config?: string;
  data?: string;
  out?: string;
  backend?: BackendChoice;
  shard?: { current: number; total: number };
  browser?: string;
  headed: boolean;
  resume: boolean;
  allowFallback: boolean;
  profile: string;
  port?: number;
  /** Merge blob reports from this folder instead of running. */
  merge?: string;
  /** Per-run time limit, minutes. */
  timeoutMin: number;
  chromiumArgs: string[];
  /** Where share links point (the page's URL); default: the sweep's own local server. */
  linkBase?: string;
  buildDir: string;
  build: boolean;
  dryRun: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run sweep -- --config <file> [options]
       npm run sweep -- --merge <blob-report-dir> --out <dir>

  --config <file>       sweep config (JSON; see sweep/example.json and docs/sweeps.md)
  --data <dir>          import the MedIMeta zips / dataset folders in <dir> into the profile first (once)
  --out <dir>           results: runs/*.json, runs/*.link.txt, sweep.csv, summary.md, plan.json
                        (default .protobench/sweeps/<name>)
  --backend <b>         auto | webgpu | wasm | webgl | cpu (overrides the config's "backend")
  --shard <i>/<n>       run the i-th of n slices of the runs (Playwright sharding; writes <out>/blob/)
  --merge <dir>         merge the shards' blob reports in <dir> into one CSV and summary in --out
  --resume              skip runs whose result file exists with the same config hash
  --allow-fallback      accept a software WebGPU adapter (SwiftShader, llvmpipe) when webgpu was asked for
  --browser <path>      Chromium to drive (default: $PB_CHROMIUM, /usr/bin/chromium, else Playwright's own)
  --headed              show the browser window
  --profile <dir>       persistent browser profile (default .protobench/profile); one sweep at a time per profile
  --port <n>            port of the app server (default: the profile's, chosen free on its first sweep)
  --timeout <minutes>   time limit of one run (default 120)
  --chromium-arg <flag> an extra Chromium flag (repeatable)
  --link-base <url>     write share links against this ProtoBench URL (default: the sweep's local server)
  --build-dir <dir>     where the app is built and served from (default .protobench/dist)
  --no-build            serve --build-dir as it is, without checking it against the sources
  --dry-run             check everything and write plan.json, start no browser
  -h, --help            this text`;

export class ArgsError extends Error {}

/** Parse `argv` (without node and the script). Throws ArgsError naming the bad argument. */
export function parseArgs(argv: string[]): SweepArgs {
  const a: SweepArgs = {
    headed: false,
    resume: false,
    allowFallback: false,
    profile: '.protobench/profile',
    timeoutMin: 120,
    chromiumArgs: [],
    buildDir: '.protobench/dist',
    build: true,
    dryRun: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      // A Chromium flag is the one value that starts with "--".
      if (v === undefined || (v.startsWith('--') && name !== '--chromium-arg'))
        throw new ArgsError(`${name} needs a value`);
      return v;
    };
    const flag = (): true => {
      if (inline !== undefined) throw new ArgsError(`${name} takes no value`);
      return true;
    };
    switch (name) {
      case '--config':
        a.config = value();
        break;
      case '--data':
        a.data = value();
        break;
      case '--out':
        a.out = value();
        break;
      case '--backend': {
        const b = value();
        if (!(BACKEND_CHOICES as readonly string[]).includes(b))
          throw new ArgsError(`--backend: expected one of ${BACKEND_CHOICES.join(', ')}, found "${b}"`);
        a.backend = b as BackendChoice;
        break;
      }
      case '--shard': {
        const s = value();
        const m = /^([1-9][0-9]*)\/([1-9][0-9]*)$/.exec(s);
        if (!m || Number(m[1]) > Number(m[2]))
          throw new ArgsError(`--shard: expected <i>/<n> with 1 <= i <= n (e.g. 2/4), found "${s}"`);
        a.shard = { current: Number(m[1]), total: Number(m[2]) };
        break;
      }
      case '--browser':
        a.browser = value();
        break;
      case '--headed':
        a.headed = flag();
        break;
      case '--resume':
        a.resume = flag();
        break;
      case '--allow-fallback':
        a.allowFallback = flag();
        break;
      case '--profile':
        a.profile = value();
        break;
      case '--port': {
        const p = value();
        if (!/^[0-9]+$/.test(p) || Number(p) < 1 || Number(p) > 65535)
          throw new ArgsError(`--port: expected a port number in [1, 65535], found "${p}"`);
        a.port = Number(p);
        break;
      }
      case '--merge':
        a.merge = value();
        break;
      case '--timeout': {
        const t = value();
        if (!/^[0-9]+(\.[0-9]+)?$/.test(t) || Number(t) <= 0)
          throw new ArgsError(`--timeout: expected minutes (a positive number), found "${t}"`);
        a.timeoutMin = Number(t);
        break;
      }
      case '--chromium-arg':
        a.chromiumArgs.push(value());
        break;
      case '--link-base': {
        const u = value();
        if (!/^https?:\/\/[^\s#]+$/.test(u))
          throw new ArgsError(`--link-base: expected an http(s) URL without a fragment, found "${u}"`);
        a.linkBase = u;
        break;
      }
      case '--build-dir':
        a.buildDir = value();
        break;
      case '--no-build':
        a.build = !flag();
        break;
      case '--dry-run':
        a.dryRun = flag();
        break;
      case '-h':
      case '--help':
        a.help = true;
        break;
      default:
        throw new ArgsError(`unknown argument "${arg}"`);
    }
  }
  if (a.help) return a;
  if (a.merge !== undefined) {
    if (a.shard) throw new ArgsError('--merge and --shard do not go together: merge after all shards ran');
    if (!a.out) throw new ArgsError('--merge needs --out <dir> for the merged results');
    return a;
  }
  if (!a.config) throw new ArgsError('--config <file> is required');
  return a;
}
