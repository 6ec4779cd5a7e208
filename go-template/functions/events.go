package functions

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// A request's event, in the two shapes the signatures want.

// errNotAnEvent: the body is JSON but not an event of any known shape.
var errNotAnEvent = errors.New("the request is not an event")

type object = map[string]any

// binaryAttributes returns the ce-* headers of a binary-mode CloudEvent, or
// nil when the four required ones are not all there.
func binaryAttributes(r *http.Request) map[string]string {
	for _, h := range []string{"Ce-Type", "Ce-Specversion", "Ce-Source", "Ce-Id"} {
		if r.Header.Get(h) == "" {
			return nil
		}
	}
	attrs := map[string]string{}
	for name, values := range r.Header {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "ce-") && len(values) > 0 {
			attrs[strings.TrimPrefix(lower, "ce-")] = values[0]
		}
	}
	return attrs
}

func isJSONContentType(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	return ct == "" || ct == "application/json" || strings.HasSuffix(ct, "+json") || ct == "text/json"
}

// pubsubPush turns a Pub/Sub push delivery ({subscription, message}) into
// the legacy event the framework would have received.
func pubsubPush(body object, path string) object {
	msg, _ := body["message"].(object)
	if body["context"] != nil || body["subscription"] == nil || msg == nil || msg["data"] == nil || msg["messageId"] == nil {
		return nil
	}
	timestamp, _ := msg["publishTime"].(string)
	if timestamp == "" {
		timestamp = time.Now().UTC().Format(time.RFC3339Nano)
	}
	var topic any
	if t := pubsubTopicFromPath().FindString(path); t != "" {
		topic = t
	}
	data := object{"@type": pubsubMessageType, "data": msg["data"]}
	if attrs, ok := msg["attributes"]; ok {
		data["attributes"] = attrs
	}
	return object{
		"context": object{
			"eventId":   msg["messageId"],
			"timestamp": timestamp,
			"eventType": pubsubEventType,
			"resource":  object{"service": servicePubSub, "type": pubsubMessageType, "name": topic},
		},
		"data": data,
	}
}

// legacyFromCloudEvent converts a binary-mode CloudEvent of a Google source
// into the legacy {context, data} shape; other CloudEvents keep their
// attributes as the context.
func legacyFromCloudEvent(attrs map[string]string, body []byte) (object, error) {
	var data any
	if len(body) > 0 {
		if err := json.Unmarshal(body, &data); err != nil {
			data = string(body)
		}
	}
	legacyType, known := cloudEventToLegacyType[attrs["type"]]
	if !known {
		context := object{}
		for k, v := range attrs {
			context[k] = v
		}
		return object{"context": context, "data": data}, nil
	}
	m := ceSource().FindStringSubmatch(attrs["source"])
	if m == nil {
		return nil, fmt.Errorf("Failed to convert CloudEvent with invalid source: %q", attrs["source"])
	}
	service, name := m[1], m[2]
	var resource any = name + "/" + attrs["subject"]
	d, _ := data.(object)
	switch service {
	case servicePubSub:
		resource = object{"service": service, "name": name, "type": pubsubMessageType}
		if inner, ok := d["message"].(object); ok {
			d = inner
			data = d
		}
		delete(d, "messageId")
		delete(d, "publishTime")
	case serviceFirebaseAuth:
		resource = name
		renameKeys(d, map[string]string{"createTime": "createdAt", "lastSignInTime": "lastSignedInAt"})
	case serviceFirebaseDB:
		resource = firebaseDBLocation().ReplaceAllString(resource.(string), "")
	case serviceStorage:
		resource = object{"name": name + "/" + attrs["subject"], "service": service, "type": d["kind"]}
	}
	return object{
		"context": object{"eventId": attrs["id"], "timestamp": attrs["time"], "eventType": legacyType, "resource": resource},
		"data":    data,
	}, nil
}

// renameKeys renames keys of data["metadata"] in place.
func renameKeys(data object, names map[string]string) {
	md, ok := data["metadata"].(object)
	if !ok {
		return
	}
	renamed := object{}
	for k, v := range md {
		if n, ok := names[k]; ok {
			k = n
		}
		renamed[k] = v
	}
	data["metadata"] = renamed
}

// cloudEventFromLegacy converts a legacy event of a Google source into a
// structured CloudEvent; ok is false when it is no such event.
func cloudEventFromLegacy(body object) (ce object, ok bool, err error) {
	context, hasContext := body["context"].(object)
	if !hasContext {
		context = body
	}
	data, hasData := body["data"]
	eventType, _ := context["eventType"].(string)
	ceType, known := legacyToCloudEventType[eventType]
	if !hasData || context["resource"] == nil || !known {
		return nil, false, nil
	}
	var service, resource, subject string
	switch r := context["resource"].(type) {
	case string:
		resource = r
	case object:
		resource, _ = r["name"].(string)
		service, _ = r["service"].(string)
	}
	if service == "" {
		for _, p := range legacyServicePrefixes {
			if strings.HasPrefix(eventType, p.prefix) {
				service = p.service
			}
		}
	}
	if service == "" {
		return nil, true, fmt.Errorf("Unable to find equivalent CloudEvent service for %s.", eventType)
	}
	if re := resourceSplit()[service]; re != nil {
		m := re.FindStringSubmatch(resource)
		if m == nil {
			return nil, true, fmt.Errorf("Resource string did not match expected format: %s.", resource)
		}
		resource, subject = m[1], m[2]
	}
	d, _ := data.(object)
	switch service {
	case servicePubSub:
		if d == nil {
			return nil, true, fmt.Errorf("invalid \"data\" in a Pub/Sub event: %v", data)
		}
		if d["publishTime"] == nil {
			d["publishTime"] = context["timestamp"]
		}
		if d["messageId"] == nil {
			d["messageId"] = context["eventId"]
		}
		data = object{"message": d}
	case serviceFirebaseAuth:
		if _, has := d["metadata"]; has {
			renameKeys(d, map[string]string{"createdAt": "createTime", "lastSignedInAt": "lastSignInTime"})
			if uid, ok := d["uid"]; ok {
				subject = fmt.Sprintf("users/%v", uid)
			}
		}
	case serviceFirebaseDB:
		domain, _ := body["domain"].(string)
		location := "us-central1"
		if domain == "" {
			return nil, true, fmt.Errorf("Unable convert to %s CloudEvent: invalid domain", serviceFirebaseDB)
		}
		if domain != "firebaseio.com" {
			m := firebaseDBDomain().FindStringSubmatch(domain)
			if m == nil {
				return nil, true, fmt.Errorf("Unable convert to %s CloudEvent: invalid domain", serviceFirebaseDB)
			}
			location = m[1]
		}
		resource = "projects/_/locations/" + location + "/" + resource
	}
	ce = object{
		"specversion":     "1.0",
		"id":              context["eventId"],
		"time":            context["timestamp"],
		"type":            ceType,
		"source":          "//" + service + "/" + resource,
		"datacontenttype": "application/json",
		"data":            data,
	}
	if subject != "" {
		ce["subject"] = subject
	}
	return ce, true, nil
}
