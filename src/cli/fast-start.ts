// The fast start: a stand-in for @google-cloud/functions-framework whose
// `functions-framework` command runs the function's Go binary directly. The
// Node.js buildpack starts a function that depends on the framework as
// `/bin/bash -c node_modules/.bin/functions-framework` (with FUNCTION_TARGET
// and FUNCTION_SIGNATURE_TYPE set): mapped to this package, that command
// never boots Node. The Go runtime reads the framework's flags and variables
// itself, with the framework's precedence. It relies on how the platform
// starts functions today; the preload does not.

/** Where the stand-in goes in function.zip, and the dependency that names it. */
export const FAST_START_DIR = 'vendor/functions-framework';
export const FAST_START_DEPENDENCY = `file:${FAST_START_DIR}`;

/** package.json and the command of the stand-in, for a binary at `binary` (relative to the function). */
export function fastStartFiles(binary: string, version: string): Array<{ name: string; data: Buffer; mode: number }> {
  const pkg = {
    name: 'nodego-fast-start',
    version,
    description: 'Stands in for @google-cloud/functions-framework: its functions-framework command runs the Go binary, with no Node',
    license: 'Apache-2.0',
    bin: { 'functions-framework': 'functions-framework' },
  };
  const quoted = `'${binary.replace(/'/g, `'\\''`)}'`;
  const script = `#!/bin/sh
# nodego fast start: the platform runs node_modules/.bin/functions-framework
# in the function's directory; this runs the function's Go binary there
# instead, with the same flags. --source (or FUNCTION_SOURCE) names the
# function's directory, as for the framework.
source="\${FUNCTION_SOURCE:-.}"
previous=""
for arg in "$@"; do
  case "$previous" in --source) source="$arg" ;; esac
  case "$arg" in --source=*) source="\${arg#--source=}" ;; esac
  previous="$arg"
done
exec "$source"/${quoted} "$@"
`;
  return [
    { name: `${FAST_START_DIR}/package.json`, data: Buffer.from(JSON.stringify(pkg, null, 2) + '\n'), mode: 0o644 },
    { name: `${FAST_START_DIR}/functions-framework`, data: Buffer.from(script), mode: 0o755 },
  ];
}
