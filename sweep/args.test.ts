import { describe, expect, it } from 'vitest';
import { ArgsError, parseArgs } from './args';

describe('parseArgs', () => {
  it('reads every option, with defaults', () => {
    const a = parseArgs([
      '--config',
      'c.json',
      '--data=/d',
      '--out',
      'o',
      '--backend',
      'webgpu',
      '--shard',
      '2/4',
      '--browser',
      '/usr/bin/chromium',
      '--headed',
      '--resume',
      '--allow-fallback',
      '--chromium-arg',
      '--a',
      '--chromium-arg=--b',
      '--timeout',
      '1.5',
      '--link-base',
      'https://example.org/protobench/',
    ]);
    expect(a).toMatchObject({
      config: 'c.json',
      data: '/d',
      out: 'o',
      backend: 'webgpu',
      shard: { current: 2, total: 4 },
      browser: '/usr/bin/chromium',
      headed: true,
      resume: true,
      allowFallback: true,
      chromiumArgs: ['--a', '--b'],
      timeoutMin: 1.5,
      linkBase: 'https://example.org/protobench/',
      profile: '.protobench/profile',
      buildDir: '.protobench/dist',
      build: true,
      dryRun: false,
    });
    expect(parseArgs(['--config', 'c.json']).shard).toBeUndefined();
  });

  it('refuses bad arguments, naming them', () => {
    const bad: [string[], RegExp][] = [
      [[], /--config <file> is required/],
      [['--config'], /--config needs a value/],
      [['--config', 'c', '--frobnicate'], /unknown argument "--frobnicate"/],
      [
        ['--config', 'c', '--backend', 'metal'],
        /--backend: expected one of auto, webgpu, wasm, webgl, cpu, found "metal"/,
      ],
      [['--config', 'c', '--shard', '3/2'], /--shard: expected <i>\/<n> with 1 <= i <= n/],
      [['--config', 'c', '--shard', '0/2'], /--shard/],
      [['--config', 'c', '--port', '70000'], /--port: expected a port number/],
      [['--config', 'c', '--timeout', '-1'], /--timeout/],
      [['--config', 'c', '--resume=yes'], /--resume takes no value/],
      [['--merge', 'blobs'], /--merge needs --out/],
      [['--config', 'c', '--link-base', 'x#y'], /--link-base: expected an http\(s\) URL/],
      [['--merge', 'blobs', '--out', 'o', '--shard', '1/2'], /--merge and --shard/],
    ];
    for (const [argv, re] of bad) {
      expect(() => parseArgs(argv), argv.join(' ')).toThrow(ArgsError);
      expect(() => parseArgs(argv), argv.join(' ')).toThrow(re);
    }
  });

  it('merge needs no config', () => {
    expect(parseArgs(['--merge', 'blobs', '--out', 'o'])).toMatchObject({ merge: 'blobs', out: 'o' });
    expect(parseArgs(['--help']).help).toBe(true);
  });
});
