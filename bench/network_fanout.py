#!/usr/bin/python3
"""bench/network.sh's WebSub fan-out: N subscribers on loopback (one
threaded HTTP server, one callback path each) subscribe to an
organisation's Atom feed at loa's hub; then an item is published and the
time until every subscriber has it is measured. Prints one 'bench:' line."""
import os, subprocess, sys, tempfile, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import http.client, socket

LOA, N = os.environ["LOA"], int(sys.argv[1]) if len(sys.argv) > 1 else 1000
got, verified = {}, set()
lock = threading.Lock()


class Sub(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def reply(self, code, body=b""):
        self.send_response(code); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def do_GET(self):
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        with lock:
            verified.add(self.path.split("?")[0])
        self.reply(200, q.get("hub.challenge", "").encode())
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with lock:
            got.setdefault(self.path, time.time())
        self.reply(200)


class Server(ThreadingHTTPServer):
    request_queue_size = 2048
    daemon_threads = True


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def main():
    tmp = tempfile.mkdtemp(prefix="loa-bench-net-")
    db, port, hport = os.path.join(tmp, "b.db"), free_port(), free_port()
    sets = ["--set", f"network.base_url=http://127.0.0.1:{port}", "--set", f"listen=127.0.0.1:{port}",
            "--set", "websub.allow_loopback=1", "--set", "websub.rate_per_host=0", "--set", "websub.concurrency=128",
            "--set", "websub.interval_ms=50", "--set", "http.threads=8"]
    run = lambda *a: subprocess.run([LOA, "--db", db, *sets, *a], capture_output=True, text=True)
    run("orgs", "add", "--slug", "bo-y-te", "--name", "Bộ Y tế", "--kind", "ministry")
    srv = Server(("127.0.0.1", hport), Sub)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    serve = subprocess.Popen([LOA, "--db", db, *sets, "serve"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([LOA, "--db", db, *sets, "websub", "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2); c.request("GET", "/healthz")
                if c.getresponse().status == 200: break
            except OSError:
                time.sleep(0.1)
        topic = f"http://127.0.0.1:{port}/feeds/bo-y-te.atom"
        t0 = time.time()
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for i in range(N):
            body = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.topic": topic,
                                           "hub.callback": f"http://127.0.0.1:{hport}/s/{i}"})
            c.request("POST", "/hub", body, {"Content-Type": "application/x-www-form-urlencoded"})
            r = c.getresponse(); r.read()
            if r.status != 202:
                print("subscribe failed", r.status, file=sys.stderr); return 1
        t_req = time.time() - t0
        end = time.time() + 120
        while time.time() < end and len(verified) < N:
            time.sleep(0.05)
        t_ver = time.time() - t0
        open(os.path.join(tmp, "b.txt"), "w").write("Nội dung thông cáo báo chí gửi tới các cổng thành viên.")
        t1 = time.time()
        run("publish", "--org", "bo-y-te", "--title", "Thông cáo", "--body", os.path.join(tmp, "b.txt"), "--approve")
        end = time.time() + 180
        while time.time() < end and len(got) < N:
            time.sleep(0.01)
        done = (max(got.values()) - t1) if len(got) == N else float("nan")
        print(f"bench: name=websub_fanout subscribers={N} subscribe_requests_s={t_req:.2f} verified={len(verified)} "
              f"verify_all_s={t_ver:.2f} delivered={len(got)} publish_to_all_s={done:.2f} "
              f"deliveries_per_s={len(got) / done if done == done and done > 0 else 0:.0f}")
        return 0 if len(got) == N else 1
    finally:
        worker.terminate(); serve.terminate(); worker.wait(10); serve.wait(10); srv.shutdown()


if __name__ == "__main__":
    sys.exit(main())
