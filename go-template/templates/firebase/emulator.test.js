// The functions under the real Firebase emulator: `npm test` runs this with
// `firebase emulators:exec`, which starts the emulator, runs it, and stops.
// Add a test here for every function you add.
const test = require('node:test');
const assert = require('node:assert');

async function functionsURL(name) {
  const hub = process.env.FIREBASE_EMULATOR_HUB;
  assert.ok(hub, 'run under `firebase emulators:exec` (npm test)');
  const { functions } = await (await fetch(`http://${hub}/emulators`)).json();
  return `http://${functions.host}:${functions.port}/${process.env.GCLOUD_PROJECT}/us-central1/${name}`;
}

test('hello answers from Go', async () => {
  const res = await fetch(`${await functionsURL('hello')}?name=Firebase`);
  assert.strictEqual(res.status, 200);
  assert.strictEqual(await res.text(), 'Hello, Firebase!\n');
});

test('add answers the callable protocol', async () => {
  const url = await functionsURL('add');
  const call = (body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const ok = await call({ data: { a: 1, b: 2 } });
  assert.strictEqual(ok.status, 200);
  assert.deepStrictEqual(await ok.json(), { result: { sum: 3, caller: 'anonymous' } });
  const bad = await call({ data: { a: 1 } });
  assert.strictEqual(bad.status, 400);
  assert.strictEqual((await bad.json()).error.status, 'INVALID_ARGUMENT');
});
