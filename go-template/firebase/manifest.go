package firebase

import (
	"encoding/json"
	"errors"
	"os"
	"sort"
)

// Manifest is what firebase-tools reads to learn a codebase's functions: the
// functions.yaml of the functions directory, or the discovery server's
// /__/functions.yaml (JSON is YAML).
type Manifest struct {
	SpecVersion  string               `json:"specVersion"`
	Endpoints    map[string]*Endpoint `json:"endpoints"`
	RequiredAPIs []RequiredAPI        `json:"requiredAPIs"`
	Extensions   map[string]any       `json:"extensions"`
	problems     []string             // options no field could hold
}

// RequiredAPI is a Google API the deployment enables, and why.
type RequiredAPI struct {
	API    string `json:"api"`
	Reason string `json:"reason"`
}

// Build returns the manifest of every registered function, validated as
// firebase-tools validates it before a deploy.
func Build() (*Manifest, error) {
	m := Collect()
	if len(m.Endpoints) == 0 {
		return nil, errors.New("no function is registered: register one with https.OnRequest, https.OnCall or an event trigger in an init function")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// Collect returns the manifest of every registered function, unchecked.
func Collect() *Manifest {
	mu.Lock()
	defer mu.Unlock()
	m := &Manifest{SpecVersion: "v1alpha1", Endpoints: map[string]*Endpoint{}, RequiredAPIs: []RequiredAPI{}, Extensions: map[string]any{}}
	for id, ep := range endpoints {
		m.Endpoints[id] = ep
	}
	for api, reason := range apis {
		m.RequiredAPIs = append(m.RequiredAPIs, RequiredAPI{api, reason})
	}
	sort.Slice(m.RequiredAPIs, func(i, j int) bool { return m.RequiredAPIs[i].API < m.RequiredAPIs[j].API })
	m.problems = append([]string(nil), problems...)
	return m
}

// JSON is the manifest as firebase-tools reads it.
func (m *Manifest) JSON() []byte {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	return append(b, '\n')
}

// WriteManifest writes the manifest to path, atomically (a temporary file
// renamed over it), so a failed build leaves the old one or none.
func WriteManifest(path string) error {
	m, err := Build()
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, m.JSON(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
