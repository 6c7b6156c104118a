// Command s3-emulator stands in for Amazon S3 (and the STS call behind IRSA) in the e2e harness:
// an in-memory gofakes3 server with the given buckets, reached in virtual-hosted style
// (<bucket>.<host-base>) or path style (<any host>/<bucket>), over TLS and/or plain HTTP.
//
//	s3-emulator --addr 10.244.0.3:443 --tls a.crt,a.key --tls b.crt,b.key \
//	  --http-addr 10.244.0.3:9000 --host-base s3.us-east-1.amazonaws.com \
//	  --bucket example-temporal-archival --sts-role arn:aws:iam::111122223333:role/temporal-server
//
// With TLS, the certificate is chosen by SNI among the --tls pairs. Requests for a host starting
// with "sts." get the STS stand-in: AssumeRoleWithWebIdentity (the web-identity provider of the
// AWS SDKs) answers with fixed temporary credentials for a --sts-role (any role if none is given).
// gofakes3 checks no request signature, so any credentials are accepted by the S3 side.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var tlsPairs, buckets, bases, roles list
	var (
		addr     = flag.String("addr", "", "listen address (TLS when --tls is given, else plain HTTP)")
		httpAddr = flag.String("http-addr", "", "an additional plain-HTTP listen address (for the harness's own look-ups)")
		quiet    = flag.Bool("quiet", false, "do not log every request")
	)
	flag.Var(&tlsPairs, "tls", "CERT,KEY: a server certificate (repeatable; chosen by SNI)")
	flag.Var(&buckets, "bucket", "a bucket to create at start (repeatable)")
	flag.Var(&bases, "host-base", "a host whose sub-domains name buckets: <bucket>.<host-base> (repeatable); other hosts use path style")
	flag.Var(&roles, "sts-role", "a role ARN AssumeRoleWithWebIdentity may assume (repeatable; default any)")
	flag.Parse()
	if *addr == "" && *httpAddr == "" {
		log.Fatal("--addr or --http-addr is required")
	}

	backend := s3mem.New()
	for _, b := range buckets {
		if err := backend.CreateBucket(b); err != nil {
			log.Fatalf("create bucket %s: %v", b, err)
		}
	}
	opts := []gofakes3.Option{gofakes3.WithTimeSkewLimit(0)}
	if len(bases) > 0 {
		opts = append(opts, gofakes3.WithHostBucketBase(bases...))
	}
	s3 := gofakes3.New(backend, opts...).Server()

	var seq atomic.Uint64
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// gofakes3 matches the host bases against Host as sent; a non-default port would defeat it.
		if h, _, err := net.SplitHostPort(r.Host); err == nil {
			r.Host = h
		}
		rec := &status{ResponseWriter: w, code: 200}
		target := r.URL.RequestURI()
		note := ""
		switch {
		case strings.HasPrefix(r.Host, "sts."):
			serveSTS(rec, r, roles, seq.Add(1))
		default:
			if r.Method == http.MethodPut || r.Method == http.MethodPost {
				var err error
				if note, err = decodeAWSChunked(r); err != nil {
					rec.Header().Set("Content-Type", "application/xml")
					rec.WriteHeader(http.StatusBadRequest)
					fmt.Fprintf(rec, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message></Error>`, errCode(err), xmlText(err.Error()))
					note = err.Error()
					break
				}
				stripRequestHeaders(r.Header)
			}
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				// S3 returns an object's checksum only when asked (x-amz-checksum-mode: ENABLED) and
				// only for the whole object.
				rec.dropChecksum = !strings.EqualFold(r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") || r.Header.Get("Range") != ""
			}
			s3.ServeHTTP(rec, r)
		}
		if !*quiet {
			if note != "" {
				note = " (" + note + ")"
			}
			log.Printf("%s %s %s%s -> %d%s", remoteIP(r), r.Method, r.Host, target, rec.code, note)
		}
	})

	var servers []*http.Server
	errc := make(chan error, 2)
	if *addr != "" {
		srv := &http.Server{Addr: *addr, Handler: handler, ReadHeaderTimeout: 30 * time.Second}
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			log.Fatal(err)
		}
		if len(tlsPairs) > 0 {
			cfg := &tls.Config{MinVersion: tls.VersionTLS12}
			for _, p := range tlsPairs {
				cert, key, ok := strings.Cut(p, ",")
				if !ok {
					log.Fatalf("--tls %q: want CERT,KEY", p)
				}
				c, err := tls.LoadX509KeyPair(cert, key)
				if err != nil {
					log.Fatalf("--tls %s: %v", p, err)
				}
				cfg.Certificates = append(cfg.Certificates, c)
			}
			ln = tls.NewListener(ln, cfg)
		}
		servers = append(servers, srv)
		go func() { errc <- srv.Serve(ln) }()
		log.Printf("listening on %s (%s)", *addr, map[bool]string{true: "TLS", false: "plain HTTP"}[len(tlsPairs) > 0])
	}
	if *httpAddr != "" {
		srv := &http.Server{Addr: *httpAddr, Handler: handler, ReadHeaderTimeout: 30 * time.Second}
		ln, err := net.Listen("tcp", *httpAddr)
		if err != nil {
			log.Fatal(err)
		}
		servers = append(servers, srv)
		go func() { errc <- srv.Serve(ln) }()
		log.Printf("listening on %s (plain HTTP)", *httpAddr)
	}
	log.Printf("buckets %v; virtual-hosted bases %v; STS roles %v", []string(buckets), []string(bases), []string(roles))

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case s := <-sig:
		log.Printf("%v: shutting down", s)
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			log.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for _, s := range servers {
		_ = s.Shutdown(ctx)
	}
}

type status struct {
	http.ResponseWriter
	code         int
	wrote        bool
	dropChecksum bool
}

func (s *status) WriteHeader(code int) {
	if s.wrote {
		return
	}
	s.wrote, s.code = true, code
	if s.dropChecksum {
		for k := range s.Header() {
			if strings.HasPrefix(k, "X-Amz-Checksum-") {
				s.Header().Del(k)
			}
		}
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *status) Write(b []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	return s.ResponseWriter.Write(b)
}

type codedError struct{ code, msg string }

func (e codedError) Error() string { return e.msg }

func errCode(err error) string {
	var c codedError
	if errors.As(err, &c) {
		return c.code
	}
	return "IncompleteBody"
}

// decodeAWSChunked turns an aws-chunked upload body (Content-Encoding: aws-chunked,
// x-amz-content-sha256: STREAMING-…, which the AWS SDKs send for PutObject/UploadPart with a
// trailing checksum) into the plain body, as S3 stores it; gofakes3 v1.2.0 only understands
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD. A trailing checksum is verified and kept as the object's
// x-amz-checksum-<algorithm> (returned on GetObject with checksum mode, as S3 does).
func decodeAWSChunked(r *http.Request) (string, error) {
	sha := r.Header.Get("X-Amz-Content-Sha256")
	chunked := strings.HasPrefix(sha, "STREAMING-")
	for _, enc := range r.Header.Values("Content-Encoding") {
		for _, e := range strings.Split(enc, ",") {
			chunked = chunked || strings.TrimSpace(e) == "aws-chunked"
		}
	}
	if !chunked {
		return "", verifyChecksumHeaders(r)
	}
	br := bufio.NewReader(r.Body)
	defer r.Body.Close()
	var body bytes.Buffer
	readLine := func() (string, error) {
		line, err := br.ReadString('\n')
		if err != nil {
			return "", codedError{"IncompleteBody", "aws-chunked body ends early: " + err.Error()}
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	for {
		line, err := readLine()
		if err != nil {
			return "", err
		}
		sizeHex, _, _ := strings.Cut(line, ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
		if err != nil || size < 0 {
			return "", codedError{"IncompleteBody", fmt.Sprintf("bad aws-chunked chunk header %q", line)}
		}
		if size == 0 {
			break
		}
		if _, err := io.CopyN(&body, br, size); err != nil {
			return "", codedError{"IncompleteBody", "aws-chunked chunk ends early"}
		}
		if crlf, err := readLine(); err != nil || crlf != "" {
			return "", codedError{"IncompleteBody", "aws-chunked chunk not followed by CRLF"}
		}
	}
	trailers := map[string]string{}
	for {
		line, err := readLine()
		if err != nil || line == "" { // the blank line that ends the trailers (or none at all)
			break
		}
		k, v, _ := strings.Cut(line, ":")
		trailers[http.CanonicalHeaderKey(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	if d := r.Header.Get("X-Amz-Decoded-Content-Length"); d != "" && d != strconv.Itoa(body.Len()) {
		return "", codedError{"IncompleteBody", fmt.Sprintf("decoded %d bytes, x-amz-decoded-content-length says %s", body.Len(), d)}
	}
	for k, v := range trailers {
		if strings.HasPrefix(k, "X-Amz-Checksum-") {
			r.Header.Set(k, v)
		}
	}
	// The body as S3 stores it: plain, with its length.
	var encs []string
	for _, enc := range r.Header.Values("Content-Encoding") {
		for _, e := range strings.Split(enc, ",") {
			if e = strings.TrimSpace(e); e != "" && e != "aws-chunked" {
				encs = append(encs, e)
			}
		}
	}
	r.Header.Del("Content-Encoding")
	if len(encs) > 0 {
		r.Header.Set("Content-Encoding", strings.Join(encs, ","))
	}
	r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	r.Header.Set("Content-Length", strconv.Itoa(body.Len()))
	r.ContentLength = int64(body.Len())
	r.Body = io.NopCloser(bytes.NewReader(body.Bytes()))
	if err := verifyChecksumHeaders(r); err != nil {
		return "", err
	}
	return fmt.Sprintf("aws-chunked %s, %d bytes decoded", sha, body.Len()), nil
}

// verifyChecksumHeaders checks an x-amz-checksum-<algorithm> header against the (plain) body.
func verifyChecksumHeaders(r *http.Request) error {
	sums := map[string]func() hash.Hash{
		"X-Amz-Checksum-Crc32":     func() hash.Hash { return crc32.NewIEEE() },
		"X-Amz-Checksum-Crc32c":    func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) },
		"X-Amz-Checksum-Crc64nvme": func() hash.Hash { return crc64.New(crc64.MakeTable(0x9a6c9329ac4bc9b5)) },
		"X-Amz-Checksum-Sha1":      sha1.New,
		"X-Amz-Checksum-Sha256":    sha256.New,
	}
	var want []string
	for k := range sums {
		if r.Header.Get(k) != "" {
			want = append(want, k)
		}
	}
	if len(want) == 0 || r.Body == nil {
		return nil
	}
	data, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return codedError{"IncompleteBody", err.Error()}
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	for _, k := range want {
		h := sums[k]()
		h.Write(data)
		if got := base64.StdEncoding.EncodeToString(h.Sum(nil)); got != r.Header.Get(k) {
			return codedError{"BadDigest", fmt.Sprintf("%s: the body's is %s, the request says %s", k, got, r.Header.Get(k))}
		}
	}
	return nil
}

// stripRequestHeaders drops what gofakes3 would otherwise store as object metadata and echo on
// GetObject although S3 does not (signing and SDK bookkeeping headers).
func stripRequestHeaders(h http.Header) {
	for _, k := range []string{"X-Amz-Date", "X-Amz-Content-Sha256", "X-Amz-Decoded-Content-Length", "X-Amz-Trailer",
		"X-Amz-Sdk-Checksum-Algorithm", "X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amz-Checksum-Mode"} {
		h.Del(k)
	}
}

func remoteIP(r *http.Request) string {
	h, _, _ := net.SplitHostPort(r.RemoteAddr)
	return h
}

// serveSTS answers AssumeRoleWithWebIdentity (an unsigned form POST) as AWS STS does.
func serveSTS(w http.ResponseWriter, r *http.Request, roles []string, n uint64) {
	_ = r.ParseForm()
	action, role := r.Form.Get("Action"), r.Form.Get("RoleArn")
	stsError := func(code int, kind, msg string) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(code)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>e2e-%d</RequestId></ErrorResponse>`,
			kind, xmlText(msg), n)
	}
	switch {
	case action != "AssumeRoleWithWebIdentity":
		stsError(400, "InvalidAction", fmt.Sprintf("the STS stand-in implements AssumeRoleWithWebIdentity only, not %q", action))
		return
	case r.Form.Get("WebIdentityToken") == "":
		stsError(400, "InvalidIdentityToken", "no WebIdentityToken")
		return
	case len(roles) > 0 && !slices.Contains(roles, role):
		stsError(403, "AccessDenied", fmt.Sprintf("Not authorized to perform sts:AssumeRoleWithWebIdentity on %s", role))
		return
	}
	session := r.Form.Get("RoleSessionName")
	roleName := role[strings.LastIndex(role, "/")+1:]
	account := strings.Split(role, ":")
	acct := "000000000000"
	if len(account) > 4 {
		acct = account[4]
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>e2e</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::%s:assumed-role/%s/%s</Arn>
      <AssumedRoleId>AROAE2EEMULATOR:%s</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAE2EEMULATOR%05d</AccessKeyId>
      <SecretAccessKey>e2e-emulator-secret</SecretAccessKey>
      <SessionToken>e2e-emulator-session-%d</SessionToken>
      <Expiration>%s</Expiration>
    </Credentials>
    <Provider>e2e</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>e2e-%d</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
`, acct, xmlText(roleName), xmlText(session), xmlText(session), n%100000, n, time.Now().UTC().Add(time.Hour).Format(time.RFC3339), n)
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
