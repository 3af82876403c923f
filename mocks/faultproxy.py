#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of moto, for faascan's live fault tests.

It names each request's AWS service and operation (the names `faascan permissions --format
calls` prints), passes it to the upstream emulator, or answers it with a fault in the
protocol's own error shape: deny, throttle, error (5xx), reset (connection closed, no
response) or hang (never answered). Standard library only.

    python mocks/faultproxy.py --upstream http://127.0.0.1:5001 [--port 0] [--port-file F]
                               [--parent-pid PID]

Control endpoints on the proxy itself (never forwarded):
    POST   /__faults        add one rule (a JSON object) or several (a JSON array)
    GET    /__faults        the rules with their counters
    DELETE /__faults        remove all rules (?access_key=AKID: only that key's rules)
    GET    /__stats         requests per (access key, service, operation) (?access_key=AKID)
    DELETE /__stats         forget the counters (?access_key=AKID: only that key's)

A rule: {"service"?: "Lambda", "operation": "ListFunctions" | "*",
         "action": "deny" | "throttle" | "error" | "reset" | "hang",
         "after"?: N (let the first N matching requests through), "times"?: N (then stop),
         "access_key"?: AKID (only requests signed with this key)}
Services are matched without case and spaces ("API Gateway" = "apigateway"); API Gateway v2
is "ApiGatewayV2" and the S3 account-level client "S3 Control", as faascan prints them.
"""

import argparse
import http.client
import http.server
import json
import os
import re
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid

# SigV4 signing name -> the SDK service name faascan prints (column 1 of `permissions --format
# calls`). API Gateway v2 and S3 Control share their signing name with v1 and S3; the path
# tells them apart (see service_of).
SERVICES = {
    "sts": "STS",
    "iam": "IAM",
    "lambda": "Lambda",
    "kms": "KMS",
    "s3": "S3",
    "apigateway": "API Gateway",
    "account": "Account",
    "organizations": "Organizations",
    "tagging": "Resource Groups Tagging API",
}

# Wire protocol per service, for the error shapes.
PROTOCOL = {
    "STS": "query",
    "IAM": "query",
    "KMS": "json",
    "Organizations": "json",
    "Resource Groups Tagging API": "json",
    "Lambda": "rest-json",
    "API Gateway": "rest-json",
    "ApiGatewayV2": "rest-json",
    "Account": "rest-json",
    "S3": "rest-xml",
    "S3 Control": "rest-xml-wrapped",
}

SEG = r"[^/]+"

# REST protocols: (method, path regex) -> operation, first match wins. Paths are matched
# without the query string; S3 bucket operations are told apart by their sub-resource.
REST_ROUTES = {
    "Lambda": [
        ("GET", r"/2015-03-31/functions/?", "ListFunctions"),
        ("GET", rf"/2015-03-31/functions/{SEG}/policy", "GetPolicy"),
        ("GET", rf"/2015-03-31/functions/{SEG}/aliases/?", "ListAliases"),
        ("GET", rf"/2015-03-31/functions/{SEG}/aliases/{SEG}", "GetAlias"),
        ("GET", rf"/2015-03-31/functions/{SEG}/versions/?", "ListVersionsByFunction"),
        ("GET", rf"/2015-03-31/functions/{SEG}/configuration", "GetFunctionConfiguration"),
        ("GET", rf"/2015-03-31/functions/{SEG}", "GetFunction"),
        ("GET", rf"/2021-10-31/functions/{SEG}/url", "GetFunctionUrlConfig"),
        ("GET", rf"/2021-10-31/functions/{SEG}/urls", "ListFunctionUrlConfigs"),
        ("GET", rf"/2020-06-30/functions/{SEG}/code-signing-config", "GetFunctionCodeSigningConfig"),
        ("GET", r"/2020-04-22/code-signing-configs/.+/functions/?", "ListFunctionsByCodeSigningConfig"),
        ("GET", r"/2020-04-22/code-signing-configs/?", "ListCodeSigningConfigs"),
        ("GET", rf"/2019-09-25/functions/{SEG}/event-invoke-config/list", "ListFunctionEventInvokeConfigs"),
        ("GET", rf"/2019-09-25/functions/{SEG}/event-invoke-config", "GetFunctionEventInvokeConfig"),
        ("GET", rf"/2019-09-30/functions/{SEG}/concurrency", "GetFunctionConcurrency"),
        ("GET", r"/2015-03-31/event-source-mappings/?", "ListEventSourceMappings"),
        ("GET", rf"/2015-03-31/event-source-mappings/{SEG}", "GetEventSourceMapping"),
        ("GET", r"/2017-03-31/tags/.+", "ListTags"),
        ("GET", r"/2018-10-31/layers/?", "ListLayers"),
        ("GET", rf"/2018-10-31/layers/{SEG}/versions/?", "ListLayerVersions"),
        ("GET", rf"/2018-10-31/layers/{SEG}/versions/{SEG}/policy", "GetLayerVersionPolicy"),
        ("GET", rf"/2018-10-31/layers/{SEG}/versions/{SEG}", "GetLayerVersion"),
        ("GET", r"/2016-08-19/account-settings/?", "GetAccountSettings"),
    ],
    "API Gateway": [
        ("GET", r"/restapis/?", "GetRestApis"),
        ("GET", rf"/restapis/{SEG}", "GetRestApi"),
        ("GET", rf"/restapis/{SEG}/stages/?", "GetStages"),
        ("GET", rf"/restapis/{SEG}/stages/{SEG}", "GetStage"),
        ("GET", rf"/restapis/{SEG}/resources/?", "GetResources"),
        ("GET", rf"/restapis/{SEG}/resources/{SEG}", "GetResource"),
        ("GET", rf"/restapis/{SEG}/resources/{SEG}/methods/{SEG}/integration", "GetIntegration"),
        ("GET", rf"/restapis/{SEG}/resources/{SEG}/methods/{SEG}", "GetMethod"),
        ("GET", rf"/restapis/{SEG}/authorizers/?", "GetAuthorizers"),
        ("GET", rf"/restapis/{SEG}/authorizers/{SEG}", "GetAuthorizer"),
        ("GET", rf"/restapis/{SEG}/requestvalidators/?", "GetRequestValidators"),
        ("GET", rf"/restapis/{SEG}/deployments/?", "GetDeployments"),
        ("GET", rf"/restapis/{SEG}/deployments/{SEG}", "GetDeployment"),
        ("GET", r"/usageplans/?", "GetUsagePlans"),
        ("GET", rf"/usageplans/{SEG}/keys/?", "GetUsagePlanKeys"),
        ("GET", rf"/usageplans/{SEG}", "GetUsagePlan"),
        ("GET", r"/apikeys/?", "GetApiKeys"),
        ("GET", r"/domainnames/?", "GetDomainNames"),
        ("GET", rf"/domainnames/{SEG}/basepathmappings/?", "GetBasePathMappings"),
        ("GET", rf"/domainnames/{SEG}", "GetDomainName"),
        ("GET", r"/account/?", "GetAccount"),
        ("GET", r"/tags/.+", "GetTags"),
        ("GET", r"/clientcertificates/?", "GetClientCertificates"),
    ],
    "ApiGatewayV2": [
        ("GET", r"/v2/apis/?", "GetApis"),
        ("GET", rf"/v2/apis/{SEG}", "GetApi"),
        ("GET", rf"/v2/apis/{SEG}/routes/?", "GetRoutes"),
        ("GET", rf"/v2/apis/{SEG}/routes/{SEG}", "GetRoute"),
        ("GET", rf"/v2/apis/{SEG}/integrations/?", "GetIntegrations"),
        ("GET", rf"/v2/apis/{SEG}/integrations/{SEG}", "GetIntegration"),
        ("GET", rf"/v2/apis/{SEG}/stages/?", "GetStages"),
        ("GET", rf"/v2/apis/{SEG}/stages/{SEG}", "GetStage"),
        ("GET", rf"/v2/apis/{SEG}/authorizers/?", "GetAuthorizers"),
        ("GET", r"/v2/domainnames/?", "GetDomainNames"),
        ("GET", rf"/v2/domainnames/{SEG}/apimappings/?", "GetApiMappings"),
        ("GET", r"/v2/tags/.+", "GetTags"),
    ],
    "S3 Control": [
        ("GET", r"/v20180820/configuration/publicAccessBlock/?", "GetPublicAccessBlock"),
        ("GET", r"/v20180820/accesspoint/?", "ListAccessPoints"),
        ("GET", rf"/v20180820/accesspoint/{SEG}/policy", "GetAccessPointPolicy"),
        ("GET", rf"/v20180820/accesspoint/{SEG}/policyStatus", "GetAccessPointPolicyStatus"),
        ("GET", rf"/v20180820/accesspoint/{SEG}", "GetAccessPoint"),
        ("GET", r"/v20180820/mrap/instances/?", "ListMultiRegionAccessPoints"),
        ("GET", r"/v20180820/mrap/instances/.+/policy", "GetMultiRegionAccessPointPolicy"),
        ("GET", r"/v20180820/mrap/instances/.+", "GetMultiRegionAccessPoint"),
    ],
    "Account": [
        ("POST", r"/listRegions/?", "ListRegions"),
    ],
}

# S3 bucket sub-resources (the first query key) -> operation, for GET /{bucket}?{key}.
S3_SUBRESOURCES = {
    "policy": "GetBucketPolicy",
    "policyStatus": "GetBucketPolicyStatus",
    "encryption": "GetBucketEncryption",
    "publicAccessBlock": "GetPublicAccessBlock",
    "acl": "GetBucketAcl",
    "ownershipControls": "GetBucketOwnershipControls",
    "versioning": "GetBucketVersioning",
    "logging": "GetBucketLogging",
    "tagging": "GetBucketTagging",
    "location": "GetBucketLocation",
    "cors": "GetBucketCors",
    "lifecycle": "GetBucketLifecycleConfiguration",
    "replication": "GetBucketReplication",
    "website": "GetBucketWebsite",
    "notification": "GetBucketNotificationConfiguration",
}

COMPILED = {
    svc: [(m, re.compile(p + r"\Z"), op) for m, p, op in routes] for svc, routes in REST_ROUTES.items()
}

CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]*/([^/]*)/([^/]*)/aws4_request")


def norm(name):
    return (name or "").replace(" ", "").replace("-", "").lower()


def service_of(signing, path):
    """The SDK service name for a signing name and a path."""
    if signing == "apigateway" and path.startswith("/v2/"):
        return "ApiGatewayV2"
    if signing in ("s3", "s3control") and path.startswith("/v20180820/"):
        return "S3 Control"
    return SERVICES.get(signing, signing)


def operation_of(service, method, path, query, headers, body):
    """The operation name, or None when the request is not recognised."""
    protocol = PROTOCOL.get(service)
    if protocol == "json":
        target = headers.get("X-Amz-Target") or ""
        return target.rsplit(".", 1)[-1] or None
    if protocol == "query":
        params = urllib.parse.parse_qs(query)
        if "Action" not in params and body:
            try:
                params = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            except ValueError:
                params = {}
        action = params.get("Action")
        return action[0] if action else None
    if service == "S3":
        return s3_operation(method, path, query)
    if service == "Lambda" and re.match(r"/2018-10-31/layers/?\Z", path) and "find=LayerVersion" in query:
        return "GetLayerVersionByArn"
    for m, pattern, op in COMPILED.get(service, ()):
        if method in (m, "HEAD" if m == "GET" else m) and pattern.match(path):
            return op
    return None


def s3_operation(method, path, query):
    keys = [urllib.parse.unquote(kv.split("=", 1)[0]) for kv in query.split("&") if kv]
    params = urllib.parse.parse_qs(query, keep_blank_values=True)
    if "x-id" in params:
        return params["x-id"][0]
    segments = [s for s in path.split("/") if s]
    if method in ("GET", "HEAD") and not segments:
        return "ListBuckets"
    if len(segments) == 1:
        for key in keys:
            if key in S3_SUBRESOURCES:
                return S3_SUBRESOURCES[key]
        if method == "HEAD":
            return "HeadBucket"
        if method == "GET":
            return "ListObjectsV2" if params.get("list-type") == ["2"] else "ListObjects"
    if len(segments) > 1 and method == "GET":
        return "GetObject"
    if len(segments) > 1 and method == "HEAD":
        return "HeadObject"
    return None


class Rules:
    """The fault rules and the request counters, shared by the handler threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rules = []
        self.stats = {}
        self.unidentified = {}

    def add(self, rule):
        action = rule.get("action")
        if action not in ("deny", "throttle", "error", "reset", "hang"):
            raise ValueError(f"unknown action {action!r}")
        if not rule.get("operation"):
            raise ValueError("a rule needs an operation (or \"*\")")
        for key in ("after", "times"):
            if key in rule and (not isinstance(rule[key], int) or rule[key] < 0):
                raise ValueError(f"{key} must be a non-negative integer")
        unknown = set(rule) - {"service", "operation", "action", "after", "times", "access_key"}
        if unknown:
            raise ValueError(f"unknown rule fields: {sorted(unknown)}")
        with self.lock:
            self.rules.append(dict(rule, matched=0, faulted=0))

    def clear(self, access_key=None):
        with self.lock:
            if access_key is None:
                self.rules = []
            else:
                self.rules = [r for r in self.rules if r.get("access_key") != access_key]

    def decide(self, access_key, service, operation, method, path):
        """Counts the request and returns the action to take (None: pass it through)."""
        with self.lock:
            key = (access_key or "", service or "?", operation or "?")
            counts = self.stats.setdefault(key, {"requests": 0, "faulted": 0})
            counts["requests"] += 1
            if operation is None and service is not None:
                sample = self.unidentified.setdefault((access_key or "", service), [])
                if len(sample) < 20:
                    sample.append(f"{method} {path}")
            chosen = None
            for rule in self.rules:
                if rule.get("access_key") and rule["access_key"] != access_key:
                    continue
                if rule.get("service") and norm(rule["service"]) != norm(service):
                    continue
                if rule["operation"] != "*" and rule["operation"] != operation:
                    continue
                rule["matched"] += 1
                if chosen is not None or rule["matched"] <= rule.get("after", 0):
                    continue
                if "times" in rule and rule["faulted"] >= rule["times"]:
                    continue
                rule["faulted"] += 1
                chosen = rule["action"]
            if chosen:
                counts["faulted"] += 1
            return chosen

    def stats_json(self, access_key=None):
        with self.lock:
            rows = [
                {"access_key": k, "service": s, "operation": o, **c}
                for (k, s, o), c in sorted(self.stats.items())
                if access_key is None or k == access_key
            ]
            unidentified = [
                {"access_key": k, "service": s, "requests": list(v)}
                for (k, s), v in sorted(self.unidentified.items())
                if access_key is None or k == access_key
            ]
        return {"operations": rows, "unidentified": unidentified}

    def clear_stats(self, access_key=None):
        with self.lock:
            if access_key is None:
                self.stats, self.unidentified = {}, {}
            else:
                self.stats = {k: v for k, v in self.stats.items() if k[0] != access_key}
                self.unidentified = {k: v for k, v in self.unidentified.items() if k[0] != access_key}


# (status, error code) of each fault as AWS answers it, per wire protocol.
FAULT_CODES = {
    "query": {"deny": (403, "AccessDenied"), "throttle": (400, "Throttling"), "error": (500, "InternalFailure")},
    "json": {"deny": (403, "AccessDeniedException"), "throttle": (400, "ThrottlingException"), "error": (500, "InternalFailure")},
    "rest-json": {"deny": (403, "AccessDeniedException"), "throttle": (429, "TooManyRequestsException"), "error": (500, "InternalFailure")},
    "rest-xml": {"deny": (403, "AccessDenied"), "throttle": (503, "SlowDown"), "error": (500, "InternalError")},
}
FAULT_CODES["rest-xml-wrapped"] = FAULT_CODES["rest-xml"]
# Services whose own error code differs from their protocol's usual one.
SERVICE_FAULT_CODES = {
    # https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html
    ("Resource Groups Tagging API", "throttle"): (400, "ThrottledException"),
}
FAULT_MESSAGES = {
    "deny": "User is not authorized to perform this {service} operation (denied by faultproxy)",
    "throttle": "Rate exceeded (throttled by faultproxy)",
    "error": "We encountered an internal error. Please try again. (faultproxy)",
}


def error_response(action, service):
    """(status, headers, body) of the fault in the service's own protocol."""
    protocol = PROTOCOL.get(service, "rest-json")
    status, code = SERVICE_FAULT_CODES.get((service, action), FAULT_CODES[protocol][action])
    message = FAULT_MESSAGES[action].format(service=service)
    request_id = str(uuid.uuid4())
    if protocol == "rest-xml":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<RequestId>{request_id}</RequestId><HostId>faultproxy</HostId></Error>"
        )
        headers = {"Content-Type": "application/xml", "x-amz-request-id": request_id, "x-amz-id-2": "faultproxy"}
    elif protocol in ("query", "rest-xml-wrapped"):
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        headers = {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}
        if protocol == "rest-xml-wrapped":
            headers["x-amz-request-id"] = request_id
    else:
        body = json.dumps({"__type": code, "message": message, "Message": message})
        content_type = "application/x-amz-json-1.1" if protocol == "json" else "application/json"
        headers = {"Content-Type": content_type, "x-amzn-RequestId": request_id, "x-amzn-ErrorType": code}
    return status, headers, body.encode()


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection", "te", "upgrade"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultproxy"
    sys_version = ""

    def log_message(self, fmt, *args):  # quiet: the tests read /__stats instead
        if self.server.verbose:
            sys.stderr.write("faultproxy: " + (fmt % args) + "\n")

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self.handle_any()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def handle_any(self):
        body = self.read_body()
        path, _, query = self.path.partition("?")
        if path.startswith("/__"):
            return self.control(path, query, body)
        match = CREDENTIAL.search(self.headers.get("Authorization") or "")
        access_key, service = None, None
        if match:
            access_key = match.group(1)
            service = service_of(match.group(3), path)
        operation = operation_of(service, self.command, path, query, self.headers, body) if service else None
        action = self.server.rules.decide(access_key, service, operation, self.command, path)
        if action == "reset":
            return self.reset()
        if action == "hang":
            return self.hang()
        if action:
            status, headers, payload = error_response(action, service)
            return self.reply(status, headers, payload)
        self.forward(body)

    def reset(self):
        # SO_LINGER 0: the close sends a TCP RST, as a dying load balancer does.
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def hang(self):
        # Never answer; wait until the client gives up (closes) or the proxy's hang limit.
        self.close_connection = True
        deadline = time.monotonic() + self.server.hang_limit
        self.connection.settimeout(1.0)
        while time.monotonic() < deadline:
            try:
                if not self.connection.recv(65536):
                    break
            except socket.timeout:
                continue
            except OSError:
                break

    def forward(self, body):
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        try:
            conn = http.client.HTTPConnection(self.server.upstream_host, self.server.upstream_port, timeout=300)
            conn.request(self.command, self.path, body=body or None, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            response_headers = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
            length = response.getheader("Content-Length")
            status = response.status
            conn.close()
        except (OSError, http.client.HTTPException) as err:
            return self.reply(502, {"Content-Type": "text/plain"}, f"faultproxy: upstream failed: {err}".encode())
        self.send_response(status)
        for k, v in response_headers:
            self.send_header(k, v)
        if self.command == "HEAD":
            self.send_header("Content-Length", length or "0")
            self.end_headers()
            return
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def reply(self, status, headers, payload):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def control(self, path, query, body):
        params = urllib.parse.parse_qs(query)
        access_key = params.get("access_key", [None])[0]
        rules = self.server.rules
        try:
            if path == "/__faults" and self.command == "POST":
                parsed = json.loads(body or b"null")
                for rule in parsed if isinstance(parsed, list) else [parsed]:
                    if not isinstance(rule, dict):
                        raise ValueError("a rule is a JSON object")
                    rules.add(rule)
                return self.json(200, {"rules": len(rules.rules)})
            if path == "/__faults" and self.command == "DELETE":
                rules.clear(access_key)
                return self.json(200, {"rules": len(rules.rules)})
            if path == "/__faults" and self.command == "GET":
                with rules.lock:
                    return self.json(200, {"rules": [dict(r) for r in rules.rules]})
            if path == "/__stats" and self.command == "GET":
                return self.json(200, rules.stats_json(access_key))
            if path == "/__stats" and self.command == "DELETE":
                rules.clear_stats(access_key)
                return self.json(200, {})
            if path == "/__health":
                return self.json(200, {"ok": True})
        except (ValueError, json.JSONDecodeError) as err:
            return self.json(400, {"error": str(err)})
        return self.json(404, {"error": f"no control endpoint {self.command} {path}"})

    def json(self, status, value):
        self.reply(status, {"Content-Type": "application/json"}, json.dumps(value).encode())


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # A client that gave up (a timeout, the scan ending) is routine here, not an error.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def watch_parent(pid):
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass
        time.sleep(0.5)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="the emulator, e.g. http://127.0.0.1:5001")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--port-file", help="write the bound port here once listening")
    parser.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    parser.add_argument("--hang-limit", type=float, default=600.0, help="seconds a hung request is held at most")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    args = parser.parse_args()

    upstream = urllib.parse.urlsplit(args.upstream)
    server = Server((args.host, args.port), Handler)
    server.upstream_host = upstream.hostname
    server.upstream_port = upstream.port or 80
    server.rules = Rules()
    server.hang_limit = args.hang_limit
    server.verbose = args.verbose
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
    print(f"http://{args.host}:{port}", flush=True)
    if args.parent_pid:
        threading.Thread(target=watch_parent, args=(args.parent_pid,), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
