#!/usr/bin/env python3
"""A quota-enforcing HTTP proxy in front of moto, for faascan's pacing tests and benchmarks.

It names each request's service and operation as mocks/faultproxy.py does (and reuses its
tables and error shapes), then enforces the request quotas of src/collect/quotas.tsv (the
table faascan paces itself by): one token bucket per (access key, region, quota group), an
operation passing every group its rows name. A request over quota is answered with the
protocol's own throttle (IAM/STS `Throttling` 400 XML, KMS `ThrottlingException` 400 JSON,
Lambda and API Gateway `TooManyRequestsException` 429, S3 `SlowDown` 503). Standard library
only.

    python mocks/quotaproxy.py --upstream http://127.0.0.1:5001 [--quotas FILE]
        [--set GROUP=REQUESTS/SECONDS[/BURST]]...   a group's quota (a raised or lowered one)
        [--latency-ms 30]                           added to every answer
        [--compete GROUP=SHARE]... [--compete-all SHARE]
                                                    other clients spend SHARE (0..1) of the
                                                    group's tokens, from the proxy's start
        [--random-throttle 0.2]                     throttle this share of requests at random
        [--seed N] [--port 0] [--port-file F] [--parent-pid PID]

Admin endpoints on the proxy itself (never forwarded):
    GET    /__quota   settings, and per (access key, service, operation): passed, throttled
                      (over quota) and random (thrown at random); per group: passed and the
                      quota floor (passed / the rate left after competitors), ?access_key=AKID
    POST   /__quota   change settings: {"latency_ms", "random_throttle", "compete": {GROUP:
                      SHARE}, "set": {GROUP: [REQUESTS, SECONDS, BURST]}}; buckets restart
                      with (1 - SHARE) of their burst
    DELETE /__quota   forget the counters (and the buckets)
The fault rules of mocks/faultproxy.py (/__faults, /__stats) work here too.
"""

import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultproxy  # noqa: E402  (the shared service tables, error shapes and handler)

DEFAULT_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "collect", "quotas.tsv")

# The SDK service name (as faultproxy names it) -> the table's service column.
TABLE_SERVICE = {
    "Lambda": "lambda",
    "IAM": "iam",
    "S3": "s3",
    "S3 Control": "s3",
    "API Gateway": "apigateway",
    "ApiGatewayV2": "apigateway",
    "KMS": "kms",
    "STS": "sts",
    "Account": "account",
    "Organizations": "organizations",
    "Resource Groups Tagging API": "tagging",
}


def load_table(path):
    """(rows [(service, operation, group)], rates {group: (requests, seconds, burst)})."""
    rows, rates = [], {}
    header_seen = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                continue
            service, operation, group, requests, seconds, burst, _source = line.split("\t")
            rate = (int(requests), float(seconds), int(burst))
            if rates.setdefault(group, rate) != rate:
                raise ValueError(f"group {group} has two rates")
            rows.append((service, operation, group))
    return rows, rates


def parse_set(text):
    group, _, spec = text.partition("=")
    parts = spec.split("/")
    if not group or len(parts) not in (2, 3):
        raise ValueError(f"--set {text!r}: expected GROUP=REQUESTS/SECONDS[/BURST]")
    requests, seconds = int(parts[0]), float(parts[1])
    burst = int(parts[2]) if len(parts) == 3 else max(1, requests)
    return group, (requests, seconds, burst)


class Bucket:
    """A token bucket. Competitors (share s of the refill, served first) leave (1 - s) of
    the rate to the scan, and have been spending since before its first request: the bucket
    starts with only (1 - s) of its burst."""

    def __init__(self, rate, share):
        requests, seconds, burst = rate
        self.capacity = float(burst)
        self.refill = requests / seconds
        self.share = share
        self.tokens = self.capacity * (1.0 - share)
        self.last = time.monotonic()

    def take(self, now):
        elapsed = max(0.0, now - self.last)
        self.last = now
        self.tokens = min(self.capacity, self.tokens + (1.0 - self.share) * self.refill * elapsed)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Quotas:
    def __init__(self, table_path, sets, compete, compete_all, random_share, latency_ms, seed):
        self.lock = threading.Lock()
        self.rows, self.rates = load_table(table_path)
        for group, rate in sets.items():
            if group not in self.rates:
                raise ValueError(f"no quota group {group!r} in {table_path}")
            self.rates[group] = rate
        for group in compete:
            if group not in self.rates:
                raise ValueError(f"no quota group {group!r} in {table_path}")
        self.compete = dict(compete)
        self.compete_all = compete_all
        self.random_share = random_share
        self.latency = latency_ms / 1000.0
        self.random = random.Random(seed)
        self.buckets = {}
        self.ops = {}
        self.groups = {}

    def groups_of(self, service, operation):
        own = [g for s, o, g in self.rows if s == service and o == operation]
        return own or [g for s, o, g in self.rows if s == service and o == "*"]

    def share(self, group):
        return min(0.95, max(0.0, self.compete.get(group, self.compete_all)))

    def decide(self, access_key, region, sdk_service, operation):
        """'pass', 'throttle' (over quota) or 'random' (thrown at random)."""
        service = TABLE_SERVICE.get(sdk_service, (sdk_service or "?").lower())
        groups = self.groups_of(service, operation) if operation else []
        now = time.monotonic()
        with self.lock:
            key = (access_key or "", sdk_service or "?", operation or "?")
            counts = self.ops.setdefault(key, {"passed": 0, "throttled": 0, "random": 0})
            if self.random_share > 0 and self.random.random() < self.random_share:
                counts["random"] += 1
                return "random"
            buckets = []
            for group in groups:
                bkey = (access_key or "", region or "", group)
                bucket = self.buckets.get(bkey)
                if bucket is None:
                    bucket = self.buckets[bkey] = Bucket(self.rates[group], self.share(group))
                buckets.append((bkey, bucket))
            # All groups or none: a request refused by one group spends no other's token.
            if not all([_peek(b, now) for _, b in buckets]):
                counts["throttled"] += 1
                return "throttle"
            for bkey, bucket in buckets:
                bucket.take(now)
                self.groups.setdefault(bkey, 0)
                self.groups[bkey] += 1
            counts["passed"] += 1
            return "pass"

    def stats(self, access_key=None):
        with self.lock:
            ops = [
                {"access_key": k, "service": s, "operation": o, **c}
                for (k, s, o), c in sorted(self.ops.items())
                if access_key is None or k == access_key
            ]
            groups = []
            for (k, region, group), passed in sorted(self.groups.items()):
                if access_key is not None and k != access_key:
                    continue
                requests, seconds, burst = self.rates[group]
                left = (1.0 - self.share(group)) * requests / seconds
                groups.append(
                    {
                        "access_key": k,
                        "region": region,
                        "group": group,
                        "passed": passed,
                        "rate": requests / seconds,
                        "rate_left": left,
                        "burst": burst,
                        "floor_seconds": passed / left,
                    }
                )
            return {
                "settings": {
                    "latency_ms": self.latency * 1000.0,
                    "random_throttle": self.random_share,
                    "compete": self.compete,
                    "compete_all": self.compete_all,
                    "rates": self.rates,
                },
                "operations": ops,
                "groups": groups,
                "floor_seconds": max((g["floor_seconds"] for g in groups), default=0.0),
            }

    def configure(self, change):
        unknown = set(change) - {"latency_ms", "random_throttle", "compete", "compete_all", "set"}
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        with self.lock:
            if "latency_ms" in change:
                self.latency = float(change["latency_ms"]) / 1000.0
            if "random_throttle" in change:
                self.random_share = float(change["random_throttle"])
            if "compete_all" in change:
                self.compete_all = float(change["compete_all"])
            for group, share in (change.get("compete") or {}).items():
                if group not in self.rates:
                    raise ValueError(f"no quota group {group!r}")
                self.compete[group] = float(share)
            for group, rate in (change.get("set") or {}).items():
                if group not in self.rates:
                    raise ValueError(f"no quota group {group!r}")
                requests, seconds, burst = rate
                self.rates[group] = (int(requests), float(seconds), int(burst))
            self.buckets = {}

    def clear(self):
        with self.lock:
            self.ops, self.groups, self.buckets = {}, {}, {}


def _peek(bucket, now):
    """Whether the bucket has a token at `now` (refilling it, not taking one)."""
    elapsed = max(0.0, now - bucket.last)
    bucket.last = now
    bucket.tokens = min(bucket.capacity, bucket.tokens + (1.0 - bucket.share) * bucket.refill * elapsed)
    return bucket.tokens >= 1.0


class Handler(faultproxy.Handler):
    server_version = "quotaproxy"

    def handle_any(self):
        path, _, query = self.path.partition("?")
        if path == "/__quota":
            return self.quota_control(query)
        if path.startswith("/__"):
            return super().handle_any()
        match = faultproxy.CREDENTIAL.search(self.headers.get("Authorization") or "")
        if not match:
            return super().handle_any()
        access_key, region = match.group(1), match.group(2)
        service = faultproxy.service_of(match.group(3), path)
        body = self.read_body()
        operation = faultproxy.operation_of(service, self.command, path, query, self.headers, body)
        verdict = self.server.quotas.decide(access_key, region, service, operation)
        if self.server.quotas.latency > 0:
            time.sleep(self.server.quotas.latency)
        if verdict != "pass":
            status, headers, payload = faultproxy.error_response("throttle", service)
            return self.reply(status, headers, payload)
        # The fault rules still apply to what passed the quotas.
        action = self.server.rules.decide(access_key, service, operation, self.command, path)
        if action in ("reset", "hang"):
            return self.reset() if action == "reset" else self.hang()
        if action:
            status, headers, payload = faultproxy.error_response(action, service)
            return self.reply(status, headers, payload)
        self.forward(body)

    def quota_control(self, query):
        params = urllib.parse.parse_qs(query)
        quotas = self.server.quotas
        try:
            if self.command == "GET":
                return self.json(200, quotas.stats(params.get("access_key", [None])[0]))
            if self.command == "DELETE":
                quotas.clear()
                return self.json(200, {})
            if self.command == "POST":
                change = json.loads(self.read_body() or b"{}")
                if not isinstance(change, dict):
                    raise ValueError("settings are a JSON object")
                quotas.configure(change)
                return self.json(200, quotas.stats()["settings"])
        except (ValueError, TypeError, json.JSONDecodeError) as err:
            return self.json(400, {"error": str(err)})
        return self.json(404, {"error": f"no control endpoint {self.command} /__quota"})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="the emulator, e.g. http://127.0.0.1:5001")
    parser.add_argument("--quotas", default=DEFAULT_TABLE, help="the quota table (default: faascan's)")
    parser.add_argument("--set", action="append", default=[], help="GROUP=REQUESTS/SECONDS[/BURST]")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--compete", action="append", default=[], help="GROUP=SHARE (0..0.95)")
    parser.add_argument("--compete-all", type=float, default=0.0, help="SHARE of every group")
    parser.add_argument("--random-throttle", type=float, default=0.0, help="share of requests (0..1)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--parent-pid", type=int)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()

    sets = dict(parse_set(s) for s in args.set)
    compete = {}
    for c in args.compete:
        group, _, share = c.partition("=")
        compete[group] = float(share)
    upstream = urllib.parse.urlsplit(args.upstream)
    server = faultproxy.Server((args.host, args.port), Handler)
    server.upstream_host = upstream.hostname
    server.upstream_port = upstream.port or 80
    server.rules = faultproxy.Rules()
    server.hang_limit = 600.0
    server.verbose = args.verbose
    server.quotas = Quotas(
        args.quotas, sets, compete, args.compete_all, args.random_throttle, args.latency_ms, args.seed
    )
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
    print(f"http://{args.host}:{port}", flush=True)
    if args.parent_pid:
        threading.Thread(target=faultproxy.watch_parent, args=(args.parent_pid,), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
