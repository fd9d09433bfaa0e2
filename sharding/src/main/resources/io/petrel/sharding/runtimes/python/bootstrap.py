"""Petrel's runtime bootstrap for Python functions (standard library only, Python 3.8+).

Role: Petrel starts one of these per execution environment as `python3 bootstrap.py`, with the working
directory set to LAMBDA_TASK_ROOT. It imports the function's handler once (the cold start), then loops
forever over the AWS Lambda Runtime API: GET the next event, call the handler, POST the result or error.

Contract:
  AWS_LAMBDA_RUNTIME_API   host:port of the Runtime API (paths under /2018-06-01/runtime)
  _HANDLER                 "module.function"; the module may be "dir/mod" or "pkg.mod"
  LAMBDA_TASK_ROOT         the code directory, put first on sys.path (defaults to the working directory)
  AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_VERSION, AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  AWS_LAMBDA_LOG_GROUP_NAME, AWS_LAMBDA_LOG_STREAM_NAME   exposed on the context object
- The event is the request body parsed as JSON (an empty body is None); a body that is not JSON is
  answered with a Runtime.UnmarshalError, a result json.dumps cannot encode with Runtime.MarshalError.
- Errors are posted as {"errorMessage", "errorType", "stackTrace"}, with the Lambda-Runtime-Function-Error-Type
  header set to the errorType, and logged to stderr as "[ERROR] Type: message" plus the traceback.
- A handler that cannot be loaded is reported on /runtime/init/error (Runtime.ImportModuleError,
  Runtime.UserCodeSyntaxError, Runtime.HandlerNotFound, Runtime.MalformedHandlerName, or the type of an
  exception raised at import) and the process exits with status 1.
- stdout and stderr are line-buffered and flushed before each result is posted, so every line the handler
  prints reaches Petrel before the invocation ends. The bootstrap itself writes only error reports, to stderr.
"""
import http.client
import socket
import importlib
import json
import os
import sys
import time
import traceback

API_PREFIX = "/2018-06-01/runtime"
BOOTSTRAP_FILE = os.path.abspath(__file__)


class RuntimeApi:
    """Runtime API client on one persistent (keep-alive) HTTP/1.1 connection, without timeouts."""

    def __init__(self, address):
        self.address = address
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.address)  # no timeout: /next is a long poll
                self.conn.connect()
                # small request/response pairs: send at once instead of waiting on Nagle's algorithm
                self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                self.conn.request(method, API_PREFIX + path, body, headers or {})
                response = self.conn.getresponse()
                return response, response.read()
            except ConnectionError:  # the server closed an idle connection: reconnect once
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise

    def next(self):
        response, body = self.request("GET", "/invocation/next")
        if response.status != 200:
            raise RuntimeError("Runtime API /invocation/next answered %d: %r" % (response.status, body[:200]))
        return response.headers, body

    def post(self, path, payload, error_type=None):
        headers = {"Content-Type": "application/json"}
        if error_type:
            headers["Lambda-Runtime-Function-Error-Type"] = error_type.encode("ascii", "replace")
        self.request("POST", path, payload.encode("utf-8"), headers)


class Fault(Exception):
    """An error the runtime reports itself, with a Lambda errorType such as Runtime.ImportModuleError."""

    def __init__(self, error_type, message, stack=()):
        super().__init__(message)
        self.body = {"errorMessage": message, "errorType": error_type, "stackTrace": list(stack)}


def error_body(exc):
    """The Runtime API error body of an exception; logs it to stderr the way Lambda does."""
    if isinstance(exc, Fault):
        body = exc.body
    else:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if os.path.abspath(f.filename) != BOOTSTRAP_FILE and not f.filename.startswith("<frozen")]
        body = {"errorMessage": str(exc), "errorType": type(exc).__name__,
                "stackTrace": traceback.format_list(frames)}
    trace = "".join(body["stackTrace"])
    sys.stderr.write("[ERROR] %s: %s\n%s" % (body["errorType"], body["errorMessage"],
                                             "Traceback (most recent call last):\n" + trace if trace else ""))
    flush_output()
    return body


def flush_output():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def load_handler(spec):
    modname, _, fname = spec.rpartition(".")
    if not modname or not fname:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '%s': expected 'module.function'" % spec)
    try:
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        raise Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (modname, e),
                    ['  File "%s" Line %s\n    %s\n' % (e.filename, e.lineno, (e.text or "").strip())])
    handler = getattr(module, fname, None)
    if not callable(handler):
        raise Fault("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (fname, modname))
    return handler


class CognitoIdentity:
    def __init__(self, data):
        self.cognito_identity_id = data.get("cognitoIdentityId")
        self.cognito_identity_pool_id = data.get("cognitoIdentityPoolId")


class ClientContext:
    def __init__(self, data):
        self.client = data.get("client")
        self.custom = data.get("custom")
        self.env = data.get("env")


class LambdaContext:
    """The handler's context argument, with the attributes of Lambda's Python context object."""
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
    function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
    memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") or 128)
    log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
    log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")

    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)
        client_context = headers.get("Lambda-Runtime-Client-Context")
        self.client_context = ClientContext(json.loads(client_context)) if client_context else None
        self.identity = CognitoIdentity(json.loads(headers.get("Lambda-Runtime-Cognito-Identity") or "{}"))

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def invoke(handler, headers, body):
    """Runs one invocation: returns ("response", json) or ("error", error body)."""
    try:
        event = json.loads(body) if body else None
        context = LambdaContext(headers)
    except (ValueError, AttributeError, RecursionError) as e:
        return "error", error_body(Fault("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % e))
    try:
        result = handler(event, context)
    except Exception as e:
        return "error", error_body(e)
    try:
        return "response", json.dumps(result)
    except (TypeError, ValueError, RecursionError) as e:
        return "error", error_body(Fault("Runtime.MarshalError", "Unable to marshal response: %s" % e))


def main():
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(line_buffering=True)
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(BOOTSTRAP_FILE):
        del sys.path[0]  # the bootstrap's own directory must not shadow user modules
    sys.path.insert(0, task_root)
    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as e:
        body = error_body(e)
        api.post("/init/error", json.dumps(body), body["errorType"])
        sys.exit(1)
    while True:
        headers, body = api.next()
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        kind, payload = invoke(handler, headers, body)
        flush_output()
        if kind == "response":
            api.post("/invocation/%s/response" % request_id, payload)
        else:
            api.post("/invocation/%s/error" % request_id, json.dumps(payload), payload["errorType"])


if __name__ == "__main__":
    main()
