// Turns the bench samples into docs/benchmarks.{json,md,svg}: medians,
// spreads (min-max across rounds), ratios against the alternatives measured
// in the same run, and each target from issue 5 checked against them.
import * as fs from 'node:fs';
import * as path from 'node:path';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stat = (xs) => (xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) } : undefined);
const fmt = (x, digits = 1) => (x === undefined ? 'n/a' : Number(x).toFixed(digits));
const spread = (s, digits = 1) => (s ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}-${fmt(s.max, digits)})` : 'n/a');

export function summarize(results) {
  const by = {};
  for (const { id, label } of results.contenders) {
    const xs = results.samples[id];
    by[id] = {
      label,
      rps: stat(xs.map((x) => x.rps)),
      p50: stat(xs.map((x) => x.p50_ms)),
      p99: stat(xs.map((x) => x.p99_ms)),
      rssMiB: stat(xs.map((x) => x.rssMiB)),
      coldStartMs: stat(xs.map((x) => x.coldStartMs)),
      errors: xs.reduce((n, x) => n + x.errors + x.non200, 0),
      loadgenCpuShare: stat(xs.map((x) => x.loadgen_cpu_ms / 1000 / x.seconds)),
      cpuUs: stat(xs.map((x) => x.cpuUsPerRequest).filter((x) => x !== undefined)),
    };
  }
  const plain = results.samples['nodego-plain'];
  const swap = {
    ms: stat(plain.map((x) => x.swapMs)),
    failures: plain.reduce((n, x) => n + x.swapFailures, 0),
    requestsDuring: plain.reduce((n, x) => n + x.swapRequests, 0),
    ffRequireToFirstAnswerMs: stat(results.samples['nodego-ff'].map((x) => x.swapToFirstAnswerMs)),
    idleMs: results.idleSwaps?.length ? stat(results.idleSwaps) : undefined,
  };
  const ratio = (a, b, key) => by[a][key].median / by[b][key].median;
  const ratios = {
    plainVsNative: ratio('nodego-plain', 'go-native', 'rps'),
    ffVsNative: ratio('nodego-ff', 'go-native', 'rps'),
    plainVsProxy: ratio('nodego-plain', 'node-proxy', 'rps'),
    plainVsNdjson: ratio('nodego-plain', 'node-ndjson', 'rps'),
    plainVsPureNode: ratio('nodego-plain', 'node-ff', 'rps'),
    p99VsNative: ratio('nodego-plain', 'go-native', 'p99'),
    rssVsProxy: ratio('nodego-plain', 'node-proxy', 'rssMiB'),
    coldStartFfVsPureNode: ratio('nodego-ff', 'node-ff', 'coldStartMs'),
    cpuPlainVsNative: ratio('nodego-plain', 'go-native', 'cpuUs'),
    cpuFfVsNative: ratio('nodego-ff', 'go-native', 'cpuUs'),
    cpuProxyVsPlain: ratio('node-proxy', 'nodego-plain', 'cpuUs'),
    cpuProxyFfVsPlain: ratio('node-proxy-ff', 'nodego-plain', 'cpuUs'),
    plainVsProxyFf: ratio('nodego-plain', 'node-proxy-ff', 'rps'),
    rssVsProxyFf: ratio('nodego-plain', 'node-proxy-ff', 'rssMiB'),
    cpuPureNodeVsPlain: ratio('node-ff', 'nodego-plain', 'cpuUs'),
  };
  const cold = Object.fromEntries(Object.entries(results.coldStarts ?? {}).map(([id, xs]) => [id, stat(xs)]));
  const coldRatio = (a, b) => (cold[a] && cold[b] ? cold[a].median / cold[b].median : undefined);
  ratios.coldPreloadVsPureNode = coldRatio('nodego-preload', 'node-ff');
  ratios.coldRequireVsPureNode = coldRatio('nodego-ff', 'node-ff');
  ratios.coldPreloadVsNative = coldRatio('nodego-preload', 'go-native');
  ratios.coldFastVsPureNode = coldRatio('nodego-fast', 'node-ff');
  ratios.coldFastVsNative = coldRatio('nodego-fast', 'go-native');
  const nr = results.nodeRuntime;
  const nodeRuntime = nr
    ? {
        nodeInit: stat(nr.node.map((x) => x.initMs)),
        goInit: stat(nr.go.map((x) => x.initMs)),
        nodeInitToRun: stat(nr.node.map((x) => x.initToRunMs)),
        goInitToRun: stat(nr.go.map((x) => x.initToRunMs)),
      }
    : undefined;
  ratios.nodeRuntimeInit = nodeRuntime ? nodeRuntime.goInit.median / nodeRuntime.nodeInit.median : undefined;
  const reinit = {
    failures: (results.reinit ?? []).reduce((n, x) => n + x.failures, 0),
    requests: (results.reinit ?? []).reduce((n, x) => n + x.requests, 0),
    reinits: (results.reinit ?? []).reduce((n, x) => n + x.reinits, 0),
  };
  const ow = { nodego: stat(results.openwhisk.nodego), actionloop: stat(results.openwhisk.actionloop) };
  const wide = (id, key) => (by[id][key].max - by[id][key].min) / by[id][key].median;
  const targets = [
    ['throughput >= 0.97x the native Go server (plain host)', ratios.plainVsNative >= 0.97, `${fmt(ratios.plainVsNative, 3)}x`, `native's own spread across rounds is ${fmt(wide('go-native', 'rps') * 100)}%`],
    ['throughput >= 0.97x native (Functions Framework host)', ratios.ffVsNative >= 0.97, `${fmt(ratios.ffVsNative, 3)}x`, 'the FF contract wrapper (execution id, ignored routes) runs on every request'],
    [
      'throughput >= 5x the Node proxy',
      ratios.plainVsProxyFf >= 5,
      `${fmt(ratios.plainVsProxyFf, 2)}x the proxy as deployed (under the Functions Framework); ${fmt(ratios.plainVsProxy, 2)}x a bare node:http proxy`,
      'on one core the proxy pair shares that core; the gap depends on how much of it Node takes',
    ],
    ['p99 within 1.05x native', ratios.p99VsNative <= 1.05, `${fmt(ratios.p99VsNative, 3)}x`, `p99 spread across rounds: native ${fmt(wide('go-native', 'p99') * 100)}%, nodego ${fmt(wide('nodego-plain', 'p99') * 100)}%`],
    ['RSS at most 0.15x the proxy pair', ratios.rssVsProxy <= 0.15, `${fmt(ratios.rssVsProxy, 3)}x`, 'Go allocates per connection under load; the pair holds Node plus the same Go server'],
    ['swap idle under 5 ms', swap.idleMs !== undefined && swap.idleMs.median < 5, swap.idleMs ? `${fmt(swap.idleMs.median, 2)} ms (under load ${fmt(swap.ms.median, 2)} ms)` : 'not measured', 'npm run bench:swap splits it (docs/swap-breakdown.md): Node\'s side (run once per process), execve (the kernel; Node\'s teardown is moved beside the Go process by the memory releaser), the Go runtime\'s start and package init, serving the first request'],
    ['cold start no slower than a pure Node function under the same host (loaded by the framework, require)', ratios.coldStartFfVsPureNode <= 1, `${fmt(ratios.coldStartFfVsPureNode, 3)}x`, `loaded by require, the swap comes after the framework has loaded Express, so what nodego skips (building the app, listening) is less than what it adds (execve, the Go runtime's start); the preload (${fmt(ratios.coldPreloadVsPureNode, 3)}x) and the fast start (${fmt(ratios.coldFastVsPureNode, 3)}x) are the ways that start faster`],
    ['zero failed requests during a swap under load', swap.failures === 0, `${swap.failures} of ${swap.requestsDuring}`, 'see the failing run'],
    ['server CPU per request within 1.02x native (plain host)', ratios.cpuPlainVsNative <= 1.02, `${fmt(ratios.cpuPlainVsNative, 3)}x`, `native's own spread across rounds is ${fmt(wide('go-native', 'cpuUs') * 100)}%`],
    ['server CPU per request within 1.02x native (Functions Framework host)', ratios.cpuFfVsNative <= 1.02, `${fmt(ratios.cpuFfVsNative, 3)}x`, 'the FF contract wrapper (execution id, ignored routes) runs on every request'],
    [
      'the Node proxy at least 5x nodego\'s CPU per request',
      ratios.cpuProxyFfVsPlain >= 5,
      `${fmt(ratios.cpuProxyFfVsPlain, 2)}x as deployed (a function under the Functions Framework forwarding to the Go child: what Cloud Functions and Firebase run); ${fmt(ratios.cpuProxyVsPlain, 2)}x for a bare node:http proxy (bench/hosts/proxy.js), the least a proxy can cost, which those platforms do not run`,
      `behind the Functions Framework: ${fmt(by['node-proxy-ff'].cpuUs.median, 1)} against ${fmt(by['nodego-plain'].cpuUs.median, 1)} µs per request`,
    ],
    ['preload cold start <= 0.5x a pure Node function under the framework', ratios.coldPreloadVsPureNode <= 0.5, `${fmt(ratios.coldPreloadVsPureNode, 3)}x`, 'node itself, and the framework\'s options module, start before the swap; the Go runtime after it'],
    ['fast start cold start <= 0.1x a pure Node function, and within 1.5x the Go binary started directly', ratios.coldFastVsPureNode <= 0.1 && ratios.coldFastVsNative <= 1.5, `${fmt(ratios.coldFastVsPureNode, 3)}x pure Node, ${fmt(ratios.coldFastVsNative, 2)}x native`, 'bash and sh start before the Go binary'],
    ['/init of a Go action on the Node.js runtime <= 2x a Node.js action\'s', ratios.nodeRuntimeInit <= 2, `${fmt(ratios.nodeRuntimeInit, 2)}x`, 'most of it is the runtime\'s own work on a zip of megabytes: reading the base64 body and unzip inflating the Go binary; nodego\'s part (loading, the swap, Go\'s start, answering the replayed /init) is about 2x a Node.js action\'s whole /init. npm run bench:ow-init splits it (docs/ow-init-breakdown.md)'],
    ['OpenWhisk /init to the first /run <= 1.0x the actionloop design', ow.nodego.median <= ow.actionloop.median, `${fmt(ow.nodego.median / ow.actionloop.median, 2)}x`, 'the self-replacing proxy\'s /init also carries the execve and the Go runtime\'s start, which the actionloop proxy overlaps with its answer'],
    ['zero failed requests during re-inits under load', reinit.failures === 0 && reinit.requests > 0, `${reinit.failures} of ${reinit.requests} over ${reinit.reinits} re-inits`, 'see the failing run'],
  ].map(([target, met, measured, why]) => ({ target, met, measured, ...(met ? {} : { why }) }));
  return { by, swap, ratios, ow, nodeRuntime, reinit, cold, targets };
}

function markdown(results, s) {
  const v = results.versions;
  const rows = results.contenders.map(({ id }) => {
    const c = s.by[id];
    return `| ${c.label} | ${spread(c.rps, 0)} | ${spread(c.cpuUs, 1)} | ${spread(c.p50, 2)} | ${spread(c.p99, 2)} | ${spread(c.rssMiB)} | ${spread(c.coldStartMs)} | ${c.errors} |`;
  });
  return `# Benchmarks

Written by \`npm run bench${results.quick ? ' -- --quick' : ''}\` on ${v.date}. One machine, one run: every
contender below was measured in the same run, ${results.repeats} rounds in shuffled order, ${results.seconds} s of load each
after a 0.5 s warm-up. Each contender runs on core 0 (\`taskset -c 0\`), the load generator on core 1, so
each gets the same CPU budget. Absolute numbers on a shared machine are noise; the ratios are the result.
Figures are medians, with the min-max across rounds in brackets.

- Machine: ${v.cores} x ${v.cpu}, Linux ${v.kernel}
- Node ${v.node}, ${v.go}, nodego ${v.nodego}, @google-cloud/functions-framework ${v.functionsFramework}
- Load: ${v.loadGenerator}; it used ${fmt(s.by['go-native'].loadgenCpuShare.median * 100, 0)}% of its core against the
  native server, so the native figure is the ceiling this load generator can show on this machine.
- Handler: the same Go function (\`bench/go/gohello\`) answering \`Hello, World!\\n\` in every Go contender; the
  pure Node function answers the same bytes.

## Contenders

| contender | req/s | server CPU µs/request | p50 ms | p99 ms | RSS MiB (all processes) | cold start ms | failed requests |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Server CPU per request is the user and system time of the contender's whole process tree (from \`/proc\`)
over the measured window, divided by the requests answered: unlike req/s, the load generator's ceiling does
not hide it.

Cold start is process start to the first 200. For the plain host that answer comes from Node (the swap comes
later, on a signal); for the Functions Framework host it comes from Go, since the swap happens while the
framework loads the function.

## Ratios (same run)

| | ratio |
|---|---|
| nodego (plain) / native Go, throughput | ${fmt(s.ratios.plainVsNative, 3)} |
| nodego (Functions Framework) / native Go, throughput | ${fmt(s.ratios.ffVsNative, 3)} |
| nodego / Node proxy, throughput | ${fmt(s.ratios.plainVsProxy, 2)} |
| nodego / NDJSON shim, throughput | ${fmt(s.ratios.plainVsNdjson, 2)} |
| nodego / pure Node function, throughput | ${fmt(s.ratios.plainVsPureNode, 2)} |
| nodego / native Go, p99 latency | ${fmt(s.ratios.p99VsNative, 3)} |
| nodego / Node proxy pair, RSS | ${fmt(s.ratios.rssVsProxy, 3)} |
| nodego / Node proxy under the Functions Framework, throughput | ${fmt(s.ratios.plainVsProxyFf, 2)} |
| nodego / Node proxy pair under the Functions Framework, RSS | ${fmt(s.ratios.rssVsProxyFf, 3)} |
| nodego (FF) / pure Node (FF), cold start | ${fmt(s.ratios.coldStartFfVsPureNode, 3)} |
| nodego (plain) / native Go, server CPU per request | ${fmt(s.ratios.cpuPlainVsNative, 3)} |
| nodego (Functions Framework) / native Go, server CPU per request | ${fmt(s.ratios.cpuFfVsNative, 3)} |
| Node proxy / nodego, server CPU per request | ${fmt(s.ratios.cpuProxyVsPlain, 2)} |
| Node proxy under the Functions Framework / nodego, server CPU per request | ${fmt(s.ratios.cpuProxyFfVsPlain, 2)} |
| pure Node function / nodego, server CPU per request | ${fmt(s.ratios.cpuPureNodeVsPlain, 2)} |

## The swap

- Swap time, plain host, idle (one keep-alive client polling back to back, ${results.idleSwaps?.length ?? 0} swaps): the \`swap()\` call to the first answer from Go: ${s.swap.idleMs ? spread(s.swap.idleMs, 2) : 'not measured'} ms.
- Swap time, plain host, under load (${CONNECTIONS_TEXT(results)}): ${spread(s.swap.ms, 2)} ms; the wait for the quiet point (every response in flight finished) comes on top.
- Functions Framework host: the module's \`require\` to the first answer from Go (exec, Go start, bind): ${spread(s.swap.ffRequireToFirstAnswerMs, 2)} ms.
- Failed requests during the swap under load: **${s.swap.failures}** of ${s.swap.requestsDuring}.
- Where an idle swap's time goes (Node's side, execve, the Go runtime's start, serving), and what Node's
  teardown costs inside execve without the memory releaser: \`npm run bench:swap\`, docs/swap-breakdown.md.

## Cold start

Process start to the first 200, ${Object.values(results.coldStarts ?? {})[0]?.length ?? 0} launches of each, interleaved in a shuffled order, each on core 0
(Node ${v.node}, @google-cloud/functions-framework ${v.functionsFramework}):

| how the function starts | ms |
|---|---|
${(results.coldStartLabels ?? []).map(({ id, label }) => `| ${label} | ${spread(s.cold[id], 1)} |`).join('\n')}

- preload / pure Node: ${fmt(s.ratios.coldPreloadVsPureNode, 3)}; require (today's way) / pure Node: ${fmt(s.ratios.coldRequireVsPureNode, 3)};
  preload / the Go binary started directly: ${fmt(s.ratios.coldPreloadVsNative, 2)}.
- fast start / pure Node: ${fmt(s.ratios.coldFastVsPureNode, 3)}; fast start / the Go binary started directly: ${fmt(s.ratios.coldFastVsNative, 2)}.

## Re-initialisation under load

The self-replacing OpenWhisk proxy, re-initialised with a new binary ${results.reinit?.[0] ? 'again and again' : ''} while 16
keep-alive connections send \`/run\` back to back: **${s.reinit.failures}** failed of ${s.reinit.requests} requests, over
${s.reinit.reinits} re-inits.

## OpenWhisk Node.js runtime: \`/init\` of a Node.js action and of a Go action

The runtime's stand-in (\`nodego emulate openwhisk\`) started fresh each time, then \`/init\` with the action's zip and
one \`/run\`: a Node.js action (\`index.js\`), and the same action in Go packaged by \`nodego package --target openwhisk\`.

| action | /init ms | /init to the first /run answered, ms |
|---|---|---|
| Node.js | ${spread(s.nodeRuntime?.nodeInit, 1)} | ${spread(s.nodeRuntime?.nodeInitToRun, 1)} |
| Go (nodego) | ${spread(s.nodeRuntime?.goInit, 1)} | ${spread(s.nodeRuntime?.goInitToRun, 1)} |

## OpenWhisk: \`/init\` to the first \`/run\`

| design | ms |
|---|---|
| nodego's self-replacing proxy (execve into the action) | ${spread(s.ow.nodego, 2)} |
| actionloop design (the proxy spawns the action, pipes to it) | ${spread(s.ow.actionloop, 2)} |

Both read the same body: the binary in base64 inside JSON. The actionloop stand-in decodes it with
encoding/json, as the upstream runtime does; nodego's proxy cuts the base64 out of the body directly (the same
result and errors as encoding/json, which still checks everything else) and so skips two scans of megabytes.
It then answers \`/init\` from the new binary, so that \`/init\` carries the execve and the Go runtime's start,
where the actionloop proxy answers as soon as its child is spawned. What the swap buys comes after: one
process, no pipe hop on every \`/run\`.

## Targets

| target | measured | met | why not |
|---|---|---|---|
${s.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'yes' : '**no**'} | ${t.why ?? ''} |`).join('\n')}

![throughput and memory](benchmarks.svg)
`;
}

const CONNECTIONS_TEXT = (r) => `${r.connections} keep-alive connections`;

function svg(results, s) {
  const ids = results.contenders.map((c) => c.id);
  const maxRps = Math.max(...ids.map((id) => s.by[id].rps.max));
  const maxRss = Math.max(...ids.map((id) => s.by[id].rssMiB.max));
  const rowH = 34;
  const left = 290;
  const barW = 320;
  const height = 60 + ids.length * rowH;
  const bars = ids
    .map((id, i) => {
      const c = s.by[id];
      const y = 40 + i * rowH;
      const w = (c.rps.median / maxRps) * barW;
      const wm = (c.rssMiB.median / maxRss) * 160;
      const x0 = left + (c.rps.min / maxRps) * barW;
      const x1 = left + (c.rps.max / maxRps) * barW;
      const fill = id.startsWith('nodego') ? '#2b7bb9' : id === 'go-native' ? '#555' : '#c9a227';
      return `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${c.label}</text>
<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="20" fill="${fill}"/>
<line x1="${x0.toFixed(1)}" y1="${y + 10}" x2="${x1.toFixed(1)}" y2="${y + 10}" stroke="#000"/>
<text x="${left + w + 6}" y="${y + 15}">${Math.round(c.rps.median)}</text>
<rect x="${left + barW + 90}" y="${y}" width="${wm.toFixed(1)}" height="20" fill="#8a8a8a"/>
<text x="${left + barW + 96 + wm}" y="${y + 15}">${fmt(c.rssMiB.median)} MiB</text>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + barW + 340}" height="${height}" font-family="sans-serif" font-size="12">
<text x="${left}" y="20" font-weight="bold">requests/s (median, min-max)</text>
<text x="${left + barW + 90}" y="20" font-weight="bold">RSS of all processes</text>
${bars}
</svg>
`;
}

export function writeReports(root, results) {
  const s = summarize(results);
  const docs = path.join(root, 'docs');
  fs.mkdirSync(docs, { recursive: true });
  const files = {
    'benchmarks.json': JSON.stringify({ ...results, summary: s }, null, 2) + '\n',
    'benchmarks.md': markdown(results, s),
    'benchmarks.svg': svg(results, s),
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(docs, name), text);
  return Object.keys(files).map((f) => path.join('docs', f));
}
