#!/usr/bin/env bash
# loa serve over HTTPS (libmicrohttpd with GnuTLS): http.tls_cert and
# http.tls_key; session cookies are Secure; a half configuration is refused.
. "$(dirname "$0")/../cli/lib.sh"
cd "$TMP" || exit 1
if ! command -v openssl >/dev/null; then
  echo "skipped: openssl is not installed (needed to make a test certificate)"
  exit 77
fi
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
  -subj "/CN=localhost" >/dev/null 2>&1 || { echo "skipped: openssl could not make a certificate"; exit 77; }
TLS=(--set http.tls_cert=cert.pem --set http.tls_key=key.pem)

expect_status 0 "$LOA" --db t.db "${TLS[@]}" serve --check
expect_grep "$TMP/out" 'GET /healthz -> 200'
expect_grep "$TMP/out" 'server healthy'
# only one of the two: refused with a message
expect_status 1 "$LOA" --db t.db --set http.tls_cert=cert.pem serve --check
expect_grep "$TMP/err" 'http.tls_key'
expect_status 1 "$LOA" --db t.db --set http.tls_cert=missing.pem --set http.tls_key=key.pem serve --check
expect_grep "$TMP/err" 'missing.pem'

# a running server: HTTPS answers, the login cookie is Secure
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$LOA" --db t2.db "${TLS[@]}" serve --listen "127.0.0.1:$PORT" > serve.out 2> serve.err &
PID=$!
for _ in $(seq 1 50); do grep -q dashboard serve.out 2>/dev/null && break; sleep 0.1; done
expect_grep serve.out "https://127.0.0.1:$PORT/"
PW=$(grep -oE 'passwd admin\): [^ ]+' serve.out | awk '{print $3}')
code=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$PORT/healthz")
[ "$code" = 200 ] && ok || fail "https /healthz answered $code"
curl -sk -D headers.txt -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"login\":\"admin\",\"password\":\"$PW\"}" "https://127.0.0.1:$PORT/api/v1/login"
expect_grep headers.txt '^Set-Cookie: loa_session=.*; Secure'
# plain HTTP to the TLS port does not get an answer
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
[ "$code" != 200 ] && ok || fail "plain HTTP was answered on the TLS port"
kill -TERM "$PID"; wait "$PID" 2>/dev/null
finish
