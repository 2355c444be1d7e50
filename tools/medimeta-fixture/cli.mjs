#!/usr/bin/env node
/* global process, console */
/**
 * Write generated MedIMeta-format datasets to disk (folders and/or zips), for manual imports and
 * benchmarks. The generator is TypeScript (src/data/medimeta/fixture/); Node 20 cannot run .ts, so
 * this loads it through Vite's SSR module loader (no build step, nothing written besides the output).
 *
 *   node tools/medimeta-fixture/cli.mjs --out /tmp/mm --id bus --n 40 --channels 1 --seed 1 [--zip] [--zip64]
 *        [--store-hdf5] [--no-tiff] [--no-hdf5] [--tiff-compression none|lzw|deflate] [--gzip 4]
 *        [--defect truncated-npy] [--list-defects]
 *   node tools/medimeta-fixture/cli.mjs --real RAW_DIR --out DIR [--tiff]
 *        real-image mode: every RAW_DIR/<id>/{meta.json,pixels.u8} (tools/real-images/extract.py) becomes
 *        the dataset folder DIR/<id>/ (images.hdf5, plus images/*.tiff with --tiff)
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

function writeFolder(dir, files) {
  rmSync(dir, { recursive: true, force: true }); // no stale files from an earlier build
  for (const [p, bytes] of files) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), bytes);
  }
}

/** Real-image mode: one dataset at a time, so that only one set of pixels is in memory. */
async function writeReal(fx, raw, out, tiff) {
  for (const id of readdirSync(raw).sort()) {
    if (!existsSync(join(raw, id, 'meta.json'))) continue;
    const meta = JSON.parse(readFileSync(join(raw, id, 'meta.json'), 'utf8'));
    const pixels = new Uint8Array(readFileSync(join(raw, id, 'pixels.u8')));
    const { files, info } = await fx.datasetFromImages({ ...meta, pixels, tiff: tiff ? {} : false });
    writeFolder(join(out, info.id), files);
    const sizes = Object.entries(info.splitSizes).map(([s, k]) => `${s} ${k}`);
    console.log(`${join(out, info.id)}: ${info.numImages} images (${sizes.join(', ')}), ${files.size} files`);
  }
}

function parseArgs(argv) {
  const a = { out: 'medimeta-fixtures', id: 'fixture', n: 40, channels: 1, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    if (k === '--out') a.out = v();
    else if (k === '--id') a.id = v();
    else if (k === '--n') a.n = Number(v());
    else if (k === '--channels') a.channels = Number(v());
    else if (k === '--seed') a.seed = Number(v());
    else if (k === '--zip') a.zip = true;
    else if (k === '--zip64') a.zip64 = true;
    else if (k === '--store-hdf5') a.storeHdf5 = true;
    else if (k === '--no-tiff') a.noTiff = true;
    else if (k === '--no-hdf5') a.noHdf5 = true;
    else if (k === '--tiff-compression') a.tiffCompression = v();
    else if (k === '--gzip') a.gzip = Number(v());
    else if (k === '--defect') a.defect = v();
    else if (k === '--list-defects') a.listDefects = true;
    else if (k === '--real') a.real = v();
    else if (k === '--tiff') a.tiff = true;
    else if (k === '--help' || k === '-h') a.help = true;
    else throw new Error(`unknown argument ${k} (see --help)`);
  }
  return a;
}

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(
    'usage: node tools/medimeta-fixture/cli.mjs --out DIR --id ID --n N --channels 1|3 --seed S [--zip] [--zip64] [--store-hdf5] [--no-tiff] [--no-hdf5] [--tiff-compression none|lzw|deflate] [--gzip LEVEL] [--defect NAME] [--list-defects]\n       node tools/medimeta-fixture/cli.mjs --real RAW_DIR --out DIR [--tiff]',
  );
  process.exit(0);
}

const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  server: { middlewareMode: true, hmr: false },
  appType: 'custom',
  optimizeDeps: { noDiscovery: true, include: [] },
});
try {
  const fx = await server.ssrLoadModule('/src/data/medimeta/fixture/index.ts');
  if (args.real) {
    await writeReal(fx, args.real, args.out, args.tiff);
  } else if (args.listDefects) {
    console.log(fx.DEFECTS.join('\n'));
  } else {
    const spec = {
      id: args.id,
      n: args.n,
      channels: args.channels === 3 ? 3 : 1,
      seed: args.seed,
      tiff: args.noTiff ? false : { compression: args.tiffCompression ?? 'none' },
      hdf5: args.noHdf5 ? false : args.gzip !== undefined ? { compression: args.gzip } : {},
    };
    const files = args.defect ? (await fx.makeDefect(args.defect, spec)).files : (await fx.generateFixture(spec)).files;
    const name = args.defect ? `${args.id}-${args.defect}` : args.id;
    mkdirSync(args.out, { recursive: true });
    if (args.zip) {
      const zip = await fx.zipFiles(files, {
        root: args.id,
        zip64: !!args.zip64,
        hdf5Level: args.storeHdf5 ? 0 : undefined,
      });
      const path = join(args.out, `${name}.zip`);
      writeFileSync(path, zip);
      console.log(`${path}: ${files.size} files, ${(zip.length / 1e6).toFixed(1)} MB`);
    } else {
      const dir = join(args.out, name, args.id);
      for (const [p, bytes] of files) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), bytes);
      }
      console.log(`${dir}: ${files.size} files`);
    }
  }
} finally {
  await server.close();
}
