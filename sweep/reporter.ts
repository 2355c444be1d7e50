/**
 * The sweep's Playwright reporter: terminal progress per run (the spec prints per cell), and at the end
 * `<out>/sweep.csv`, `<out>/summary.md`, `<out>/status.json` and every run's files under `<out>/runs/`,
 * all from the records attached to the tests. The same code serves a live sweep, one shard of it, and
 * `merge-reports` over the shards' blob reports, so a merged sweep writes what a single one does.
 */

import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { recordFromJSON } from '../src/core/results';
import { writeAtomic } from './ledger';
import { linkFile, MERGE_OUT_ENV, readOptions, readPlan, runFile } from './options';
import { sweepCSV, sweepSummary, type RunOutcome } from './output';
import type { Plan } from './plan';
import type { RunMeta } from './sweep.spec';

/** What `status.json` holds (the CLI reads it for its exit status). */
export interface SweepStatus {
  name: string;
  planHash: string;
  total: number;
  shard: string | null;
  done: number;
  resumed: number;
  failed: { index: number; id: string; error: string }[];
  missing: { index: number; id: string }[];
  csv: string;
  summary: string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

function attachment(result: TestResult, name: string): string | undefined {
  const a = result.attachments.find((x) => x.name === name);
  if (!a) return undefined;
  if (a.body) return a.body.toString('utf8');
  if (a.path && existsSync(a.path)) return readFileSync(a.path, 'utf8');
  return undefined;
}

export default class SweepReporter implements Reporter {
  private readonly merging = process.env[MERGE_OUT_ENV] !== undefined;
  private readonly out: string;
  private readonly plan: Plan | undefined;
  private shard: string | null = null;
  private total = 0;
  private readonly results = new Map<TestCase, TestResult>();
  private started = Date.now();

  constructor() {
    const o = readOptions();
    this.out = process.env[MERGE_OUT_ENV] ?? o?.out ?? 'sweep-out';
    this.plan = o && !this.merging ? readPlan(o.plan) : undefined;
  }

  printsToStdio(): boolean {
    return true;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.started = Date.now();
    this.total = suite.allTests().length;
    this.shard = config.shard ? `shard ${config.shard.current}/${config.shard.total}` : null;
    if (this.merging) {
      console.log(`sweep: merging ${this.total} runs into ${this.out}`);
      return;
    }
    const all = this.plan?.runs.length ?? this.total;
    console.log(
      `sweep ${this.plan?.name ?? ''}: ${this.total} of ${all} runs${this.shard ? ` (${this.shard})` : ''}, results in ${this.out}`,
    );
  }

  onTestBegin(test: TestCase): void {
    if (!this.merging) console.log(`run ${test.title}: starting`);
  }

  onStdOut(chunk: string | Buffer): void {
    if (!this.merging) process.stdout.write(chunk);
  }

  onStdErr(chunk: string | Buffer): void {
    if (!this.merging) process.stderr.write(chunk);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.results.set(test, result);
    if (this.merging) return;
    const s = (result.duration / 1000).toFixed(1);
    if (result.status === 'passed') console.log(`run ${test.title}: ok (${s} s)`);
    else
      console.log(
        `run ${test.title}: FAILED (${result.status}, ${s} s): ${(result.error?.message ?? '').replace(ANSI, '').split('\n').slice(0, 6).join('\n  ')}`,
      );
  }

  onError(error: { message?: string }): void {
    console.error(`sweep: ${(error.message ?? '').replace(ANSI, '')}`);
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    const outcomes: RunOutcome[] = [];
    let name = this.plan?.name ?? 'sweep';
    let planHash = this.plan?.planHash ?? '';
    let total = this.plan?.runs.length ?? 0;
    const hosts = new Set<string>();
    const problems: string[] = [];
    for (const [test, r] of this.results) {
      const metaText = attachment(r, 'sweep-run');
      if (!metaText) {
        problems.push(`${test.title}: no sweep-run attachment (${r.error?.message?.replace(ANSI, '') ?? r.status})`);
        continue;
      }
      const meta = JSON.parse(metaText) as RunMeta;
      if (planHash && meta.planHash !== planHash) {
        problems.push(`${meta.id}: from another plan (${meta.planHash}, not ${planHash}): not merged`);
        continue;
      }
      name = meta.name;
      planHash = meta.planHash;
      total = Math.max(total, meta.total);
      hosts.add(meta.host);
      const recordText = attachment(r, 'sweep-record');
      const parsed = recordText ? recordFromJSON(recordText) : undefined;
      const link = attachment(r, 'sweep-link');
      const base = { index: meta.index, id: meta.id, configHash: meta.configHash };
      if (r.status === 'passed' && parsed?.ok && recordText) {
        outcomes.push({
          ...base,
          status: 'done',
          record: parsed.record,
          ...(link ? { shareLink: link } : {}),
          ...(attachment(r, 'sweep-resumed') ? { resumed: true } : {}),
        });
        // Merged or live: the run's files in <out>/runs/ (unchanged files are not rewritten).
        const file = runFile(this.out, meta.id);
        if (!existsSync(file) || readFileSync(file, 'utf8') !== recordText) writeAtomic(file, recordText);
        if (
          link &&
          (!existsSync(linkFile(this.out, meta.id)) ||
            readFileSync(linkFile(this.out, meta.id), 'utf8').trim() !== link)
        )
          writeAtomic(linkFile(this.out, meta.id), `${link}\n`);
      } else {
        const why =
          r.status === 'passed'
            ? 'no readable record was attached'
            : `${r.status}: ${(r.error?.message ?? '').replace(ANSI, '').split('\n').slice(0, 8).join(' / ')}`;
        outcomes.push({ ...base, status: 'failed', error: why });
      }
    }
    // Runs of the plan that did not report (an interrupted sweep); shards report only their own slice.
    if (!this.shard) {
      const seen = new Set(outcomes.map((o) => o.index));
      if (this.plan) {
        for (const run of this.plan.runs)
          if (!seen.has(run.index))
            outcomes.push({ index: run.index, id: run.id, configHash: run.configHash, status: 'missing' });
      } else {
        for (let i = 0; i < total; i++)
          if (!seen.has(i)) outcomes.push({ index: i, id: `#${i}`, configHash: '', status: 'missing' });
      }
    }
    outcomes.sort((a, b) => a.index - b.index);

    mkdirSync(this.out, { recursive: true });
    const csv = join(this.out, 'sweep.csv');
    const summary = join(this.out, 'summary.md');
    writeAtomic(csv, sweepCSV(outcomes));
    writeAtomic(
      summary,
      sweepSummary(
        { name, planHash, total, hosts: [...hosts], ...(this.shard ? { shard: this.shard } : {}) },
        outcomes,
      ),
    );
    const failed = outcomes.filter((o) => o.status === 'failed');
    const missing = outcomes.filter((o) => o.status === 'missing');
    const status: SweepStatus = {
      name,
      planHash,
      total,
      shard: this.shard,
      done: outcomes.filter((o) => o.status === 'done').length,
      resumed: outcomes.filter((o) => o.resumed).length,
      failed: failed.map((o) => ({ index: o.index, id: o.id, error: o.error ?? '' })),
      missing: missing.map((o) => ({ index: o.index, id: o.id })),
      csv,
      summary,
    };
    writeAtomic(join(this.out, 'status.json'), `${JSON.stringify(status, null, 1)}\n`);

    const secs = ((Date.now() - this.started) / 1000).toFixed(0);
    console.log(
      `\nsweep ${name}${this.shard ? ` (${this.shard})` : ''}: ${status.done} done${status.resumed ? ` (${status.resumed} resumed)` : ''}, ${failed.length} failed${missing.length ? `, ${missing.length} missing` : ''} of ${this.shard ? outcomes.length : total} runs in ${secs} s`,
    );
    console.log(`  CSV:     ${csv}\n  summary: ${summary}`);
    for (const p of problems) console.log(`  problem: ${p}`);
    for (const f of failed) console.log(`  FAILED run ${f.id}: ${f.error}`);
    for (const m of missing)
      console.log(`  MISSING run ${m.id.startsWith('#') ? m.id : `${m.id} (#${m.index})`}: no result`);
    if (failed.length + missing.length + problems.length > 0 || result.status !== 'passed') return { status: 'failed' };
    return undefined;
  }
}
