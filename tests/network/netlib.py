"""Helpers for the network room's script tests: checks, a loa server with
its WebSub worker, an HTTP client that validates JSON answers against
docs/api/openapi.json (the approach of tests/http/api_test.py). Loopback
only; every wait is bounded."""
import http.client, json, os, re, socket, subprocess, sys, tempfile, time

LOA = os.environ["LOA"]
SRC = os.environ["LOA_SRC"]
SPEC = json.load(open(os.path.join(SRC, "docs/api/openapi.json"), encoding="utf-8"))
checks = 0
fails = []


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        fails.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def finish():
    print(f"{checks} checks, {len(fails)} failed")
    sys.exit(1 if fails else 0)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_for(pred, timeout=10.0, step=0.05):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def schema_for(path_tpl, method, status):
    op = SPEC["paths"][path_tpl][method.lower()]
    r = op["responses"].get(str(status))
    if r is None:
        return None
    if "$ref" in r:
        r = SPEC["components"]["responses"][r["$ref"].split("/")[-1]]
    c = r.get("content", {}).get("application/json")
    return c and c.get("schema")


def validate(body, schema, what):
    from jsonschema import Draft202012Validator
    v = Draft202012Validator({"$ref": "#/x", "x": schema, "components": SPEC["components"]})
    errs = list(v.iter_errors(body))
    check(not errs, f"{what}: schema: {errs[0].message if errs else ''}")


class Loa:
    """A database, the loa program on it, a server and a WebSub worker."""

    def __init__(self, extra=None):
        self.tmp = tempfile.mkdtemp(prefix="loa-net-")
        self.db = os.path.join(self.tmp, "net.db")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.sets = ["--set", f"network.base_url={self.base}", "--set", f"listen=127.0.0.1:{self.port}"]
        for kv in extra or []:
            self.sets += ["--set", kv]
        self.env = dict(os.environ, LOA_HOME=SRC)
        self.srv = None
        self.worker = None

    def run(self, *args, inp=None, sets=True):
        return subprocess.run([LOA, "--db", self.db, *(self.sets if sets else []), *args], input=inp,
                              capture_output=True, text=True, env=self.env, timeout=120)

    def start(self, worker=True):
        self.srv = subprocess.Popen([LOA, "--db", self.db, *self.sets, "serve", "--listen", f"127.0.0.1:{self.port}"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=self.env)
        end = time.time() + 20
        while time.time() < end:
            line = self.srv.stdout.readline()
            if not line or "dashboard" in line or "127.0.0.1" in line:
                break
        ok = wait_for(lambda: self._up(), 10)
        check(ok, "loa serve answers /healthz")
        if worker:
            self.worker = subprocess.Popen([LOA, "--db", self.db, *self.sets, "--set", "websub.interval_ms=100",
                                            "websub", "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                           env=self.env)

    def _up(self):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            c.request("GET", "/healthz")
            return c.getresponse().status == 200
        except OSError:
            return False

    def stop(self):
        for p in (self.worker, self.srv):
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()

    def sql(self, q, *args):
        import sqlite3
        c = sqlite3.connect(self.db, timeout=10)
        try:
            return c.execute(q, args).fetchall()
        finally:
            c.close()


def http_req(port, method, path, body=None, headers=None, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = dict(headers or {})
    data = None
    if body is not None:
        if isinstance(body, (bytes, str)):
            data = body if isinstance(body, bytes) else body.encode()
        else:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
    c.request(method, path, body=data, headers=h)
    r = c.getresponse()
    payload = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    links = [v for k, v in r.getheaders() if k.lower() == "link"]
    c.close()
    return r.status, hdrs, payload, links


class Client:
    def __init__(self, port, token=None):
        self.port = port
        self.token = token

    def req(self, method, path, body=None, tpl=None, want=None, headers=None):
        h = dict(headers or {})
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        st, hdrs, payload, _ = http_req(self.port, method, path, body, h)
        what = f"{method} {path}"
        if want is not None:
            check(st == want, f"{what}: status {st}, expected {want}: {payload[:300]!r}")
        try:
            j = json.loads(payload) if payload else None
        except ValueError:
            check(False, f"{what}: body is not JSON: {payload[:200]!r}")
            return st, None
        if st >= 400 and j is not None:
            check("error" in j and "code" in j["error"] and "message" in j["error"], f"{what}: error shape")
        if tpl:
            sch = schema_for(tpl, method, st)
            check(sch is not None, f"{what}: status {st} not documented in openapi.json")
            if sch and j is not None:
                validate(j, sch, what)
        return st, j
