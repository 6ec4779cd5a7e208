package handoff

// The hosts NODEGO_HOST names: which protocol the receiving process must
// speak. A closed set, the same as the TypeScript sender's HOST_NAMES; both
// are checked against testdata/handoff-vectors.json.
const (
	// A plain Node server that called swap() itself.
	HostPlain = "plain"
	// @google-cloud/functions-framework (Cloud Functions, Cloud Run functions).
	HostFunctionsFramework = "functions-framework"
	// The OpenWhisk Node.js runtime, swapping during /init.
	HostOpenWhiskNodejs = "openwhisk-nodejs"
	// The Node 6/8 Cloud Functions worker, swapping during /load.
	HostLegacyWorker = "legacy-worker"
	// The standalone OpenWhisk Go proxy handing over to its next binary.
	HostOpenWhiskProxy = "openwhisk-proxy"
	// firebase-tools' Node processes: the functions emulator's runtime (PORT
	// a Unix socket, GET /__/health) and the SDK's discovery server.
	HostFirebaseTools = "firebase-tools"
)

// Hosts lists every host name, in the order of the vector file.
var Hosts = []string{HostPlain, HostFunctionsFramework, HostOpenWhiskNodejs, HostLegacyWorker, HostOpenWhiskProxy, HostFirebaseTools}

// KnownHost reports whether name is one of Hosts.
func KnownHost(name string) bool {
	for _, h := range Hosts {
		if h == name {
			return true
		}
	}
	return false
}
