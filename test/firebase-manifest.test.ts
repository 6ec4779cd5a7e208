// The manifest a Go binary writes, and nodego's check of it, against
// firebase-tools' own: what nodego accepts, firebase-tools' deploy
// validation accepts; what nodego refuses (failing `nodego build` with the
// reason), firebase-tools refuses too.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bin } from './helpers/binaries.js';
import { hostNode, repoRoot } from './helpers/host.js';

const tools = (p: string) => require(path.join(repoRoot, 'node_modules', 'firebase-tools', 'lib', p)) as Record<string, (...a: unknown[]) => unknown>;

/** What firebase-tools says of a manifest before a deploy: undefined, or its error. */
async function firebaseToolsVerdict(manifest: unknown): Promise<string | undefined> {
  try {
    const built = tools('deploy/functions/runtimes/discovery/index.js').yamlToBuild(manifest, 'demo-nodego', 'us-central1', 'nodejs22');
    const { backend } = (await tools('deploy/functions/build.js').resolveBackend({
      build: built,
      firebaseConfig: { projectId: 'demo-nodego' },
      userEnvs: {},
      nonInteractive: true,
    })) as { backend: unknown };
    tools('deploy/functions/validate.js').endpointsAreValid(backend);
    return undefined;
  } catch (err) {
    const e = err as { message: string; children?: Array<{ message: string }> };
    return [e.message, ...(e.children ?? []).map((c) => c.message)].join(': ');
  }
}

const cases = execFileSync(bin('fbmanifest'), ['--list'], { encoding: 'utf8' }).trim().split('\n').sort();

describe('the Firebase manifest', () => {
  for (const name of cases) {
    it(`nodego and firebase-tools agree: ${name}`, async () => {
      const { manifest, error } = JSON.parse(execFileSync(bin('fbmanifest'), [name], { encoding: 'utf8' })) as { manifest: unknown; error: string };
      const theirs = await firebaseToolsVerdict(manifest);
      if (name.startsWith('valid')) {
        expect(error).toBe('');
        expect(theirs).toBeUndefined();
      } else {
        expect(error).toMatch(/firebase-tools would refuse this manifest/);
        expect(theirs, `firebase-tools accepted what nodego refused (${error})`).toBeDefined();
      }
    });
  }

  it('fails nodego build with the reason, and leaves no manifest', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nodego-fb-invalid-'));
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', main: 'index.js', nodego: { binary: 'bin/function', firebase: true } }));
    fs.writeFileSync(path.join(dir, 'go.mod'), `module x\n\ngo 1.23.0\n\nrequire github.com/nodego/nodego v0.0.0\n\nreplace github.com/nodego/nodego => ${path.join(repoRoot, 'go-template')}\n`);
    fs.writeFileSync(
      path.join(dir, 'main.go'),
      'package main\n\nimport (\n\t"log"\n\t"net/http"\n\n\t"github.com/nodego/nodego/firebase"\n\t"github.com/nodego/nodego/firebase/https"\n)\n\nfunc init() {\n\thttps.OnRequest("slow", https.RequestOptions{Options: firebase.Options{TimeoutSeconds: 7200, Memory: "3GiB"}}, func(w http.ResponseWriter, r *http.Request) {})\n}\n\nfunc main() {\n\tif err := firebase.Serve(); err != nil {\n\t\tlog.Fatal(err)\n\t}\n}\n',
    );
    let failure = '';
    try {
      execFileSync(hostNode, [path.join(repoRoot, 'dist', 'cli', 'main.js'), 'build', dir], { encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      failure = (err as { stderr: string }).stderr;
    }
    expect(failure).toContain('functions.yaml not written');
    expect(failure).toContain('slow: timeout 7200s exceeds the maximum allowed for a http function (limit: 3600s)');
    expect(failure).toContain('memory "3GiB" is not one of');
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('functions.yaml'))).toEqual([]);
  });
});
