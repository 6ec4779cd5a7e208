package https

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// signer issues RS256 tokens and publishes its key, as Google does.
type signer struct {
	key *rsa.PrivateKey
	kid string
}

func newSigner(t *testing.T, kid string) *signer {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{key, kid}
}

func (s *signer) token(t *testing.T, claims map[string]any) string {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": s.kid, "typ": "JWT"})
	payload, _ := json.Marshal(claims)
	signing := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func (s *signer) cert(t *testing.T) string {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "securetoken"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &s.key.PublicKey, s.key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// publish serves the signer's keys where verification fetches them.
func publish(t *testing.T, s *signer) {
	certs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=600")
		json.NewEncoder(w).Encode(map[string]string{s.kid: s.cert(t)})
	}))
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kid": s.kid, "kty": "RSA",
			"n": base64.RawURLEncoding.EncodeToString(s.key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(s.key.E)).Bytes()),
		}}})
	}))
	oldCerts, oldJWKS := idTokenCertsURL, appCheckJWKSURL
	idTokenCertsURL, appCheckJWKSURL = certs.URL, jwks.URL
	idTokenKeys.keys, appCheckKeys.keys = nil, nil
	t.Cleanup(func() {
		certs.Close()
		jwks.Close()
		idTokenCertsURL, appCheckJWKSURL = oldCerts, oldJWKS
		idTokenKeys.keys, appCheckKeys.keys = nil, nil
	})
}

func idClaims(project string) map[string]any {
	now := time.Now().Unix()
	return map[string]any{"aud": project, "iss": "https://securetoken.google.com/" + project, "sub": "ada", "iat": now - 10, "exp": now + 3600}
}

func TestVerifyIDToken(t *testing.T) {
	s := newSigner(t, "k1")
	publish(t, s)
	claims, err := verifyIDToken(s.token(t, idClaims("proj")), "proj")
	if err != nil || claims["sub"] != "ada" {
		t.Fatalf("a valid token: %v %v", claims, err)
	}
	other := newSigner(t, "k1")
	expired := idClaims("proj")
	expired["exp"] = time.Now().Unix() - 1
	for name, token := range map[string]string{
		"another project":       s.token(t, idClaims("other")),
		"expired":               s.token(t, expired),
		"signed by another key": other.token(t, idClaims("proj")),
		"an unknown key id":     newSigner(t, "k2").token(t, idClaims("proj")),
		"unsigned":              strings.Join(strings.Split(s.token(t, idClaims("proj")), ".")[:2], ".") + ".",
		"not a JWT":             "garbage",
	} {
		if _, err := verifyIDToken(token, "proj"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestUnknownKeysDoNotRefetch(t *testing.T) {
	s := newSigner(t, "k1")
	fetches := 0
	certs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches++
		w.Header().Set("Cache-Control", "public, max-age=600")
		json.NewEncoder(w).Encode(map[string]string{s.kid: s.cert(t)})
	}))
	defer certs.Close()
	old := idTokenCertsURL
	idTokenCertsURL, idTokenKeys.keys = certs.URL, nil
	defer func() { idTokenCertsURL, idTokenKeys.keys = old, nil }()
	for i := 0; i < 5; i++ {
		verifyIDToken(newSigner(t, fmt.Sprintf("unknown-%d", i)).token(t, idClaims("proj")), "proj")
	}
	if _, err := verifyIDToken(s.token(t, idClaims("proj")), "proj"); err != nil {
		t.Fatal(err)
	}
	if fetches != 1 {
		t.Errorf("the keys were fetched %d times, want once while they are fresh", fetches)
	}
}

func TestVerifyAppCheckToken(t *testing.T) {
	s := newSigner(t, "app")
	publish(t, s)
	now := time.Now().Unix()
	good := map[string]any{"iss": "https://firebaseappcheck.googleapis.com/123", "aud": []any{"projects/123", "projects/proj"}, "sub": "1:123:web:abc", "iat": now, "exp": now + 60}
	claims, err := verifyAppCheckToken(s.token(t, good), "proj")
	if err != nil || claims["sub"] != "1:123:web:abc" {
		t.Fatalf("a valid token: %v %v", claims, err)
	}
	if _, err := verifyAppCheckToken(s.token(t, good), "another"); err == nil {
		t.Error("a token for another project was accepted")
	}
}

// In production (no emulator debug features) a callable verifies tokens:
// a forged one is refused with 401, a valid one reaches the handler.
func TestCallableVerifiesTokensInProduction(t *testing.T) {
	t.Setenv("FIREBASE_DEBUG_MODE", "")
	t.Setenv("GCLOUD_PROJECT", "proj")
	s := newSigner(t, "k1")
	publish(t, s)
	h := CallableHandler(CallableOptions{}, func(ctx context.Context, req *CallableRequest) (any, error) {
		return req.Auth.UID, nil
	})
	forged := newSigner(t, "k1").token(t, idClaims("proj"))
	for _, c := range []struct {
		token, want string
		status      int
	}{
		{s.token(t, idClaims("proj")), `{"result":"ada"}`, 200},
		{forged, `{"error":{"message":"Unauthenticated","status":"UNAUTHENTICATED"}}`, 401},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"data":null}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+c.token)
		h(rec, req)
		if rec.Code != c.status || rec.Body.String() != c.want {
			t.Errorf("= %d %s, want %d %s", rec.Code, rec.Body.String(), c.status, c.want)
		}
	}
}

// In the emulator (FIREBASE_DEBUG_FEATURES skipTokenVerification) tokens are
// decoded, not verified, as the SDK does; EnforceAppCheck still needs one.
func TestCallableInTheEmulator(t *testing.T) {
	t.Setenv("FIREBASE_DEBUG_MODE", "true")
	t.Setenv("FIREBASE_DEBUG_FEATURES", `{"skipTokenVerification":true,"enableCors":true}`)
	unsigned := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"grace"}`)) + "."
	h := CallableHandler(CallableOptions{EnforceAppCheck: true}, func(ctx context.Context, req *CallableRequest) (any, error) {
		return []string{req.Auth.UID, req.App.AppID}, nil
	})
	call := func(appCheck string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"data":1}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+unsigned)
		if appCheck != "" {
			req.Header.Set("X-Firebase-AppCheck", appCheck)
		}
		h(rec, req)
		return rec
	}
	if rec := call(unsigned); rec.Code != 200 || rec.Body.String() != `{"result":["grace","grace"]}` {
		t.Errorf("with both tokens: %d %s", rec.Code, rec.Body.String())
	}
	if rec := call(""); rec.Code != 401 {
		t.Errorf("without App Check, enforced: %d %s", rec.Code, rec.Body.String())
	}
}
