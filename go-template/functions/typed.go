package functions

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
)

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// Typed registers a typed function (JSON in, JSON out), as
// functions-framework-go's Typed: fn is func(T) (U, error), func(T) U,
// func(T) error or func(T). The request body decodes into T; U is the
// answer, as JSON; an error answers 500.
func Typed(name string, fn any) {
	v := reflect.ValueOf(fn)
	t := v.Type()
	if t.Kind() != reflect.Func || t.NumIn() != 1 || t.NumOut() > 2 || (t.NumOut() == 2 && t.Out(1) != errorType) {
		panic(fmt.Sprintf("functions.Typed(%q): %T is not func(T) (U, error), func(T) U, func(T) error or func(T)", name, fn))
	}
	in := t.In(0)
	register(&function{name: name, signature: SignatureHTTP, http: func(w http.ResponseWriter, r *http.Request) {
		body, ok := readBody(w, r)
		if !ok {
			return
		}
		arg := reflect.New(in)
		if err := decodeJSON(body, arg.Interface()); err != nil {
			crash(w, "crash", http.StatusBadRequest, fmt.Errorf("Error while converting input data. %v", err))
			return
		}
		out := v.Call([]reflect.Value{arg.Elem()})
		if len(out) > 0 && out[len(out)-1].Type() == errorType {
			if err, _ := out[len(out)-1].Interface().(error); err != nil {
				crash(w, "error", http.StatusInternalServerError, err)
				return
			}
			out = out[:len(out)-1]
		}
		if len(out) == 0 {
			return
		}
		answer, err := json.Marshal(out[0].Interface())
		if err != nil {
			crash(w, "error", http.StatusInternalServerError, fmt.Errorf("the answer does not encode as JSON: %v", err))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	}})
}
