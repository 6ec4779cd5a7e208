package https

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"

	"github.com/nodego/nodego/firebase/logger"
)

type tokenStatus string

const (
	tokenMissing tokenStatus = "MISSING"
	tokenValid   tokenStatus = "VALID"
	tokenInvalid tokenStatus = "INVALID"
)

var bearer = regexp.MustCompile(`(?i)^Bearer (.*)$`)

// tokenPolicy is how a callable checks tokens, read from the environment
// once: the project they must be for, and whether to skip verification as
// the SDK does in the emulator (skipTokenVerification).
type tokenPolicy struct {
	project string
	skip    bool
}

func tokenPolicyFromEnv() tokenPolicy {
	return tokenPolicy{project: projectID(), skip: debugFeature(os.Getenv, "skipTokenVerification")}
}

// checkTokens is the SDK's checkTokens: the Authorization ID token and the
// X-Firebase-AppCheck token, verified, or only decoded where the SDK skips
// verification.
func checkTokens(r *http.Request, req *CallableRequest, policy tokenPolicy) (auth, app tokenStatus) {
	skip, project := policy.skip, policy.project
	auth, app = tokenMissing, tokenMissing
	if header := r.Header.Get("Authorization"); header != "" {
		auth = tokenInvalid
		if m := bearer.FindStringSubmatch(header); m != nil {
			claims, err := unsafeClaims(m[1]), error(nil)
			if !skip {
				claims, err = verifyIDToken(m[1], project)
			}
			if err != nil {
				logLine("WARNING", "Failed to validate auth token. "+err.Error())
			} else {
				uid, _ := claims["sub"].(string)
				req.Auth = &AuthData{UID: uid, Token: claims, RawToken: m[1]}
				auth = tokenValid
			}
		}
	}
	if token := r.Header.Get("X-Firebase-AppCheck"); token != "" {
		claims, err := unsafeClaims(token), error(nil)
		if !skip {
			claims, err = verifyAppCheckToken(token, project)
		}
		if err != nil {
			logLine("WARNING", "Failed to validate AppCheck token. "+err.Error())
			app = tokenInvalid
		} else {
			appID, _ := claims["sub"].(string)
			req.App = &AppCheckData{AppID: appID, Token: claims}
			app = tokenValid
		}
	}
	verdict := map[string]any{"verifications": map[string]tokenStatus{"app": app, "auth": auth},
		"logging.googleapis.com/labels": map[string]string{"firebase-log-type": "callable-request-verification"}}
	if auth == tokenInvalid || app == tokenInvalid {
		logFields("WARNING", "Callable request verification failed", verdict)
	} else {
		logFields("DEBUG", "Callable request verification passed", verdict)
	}
	return auth, app
}

// projectID is the project the function runs in, as firebase-admin finds it.
func projectID() string {
	for _, name := range []string{"GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	var config struct {
		ProjectID string `json:"projectId"`
	}
	json.Unmarshal([]byte(os.Getenv("FIREBASE_CONFIG")), &config)
	return config.ProjectID
}

// logLine writes a log entry as the SDK's logger does.
func logLine(severity, message string) { logger.Write(severity, message, nil) }

func logFields(severity, message string, fields map[string]any) {
	logger.Write(severity, message, fields)
}
