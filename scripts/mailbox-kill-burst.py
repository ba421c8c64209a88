#!/usr/bin/env python3
"""kill -9 during a burst of letters loses no acknowledged letter (领导信箱 intake durability).

Usage: scripts/mailbox-kill-burst.py BINARY DATA_DIR   (SQLite in DATA_DIR; with
GONGKAI_DATABASE_URL set, that PostgreSQL database instead). Prepare the data with
`gongkai demo --data DATA_DIR --items 0` first (categories, departments). 200 visitors from distinct
loopback addresses (the form is rate-limited per address) write at once; the server is killed with
SIGKILL once 30 letters are acknowledged; every acknowledged tracking code must be in the database.
Not part of CI (it needs the release binary and a few minutes); run it by hand after intake changes.
"""
import http.client, os, re, signal, sqlite3, subprocess, sys, threading, time, urllib.parse

B, D = sys.argv[1], sys.argv[2]
PG = os.environ.get("GONGKAI_DATABASE_URL")
PORT = 18777


def query(sql):
    if PG:
        out = subprocess.run(["psql", PG, "-tAc", sql], capture_output=True, text=True, check=True)
        return out.stdout.split()
    db = sqlite3.connect(D + "/gongkai.db")
    try:
        return [str(r[0]) for r in db.execute(sql)]
    finally:
        db.close()


def start():
    p = subprocess.Popen([B, "serve", "--data", D, "--addr", f"127.0.0.1:{PORT}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return p
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("serve did not start")


org = query("select id from organisations where name='示范市住房和城乡建设局'")[0]
cat = "城乡建设/城市建设和市政管理/燃气供应"
p = start()
acks, errors, lock = [], [], threading.Lock()


def one(i):
    try:
        src = f"127.0.{i // 200}.{2 + i % 200}"
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30, source_address=(src, 0))
        c.request("GET", "/mailbox/write")
        r = c.getresponse()
        html = r.read().decode()
        cookie = "; ".join(h.split(";")[0] for k, h in r.getheaders() if k.lower() == "set-cookie")
        tok = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({
            "csrf": tok, "recipient": f"org:{org}", "category": cat, "subject": f"燃气压力不足 {i}",
            "body": "入冬以来燃气压力一直不足，请尽快解决。", "name": "测试", "phone": "13900001111", "publish": "1"})
        c.request("POST", "/mailbox/write", body,
                  {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        r = c.getresponse()
        html = r.read().decode()
        if r.status == 200:
            code = re.search(r'查询码：<strong class="tracking-code">([^<]+)<', html).group(1)
            with lock:
                acks.append(code)
    except Exception as e:  # the kill cuts connections: expected
        with lock:
            errors.append(repr(e)[:80])


threads = [threading.Thread(target=one, args=(i,)) for i in range(200)]
for t in threads:
    t.start()
while len(acks) < 30 and any(t.is_alive() for t in threads):
    time.sleep(0.01)
os.kill(p.pid, signal.SIGKILL)
p.wait()
for t in threads:
    t.join()
stored = set(query("select tracking_code from letters"))
missing = [a for a in acks if a not in stored]
print(f"acknowledged {len(acks)}, stored {len(stored)}, missing {len(missing)}, cut requests {len(errors)}")
sys.exit(1 if missing else 0)
