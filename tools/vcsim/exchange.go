package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
)

// exchange passes a request on to next, its body first rewritten by `request` (nil: as sent), and answers
// the client with next's reply, a 2xx reply first rewritten by `answer` (nil: as replied). Both functions
// see the body as the client sent it. This is how the wrappers in this folder fill the gaps of govmomi's
// simulator without forking it.
func exchange(
	next http.Handler,
	w http.ResponseWriter,
	r *http.Request,
	request func(body []byte) []byte,
	answer func(body, reply []byte) []byte,
) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	sent := body
	if request != nil && len(body) > 0 {
		sent = request(body)
	}
	r.Body = io.NopCloser(bytes.NewReader(sent))
	r.ContentLength = int64(len(sent))
	recorder := httptest.NewRecorder()
	next.ServeHTTP(recorder, r)
	reply := recorder.Body.Bytes()
	if answer != nil && recorder.Code/100 == 2 {
		reply = answer(body, reply)
	}
	for key, values := range recorder.Header() {
		w.Header()[key] = values
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(reply)))
	w.WriteHeader(recorder.Code)
	_, _ = w.Write(reply)
}

// decodeJSON decodes with numbers kept exact (int64 fields survive a round trip).
func decodeJSON(data []byte, into any) error {
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.UseNumber()
	return decoder.Decode(into)
}

// rewriteJSON decodes data, lets edit change it and encodes it again; data that is not JSON, or that edit
// leaves alone (false), is returned as it was.
func rewriteJSON(data []byte, edit func(value any) bool) []byte {
	var decoded any
	if decodeJSON(data, &decoded) != nil || !edit(decoded) {
		return data
	}
	out, err := json.Marshal(decoded)
	if err != nil {
		return data
	}
	return out
}
