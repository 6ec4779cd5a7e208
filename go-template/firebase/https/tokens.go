package https

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Where Google publishes the keys that sign Firebase Auth ID tokens (X.509
// certificates by key id) and App Check tokens (a JWK set). Variables so the
// tests can serve their own.
var (
	idTokenCertsURL = "https://www.googleapis.com/robot/v1/metadata/x509/securetoken@system.gserviceaccount.com"
	appCheckJWKSURL = "https://firebaseappcheck.googleapis.com/v1/jwks"
	keysClient      = &http.Client{Timeout: 10 * time.Second}
	idTokenKeys     = &keySet{url: func() string { return idTokenCertsURL }, parse: parseCerts}
	appCheckKeys    = &keySet{url: func() string { return appCheckJWKSURL }, parse: parseJWKS}
	now             = time.Now
)

// jwtShape is the SDK's JWT_REGEX: what it decodes at all when verification is off.
var jwtShape = regexp.MustCompile(`^[a-zA-Z0-9\-_=]+?\.[a-zA-Z0-9\-_=]+?\.([a-zA-Z0-9\-_=]+)?$`)

// unsafeClaims decodes a token's payload without verifying it, as the SDK
// does in the emulator: anything that is not a JWT gives no claims.
func unsafeClaims(token string) map[string]any {
	claims := map[string]any{}
	if !jwtShape.MatchString(token) {
		return claims
	}
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err == nil {
		json.Unmarshal(payload, &claims)
	}
	return claims
}

// verifyIDToken checks a Firebase Auth ID token as firebase-admin's
// verifyIdToken does: RS256 by one of Google's current keys, for this
// project, unexpired, with a subject.
func verifyIDToken(token, project string) (map[string]any, error) {
	claims, err := verifyRS256(token, idTokenKeys)
	if err != nil {
		return nil, err
	}
	if project == "" {
		return nil, errors.New("the project is unknown (GCLOUD_PROJECT is not set): an ID token cannot be checked")
	}
	if aud, _ := claims["aud"].(string); aud != project {
		return nil, fmt.Errorf("the ID token is for %q, not %q", aud, project)
	}
	if iss, _ := claims["iss"].(string); iss != "https://securetoken.google.com/"+project {
		return nil, fmt.Errorf("the ID token's issuer %q is not Firebase Auth's for %q", iss, project)
	}
	if sub, _ := claims["sub"].(string); sub == "" || len(sub) > 128 {
		return nil, errors.New("the ID token has no valid subject")
	}
	if err := checkTimes(claims); err != nil {
		return nil, err
	}
	return claims, nil
}

// verifyAppCheckToken checks an App Check token as firebase-admin's
// appCheck().verifyToken does.
func verifyAppCheckToken(token, project string) (map[string]any, error) {
	claims, err := verifyRS256(token, appCheckKeys)
	if err != nil {
		return nil, err
	}
	iss, _ := claims["iss"].(string)
	if !strings.HasPrefix(iss, "https://firebaseappcheck.googleapis.com/") {
		return nil, fmt.Errorf("the App Check token's issuer %q is not App Check", iss)
	}
	if project == "" || !audienceHas(claims["aud"], "projects/"+project) {
		return nil, fmt.Errorf("the App Check token is not for project %q", project)
	}
	if sub, _ := claims["sub"].(string); sub == "" {
		return nil, errors.New("the App Check token has no app id")
	}
	if err := checkTimes(claims); err != nil {
		return nil, err
	}
	return claims, nil
}

func audienceHas(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, v := range a {
			if v == want {
				return true
			}
		}
	}
	return false
}

// checkTimes: unexpired, not issued in the future (firebase-admin allows no skew).
func checkTimes(claims map[string]any) error {
	t := float64(now().Unix())
	exp, ok := claims["exp"].(float64)
	if !ok || exp <= t {
		return errors.New("the token has expired")
	}
	if iat, ok := claims["iat"].(float64); !ok || iat > t {
		return errors.New("the token was issued in the future")
	}
	return nil
}

// verifyRS256 checks the signature of a compact JWT against keys.
func verifyRS256(token string, keys *keySet) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWT")
	}
	var header struct{ Alg, Kid string }
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, fmt.Errorf("the token's header: %w", err)
	}
	if header.Alg != "RS256" {
		return nil, fmt.Errorf("the token is signed with %q, not RS256", header.Alg)
	}
	key, err := keys.key(header.Kid)
	if err != nil {
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("the token's signature is not base64url")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig); err != nil {
		return nil, errors.New("the token's signature is invalid")
	}
	var claims map[string]any
	if err := decodeSegment(parts[1], &claims); err != nil {
		return nil, fmt.Errorf("the token's claims: %w", err)
	}
	return claims, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return errors.New("not base64url")
	}
	return json.Unmarshal(b, v)
}

// keySet is a published key set, fetched when a key id is unknown or the
// set is older than its Cache-Control max-age.
type keySet struct {
	url     func() string
	parse   func([]byte) (map[string]*rsa.PublicKey, error)
	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey
	expires time.Time
}

func (s *keySet) key(kid string) (*rsa.PublicKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Fetched again only when the set has expired, as firebase-admin does: a
	// token naming an unknown key cannot make every request fetch.
	if s.keys == nil || !now().Before(s.expires) {
		if err := s.fetch(); err != nil {
			return nil, err
		}
	}
	if k, ok := s.keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("the token's key %q is not one of the current keys", kid)
}

func (s *keySet) fetch() error {
	resp, err := keysClient.Get(s.url())
	if err != nil {
		return fmt.Errorf("fetching the public keys: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("fetching the public keys: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching the public keys: %s", resp.Status)
	}
	keys, err := s.parse(body)
	if err != nil {
		return fmt.Errorf("the public keys: %w", err)
	}
	s.keys = keys
	s.expires = now().Add(maxAge(resp.Header.Get("Cache-Control")))
	return nil
}

func maxAge(cacheControl string) time.Duration {
	for _, d := range strings.Split(cacheControl, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "max-age="); ok {
			if secs, err := strconv.Atoi(v); err == nil {
				return time.Duration(secs) * time.Second
			}
		}
	}
	return time.Hour
}

// parseCerts reads {"kid": "-----BEGIN CERTIFICATE-----..."}.
func parseCerts(body []byte) (map[string]*rsa.PublicKey, error) {
	var certs map[string]string
	if err := json.Unmarshal(body, &certs); err != nil {
		return nil, err
	}
	keys := map[string]*rsa.PublicKey{}
	for kid, text := range certs {
		block, _ := pem.Decode([]byte(text))
		if block == nil {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		if k, ok := cert.PublicKey.(*rsa.PublicKey); ok {
			keys[kid] = k
		}
	}
	return keys, nil
}

// parseJWKS reads {"keys": [{"kid", "kty": "RSA", "n", "e"}]}.
func parseJWKS(body []byte) (map[string]*rsa.PublicKey, error) {
	var set struct {
		Keys []struct{ Kid, Kty, N, E string } `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, err
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil {
			continue
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	return keys, nil
}
