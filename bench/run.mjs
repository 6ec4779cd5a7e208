#!/usr/bin/env node
// npm run bench [-- --quick]: nodego against what a user would run instead,
// side by side in one run on one machine. Every contender (contenders.mjs)
// serves the same Go handler (or, for the pure Node one, the same bytes) on
// one core (taskset -c 0); the load generator has the other (-c 1). Runs are
// interleaved in a shuffled order and repeated; the report gives medians,
// spreads and ratios. Writes docs/benchmarks.json, docs/benchmarks.md and
// docs/benchmarks.svg.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COLD_STARTS, CONTENDERS, idleSwap, linkNodego, NODE_RUNTIME_ACTIONS, nodeRuntimeInit, OPENWHISK_DESIGNS, openwhiskInitToRun, prepareFastStart, prepareNodeRuntimeActions, reinitUnderLoad } from './contenders.mjs';
import { build, CONNECTIONS, firstAnswer, freePort, kill, loadgen, log, root, sleep, treeCpuMs, treeRssMiB } from './harness.mjs';
import { writeReports } from './report.mjs';

const QUICK = process.argv.includes('--quick');
const REPEATS = QUICK ? 2 : 5;
const SECONDS = QUICK ? 2 : 8;

export function shuffle(list) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

function versions() {
  const out = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    date: new Date().toISOString(),
    node: process.version,
    go: out('go', ['version']),
    nodego: JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version,
    functionsFramework: JSON.parse(fs.readFileSync(path.join(root, 'node_modules', '@google-cloud', 'functions-framework', 'package.json'), 'utf8')).version,
    kernel: os.release(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    loadGenerator: `bench/go/loadgen (Go, ${CONNECTIONS} keep-alive connections, pinned to core 1)`,
  };
}

async function main() {
  log(`nodego bench: ${QUICK ? 'quick' : 'full'} run, ${REPEATS} rounds of ${SECONDS} s per contender`);
  build();
  const samples = Object.fromEntries(CONTENDERS.map((c) => [c.id, []]));
  for (let round = 1; round <= REPEATS; round++) {
    for (const c of shuffle(CONTENDERS)) {
      const port = await freePort();
      const started = await c.start(port);
      try {
        await loadgen(port, 0.5); // warm up
        const cpu0 = treeCpuMs(started.proc.pid);
        const load = await loadgen(port, SECONDS);
        // The server side's CPU per request: the ratio the load generator's own ceiling cannot hide.
        const cpuUsPerRequest = ((treeCpuMs(started.proc.pid) - cpu0) * 1000) / load.requests;
        const rssMiB = treeRssMiB(started.proc.pid);
        const { proc, ...rest } = started;
        samples[c.id].push({ ...rest, ...load, rssMiB, cpuUsPerRequest });
        log(`round ${round} ${c.id}: ${Math.round(load.rps)} req/s, ${cpuUsPerRequest.toFixed(1)} us CPU/req, p99 ${load.p99_ms} ms, ${rssMiB.toFixed(1)} MiB, errors ${load.errors}`);
      } finally {
        kill(started.proc);
        await sleep(100);
      }
    }
  }
  const idleSwaps = [];
  for (let round = 1; round <= REPEATS * 2; round++) idleSwaps.push(await idleSwap());
  log(`idle swaps (ms): ${idleSwaps.map((x) => x.toFixed(2)).join(' ')}`);
  const openwhisk = { nodego: [], actionloop: [] };
  for (let round = 1; round <= REPEATS * 2; round++) {
    for (const design of shuffle(OPENWHISK_DESIGNS)) openwhisk[design].push(await openwhiskInitToRun(design));
  }
  log(`openwhisk /init to first /run: nodego ${openwhisk.nodego.map((x) => x.toFixed(1))}, actionloop ${openwhisk.actionloop.map((x) => x.toFixed(1))}`);
  // Cold starts: many launches of each, interleaved, process start to the first 200.
  linkNodego();
  await prepareFastStart();
  const coldStarts = Object.fromEntries(COLD_STARTS.map((c) => [c.id, []]));
  const launches = QUICK ? 10 : 30;
  for (let i = 0; i < launches; i++) {
    for (const c of shuffle(COLD_STARTS)) {
      const port = await freePort();
      const t0 = performance.now();
      const proc = c.start(port);
      try {
        coldStarts[c.id].push(await firstAnswer(port, t0));
      } finally {
        kill(proc);
        await sleep(20);
      }
    }
  }
  log(`cold starts (median ms): ${COLD_STARTS.map((c) => `${c.id} ${[...coldStarts[c.id]].sort((a, b) => a - b)[launches >> 1].toFixed(1)}`).join(', ')}`);
  await prepareNodeRuntimeActions();
  const nodeRuntime = { node: [], go: [] };
  for (let i = 0; i < (QUICK ? 4 : 10); i++) {
    for (const kind of shuffle(NODE_RUNTIME_ACTIONS)) nodeRuntime[kind].push(await nodeRuntimeInit(kind));
  }
  log(`Node.js runtime /init (ms): node ${nodeRuntime.node.map((x) => x.initMs.toFixed(1))}, go ${nodeRuntime.go.map((x) => x.initMs.toFixed(1))}`);
  const reinit = [];
  for (let round = 1; round <= REPEATS; round++) {
    reinit.push(await reinitUnderLoad(QUICK ? 4 : 8, QUICK ? 2 : 4));
    log(`re-init under load, round ${round}: ${JSON.stringify(reinit.at(-1))}`);
  }
  const results = { versions: versions(), quick: QUICK, repeats: REPEATS, seconds: SECONDS, connections: CONNECTIONS, contenders: CONTENDERS.map(({ id, label }) => ({ id, label })), samples, idleSwaps, openwhisk, nodeRuntime, reinit, coldStarts, coldStartLabels: COLD_STARTS.map(({ id, label }) => ({ id, label })) };
  const written = writeReports(root, results);
  log(`wrote ${written.join(', ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
