// `nodego init [dir] --template <name>`: a function directory ready to build,
// test and deploy: the Go code and go.mod of go-template/templates/<name>
// (the go.mod pointed at the Go module npm installed, so it builds without
// fetching nodego), and the Node side the host loads.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodegoError } from '../errors.js';

const packageRoot = path.join(__dirname, '..', '..');
const templatesDir = path.join(packageRoot, 'go-template', 'templates');
const ownVersion = (JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
const FRAMEWORK = '@google-cloud/functions-framework';
const frameworkVersion = '^5.0.5';

interface Template {
  description: string;
  scripts: Record<string, string>;
  /** The Functions Framework signature; none for OpenWhisk and Firebase. */
  signature?: 'http' | 'cloudevent' | 'event';
  /** A Firebase project: firebase.json at dir, the function in dir/functions. */
  firebase?: boolean;
}

const functionsFramework = (signature: 'http' | 'cloudevent' | 'event'): Template => ({
  description: `a Functions Framework ${signature} function`,
  signature,
  scripts: {
    // gcp-build: Cloud Functions' build step; it keeps an uploaded binary when the build image has no Go.
    'gcp-build': 'nodego build --if-go',
    start: 'nodego serve',
    test: 'nodego test',
    package: 'nodego build && nodego package --target gcf',
  },
});

const TEMPLATES: Record<string, Template> = {
  http: functionsFramework('http'),
  cloudevent: functionsFramework('cloudevent'),
  event: functionsFramework('event'),
  firebase: {
    description: 'a Firebase project: an HTTP and a callable function in Go, tested under the real emulator',
    firebase: true,
    scripts: {
      build: 'nodego build',
      test: 'nodego build && go test ./... && firebase emulators:exec --only functions "node --test emulator.test.js"',
      serve: 'nodego serve',
      deploy: 'firebase deploy --only functions',
    },
  },
  openwhisk: {
    description: 'an OpenWhisk action for the Node.js kind',
    scripts: {
      build: 'nodego build',
      package: 'nodego build && nodego package --target openwhisk',
      test: 'nodego test',
    },
  },
};

/**
 * What the function's package.json depends on for nodego, so that `npm
 * install` resolves: $NODEGO_DEPENDENCY when set; the version range when this
 * nodego came from the registry; else where this nodego came from: the
 * tarball it was installed from (its project's lockfile says which), or this
 * directory (a checkout, a global or linked install).
 */
export function nodegoDependency(): string {
  if (process.env.NODEGO_DEPENDENCY) return process.env.NODEGO_DEPENDENCY;
  const real = fs.realpathSync(packageRoot);
  const parent = path.dirname(real);
  if (path.basename(parent) === 'node_modules') {
    const project = path.dirname(parent);
    try {
      const lock = JSON.parse(fs.readFileSync(path.join(project, 'package-lock.json'), 'utf8')) as {
        packages?: Record<string, { resolved?: string }>;
      };
      const resolved = lock.packages?.['node_modules/nodego']?.resolved;
      if (resolved?.startsWith('file:')) return `file:${path.resolve(project, resolved.slice('file:'.length))}`;
      if (resolved && /^https?:/.test(resolved)) return `^${ownVersion}`;
    } catch {
      // no lockfile: a global install, or npx's cache
    }
  }
  return `file:${real}`;
}

export function templateNames(): string[] {
  return Object.keys(TEMPLATES);
}

export interface InitOptions {
  dir: string;
  template: string;
}

// What the Firebase emulator needs beside the function (it checks that
// firebase-functions and firebase-admin are declared and installed, and
// firebase-tools is the emulator): development only, never deployed.
const FIREBASE_DEV_DEPENDENCIES = { 'firebase-admin': '^13.0.0', 'firebase-functions': '^7.0.0', 'firebase-tools': '^15.0.0' };

function nodegoField(template: Template): Record<string, unknown> {
  if (template.firebase) return { binary: 'bin/function', firebase: true };
  if (template.signature) return { binary: 'bin/function', target: 'function', signatureType: template.signature };
  return { binary: 'bin/function', host: 'openwhisk-nodejs' };
}

/** The Firebase project around the function: firebase.json, a demo project. */
function firebaseProjectFiles(name: string): Record<string, string> {
  const firebaseJson = {
    functions: [
      {
        source: 'functions',
        codebase: 'default',
        runtime: 'nodejs22',
        // bin/function is uploaded: the platform's build has no Go.
        ignore: ['node_modules', '.git', 'firebase-debug.log', 'firebase-debug.*.log', '*.local'],
        predeploy: ['npm --prefix "$RESOURCE_DIR" run build'],
      },
    ],
    emulators: { functions: { port: 5001 }, ui: { enabled: false }, singleProjectMode: true },
  };
  return {
    'firebase.json': JSON.stringify(firebaseJson, null, 2) + '\n',
    // A demo- project runs the emulator offline; `firebase use --add` picks the real one to deploy.
    '.firebaserc': JSON.stringify({ projects: { default: `demo-${name}` } }, null, 2) + '\n',
    '.gitignore': 'firebase-debug.log\nfirebase-debug.*.log\n',
  };
}

/** Writes the function; refuses to overwrite anything. Returns the files. */
export function initFunction(options: InitOptions): string[] {
  const template = TEMPLATES[options.template];
  if (!template) {
    throw new NodegoError('NODEGO_E_OPTIONS', `no template ${JSON.stringify(options.template)}`, `choose one of: ${templateNames().join(', ')}`);
  }
  const dir = path.resolve(options.dir);
  const name = path.basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-') || 'function';
  const pkg = {
    name,
    version: '1.0.0',
    private: true,
    main: 'index.js',
    scripts: template.scripts,
    dependencies: {
      nodego: nodegoDependency(),
      ...(template.signature ? { [FRAMEWORK]: frameworkVersion } : {}),
    },
    ...(template.firebase ? { devDependencies: FIREBASE_DEV_DEPENDENCIES } : {}),
    nodego: nodegoField(template),
  };
  const functionFiles: Record<string, string> = {
    'index.js': "// The host (Node.js) loads this module; nodego swaps the process into bin/function.\nmodule.exports = require('nodego').start();\n",
    'package.json': JSON.stringify(pkg, null, 2) + '\n',
    '.gitignore': `node_modules/\nbin/\n*.zip\nfunction_output.json\n${template.firebase ? 'functions.yaml\n' : ''}`,
    // Without it, `gcloud functions deploy --source .` reads .gitignore and
    // leaves out bin/, the binary the platform runs (its build has no Go).
    ...(template.signature
      ? {
          // The deploy's variables (gcloud functions deploy --env-vars-file
          // .env.yaml): the preload swaps before the framework loads.
          '.env.yaml': '# gcloud functions deploy ... --env-vars-file .env.yaml\nNODE_OPTIONS: --require=nodego/preload\n',
          '.gcloudignore':
            '# What `gcloud functions deploy --source .` leaves out. bin/function is uploaded:\n# the platform runs it, and its build step has no Go to make it.\n.gcloudignore\n.env.yaml\n.git\n.gitignore\nnode_modules/\n*.zip\nfunction_output.json\n',
        }
      : {}),
  };
  const source = path.join(templatesDir, options.template);
  for (const file of fs.readdirSync(source)) {
    let text = fs.readFileSync(path.join(source, file), 'utf8');
    if (file === 'go.mod') {
      text = text
        .replace(/^module .*$/m, `module ${name}`)
        .replace(/^replace github\.com\/nodego\/nodego => .*$/m, '// The runtime library comes with the npm package: nothing to fetch for it.\nreplace github.com/nodego/nodego => ./node_modules/nodego/go-template');
    }
    functionFiles[file] = text;
  }
  if (template.firebase) {
    // The deployed functions' variables (firebase deploy reads functions/.env):
    // the preload swaps before the Functions Framework loads.
    functionFiles['.env'] = '# Variables of the deployed functions (firebase deploy and the emulator read this file).\n# nodego/preload swaps into Go before the Functions Framework loads: the quickest cold start.\nNODE_OPTIONS=--require=nodego/preload\n';
  }
  // A Firebase project keeps the function in functions/, as `firebase init` does.
  const files: Record<string, string> = template.firebase
    ? {
        ...firebaseProjectFiles(name),
        ...Object.fromEntries(Object.entries(functionFiles).map(([f, text]) => [path.join('functions', f), text])),
      }
    : functionFiles;
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    throw new NodegoError('NODEGO_E_OPTIONS', `${dir} is a file`, 'choose a directory for the function');
  }
  fs.mkdirSync(template.firebase ? path.join(dir, 'functions') : dir, { recursive: true });
  const existing = Object.keys(files).filter((f) => fs.existsSync(path.join(dir, f)));
  if (existing.length > 0) {
    throw new NodegoError('NODEGO_E_OPTIONS', `${dir} already has ${existing.join(', ')}`, 'choose an empty directory');
  }
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return Object.keys(files);
}
