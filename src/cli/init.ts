// `nodego init [dir] --template <name>`: a function directory ready to build,
// test and deploy: the Go code from go-template/templates/<name>, a go.mod
// that builds offline against the Go module npm installed, and the Node side
// the host loads.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodegoError } from '../errors.js';

const packageRoot = path.join(__dirname, '..', '..');
const templatesDir = path.join(packageRoot, 'go-template', 'templates');
const ownVersion = (JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

interface Template {
  description: string;
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
}

const TEMPLATES: Record<string, Template> = {
  http: {
    description: 'an HTTP function (any host: plain Node, Functions Framework)',
    scripts: { build: 'nodego build', start: 'nodego serve', test: 'nodego build && go test ./...' },
  },
  openwhisk: {
    description: 'an OpenWhisk action for the Node.js kind',
    scripts: {
      build: 'nodego build',
      package: 'nodego build && nodego package --target openwhisk',
      test: 'nodego build && go test ./...',
    },
  },
};

export function templateNames(): string[] {
  return Object.keys(TEMPLATES);
}

export interface InitOptions {
  dir: string;
  template: string;
}

/** Writes the function; refuses to overwrite anything. Returns the files. */
export function initFunction(options: InitOptions): string[] {
  const template = TEMPLATES[options.template];
  if (!template) {
    throw new NodegoError('NODEGO_E_OPTIONS', `no template ${JSON.stringify(options.template)}`, `choose one of: ${templateNames().join(', ')}`);
  }
  const dir = path.resolve(options.dir);
  const name = path.basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-') || 'function';
  const files: Record<string, string> = {
    'index.js': "// The host (Node.js) loads this module; nodego swaps the process into bin/function.\nmodule.exports = require('nodego').start();\n",
    'package.json':
      JSON.stringify(
        {
          name,
          version: '1.0.0',
          private: true,
          main: 'index.js',
          scripts: template.scripts,
          dependencies: { nodego: `^${ownVersion}`, ...template.dependencies },
          nodego: { binary: 'bin/function' },
        },
        null,
        2,
      ) + '\n',
    'go.mod': `module ${name}\n\ngo 1.22\n\nrequire github.com/nodego/nodego v0.0.0\n\n// The runtime library comes with the npm package: no network needed to build.\nreplace github.com/nodego/nodego => ./node_modules/nodego/go-template\n`,
    '.gitignore': 'node_modules/\nbin/\n*.zip\n',
  };
  const source = path.join(templatesDir, options.template);
  for (const file of fs.readdirSync(source)) files[file] = fs.readFileSync(path.join(source, file), 'utf8');
  fs.mkdirSync(dir, { recursive: true });
  const existing = Object.keys(files).filter((f) => fs.existsSync(path.join(dir, f)));
  if (existing.length > 0) {
    throw new NodegoError('NODEGO_E_OPTIONS', `${dir} already has ${existing.join(', ')}`, 'choose an empty directory');
  }
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return Object.keys(files);
}
